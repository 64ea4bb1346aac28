/**
 * ISO 8601 dates and date-times of alerts.yaml (UTC unless an offset is given). Every field is range-checked
 * before Date.parse sees it: Date.parse rolls an impossible day over (2026-02-30 becomes 2026-03-02).
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;

export type IsoTimestamp = { readonly kind: 'ok'; readonly ms: number } | { readonly kind: 'not-iso' } | { readonly kind: 'impossible' };

/** Days of `month` (1-12) of `year` in the proleptic Gregorian calendar. */
function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function parseIsoTimestamp(text: string): IsoTimestamp {
  const m = ISO.exec(text);
  if (!m) return { kind: 'not-iso' };
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = m.slice(1).map((g) => (g === undefined ? 0 : Number(g)));
  const inRange = (v: number | undefined, min: number, max: number) => v !== undefined && v >= min && v <= max;
  const possible =
    year !== undefined &&
    inRange(month, 1, 12) &&
    inRange(day, 1, daysIn(year, month ?? 0)) &&
    inRange(hour, 0, 23) &&
    inRange(minute, 0, 59) &&
    inRange(second, 0, 59) &&
    inRange(offsetHours, 0, 23) &&
    inRange(offsetMinutes, 0, 59);
  if (!possible) return { kind: 'impossible' };
  const dateOnly = m[4] === undefined;
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(text);
  const ms = Date.parse(dateOnly || hasZone ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? { kind: 'impossible' } : { kind: 'ok', ms };
}
