/** The aggregate chart's lanes' price formats: open interest on its axis, the funding rate's tag. Pure. */
import type { PriceFormatCustom } from 'lightweight-charts';
import { decimalsOf } from '../../shared/util/decimals';
import { formatFundingRate } from '../../shared/util/fundingRate';
import { formatPrice } from '../shared/format';

/** Units from 100,000 up, largest first. */
const UNITS: readonly (readonly [number, string])[] = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];
const MOST_DECIMALS = 3;

/**
 * Open-interest labels that tell apart values `step` apart: grouped below 100,000 (46,081), then K, M or B with
 * the decimals the step needs (357.7K, 46.081M). A step finer than three decimals of the unit gets grouped whole
 * numbers instead (46,080,500), so no two labels read the same ('volume' read 46.08K three times on one axis).
 */
export function openInterestLabels(values: readonly number[], step: number): string[] {
  const top = Math.max(...values.map(Math.abs));
  const unit = top >= 100_000 ? UNITS.find(([u]) => top >= u) : undefined;
  if (unit) {
    const [size, suffix] = unit;
    const decimals = decimalsOf(step / size);
    if (decimals <= MOST_DECIMALS) return values.map((v) => (Number.isFinite(v) ? `${(v / size).toFixed(decimals)}${suffix}` : formatPrice(v, 0)));
  }
  const decimals = Math.min(MOST_DECIMALS, decimalsOf(step));
  return values.map((v) => formatPrice(v, decimals));
}

/** Four significant digits of `x`, as a step: 46,081 → 10. */
function fourDigitStep(x: number): number {
  return x === 0 || !Number.isFinite(x) ? 1 : 10 ** (Math.floor(Math.log10(Math.abs(x))) - 3);
}

/** One open interest (its last value's tag, the crosshair's): four significant digits at least (46,081, 357.7K, 46.08M). */
export function formatOpenInterest(x: number): string {
  return openInterestLabels([x], fourDigitStep(x))[0] ?? '';
}

/** The axis's labels, told apart by the smallest gap between them. */
export function openInterestTicks(prices: readonly number[]): string[] {
  const sorted = [...new Set(prices)].sort((a, b) => a - b);
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  return openInterestLabels(prices, Number.isFinite(gap) ? gap : fourDigitStep(prices[0] ?? 0));
}

export const OPEN_INTEREST_FORMAT: PriceFormatCustom = { type: 'custom', minMove: 0.001, formatter: formatOpenInterest, tickmarksFormatter: openInterestTicks };

/** The funding series' values are the rate in percent: its tag reads as the legend does (0.0100%). */
export const FUNDING_FORMAT: PriceFormatCustom = { type: 'custom', minMove: 0.0001, formatter: (percent: number) => formatFundingRate(percent / 100) };
