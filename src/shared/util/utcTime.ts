/** "2026-11-29 14:03:20": a time to the second in UTC, as replays, recordings and backtests name their times. */
export function utcSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** "2026-11-29 14:03": a time to the minute in UTC, as a replay's tab and a recording's span name theirs. */
export function utcMinutes(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

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
