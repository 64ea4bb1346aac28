/**
 * Incremental EMAs over bar closes with trading-signals' `EMA`: a new bar is `add`ed, a change of the in-progress
 * (last) bar `replace`s the latest input, so a tick costs O(1) per period. Points are emitted once an EMA has seen
 * `period` closes. Pure (no DOM).
 */
import { EMA } from 'trading-signals';
import type { Bar } from './barStore';

export interface EmaPoint {
  readonly time: number;
  readonly value: number;
}

interface Line {
  readonly period: number;
  ema: EMA;
  /** Closes fed, counting the in-progress bar once. */
  count: number;
  last: EmaPoint | null;
}

export class EmaTracker {
  private lines: Line[];

  constructor(periods: readonly number[]) {
    this.lines = normalizePeriods(periods).map((period) => ({ period, ema: new EMA(period), count: 0, last: null }));
  }

  get periods(): number[] {
    return this.lines.map((l) => l.period);
  }

  /** Recomputes every EMA over `bars` (a snapshot); returns the points per period, in `periods` order. O(n). */
  reset(bars: readonly Bar[]): EmaPoint[][] {
    return this.lines.map((line) => {
      line.ema = new EMA(line.period);
      line.count = 0;
      line.last = null;
      const points: EmaPoint[] = [];
      for (const b of bars) {
        const p = this.feed(line, b, false);
        if (p) points.push(p);
      }
      return points;
    });
  }

  /**
   * The newest bar changed: `append` when it is a new bar, otherwise its close is replaced. Returns the new point
   * per period (null while that EMA has fewer than `period` closes).
   */
  update(bar: Bar, append: boolean): (EmaPoint | null)[] {
    return this.lines.map((line) => this.feed(line, bar, !append && line.count > 0));
  }

  /** The latest point per period (null while not yet stable). */
  latest(): (EmaPoint | null)[] {
    return this.lines.map((l) => l.last);
  }

  private feed(line: Line, bar: Bar, replace: boolean): EmaPoint | null {
    if (!replace) line.count++;
    const value = line.ema.update(bar.close, replace);
    line.last = line.count >= line.period && Number.isFinite(value) ? { time: bar.time, value } : null;
    return line.last;
  }
}

/** Whole periods from 1 to 1000, deduplicated, in the given order. */
export function normalizePeriods(periods: readonly number[]): number[] {
  const out: number[] = [];
  for (const p of periods) {
    if (Number.isInteger(p) && p >= 1 && p <= 1000 && !out.includes(p)) out.push(p);
  }
  return out;
}
