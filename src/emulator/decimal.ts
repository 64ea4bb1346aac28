/**
 * Fixed-point helpers. Prices and amounts live internally as integer counts of the symbol's tick / step
 * (both powers of ten), so sums are exact and strings match Binance's 8-decimal formatting.
 */

/** Binance spot formats every price and quantity with 8 decimals. */
export const WIRE_DECIMALS = 8;

/** Rounds a decimal number to an integer count of 10^-decimals units. */
export function toUnits(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals);
}

/** Formats `units` × 10^-decimals with exactly `outDecimals` digits after the point (outDecimals >= decimals). */
export function formatUnits(units: number | bigint, decimals: number, outDecimals: number = WIRE_DECIMALS): string {
  const big = typeof units === 'bigint' ? units : BigInt(units);
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).padEnd(outDecimals, '0').slice(0, outDecimals);
  const text = outDecimals > 0 ? `${whole}.${frac}` : whole;
  return negative ? `-${text}` : text;
}

/** The canonical JS number for `units` × 10^-decimals (what parseFloat of the wire string gives). */
export function unitsToNumber(units: number, decimals: number): number {
  return Number(formatUnits(units, decimals, decimals));
}

/** "0.01000000"-style string for 10^-decimals, as Binance's filters report tick and step sizes. */
export function unitString(decimals: number): string {
  return formatUnits(1, decimals);
}

/** `units` × 10^-decimals with no trailing zeros ("60000.5", "0.0213", "3"), as Coinbase writes decimals. */
export function trimmedUnits(units: number | bigint, decimals: number): string {
  const text = formatUnits(units, decimals, decimals);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
