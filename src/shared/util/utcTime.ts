/** "2026-11-29 14:03:20": a time to the second in UTC, as replays, recordings and backtests name their times. */
export function utcSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
