/**
 * Binance numbers the events of its spot trade streams: a `@trade` event's `t` is the trade's id and an `@aggTrade`
 * event's `a` the aggregate's, each one more than the last of that symbol (REST pages trades by these ids, `fromId`;
 * an aggregate's first and last trade ids `f`..`l` follow the previous one's). ccxt (4.5.84) reads neither for
 * continuity, so a lost event lost its trades from the bars for good, unflagged (`binanceTradeGap.test.ts`). Here
 * each socket keeps, per stream of a symbol, the last id since the watch subscribed; a jump fails that symbol's trade
 * watch with a TradesGapError, and the stream's consumers fill the hole from REST. The first event after a
 * (re)subscribe (ccxt keeps a new subscription object for it) only sets the count. O(1) per event. Futures streams are
 * not checked: their aggregates leave out insurance-fund and ADL trades, so their ids may jump with nothing lost.
 */
import { TradesGapError } from '../errors';
import type { ProExchange } from './ccxtLoader';

interface WsClient {
  readonly subscriptions: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): unknown;
}

interface BinanceInternals {
  handleTrade(client: WsClient, message: unknown): unknown;
  isSpotUrl(client: WsClient): boolean;
  safeMarket(marketId: string, market?: unknown, delimiter?: unknown, marketType?: string): { symbol?: unknown };
}

interface Followed {
  readonly symbol: string;
  /** ccxt's subscription of the watch the count belongs to; another one is a new subscribe. */
  subscription: unknown;
  last: number;
}

export function failBinanceTradeWatchesOnIdJumps(exchange: ProExchange): void {
  const ex = exchange as unknown as BinanceInternals;
  const original = ex.handleTrade.bind(ex);
  // Per socket: a new one starts every count afresh.
  const followed = new WeakMap<WsClient, Map<string, Followed>>();
  ex.handleTrade = (client, message) => {
    const read = readEvent(message);
    if (read !== undefined && ex.isSpotUrl(client)) {
      let streams = followed.get(client);
      if (streams === undefined) {
        streams = new Map();
        followed.set(client, streams);
      }
      check(ex, client, streams, read);
    }
    return original(client, message);
  };
}

/** Before ccxt handles the event that shows the jump: its trade stays in ccxt's cache for the stream's next read. */
function check(ex: BinanceInternals, client: WsClient, streams: Map<string, Followed>, read: TradeEvent): void {
  const key = `${read.event}:${read.marketId}`;
  let stream = streams.get(key);
  if (stream === undefined) {
    const symbol = ex.safeMarket(read.marketId, undefined, undefined, 'spot').symbol;
    if (typeof symbol !== 'string') return;
    stream = { symbol, subscription: undefined, last: read.id };
    streams.set(key, stream);
  }
  const subscription = client.subscriptions[`trade::${stream.symbol}`];
  if (subscription === undefined || subscription !== stream.subscription) {
    // Not subscribed (an event in flight after an unwatch), or the first event of a new subscribe: nothing to compare.
    stream.subscription = subscription;
    stream.last = read.id;
    return;
  }
  if (read.id > stream.last + 1) {
    const lost = read.id - stream.last - 1;
    const detail = `${read.event} id ${read.id} came after ${stream.last}: ${lost} event(s) lost`;
    client.reject(new TradesGapError(`binance trade stream ${stream.symbol}`, detail), `trade::${stream.symbol}`);
  }
  // The count follows the newest event, whatever its id: after one with a wild id (refused downstream) it resumes
  // with the next true one instead of waiting for the wild id to be reached. An id at or below the last is no loss
  // (the client drops trades it has delivered).
  stream.last = read.id;
}

interface TradeEvent {
  readonly event: 'trade' | 'aggTrade';
  readonly marketId: string;
  readonly id: number;
}

function readEvent(message: unknown): TradeEvent | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { e, s, t, a } = message as { e?: unknown; s?: unknown; t?: unknown; a?: unknown };
  if (typeof s !== 'string') return undefined;
  const id = e === 'trade' ? t : e === 'aggTrade' ? a : undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return undefined;
  return { event: e as 'trade' | 'aggTrade', marketId: s, id };
}
