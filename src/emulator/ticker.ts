/** Rolling 24h statistics from the trade log plus the book's best levels, in Binance REST and WS shapes. */
import { CommonPrice } from './commonPrice';
import { formatUnits } from './decimal';
import type { LevelUnits, OrderBook } from './orderBook';
import type { SymbolSpec } from './symbols';
import { tradeCount, type TradeLog } from './tradeLog';

const DAY = 24 * 60 * 60 * 1000;

export interface TickerStats {
  readonly symbol: string;
  readonly openTime: number;
  readonly closeTime: number;
  readonly priceChange: string;
  readonly priceChangePercent: string;
  readonly weightedAvgPrice: string;
  readonly prevClosePrice: string;
  readonly lastPrice: string;
  readonly lastQty: string;
  readonly bidPrice: string;
  readonly bidQty: string;
  readonly askPrice: string;
  readonly askQty: string;
  readonly openPrice: string;
  readonly highPrice: string;
  readonly lowPrice: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly firstId: number;
  readonly lastId: number;
  readonly count: number;
}

/** Which trades the 24 h window holds now (its first and last trade ids): the statistics change when it does. */
export function windowKey(log: TradeLog, now: number): string {
  const to = log.length;
  if (to === 0) return '';
  const from = log.upperBound(Math.max(now, log.last()?.timestamp ?? 0) - DAY);
  return from < to ? `${log.firstTradeIdAt(from)}:${log.lastTradeIdAt(to - 1)}` : '';
}

type TickerCommon = Pick<TickerStats, 'symbol' | 'openTime' | 'closeTime' | 'prevClosePrice' | 'lastPrice' | 'lastQty' | 'bidPrice' | 'bidQty' | 'askPrice' | 'askQty'>;

/** Statistics of trades in (ref - 24h, ref], with ref = max(now, last trade time). */
export function tickerStats(log: TradeLog, book: OrderBook, now: number): TickerStats {
  const { pricePrecision: pp, amountPrecision: ap } = log.spec;
  const price = (units: number): string => formatUnits(units, pp);
  const qty = (units: number): string => formatUnits(units, ap);
  const last = log.last();
  const closeTime = Math.max(now, last?.timestamp ?? 0);
  const openTime = closeTime - DAY;
  const from = log.upperBound(openTime);
  const to = log.length;
  const lastUnits = log.lastPriceUnits() ?? 0;
  const prevUnits = from > 0 ? log.priceUnitsAt(from - 1) : 0;
  const bid: LevelUnits = book.bestBid() ?? [0, 0];
  const ask: LevelUnits = book.bestAsk() ?? [0, 0];
  const common: TickerCommon = {
    symbol: log.spec.id,
    openTime,
    closeTime,
    prevClosePrice: price(prevUnits),
    lastPrice: price(lastUnits),
    lastQty: qty(to > 0 ? log.amountUnitsAt(to - 1) : 0),
    bidPrice: price(bid[0]),
    bidQty: qty(bid[1]),
    askPrice: price(ask[0]),
    askQty: qty(ask[1]),
  };
  if (from >= to) return { ...common, ...withoutTrades(log.spec, lastUnits) };
  const s = log.rangeStats(from, to);
  const scale = 10 ** (pp + ap);
  const weighted = s.volume > 0 ? Number(s.quote) / scale / (s.volume / 10 ** ap) : 0;
  return {
    ...common,
    priceChange: price(s.close - s.open),
    priceChangePercent: ((100 * (s.close - s.open)) / s.open).toFixed(3),
    weightedAvgPrice: weighted.toFixed(8),
    openPrice: price(s.open),
    highPrice: price(s.high),
    lowPrice: price(s.low),
    volume: qty(s.volume),
    quoteVolume: formatUnits(s.quote, pp + ap),
    firstId: log.firstTradeIdAt(from),
    lastId: log.lastTradeIdAt(to - 1),
    count: tradeCount(log, from, to),
  };
}

/** The statistics of a window without trades: the last price all day, nothing traded. */
function withoutTrades(spec: SymbolSpec, lastUnits: number): Omit<TickerStats, keyof TickerCommon> {
  const price = (units: number): string => formatUnits(units, spec.pricePrecision);
  return {
    priceChange: price(0),
    priceChangePercent: '0.000',
    weightedAvgPrice: price(0),
    openPrice: price(lastUnits),
    highPrice: price(lastUnits),
    lowPrice: price(lastUnits),
    volume: formatUnits(0, spec.amountPrecision),
    quoteVolume: formatUnits(0, spec.pricePrecision + spec.amountPrecision),
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}

/**
 * A listed market whose simulation never started (the real-size universe's idle ones, as illiquid as a market gets):
 * no trade in 24 h, its price the asset's common price now, its book not built. So an answer for every market does
 * not start thousands of simulations.
 */
export function idleTickerStats(spec: SymbolSpec, now: number): TickerStats {
  const lastUnits = Math.max(1, Math.round(new CommonPrice(spec.base, spec.startPrice).at(now) * 10 ** spec.pricePrecision));
  const price = formatUnits(lastUnits, spec.pricePrecision);
  const none = formatUnits(0, spec.pricePrecision);
  const noQty = formatUnits(0, spec.amountPrecision);
  const common: TickerCommon = { symbol: spec.id, openTime: now - DAY, closeTime: now, prevClosePrice: price, lastPrice: price, lastQty: noQty, bidPrice: none, bidQty: noQty, askPrice: none, askQty: noQty };
  return { ...common, ...withoutTrades(spec, lastUnits) };
}

/** GET /api/v3/ticker/24hr body for one symbol. */
export function restTicker(t: TickerStats): Record<string, string | number> {
  return {
    symbol: t.symbol,
    priceChange: t.priceChange,
    priceChangePercent: t.priceChangePercent,
    weightedAvgPrice: t.weightedAvgPrice,
    prevClosePrice: t.prevClosePrice,
    lastPrice: t.lastPrice,
    lastQty: t.lastQty,
    bidPrice: t.bidPrice,
    bidQty: t.bidQty,
    askPrice: t.askPrice,
    askQty: t.askQty,
    openPrice: t.openPrice,
    highPrice: t.highPrice,
    lowPrice: t.lowPrice,
    volume: t.volume,
    quoteVolume: t.quoteVolume,
    openTime: t.openTime,
    closeTime: t.closeTime,
    firstId: t.firstId,
    lastId: t.lastId,
    count: t.count,
  };
}

/** `<symbol>@ticker` event (24hrTicker). */
export function wsTicker(t: TickerStats, eventTime: number): Record<string, string | number> {
  return {
    e: '24hrTicker',
    E: eventTime,
    s: t.symbol,
    p: t.priceChange,
    P: t.priceChangePercent,
    w: t.weightedAvgPrice,
    x: t.prevClosePrice,
    c: t.lastPrice,
    Q: t.lastQty,
    b: t.bidPrice,
    B: t.bidQty,
    a: t.askPrice,
    A: t.askQty,
    o: t.openPrice,
    h: t.highPrice,
    l: t.lowPrice,
    v: t.volume,
    q: t.quoteVolume,
    O: t.openTime,
    C: t.closeTime,
    F: t.firstId,
    L: t.lastId,
    n: t.count,
  };
}

/** `<symbol>@miniTicker` event (24hrMiniTicker). */
export function wsMiniTicker(t: TickerStats, eventTime: number): Record<string, string | number> {
  return { e: '24hrMiniTicker', E: eventTime, s: t.symbol, c: t.lastPrice, o: t.openPrice, h: t.highPrice, l: t.lowPrice, v: t.volume, q: t.quoteVolume };
}
