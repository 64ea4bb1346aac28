/**
 * An aggregate chart's taker flow per bar (in time order): each bar's delta and the CVD through it, whole and split
 * spot vs derivatives, and the legend line for one bar (delta and each leg's share).
 */
import type { FlowWire } from '../../shared/protocol';

/** Bars kept: the engine holds at most 5000, so older rows are dropped beyond that. */
const MAX_ROWS = 5000;

/** A bar's flow for the legend: its split, or none (a bar from history, merged from the legs' klines, has no taker split). */
export type FlowLegend = SplitLegend | { readonly kind: 'no split' };

export interface SplitLegend {
  readonly kind: 'split';
  /** Buy − sell volume of the bar, in base units. */
  readonly delta: number;
  /** The spot legs' delta and the derivatives legs'. */
  readonly spotDelta: number;
  readonly perpDelta: number;
  /** Each leg's share of the bar's volume in percent (null when the bar has no volume). */
  readonly legs: ReadonlyArray<{ readonly label: string; readonly pct: number | null }>;
}

/** One bar's delta and the cumulative delta through it (from the first bar held), whole, spot and derivatives. */
export interface FlowPoint {
  readonly time: number;
  readonly delta: number;
  readonly cvd: number;
  readonly spotCvd: number;
  readonly perpCvd: number;
}

const deltaOf = (f: FlowWire) => (f[1] ?? 0) - (f[2] ?? 0);
const spotDeltaOf = (f: FlowWire) => (f[3] ?? 0) - (f[4] ?? 0);

export class FlowBook {
  private legs: readonly string[] = [];
  private rows: FlowWire[] = [];
  private cvd: FlowPoint[] = [];

  /** A snapshot: the chart's legs and every bar's flow, oldest first (none for a chart of one market). */
  reset(legs: readonly string[], flows: readonly FlowWire[]): void {
    this.legs = legs;
    this.rows = [];
    this.cvd = [];
    this.apply(flows);
  }

  /**
   * Changed bars' flows (a bar already held is replaced). Returns the index in `points` of the oldest point that
   * changed (every point from it on may have moved; −1 when nothing did), and whether a bar was put between two held
   * ones (not only replaced or appended). Live changes touch the newest bars, so the CVD is summed again only from there.
   */
  apply(flows: readonly FlowWire[]): { readonly from: number; readonly inserted: boolean } {
    let from = Number.POSITIVE_INFINITY;
    let inserted = false;
    for (const f of flows) {
      const time = f[0];
      if (time === undefined) continue;
      const i = this.indexOf(time);
      if (this.rows[i]?.[0] === time) this.rows[i] = f;
      else {
        inserted ||= i < this.rows.length;
        this.rows.splice(i, 0, f);
      }
      from = Math.min(from, i);
    }
    if (from === Number.POSITIVE_INFINITY) return { from: -1, inserted };
    const excess = this.rows.length - MAX_ROWS;
    if (excess > 0) {
      // The CVD keeps its values for the bars left: only the oldest rows go.
      this.rows.splice(0, excess);
      this.cvd.splice(0, Math.min(excess, this.cvd.length));
      from = Math.max(0, from - excess);
    }
    this.sumFrom(from);
    return { from, inserted };
  }

  get hasLegs(): boolean {
    return this.legs.length > 0;
  }

  /** Every bar's delta and CVD, oldest first. */
  get points(): readonly FlowPoint[] {
    return this.cvd;
  }

  /**
   * The legend of the bar opening at `timeMs`: null on a chart with no legs (of one market); 'no split' for a bar the
   * host sent no flow for (from history: the legs' klines have volume but no taker split).
   */
  legendAt(timeMs: number): FlowLegend | null {
    if (this.legs.length === 0) return null;
    const f = this.rows[this.indexOf(timeMs)];
    if (!f || f[0] !== timeMs) return { kind: 'no split' };
    const volumes = f.slice(5);
    const total = volumes.reduce((a, v) => a + v, 0);
    const delta = deltaOf(f);
    const spotDelta = spotDeltaOf(f);
    return { kind: 'split', delta, spotDelta, perpDelta: delta - spotDelta, legs: this.legs.map((label, i) => ({ label, pct: total > 0 ? ((volumes[i] ?? 0) / total) * 100 : null })) };
  }

  private sumFrom(from: number): void {
    const before = this.cvd[from - 1];
    let cvd = before?.cvd ?? 0;
    let spotCvd = before?.spotCvd ?? 0;
    this.cvd.length = from;
    for (let i = from; i < this.rows.length; i++) {
      const f = this.rows[i] as FlowWire;
      const delta = deltaOf(f);
      cvd += delta;
      spotCvd += spotDeltaOf(f);
      this.cvd.push({ time: f[0] as number, delta, cvd, spotCvd, perpCvd: cvd - spotCvd });
    }
  }

  /** Where a row of `time` is or would go (searched from the newest: live bars are there). */
  private indexOf(time: number): number {
    let hi = this.rows.length;
    while (hi > 0 && (this.rows[hi - 1]?.[0] as number) >= time) {
      hi--;
      if (this.rows[hi]?.[0] === time) return hi;
      if (this.rows.length - hi > 8) return this.search(time, hi);
    }
    return hi;
  }

  private search(time: number, end: number): number {
    let lo = 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.rows[mid]?.[0] as number) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
