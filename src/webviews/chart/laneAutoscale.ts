/**
 * The aggregate's open-interest and funding lanes scale to their visible values, but never to less than a least
 * range around them: a nearly flat series otherwise fills the lane with sub-unit noise (an open interest of 49,489
 * read 49,489.305 / .300 / .295 on its axis, finer than its own tag). Pure.
 */
import type { AutoscaleInfo, AutoscaleInfoProvider } from 'lightweight-charts';

/** `info` with its price range widened, about its middle, to `leastRange(middle)` when narrower. */
export function widenedToLeast(info: AutoscaleInfo | null, leastRange: (middle: number) => number): AutoscaleInfo | null {
  const range = info?.priceRange;
  if (!info || !range) return info;
  const middle = (range.minValue + range.maxValue) / 2;
  const least = leastRange(middle);
  if (!(range.maxValue - range.minValue < least)) return info;
  return { ...info, priceRange: { minValue: middle - least / 2, maxValue: middle + least / 2 } };
}

/** A series option widening lightweight-charts' own autoscale to `leastRange`. */
export function leastRangeAutoscale(leastRange: (middle: number) => number): AutoscaleInfoProvider {
  return (base) => widenedToLeast(base(), leastRange);
}
