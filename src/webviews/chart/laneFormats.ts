/** The aggregate chart's lanes' price formats: open interest on its axis, the funding rate's tag. Pure. */
import type { PriceFormatCustom } from 'lightweight-charts';
import { formatFundingRate } from '../../shared/util/fundingRate';
import { smallestGap, steppedLabels } from './axisLabels';

/** Four significant digits of `x`, as a step: 46,081 → 10. */
function fourDigitStep(x: number): number {
  return x === 0 || !Number.isFinite(x) ? 1 : 10 ** (Math.floor(Math.log10(Math.abs(x))) - 3);
}

/** One open interest (its last value's tag, the crosshair's): four significant digits at least (46,081, 357.7K, 46.08M). */
export function formatOpenInterest(x: number): string {
  return steppedLabels([x], fourDigitStep(x))[0] ?? '';
}

/** The axis's labels, told apart by the smallest gap between them. */
export function openInterestTicks(prices: readonly number[]): string[] {
  return steppedLabels(prices, smallestGap(prices) ?? fourDigitStep(prices[0] ?? 0));
}

/** The open-interest axis's least range: ten of its tag's steps, so no tick reads finer than the tag (49,489: 100). */
export const openInterestLeastRange = (middle: number): number => 10 * fourDigitStep(middle);

export const OPEN_INTEREST_FORMAT: PriceFormatCustom = { type: 'custom', minMove: 0.001, formatter: formatOpenInterest, tickmarksFormatter: openInterestTicks };

/** The funding series' values are the rate in percent: its tag reads as the legend does (0.0100%). */
export const FUNDING_FORMAT: PriceFormatCustom = { type: 'custom', minMove: 0.0001, formatter: (percent: number) => formatFundingRate(percent / 100) };

/** The funding lane's least range, in percent: 0.01, the usual 8-hour rate, so a rate that moves by 0.0001 draws flat. */
export const fundingLeastRange = (): number => 0.01;
