const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * HH:MM:SS of an epoch-ms time in UTC, as the panels write times; with its day ("05 Dec 23:59:58") when that is not
 * `now`'s (UTC), which a time alone would place on today.
 */
export function utcClock(ms: number, now: number): string {
  const d = new Date(ms);
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  const today = new Date(now);
  if (d.getUTCFullYear() === today.getUTCFullYear() && d.getUTCMonth() === today.getUTCMonth() && d.getUTCDate() === today.getUTCDate()) return clock;
  return `${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ''} ${clock}`;
}
