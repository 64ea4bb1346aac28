/**
 * The exchange's answer to a subscribe, which ccxt (measured against 4.5.84) reads and forgets: every exchange we
 * stream from answers a subscribe before its first data, and ccxt hands that answer to the exchange's
 * `handleSubscriptionStatus`. After a reconnect, a stream whose market is quiet has nothing else to show that the
 * exchange streams it again (see WatchLoopOptions.confirmed). What each answer looks like, per the exchange's docs:
 * - Binance spot: `{"result":null,"id":N}`, N the id of the SUBSCRIBE; ccxt keeps `{id: N}` under each hash it sent.
 * - Bybit v5: `{"success":true,"op":"subscribe","req_id":"N",…}`; ccxt keeps `{id: N, topics}` under each hash.
 * - Coinbase Advanced Trade: a `subscriptions` message listing every channel and product the connection holds.
 * A refused subscribe is an error answer, which ccxt hands to its error path instead (Binance, Bybit) or which
 * coinbaseRefusals routes (Coinbase): a refused stream is never confirmed.
 */
import type { StreamKind } from '../keys';
import type { ProExchange } from './ccxtLoader';
import { parseCoinbaseHash, productIdOf } from './coinbaseHash';

interface WsClient {
  readonly subscriptions: Record<string, unknown>;
}

interface ExchangeInternals {
  handleSubscriptionStatus?: (client: WsClient, message: unknown) => unknown;
  markets?: Record<string, { id?: unknown } | undefined>;
}

/** The ccxt subscription hashes an answer confirms on its socket. */
type AnswerReader = (ex: ExchangeInternals, client: WsClient, message: Record<string, unknown>) => string[];

const READERS: Readonly<Record<string, AnswerReader>> = {
  binance: (_ex, client, m) => (m.result === null && isId(m.id) ? hashesWithId(client, String(m.id)) : []),
  bybit: (_ex, client, m) => (m.success === true && m.op === 'subscribe' && isId(m.req_id) ? hashesWithId(client, String(m.req_id)) : []),
  coinbase: (ex, client, m) => (m.channel === 'subscriptions' ? coinbaseListed(ex, client, m.events) : []),
};

/**
 * ccxt's subscription hash of a stream whose confirmation we read (ccxt 4.5.84's keys; the integration tests run real
 * ccxt, so a renamed key shows there). Trades only: an order book and a ticker send a snapshot at every subscribe on
 * these exchanges (Binance's book after its REST snapshot), so their first update comes at once, quiet market or not,
 * and a book must not read live while it still shows the one from before the drop.
 */
export function subscribeHashOf(exchangeId: string, kind: StreamKind, symbol: string): string | undefined {
  if (kind !== 'trades') return undefined;
  switch (exchangeId) {
    case 'binance':
      return `trade::${symbol}`;
    case 'bybit':
      return `trade:${symbol}`;
    case 'coinbase':
      return `market_trades::${symbol}`;
    default:
      return undefined;
  }
}

/** Waits for the exchange's answers to subscribes, by ccxt subscription hash. */
export class SubscribeConfirmations {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves true at the next answer confirming `hash`, false once `signal` aborts first (the wait is then gone). */
  next(hash: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiters = this.waiting.get(hash) ?? new Set<() => void>();
      this.waiting.set(hash, waiters);
      const end = (confirmed: boolean) => {
        waiters.delete(confirm);
        if (waiters.size === 0 && this.waiting.get(hash) === waiters) this.waiting.delete(hash);
        signal.removeEventListener('abort', aborted);
        resolve(confirmed);
      };
      const confirm = () => end(true);
      const aborted = () => end(false);
      waiters.add(confirm);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  confirmed(hashes: readonly string[]): void {
    for (const hash of hashes) for (const confirm of [...(this.waiting.get(hash) ?? [])]) confirm();
  }

  /** How many waits are open (for tests: every wait ends). */
  get waits(): number {
    let n = 0;
    for (const waiters of this.waiting.values()) n += waiters.size;
    return n;
  }
}

/**
 * Hands every subscribe answer of `exchange` that confirms subscriptions to `confirmations`, after ccxt's own handling
 * of it. An exchange whose answers we cannot read gets no hook: its streams are live again with their next update.
 */
export function readSubscribeConfirmations(exchange: ProExchange, exchangeId: string, confirmations: SubscribeConfirmations): void {
  const read = READERS[exchangeId];
  const ex = exchange as unknown as ExchangeInternals;
  const original = ex.handleSubscriptionStatus?.bind(ex);
  if (read === undefined || original === undefined) return;
  ex.handleSubscriptionStatus = (client, message) => {
    const result = original(client, message);
    if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
      const hashes = read(ex, client, message as Record<string, unknown>);
      if (hashes.length > 0) confirmations.confirmed(hashes);
    }
    return result;
  };
}

const isId = (id: unknown): id is string | number => typeof id === 'string' || typeof id === 'number';

/** The hashes whose subscription ccxt sent with request id `id` (one SUBSCRIBE may carry several). */
function hashesWithId(client: WsClient, id: string): string[] {
  const out: string[] = [];
  for (const [hash, subscription] of Object.entries(client.subscriptions)) {
    const subId = typeof subscription === 'object' && subscription !== null ? (subscription as { id?: unknown }).id : undefined;
    if (isId(subId) && String(subId) === id) out.push(hash);
  }
  return out;
}

/** The socket's market-channel hashes whose every product the `subscriptions` message lists under that channel. */
function coinbaseListed(ex: ExchangeInternals, client: WsClient, events: unknown): string[] {
  const first: unknown = Array.isArray(events) ? events[0] : undefined;
  const listed = typeof first === 'object' && first !== null ? (first as { subscriptions?: unknown }).subscriptions : undefined;
  if (typeof listed !== 'object' || listed === null) return [];
  const byChannel = listed as Record<string, unknown>;
  const out: string[] = [];
  for (const hash of Object.keys(client.subscriptions)) {
    const parsed = parseCoinbaseHash(hash);
    const products = parsed === undefined ? undefined : byChannel[parsed.channel];
    if (parsed === undefined || !Array.isArray(products)) continue;
    if (parsed.symbols.every((s) => products.includes(productIdOf(ex.markets, s)))) out.push(hash);
  }
  return out;
}
