/** Price-axis labels that tell neighbouring ticks apart, for the panes whose values are not prices. Pure. */
import { decimalsOf } from '../../shared/util/decimals';
import { formatPrice } from '../shared/format';

/** Units from 100,000 up, largest first. */
const UNITS: readonly (readonly [number, string])[] = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/**
 * Labels that tell apart values `step` apart: grouped below 100,000 (46,081), then K, M or B with the decimals the
 * step needs (357.7K, 46.081M). A step finer than `mostDecimals` decimals of the unit gets grouped numbers instead
 * (46,080,500), so no two labels read the same ('volume' read 46.08K three times on one axis).
 */
export function steppedLabels(values: readonly number[], step: number, mostDecimals = 3): string[] {
  const top = Math.max(...values.map(Math.abs));
  const unit = top >= 100_000 ? UNITS.find(([u]) => top >= u) : undefined;
  if (unit) {
    const [size, suffix] = unit;
    const decimals = decimalsOf(step / size);
    if (decimals <= mostDecimals) return values.map((v) => (Number.isFinite(v) ? `${(v / size).toFixed(decimals)}${suffix}` : formatPrice(v, 0)));
  }
  const decimals = Math.min(mostDecimals, decimalsOf(step));
  return values.map((v) => formatPrice(v, decimals));
}

/** The smallest gap between the distinct `prices` (an axis's ticks); undefined for fewer than two. */
export function smallestGap(prices: readonly number[]): number | undefined {
  const sorted = [...new Set(prices)].sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  return Number.isFinite(gap) ? gap : undefined;
}
