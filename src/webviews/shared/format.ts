/**
 * Number formatting for the webviews. Pure (no DOM); every function is total on finite numbers and returns
 * an em dash for anything else, so a bad value never throws inside a render.
 */
import { decimalsOf } from '../../shared/util/decimals';

const DASH = '—';
/**
 * `x` with exactly `decimals` decimals and thousands separators, rounded half away from zero on its shortest decimal
 * form (1.005 → 1.01), as en-US Intl.NumberFormat does. Not Intl itself: its first use builds ICU's number
 * formatting, 25–40 ms of a new page's first paint (a chart's legend formats as the page starts).
 */
function fixedGrouped(x: number, decimals: number): string {
  const a = Math.abs(x);
  // No market trades there; JavaScript writes such numbers with an exponent, and so do we.
  if (a >= 1e21) return String(x);
  // Below 1e-6 the shortest form has an exponent; there a tie at the rounding digit cannot be seen.
  const text = a !== 0 && a < 1e-6 ? a.toFixed(decimals) : String(a);
  const dot = text.indexOf('.');
  let int = dot < 0 ? text : text.slice(0, dot);
  let frac = dot < 0 ? '' : text.slice(dot + 1);
  if (frac.length > decimals) {
    const up = frac.charCodeAt(decimals) >= 53; // '5'
    frac = frac.slice(0, decimals);
    if (up) [int, frac] = carried(int, frac);
  }
  frac = frac.padEnd(decimals, '0');
  let out = int.slice(0, int.length % 3 || 3);
  for (let i = out.length; i < int.length; i += 3) out += `,${int.slice(i, i + 3)}`;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + out + (decimals > 0 ? `.${frac}` : '');
}

/** `int`.`frac` plus one unit of its last decimal place, as digit strings. */
function carried(int: string, frac: string): [string, string] {
  const digits = (int + frac).split('');
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') digits[i--] = '0';
  if (i >= 0) digits[i] = String(Number(digits[i]) + 1);
  else digits.unshift('1');
  const all = digits.join('');
  return [all.slice(0, all.length - frac.length), all.slice(all.length - frac.length)];
}

/** The most decimals any of `values` needs, capped at `max`: the precision to show prices of a market with. */

export function inferDecimals(values: Iterable<number>, max = 8): number {
  let d = 0;
  for (const v of values) {
    d = Math.max(d, decimalsOf(v));
    if (d >= max) return max;
  }
  return d;
}

/**
 * The decimals to show a market's prices with: its tick size's (60,000.00 on a market priced in cents, whatever the
 * prices shown happen to end in), more where a price shown has more; inferred from the prices while the tick size is
 * not known.
 */
export function priceDecimals(tickSize: number | undefined, prices: Iterable<number>, max = 8): number {
  const tick = tickSize !== undefined && tickSize > 0 && Number.isFinite(tickSize) ? Math.min(max, decimalsOf(tickSize)) : 0;
  return Math.max(tick, inferDecimals(prices, max));
}

/** A price with exactly `decimals` decimals and thousands separators: 65,432.10. */
export function formatPrice(price: number, decimals: number): string {
  if (!Number.isFinite(price)) return DASH;
  const d = Math.max(0, Math.min(12, Math.trunc(decimals)));
  return fixedGrouped(price, d);
}

/**
 * An amount (base volume, order size) in at most ~7 characters: 0.001234, 0.5000, 12.345, 123.45, 1,234.5,
 * 12,345, 123.4K, 1.23M, 4.56B. Decimals are fixed per magnitude so a column of similar amounts lines up; `step`
 * (the market's lot step) caps them, so a size of a market traded in 0.001 reads 0.007, not 0.007000. The magnitude
 * is the rounded value's: 0.99996 reads 1.000 as 1 does (not 1.0000), 99.9996 reads 100.00. A non-zero amount
 * finer than the decimals shown never reads as zero: 1e-9 reads <0.00000001 (with a step of 0.001, <0.001).
 */
export function formatAmount(x: number, significantBelowOne = 4, step?: number): string {
  if (!Number.isFinite(x)) return DASH;
  if (x === 0) return '0';
  const a = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  const most = step !== undefined && step > 0 && Number.isFinite(step) ? Math.min(8, decimalsOf(step)) : 8;
  // A unit's bound is on the rounded value: 999,960 reads 1.00M, not 1000.0K (and 999,996,000 1.00B, not 1000.00M).
  const millions = (a / 1e6).toFixed(2);
  if (a >= 1e9 || Number(millions) >= 1000) return `${sign}${(a / 1e9).toFixed(2)}B`;
  const thousands = (a / 1e3).toFixed(1);
  if (a >= 1e6 || Number(thousands) >= 1000) return `${sign}${millions}M`;
  if (a >= 1e5) return `${sign}${thousands}K`;
  const decimals = plainDecimals(a, significantBelowOne, most);
  const fixed = a.toFixed(decimals);
  const shown = Number(fixed);
  if (shown === 0) return `${sign}<${decimals === 0 ? '1' : `0.${'1'.padStart(decimals, '0')}`}`;
  // Rounded up to the next magnitude (a power of ten): written as that magnitude is, which rounds no further.
  if (shown >= 1e5 || plainDecimals(shown, significantBelowOne, most) !== decimals) return formatAmount(x < 0 ? -shown : shown, significantBelowOne, step);
  return sign + (a >= 1e3 ? fixedGrouped(a, decimals) : fixed);
}

/** The decimals of an amount below 100,000 by its magnitude; below 1, `significant` digits (at most `most` decimals). */
function plainDecimals(a: number, significant: number, most: number): number {
  if (a >= 1e4) return 0;
  if (a >= 1e3) return Math.min(1, most);
  if (a >= 100) return Math.min(2, most);
  if (a >= 1) return Math.min(3, most);
  return Math.max(0, Math.min(most, significant - 1 - Math.floor(Math.log10(a))));
}

/**
 * A signed amount on its own, such as a footprint bar's delta: +1.157, -0.00536, +1.22. `formatAmount`'s digits
 * without its trailing zeros, which line up a column but make a lone label look more precise (-0.005360 by +1.157).
 */
export function formatSignedAmount(x: number): string {
  const trimmed = withoutTrailingZeros(formatAmount(x));
  return x >= 0 ? `+${trimmed}` : trimmed;
}

/** A formatted number's trailing zeros after its decimal point dropped (1.220 → 1.22, 2.000 → 2); K and M values kept whole. */
export function withoutTrailingZeros(text: string): string {
  return /\.\d*$/.test(text) ? text.replace(/\.?0+$/, '') : text;
}

/** Larger quote values in thousands, millions, billions: the unit, its suffix, the decimals shown. */
const NOTIONAL_UNITS: readonly (readonly [number, string, number])[] = [
  [1e3, 'K', 1],
  [1e6, 'M', 2],
  [1e9, 'B', 2],
];

/**
 * A value in the quote currency (price × amount, a tape row's worth): cents below 10 (7.53), whole units with
 * thousands separators below 100,000 (752, 1,713, 99,999), then 357.7K, 1.25M, 4.56B. Not `formatAmount`, whose
 * decimals suit base amounts: a column of values read 751.96, 1,713.0 and 357.7K with it.
 */
export function formatNotional(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  const a = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  // The bounds are on the rounded value, so 9.996 reads 10, not 10.00, and 99,999.7 reads 100.0K.
  if (a < 9.995) return sign + a.toFixed(2);
  if (a < 99_999.5) return sign + fixedGrouped(a, 0);
  for (const [unit, suffix, decimals] of NOTIONAL_UNITS) {
    const text = (a / unit).toFixed(decimals);
    if (Number(text) < 1000 || suffix === 'B') return `${sign}${text}${suffix}`;
  }
  return DASH; // not reached: the last unit takes every value
}

/** A count as the prices beside it are written: whole, with thousands separators (1,414 trades, not 1414). */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? fixedGrouped(Math.round(n), 0) : DASH;
}

/** Relative change in percent from `from` to `to`, or null when it is undefined (from = 0). */
export function changePercent(from: number, to: number): number | null {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from === 0) return null;
  return ((to - from) / Math.abs(from)) * 100;
}

/** +1.23% / -0.40% / 0.00%. */
export function formatPercent(pct: number | null, digits = 2): string {
  if (pct === null || !Number.isFinite(pct)) return DASH;
  const s = Math.abs(pct).toFixed(digits);
  if (Number(s) === 0) return `${(0).toFixed(digits)}%`;
  return `${pct > 0 ? '+' : '-'}${s}%`;
}

/**
 * A small unsigned percentage such as a spread: 2 decimals from 1%, 3 from 0.01%, below that two significant
 * digits (0.000015%) so a tight spread does not read as 0.
 */
export function formatSmallPercent(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return DASH;
  const a = Math.abs(pct);
  if (a === 0) return '0%';
  if (a >= 1) return `${a.toFixed(2)}%`;
  if (a >= 0.01) return `${a.toFixed(3)}%`;
  const decimals = Math.min(10, 1 - Math.floor(Math.log10(a)));
  return `${a.toFixed(decimals)}%`;
}

/** HH:MM of a UTC time in seconds, as the chart's time axis shows it. */
export function formatClockUtc(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** HH:MM:SS of an epoch-ms time in UTC, and `.mmm` with `millis` (the tape's and the heatmap's times). */
export function formatTimeUtc(ms: number, millis = false): string {
  if (!Number.isFinite(ms)) return DASH;
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const base = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return millis ? `${base}.${String(d.getUTCMilliseconds()).padStart(3, '0')}` : base;
}

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * The chart legend's note while the bar shown (`barSeconds`) is partial, or null: "partial since 14:05", and with the
 * day as the crosshair writes it ("04 Dec 07:56", and the year when that differs too) when the run of partial bars
 * began on another UTC day than that bar's, which a time alone would place on the bar's own day.
 */
export function partialNote(sinceSeconds: number | null, barSeconds: number): string | null {
  return sinceSeconds === null ? null : `partial since ${sinceTime(sinceSeconds, barSeconds)}`;
}

/** A time (UTC seconds) beside a bar's: its clock (07:56), with its day when not the bar's (04 Dec 07:56), its year when not the bar's either. */
export function sinceTime(sinceSeconds: number, barSeconds: number): string {
  const clock = formatClockUtc(sinceSeconds);
  const since = new Date(sinceSeconds * 1000);
  const bar = new Date(barSeconds * 1000);
  if (since.getUTCFullYear() === bar.getUTCFullYear() && since.getUTCMonth() === bar.getUTCMonth() && since.getUTCDate() === bar.getUTCDate()) return clock;
  const year = since.getUTCFullYear() === bar.getUTCFullYear() ? '' : ` '${String(since.getUTCFullYear() % 100).padStart(2, '0')}`;
  return `${String(since.getUTCDate()).padStart(2, '0')} ${MONTHS[since.getUTCMonth()] ?? ''}${year} ${clock}`;
}

/** A span of time as the badges write theirs (stale 12s, quiet 3m): 4s, 12m, 2h 5m. */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h}h` : `${h}h ${min % 60}m`;
}
