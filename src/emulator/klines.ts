/**
 * Binance klines aggregated on demand from the trade log of the generated market. A bucket without trades is flat at
 * the previous close with volume 0, as Binance reports it (the official klines of shared/realdata show such minutes);
 * the helpers below also serve exchanges that leave such buckets out (bucketRanges).
 */
import { formatUnits } from './decimal';
import type { SymbolSpec } from './symbols';
import { tradeCount, type TradeLog } from './tradeLog';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-05, the first Monday after the epoch: Binance weeks open on Monday 00:00 UTC. */
const MONDAY_OFFSET = 4 * DAY;

const FIXED_INTERVALS: Readonly<Record<string, number>> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
};

export const KLINE_INTERVALS: readonly string[] = [...Object.keys(FIXED_INTERVALS), '1w', '1M'];

export function isKlineInterval(interval: string): boolean {
  return KLINE_INTERVALS.includes(interval);
}

/** Open time of the bucket containing `ts`. */
export function bucketStart(interval: string, ts: number): number {
  const fixed = FIXED_INTERVALS[interval];
  if (fixed !== undefined) return Math.floor(ts / fixed) * fixed;
  if (interval === '1w') return Math.floor((ts - MONDAY_OFFSET) / WEEK) * WEEK + MONDAY_OFFSET;
  if (interval === '1M') {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  throw new Error(`Invalid interval '${interval}'`);
}

/** Open time of the bucket after the one opening at `open`. */
export function nextBucketStart(interval: string, open: number): number {
  const fixed = FIXED_INTERVALS[interval];
  if (fixed !== undefined) return open + fixed;
  if (interval === '1w') return open + WEEK;
  if (interval === '1M') {
    const d = new Date(open);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  throw new Error(`Invalid interval '${interval}'`);
}

/** One Binance kline row: 12 fields, prices and volumes as 8-decimal strings. */
export type KlineRow = [
  openTime: number,
  open: string,
  high: string,
  low: string,
  close: string,
  volume: string,
  closeTime: number,
  quoteVolume: string,
  trades: number,
  takerBuyBaseVolume: string,
  takerBuyQuoteVolume: string,
  ignore: string,
];

export interface KlineQuery {
  readonly interval: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

/** The numbers of one kline, in the symbol's integer units. */
export interface KlineUnits {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quote: bigint;
  readonly count: number;
  readonly buyVolume: number;
  readonly buyQuote: bigint;
}

/** Formats a kline opening at `open` as Binance's 12-field row. */
export function klineRow(spec: SymbolSpec, interval: string, open: number, k: KlineUnits): KlineRow {
  const { pricePrecision: pp, amountPrecision: ap } = spec;
  return [
    open,
    formatUnits(k.open, pp),
    formatUnits(k.high, pp),
    formatUnits(k.low, pp),
    formatUnits(k.close, pp),
    formatUnits(k.volume, ap),
    nextBucketStart(interval, open) - 1,
    formatUnits(k.quote, pp + ap),
    k.count,
    formatUnits(k.buyVolume, ap),
    formatUnits(k.buyQuote, pp + ap),
    '0',
  ];
}

/** The kline of the log's trades [from, to) (to > from). */
export function tradesKline(log: TradeLog, from: number, to: number): KlineUnits {
  const s = log.rangeStats(from, to);
  return { ...s, count: tradeCount(log, from, to) };
}

/** One bucket of the trade log: its open time and the log indexes [from, to) of its trades. */
export interface BucketRange {
  readonly open: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Buckets (with trades) whose open time lies in [firstOpen, lastOpen], oldest first: with `oldestFirst` the oldest
 * `limit` of them, otherwise the newest `limit`. Buckets without trades are left out. With `asOf`, only the trades
 * up to that time count (an exchange whose candles lag behind its trades).
 */
export function bucketRanges(log: TradeLog, interval: string, query: { firstOpen?: number; lastOpen?: number; limit: number; oldestFirst: boolean; asOf?: number }): BucketRange[] {
  const { firstOpen, lastOpen, limit } = query;
  const out: BucketRange[] = [];
  const length = query.asOf === undefined ? log.length : log.upperBound(query.asOf);
  if (length === 0 || limit <= 0) return out;
  if (query.oldestFirst) {
    let i = firstOpen === undefined ? 0 : log.lowerBound(firstOpen);
    while (i < length && out.length < limit) {
      const open = bucketStart(interval, log.at(i).timestamp);
      if (lastOpen !== undefined && open > lastOpen) break;
      const j = log.lowerBound(nextBucketStart(interval, open), i, length);
      out.push({ open, from: i, to: j });
      i = j;
    }
    return out;
  }
  let j = lastOpen === undefined ? length : Math.min(length, log.lowerBound(nextBucketStart(interval, bucketStart(interval, lastOpen))));
  while (j > 0 && out.length < limit) {
    const open = bucketStart(interval, log.at(j - 1).timestamp);
    if (firstOpen !== undefined && open < firstOpen) break;
    const i = log.lowerBound(open, 0, j);
    out.push({ open, from: i, to: j });
    j = i;
  }
  return out.reverse();
}

/**
 * Klines whose open time lies in [startTime, endTime], like Binance: with startTime the oldest `limit` from there,
 * otherwise the newest `limit` up to endTime (or now). The in-progress candle is included, and so is every bucket
 * without trades from the market's first trade on: flat at the previous close with volume 0.
 */
export function buildKlines(log: TradeLog, query: KlineQuery, now: number): KlineRow[] {
  const { interval, startTime, endTime, limit } = query;
  if (log.length === 0 || limit <= 0) return [];
  const first = bucketStart(interval, log.at(0).timestamp);
  // A generated trade may stamp a millisecond past `now`; its bucket is then the one in progress.
  const newest = Math.max(now, log.at(log.length - 1).timestamp);
  const last = bucketStart(interval, endTime === undefined ? newest : Math.min(newest, endTime));
  return bucketOpens(interval, first, last, startTime, limit).map((open) => klineRow(log.spec, interval, open, bucketKline(log, open, nextBucketStart(interval, open))));
}

/**
 * The open times of the buckets a kline query answers, in [first, last]: with `startTime` the oldest `limit` from it
 * (a startTime inside a bucket starts at the next), otherwise the newest `limit`, oldest first.
 */
export function bucketOpens(interval: string, first: number, last: number, startTime: number | undefined, limit: number): number[] {
  const opens: number[] = [];
  if (startTime !== undefined) {
    const from = Math.max(first, bucketStart(interval, startTime) === startTime ? startTime : nextBucketStart(interval, bucketStart(interval, startTime)));
    for (let open = from; open <= last && opens.length < limit; open = nextBucketStart(interval, open)) opens.push(open);
  } else {
    for (let open = last; open >= first && opens.length < limit; open = bucketStart(interval, open - 1)) opens.push(open);
    opens.reverse();
  }
  return opens;
}

/** A bucket without trades: flat at the close of the trade before it (index `before`), volume 0. */
export function flatKline(log: TradeLog, before: number): KlineUnits {
  const close = log.priceUnitsAt(before);
  return { open: close, high: close, low: close, close, volume: 0, quote: 0n, count: 0, buyVolume: 0, buyQuote: 0n };
}

/** The kline of [open, next): its trades, or flat at the previous close with volume 0 (open is not before the first trade). */
function bucketKline(log: TradeLog, open: number, next: number): KlineUnits {
  const from = log.lowerBound(open);
  const to = log.lowerBound(next, from);
  return to > from ? tradesKline(log, from, to) : flatKline(log, from - 1);
}
