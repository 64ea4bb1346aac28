/** "2026-11-29 14:03:20": a time to the second in UTC, as replays, recordings and backtests name their times. */
export function utcSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** "2026-11-29 14:03": a time to the minute in UTC, as a replay's tab and a recording's span name theirs. */
export function utcMinutes(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
