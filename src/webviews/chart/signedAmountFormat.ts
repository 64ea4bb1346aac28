/** The delta and CVD panes' price format: signed base amounts, written as the footprint's delta labels are. Pure. */
import type { PriceFormatCustom } from 'lightweight-charts';
import { formatSignedAmount } from '../shared/format';
import { smallestGap, steppedLabels } from './axisLabels';

/** A base amount's finest step on these axes: a delta of a few satoshi still gets ticks of its own ('volume' stopped at 0.01). */
const FINEST_STEP = 1e-8;
const MOST_DECIMALS = 8;

/** One signed amount (the last value's tag, the crosshair's): +1.157, -0.00536, +1,234.5, +2.30M; zero unsigned. */
export function formatDeltaAmount(x: number): string {
  return x === 0 ? '0' : formatSignedAmount(x);
}

/**
 * The axis's labels: each as its tag would read, unless two ticks would then read the same (123.4K for 123,400 and
 * 123,450); then all to the decimals the gap between ticks needs (+123.40K, +123.45K).
 */
export function signedAmountTicks(prices: readonly number[]): string[] {
  const labels = prices.map(formatDeltaAmount);
  if (new Set(labels).size === new Set(prices).size) return labels;
  return steppedLabels(prices, smallestGap(prices) ?? FINEST_STEP, MOST_DECIMALS).map((text, i) => ((prices[i] ?? 0) > 0 ? `+${text}` : text));
}

export const SIGNED_AMOUNT_FORMAT: PriceFormatCustom = { type: 'custom', minMove: FINEST_STEP, formatter: formatDeltaAmount, tickmarksFormatter: signedAmountTicks };

/** The delta and CVD panes' format while none of their points is in view: no labels, for there is no value to read. */
export const BLANK_AMOUNT_FORMAT: PriceFormatCustom = { type: 'custom', minMove: FINEST_STEP, formatter: () => '', tickmarksFormatter: (prices) => prices.map(() => '') };
