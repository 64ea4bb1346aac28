/** Binance stream names and the JSON payloads pushed on them. */
import { formatUnits } from './decimal';
import type { Json } from './json';
import type { DepthUpdate, LevelUnits } from './orderBook';
import type { SymbolSpec } from './symbols';
import type { TradeLog } from './tradeLog';

export type Channel = 'trade' | 'aggTrade' | 'depth@100ms' | 'depth' | 'depth@1000ms' | 'ticker' | 'miniTicker' | 'bookTicker';
export type AllChannel = '!ticker@arr' | '!miniTicker@arr';

export const SYMBOL_CHANNELS: readonly Channel[] = ['trade', 'aggTrade', 'depth@100ms', 'depth', 'depth@1000ms', 'ticker', 'miniTicker', 'bookTicker'];
export const ALL_CHANNELS: readonly AllChannel[] = ['!ticker@arr', '!miniTicker@arr'];

export type ParsedStream = { readonly kind: 'symbol'; readonly streamId: string; readonly channel: Channel } | { readonly kind: 'all'; readonly channel: AllChannel };

/** Parses a stream name such as 'btcusdt@depth@100ms'; undefined if it is not one the emulator serves. */
export function parseStream(name: string, knownStreamIds: ReadonlySet<string>): ParsedStream | undefined {
  if ((ALL_CHANNELS as readonly string[]).includes(name)) return { kind: 'all', channel: name as AllChannel };
  const at = name.indexOf('@');
  if (at <= 0) return undefined;
  const streamId = name.slice(0, at);
  const channel = name.slice(at + 1);
  if (!knownStreamIds.has(streamId)) return undefined;
  if (!(SYMBOL_CHANNELS as readonly string[]).includes(channel)) return undefined;
  return { kind: 'symbol', streamId, channel: channel as Channel };
}

/**
 * Whether `name` is a well-formed stream name (`<lowercase symbol>@<channel>`, or an all-market stream), listed
 * symbol or not: Binance accepts a subscription to a symbol it does not list with `{result: null}` and never sends
 * anything on it; only a malformed name is refused (code 2).
 */
export function isStreamName(name: string, channels: readonly string[] = SYMBOL_CHANNELS, allStreams: readonly string[] = ALL_CHANNELS): boolean {
  if (allStreams.includes(name)) return true;
  const at = name.indexOf('@');
  return at > 0 && /^[a-z0-9]+$/.test(name.slice(0, at)) && channels.includes(name.slice(at + 1));
}

export function streamName(spec: SymbolSpec, channel: Channel): string {
  return `${spec.streamId}@${channel}`;
}

export type { Json };

/**
 * `<symbol>@trade` event of the trade at `index`. A recorded aggregate (whose individual fills are unknown) goes out
 * as one trade with its first trade id and its whole quantity.
 */
export function tradeEvent(log: TradeLog, index: number, eventTime: number): Json {
  const t = log.at(index);
  return {
    e: 'trade',
    E: eventTime,
    s: log.spec.id,
    t: log.firstTradeIdAt(index),
    p: formatUnits(log.priceUnitsAt(index), log.spec.pricePrecision),
    q: formatUnits(log.amountUnitsAt(index), log.spec.amountPrecision),
    T: t.timestamp,
    m: t.side === 'sell',
    M: true,
  };
}

/** `<symbol>@aggTrade` event: a generated trade is its own aggregate (a = f = l = its id); a recorded one has its own. */
export function aggTradeEvent(log: TradeLog, index: number, eventTime: number): Json {
  return { e: 'aggTrade', E: eventTime, s: log.spec.id, ...restAggTrade(log, index) };
}

/** REST /api/v3/aggTrades item (the stream's event carries the same fields). */
export function restAggTrade(log: TradeLog, index: number): { [key: string]: Json } {
  const t = log.at(index);
  return {
    a: t.id,
    p: formatUnits(log.priceUnitsAt(index), log.spec.pricePrecision),
    q: formatUnits(log.amountUnitsAt(index), log.spec.amountPrecision),
    f: log.firstTradeIdAt(index),
    l: log.lastTradeIdAt(index),
    T: t.timestamp,
    m: t.side === 'sell',
    M: true,
  };
}

/** REST /api/v3/trades item. */
export function restTrade(log: TradeLog, index: number): Json {
  const t = log.at(index);
  const { pricePrecision: pp, amountPrecision: ap } = log.spec;
  const price = log.priceUnitsAt(index);
  const amount = log.amountUnitsAt(index);
  return {
    id: log.firstTradeIdAt(index),
    price: formatUnits(price, pp),
    qty: formatUnits(amount, ap),
    quoteQty: formatUnits(BigInt(price) * BigInt(amount), pp + ap),
    time: t.timestamp,
    isBuyerMaker: t.side === 'sell',
    isBestMatch: true,
  };
}

export function wireLevels(spec: SymbolSpec, levels: readonly LevelUnits[]): Json {
  return levels.map(([price, qty]) => [formatUnits(price, spec.pricePrecision), formatUnits(qty, spec.amountPrecision)]);
}

/** `<symbol>@depth[@100ms]` event. */
export function depthEvent(spec: SymbolSpec, update: DepthUpdate, eventTime: number): Json {
  return {
    e: 'depthUpdate',
    E: eventTime,
    s: spec.id,
    U: update.firstUpdateId,
    u: update.finalUpdateId,
    b: wireLevels(spec, update.bids),
    a: wireLevels(spec, update.asks),
  };
}

/** `<symbol>@bookTicker` event (it has no event type, as on Binance). */
export function bookTickerEvent(spec: SymbolSpec, updateId: number, bid: LevelUnits, ask: LevelUnits): Json {
  const { pricePrecision: pp, amountPrecision: ap } = spec;
  return { u: updateId, s: spec.id, b: formatUnits(bid[0], pp), B: formatUnits(bid[1], ap), a: formatUnits(ask[0], pp), A: formatUnits(ask[1], ap) };
}
