/**
 * Bybit's orderbook topics number their messages: each one's `u` is one more than the topic's previous message ("u:
 * Update ID. Is a sequence"), and a snapshot starts the book over (after a restart with u = 1). ccxt (4.5.84) applies
 * every delta whatever its u, so a lost delta left its copy of the book without it for good (the book panel showed a
 * book the exchange never held, `bookResyncFaults.test.ts`). Here a delta out of sequence (or before any snapshot) is
 * kept from ccxt, as are the topic's deltas after it until a snapshot, and the book's watch fails with an
 * OrderBookGapError: the client unsubscribes it and the stream takes a new snapshot. `orderbook.1` sends snapshots
 * only, so it never has a gap.
 */
import { OrderBookGapError } from '../errors';
import type { ProExchange } from './ccxtLoader';

interface WsClient {
  readonly url: string;
  reject(error: unknown, messageHash?: string): unknown;
}

interface BybitInternals {
  handleOrderBook(client: WsClient, message: unknown): unknown;
  safeMarket(marketId: string, market?: unknown, delimiter?: unknown, marketType?: string): { symbol?: unknown };
}

/** The topic's last u, or 'gap' while its deltas wait for a snapshot. */
type TopicSequence = number | 'gap';

export function resyncBybitBooksOnGaps(exchange: ProExchange): void {
  const ex = exchange as unknown as BybitInternals;
  const original = ex.handleOrderBook.bind(ex);
  // Per socket: a new one starts each topic with a snapshot.
  const sequences = new WeakMap<WsClient, Map<string, TopicSequence>>();
  ex.handleOrderBook = (client, message) => {
    const read = readMessage(message);
    // Anything unreadable goes to ccxt as it is: what it makes of it is validated downstream.
    if (read === undefined) return original(client, message);
    let topics = sequences.get(client);
    if (topics === undefined) {
      topics = new Map();
      sequences.set(client, topics);
    }
    const last = topics.get(read.topic);
    if (read.type === 'snapshot' || (typeof last === 'number' && read.u === last + 1)) {
      topics.set(read.topic, read.u);
      return original(client, message);
    }
    if (last === 'gap') return undefined;
    topics.set(read.topic, 'gap');
    const symbol = ex.safeMarket(read.marketId, undefined, undefined, client.url.includes('spot') ? 'spot' : 'contract').symbol;
    if (typeof symbol !== 'string') return undefined;
    const detail = last === undefined ? `${read.topic}: a delta (u ${read.u}) before any snapshot` : `${read.topic}: u ${read.u} came after ${last}: ${read.u - last - 1} message(s) lost`;
    client.reject(new OrderBookGapError('bybit', symbol, detail), `orderbook:${symbol}`);
    return undefined;
  };
}

function readMessage(message: unknown): { topic: string; type: 'snapshot' | 'delta'; u: number; marketId: string } | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { topic, type, data } = message as { topic?: unknown; type?: unknown; data?: unknown };
  if (typeof topic !== 'string' || (type !== 'snapshot' && type !== 'delta') || typeof data !== 'object' || data === null) return undefined;
  const { u, s } = data as { u?: unknown; s?: unknown };
  if (typeof u !== 'number' || !Number.isSafeInteger(u) || typeof s !== 'string') return undefined;
  return { topic, type, u, marketId: s };
}
