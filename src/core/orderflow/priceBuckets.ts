/** Price buckets of a footprint or a profile: the market's tick size × a whole multiple, on an integer grid. */
import { decimalsOf } from '../../shared/util/decimals';

export interface PriceBuckets {
  readonly tickSize: number;
  readonly multiple: number;
}

/** Validates a bucket spec; the error names what is wrong. */
export function priceBuckets(tickSize: number, multiple: number): PriceBuckets {
  if (!(tickSize > 0) || !Number.isFinite(tickSize)) throw new RangeError(`price buckets need a positive tick size (got ${tickSize})`);
  if (!Number.isInteger(multiple) || multiple < 1) throw new RangeError(`price buckets need a whole multiple ≥ 1 of the tick (got ${multiple})`);
  return { tickSize, multiple };
}

/**
 * The bucket holding `price`: prices are scaled to whole ticks first, so float noise (0.1 + 0.2) never splits a
 * bucket; a bucket is named by its lowest price.
 */
export function bucketIndex(price: number, b: PriceBuckets): number {
  return Math.floor(Math.round(price / b.tickSize) / b.multiple);
}

/**
 * The lowest price of bucket `index`, rounded to the tick's decimals: a whole number of 10^-decimals divided once,
 * which is the double nearest that decimal (what parsing its text would give), without formatting a string.
 */
export function bucketPrice(index: number, b: PriceBuckets, decimals = decimalsOf(b.tickSize)): number {
  const scale = 10 ** decimals;
  const units = index * b.multiple * Math.round(b.tickSize * scale);
  if (decimals > 15 || !Number.isSafeInteger(units)) return Number((index * b.multiple * b.tickSize).toFixed(decimals));
  return units / scale;
}

const NICE = [1, 2, 5] as const;

/** The smallest 1-2-5 multiple of the tick (1, 2, 5, 10, 20, 50…) covering `target` price units; 1 when unknown. */
function niceMultiple(tickSize: number, target: number): number {
  if (!(tickSize > 0) || !(target > 0)) return 1;
  const ticks = target / tickSize;
  for (let scale = 1; scale < 1e15; scale *= 10) {
    for (const n of NICE) if (n * scale >= ticks) return n * scale;
  }
  return 1;
}

/** A multiple of at least `relative` of the price (1 bp by default: 10 USDT at 100,000, 0.3 at 3,000). */
export function autoMultiple(tickSize: number, price: number, relative = 1e-4): number {
  return niceMultiple(tickSize, price * relative);
}

/**
 * The automatic multiple for a chart: a typical bar (the median high − low of recent bars) split into about `rows`
 * buckets, so cells stay readable on any market and timeframe; the 1 bp rule when there are no bars to measure.
 */
export function autoMultipleForBars(tickSize: number, bars: ReadonlyArray<{ readonly high: number; readonly low: number; readonly close: number }>, rows = 14): number {
  const ranges = bars.map((b) => b.high - b.low).filter((r) => r > 0).sort((a, b) => a - b);
  const median = ranges[Math.floor(ranges.length / 2)];
  if (median === undefined) return autoMultiple(tickSize, bars.at(-1)?.close ?? 0);
  return niceMultiple(tickSize, median / rows);
}
