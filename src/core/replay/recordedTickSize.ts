/** A replayed market's price increment inferred from its recorded prices, for recordings that do not keep it (older ones, ClickHouse). */
import { decimalsOf } from '../../shared/util/decimals';

/** Prices looked at: enough that a market quoted to 0.01 shows a non-zero second decimal almost surely. */
export const TICK_SAMPLE = 2000;
const MAX_DECIMALS = 8;

/**
 * The increment the prices are quoted in, as a power of ten: 10^-d for the most decimals any price needs (2,976.82
 * → 0.01), capped at 1e-8; 1 for whole-number prices; undefined with no price at all. A market whose real tick is
 * not a power of ten (0.5) comes out as its decimals' step (0.1): right for showing prices, finer for grouping.
 */
export function tickFromPrices(prices: Iterable<number>): number | undefined {
  let decimals = -1;
  for (const p of prices) {
    if (!Number.isFinite(p) || p <= 0) continue;
    decimals = Math.max(decimals, decimalsOf(p));
    if (decimals >= MAX_DECIMALS) break;
  }
  return decimals < 0 ? undefined : Number((10 ** -Math.min(decimals, MAX_DECIMALS)).toFixed(MAX_DECIMALS));
}
