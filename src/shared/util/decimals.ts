/** How many decimals a number needs: the one rule for tick sizes and prices in the engine, the host and the webviews. */

/** Decimals needed to show `x` exactly (0.01 → 2, 1e-8 → 8, 2.5e-7 → 8, 25 → 0), ignoring binary float noise (0.1 + 0.2). */
export function decimalsOf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  const s = Number(Math.abs(x).toPrecision(12)).toString();
  const exp = s.indexOf('e-');
  if (exp >= 0) {
    const mantissa = s.slice(0, exp);
    const dot = mantissa.indexOf('.');
    return Number(s.slice(exp + 2)) + (dot >= 0 ? mantissa.length - dot - 1 : 0);
  }
  const dot = s.indexOf('.');
  return dot >= 0 ? s.length - dot - 1 : 0;
}

/**
 * The most decimals a tick (listed, or taken from prices) gives a price: decimalsOf reads numbers to 12 significant
 * digits, no market's tick is finer, and toLocaleString stops at 20.
 */
export const MOST_TICK_DECIMALS = 12;

/** A listed tick size one can step or format by (a positive, finite number), else undefined. */
export const usableTick = (tick: number | undefined): number | undefined => (tick !== undefined && tick > 0 && Number.isFinite(tick) ? tick : undefined);
