/**
 * Coinbase answers a subscription it refuses (a product it no longer trades, from markets cached before the delisting)
 * with an error frame: `{ type: 'error', message: 'Failed to subscribe', reason: 'GONE-USD is not a valid product' }`.
 * ccxt (4.5.84) throws it from handleMessage, and its socket client then rejects **every** watch of the socket: one
 * bad favourite made every Coinbase chart, book and price row reconnect, and its own watch, whose subscription ccxt
 * still counted as sent, waited forever. This hook hands a refusal that names products only to the watches of those
 * products, as a SubscriptionRefusedError (the stream fails with the reason), and forgets their subscriptions so a
 * later watch asks again. A frame that names none of the socket's products keeps ccxt's behaviour.
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

/** `onRefused` hears the unified symbols refused (the markets may be stale: a refresh is worth starting). */
export function routeCoinbaseRefusals(exchange: ProExchange, onRefused: (symbols: readonly string[]) => void): void {
  const ex = exchange as unknown as CoinbaseInternals;
  const original = ex.handleMessage.bind(ex);
  ex.handleMessage = (client, message) => {
    const text = refusalText(message);
    if (text === undefined) return original(client, message);
    const named = new Set(text.match(/[A-Za-z0-9][A-Za-z0-9-]*/g) ?? []);
    const refused = new Map<string, string[]>();
    for (const hash of Object.keys(client.subscriptions)) {
      const hit = (parseCoinbaseHash(hash)?.symbols ?? []).filter((s) => {
        const id = productIdOf(ex.markets, s);
        return id !== undefined && named.has(id);
      });
      if (hit.length > 0) refused.set(hash, hit);
    }
    if (refused.size === 0) return original(client, message);
    const symbols = new Set<string>();
    for (const [hash, hit] of refused) {
      delete client.subscriptions[hash];
      // An unsubscribe the server refuses (it never held the product) is no news about the markets.
      if (!hash.startsWith('unsubscribe:')) for (const s of hit) symbols.add(s);
      client.reject(new SubscriptionRefusedError('coinbase', hit, text), hash);
    }
    if (symbols.size > 0) onRefused([...symbols]);
    return undefined;
  };
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
