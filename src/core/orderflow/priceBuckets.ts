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

/**
 * The automatic multiple: the smallest 1-2-5 multiple of the tick whose bucket is at least `relative` of the price
 * (1 bp by default: 10 USDT at 100,000, 0.3 at 3,000), so a bar keeps a readable number of rows on any market.
 */
export function autoMultiple(tickSize: number, price: number, relative = 1e-4): number {
  if (!(tickSize > 0) || !(price > 0)) return 1;
  const target = (price * relative) / tickSize;
  for (let scale = 1; scale < 1e15; scale *= 10) {
    for (const n of NICE) if (n * scale >= target) return n * scale;
  }
  return 1;
}
