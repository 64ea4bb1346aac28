/** A gap backfill never lets a missing or lagging kline replace trades a chart already held (Coinbase's candles lag). */
import { bucketStart, nextBucketStart, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';

/** Buckets [from, until) whose bars are partial until the exchange's own klines cover what was held in them. */
export interface UnsettledRange {
  readonly from: number;
  readonly until: number;
}

/**
 * Whether a bar the exchange reports holds at least the trades of a bar built from real trades of the same bucket
 * (its volume, high and low; volumes to 1e-9 relative, as float sums differ in the last bits).
 */
export function covers(exchange: Candle | undefined, held: Candle): boolean {
  if (!exchange) return held.volume <= 0;
  return exchange.volume >= held.volume * (1 - 1e-9) - 1e-12 && exchange.high >= held.high && exchange.low <= held.low;
}

export interface HeldCheck {
  readonly timeframe: Timeframe;
  /** The bars the series held from the gap's bucket on, before the backfill (only those with trades count). */
  readonly held: readonly Candle[];
  /** The rebuilt bar of a bucket, counting REST data up to `horizon` only. */
  readonly rebuiltAtHorizon: (time: number) => Candle | undefined;
  /** The rebuilt bars from the gap's bucket on, everything applied. */
  readonly rebuilt: readonly Candle[];
  /** Every held trade is at or before this time; `later` are the REST and live trades after it. */
  readonly horizon: number;
  readonly later: readonly Trade[];
  /** The bucket in progress at the seam, and the seam minute (klines cover the buckets before it). */
  readonly start: number;
  readonly seamMinute: number;
}

/**
 * The bars to install, keeping what was held where the rebuild lost it: from the first held bar the rebuild does
 * not cover on, every bucket that came from klines is partial (newer klines lag at least as much), a held bar
 * stays as held plus the later trades of its bucket, and the first says since when (the horizon) it may lack
 * trades. Returns undefined when the rebuild covers every held bar (nothing to keep), else the bars and the range
 * to settle from the exchange's klines once they cover it.
 */
export function keepHeldBars(check: HeldCheck): { readonly bars: Candle[]; readonly range: UnsettledRange } | undefined {
  const { timeframe: tf, held, rebuilt, horizon, start, seamMinute } = check;
  const lost = held.filter((h) => h.volume > 0 && !covers(check.rebuiltAtHorizon(h.time), h));
  const first = lost[0];
  const last = lost[lost.length - 1];
  if (!first || !last) return undefined;
  const from = first.time;
  const toSeam = start < seamMinute || from === start ? nextBucketStart(tf, start) : start;
  // A trade late into a bucket before held bars puts the seam before them, and the weaker seam rebuilds them from
  // later trades only: the range reaches past the last bar lost, or those would be replaced by the rebuild's.
  const until = Math.max(toSeam, nextBucketStart(tf, last.time));
  const heldAt = new Map(held.map((h) => [h.time, h]));
  const rebuiltAt = new Map(rebuilt.map((c) => [c.time, c]));
  const times = [...new Set([...rebuilt.map((c) => c.time), ...held.map((h) => h.time)])].sort((a, b) => a - b);
  const bars: Candle[] = [];
  for (const time of times) {
    const own = heldAt.get(time);
    const made = rebuiltAt.get(time);
    if (time < from || time >= until) {
      if (made) bars.push(made);
      continue;
    }
    const bar = own && own.volume > 0 ? withTrades(tf, own, check.later, horizon) : made;
    if (!bar) continue;
    const since = time <= horizon && horizon < nextBucketStart(tf, time) ? horizon : bar.partialSince;
    bars.push(since === undefined ? { ...strip(bar), partial: true } : { ...strip(bar), partial: true, partialSince: since });
  }
  return { bars, range: { from, until } };
}

/** Two ranges to settle as one (the earlier start, the later end). */
export function mergeRanges(a: UnsettledRange | undefined, b: UnsettledRange): UnsettledRange {
  return a ? { from: Math.min(a.from, b.from), until: Math.max(a.until, b.until) } : b;
}

/**
 * `bar` with the trades of `trades` that fall in its bucket after `horizon` applied on top: one at or before it is
 * held already (a reconnect's stream sends again what it had pushed).
 */
function withTrades(tf: Timeframe, bar: Candle, trades: readonly Trade[], horizon: number): Candle {
  let { high, low, close, volume } = bar;
  for (const t of trades) {
    if (t.timestamp <= horizon || bucketStart(tf, t.timestamp) !== bar.time) continue;
    if (t.price > high) high = t.price;
    if (t.price < low) low = t.price;
    close = t.price;
    volume += t.amount;
  }
  return { time: bar.time, open: bar.open, high, low, close, volume };
}

function strip(c: Candle): Candle {
  return { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}

/**
 * The rebuilt bars, with each closed bar the series held whose rebuild differs from it only by float noise (its volume
 * within 1e-9 relative, its prices the same) kept as held: a bar rebuilt from klines sums rounded volumes in another
 * order than the trades that built it, and its consumers, told it closed, would be told it was revised with no change.
 */
export function keepClosedAsHeld(rebuilt: readonly Candle[], held: readonly Candle[]): Candle[] {
  const closed = new Map(held.slice(0, -1).filter((h) => !h.partial).map((h) => [h.time, h]));
  return rebuilt.map((c) => {
    const h = closed.get(c.time);
    return h && !c.partial && sameButNoise(c, h) ? h : c;
  });
}

function sameButNoise(a: Candle, b: Candle): boolean {
  const scale = Math.max(Math.abs(a.volume), Math.abs(b.volume));
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && Math.abs(a.volume - b.volume) <= scale * 1e-9 + 1e-12;
}
