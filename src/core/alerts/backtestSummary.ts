/** A backtest's fire points summed up for the user: how many, the first and last, and how many per UTC day. */
import { utcSeconds } from '../../shared/util/utcTime';
import type { FirePoint } from './backtest';

export interface BacktestSummary {
  readonly fires: number;
  readonly first: number | undefined;
  readonly last: number | undefined;
  /** `YYYY-MM-DD` (UTC) → fires that day, oldest day first. */
  readonly perDay: ReadonlyArray<readonly [day: string, fires: number]>;
}

export function summarizeFires(fires: readonly FirePoint[]): BacktestSummary {
  const perDay = new Map<string, number>();
  let first: number | undefined;
  let last: number | undefined;
  for (const f of fires) {
    const day = new Date(f.time).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    first = first === undefined ? f.time : Math.min(first, f.time);
    last = last === undefined ? f.time : Math.max(last, f.time);
  }
  return { fires: fires.length, first, last, perDay: [...perDay].sort((a, b) => a[0].localeCompare(b[0])) };
}

/** "3 fires, first 2026-11-29 14:03:20 UTC, last …; per day: 2026-11-28 1, 2026-11-29 2" or "no fire". */
export function summaryText(s: BacktestSummary): string {
  if (s.fires === 0 || s.first === undefined || s.last === undefined) return 'no fire';
  const utc = (ms: number) => `${utcSeconds(ms)} UTC`;
  return `${s.fires} fire${s.fires === 1 ? '' : 's'}, first ${utc(s.first)}, last ${utc(s.last)}; per day: ${s.perDay.map(([d, n]) => `${d} ${n}`).join(', ')}`;
}
