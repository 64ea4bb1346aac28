/**
 * Coinbase answers a subscription it refuses (a product it no longer trades, from markets cached before the delisting)
 * with an error frame: `{ type: 'error', message: 'Failed to subscribe', reason: 'GONE-USD is not a valid product' }`.
 * ccxt (4.5.84) throws it from handleMessage, and its socket client then rejects **every** watch of the socket: one
 * bad favourite made every Coinbase chart, book and price row reconnect, and its own watch, whose subscription ccxt
 * still counted as sent, waited forever. This hook hands a refusal that names products only to the watches of those
 * products, as a SubscriptionRefusedError (the stream fails with the reason), and forgets their subscriptions so a
 * later watch asks again.
 *
 * A refusal may name no product (Coinbase's feed has answered "Failed to subscribe: Invalid product ID provided").
 * Then, when the markets in use may predate a delisting, the frame is held while they are downloaded again, and goes
 * only to the watches of the socket's products the new markets no longer list as trading. Only when that finds none
 * (or the markets are too recent to doubt) does it keep ccxt's behaviour: every watch of the socket is rejected.
 */
import { SubscriptionRefusedError } from '../errors';
import type { ProExchange } from './ccxtLoader';
import { parseCoinbaseHash, productIdOf } from './coinbaseHash';

const MAX_TEXT = 300;

interface WsClient {
  subscriptions: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): unknown;
}

interface CoinbaseInternals {
  handleMessage(client: WsClient, message: unknown): unknown;
  markets?: Record<string, { id?: unknown } | undefined>;
}

export interface RefusalHooks {
  /** Unified symbols refused by name (the markets may be stale: a download is worth starting). */
  refused(symbols: readonly string[]): void;
  /**
   * Of `symbols`, those the markets downloaded again no longer list as trading; undefined when the markets in use are
   * too recent to doubt.
   */
  unlisted(symbols: readonly string[]): Promise<readonly string[]> | undefined;
}

export function routeCoinbaseRefusals(exchange: ProExchange, hooks: RefusalHooks): void {
  const ex = exchange as unknown as CoinbaseInternals;
  const original = ex.handleMessage.bind(ex);
  ex.handleMessage = (client, message) => {
    const text = refusalText(message);
    if (text === undefined) return original(client, message);
    const named = new Set(text.match(/[A-Za-z0-9][A-Za-z0-9-]*/g) ?? []);
    const refused = subscriptionsOf(client, (s) => {
      const id = productIdOf(ex.markets, s);
      return id !== undefined && named.has(id);
    });
    if (refused.size > 0) {
      const symbols = refuse(client, refused, text);
      if (symbols.length > 0) hooks.refused(symbols);
      return undefined;
    }
    const subscribed = [...new Set([...subscriptionsOf(client, () => true)].filter(([hash]) => !hash.startsWith('unsubscribe:')).flatMap(([, symbols]) => symbols))];
    const check = subscribed.length > 0 ? hooks.unlisted(subscribed) : undefined;
    if (check === undefined) return original(client, message);
    void check.then(
      (gone) => {
        const unlisted = new Set(gone);
        const hit = subscriptionsOf(client, (s) => unlisted.has(s));
        if (hit.size > 0) refuse(client, hit, `${text} (the markets downloaded again no longer list it)`);
        else rejectAll(client, () => original(client, message));
      },
      () => rejectAll(client, () => original(client, message)),
    );
    return undefined;
  };
}

/** The socket's subscriptions holding symbols that `pick` picks, with those symbols. */
function subscriptionsOf(client: WsClient, pick: (symbol: string) => boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const hash of Object.keys(client.subscriptions)) {
    const hit = (parseCoinbaseHash(hash)?.symbols ?? []).filter(pick);
    if (hit.length > 0) out.set(hash, hit);
  }
  return out;
}

/** Fails those subscriptions' watches and forgets them; returns the symbols whose subscribe (not unsubscribe) was refused. */
function refuse(client: WsClient, refused: ReadonlyMap<string, readonly string[]>, text: string): string[] {
  const symbols = new Set<string>();
  for (const [hash, hit] of refused) {
    delete client.subscriptions[hash];
    // An unsubscribe the server refuses (it never held the product) is no news about the markets.
    if (!hash.startsWith('unsubscribe:')) for (const s of hit) symbols.add(s);
    client.reject(new SubscriptionRefusedError('coinbase', hit, text), hash);
  }
  return [...symbols];
}

/** ccxt's own handling, run after the frame was held: what it throws rejects every watch of the socket, as its client does. */
function rejectAll(client: WsClient, handle: () => unknown): void {
  try {
    handle();
  } catch (err) {
    client.reject(err);
  }
}

/** The error frame's words (message and reason), or undefined for any other frame. */
function refusalText(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.type !== 'error') return undefined;
  const parts = [m.message, m.reason].filter((p): p is string => typeof p === 'string' && p.length > 0);
  if (parts.length === 0) return undefined;
  // The exchange's words end up in a panel's banner and the log: bounded, one line.
  const text = parts.join(': ').replace(/\s+/g, ' ');
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
