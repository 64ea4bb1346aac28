/** An aggregate chart's taker flow per bar (by bar time), and the legend line for one bar: delta and each leg's share. */
import type { FlowWire } from '../../shared/protocol';

/** Bars kept: the engine holds at most 5000, so older rows are dropped beyond that. */
const MAX_ROWS = 5000;

export interface FlowLegend {
  /** Buy − sell volume of the bar, in base units. */
  readonly delta: number;
  /** Each leg's share of the bar's volume in percent (null when the bar has no volume). */
  readonly legs: ReadonlyArray<{ readonly label: string; readonly pct: number | null }>;
}

export class FlowBook {
  private legs: readonly string[] = [];
  private readonly byTime = new Map<number, FlowWire>();

  /** A snapshot: the chart's legs and every bar's flow (none for a chart of one market). */
  reset(legs: readonly string[], flows: readonly FlowWire[]): void {
    this.legs = legs;
    this.byTime.clear();
    this.apply(flows);
  }

  apply(flows: readonly FlowWire[]): void {
    for (const f of flows) {
      const time = f[0];
      if (time === undefined) continue;
      this.byTime.delete(time); // re-inserted last: the map stays in time order for the trim below
      this.byTime.set(time, f);
    }
    for (const time of this.byTime.keys()) {
      if (this.byTime.size <= MAX_ROWS) break;
      this.byTime.delete(time);
    }
  }

  get hasLegs(): boolean {
    return this.legs.length > 0;
  }

  /** The legend of the bar opening at `timeMs`, or null when the chart has no legs or no flow for it. */
  legendAt(timeMs: number): FlowLegend | null {
    const f = this.byTime.get(timeMs);
    if (!f || this.legs.length === 0) return null;
    const [, buy = 0, sell = 0, ...volumes] = f;
    const total = volumes.reduce((a, v) => a + v, 0);
    return { delta: buy - sell, legs: this.legs.map((label, i) => ({ label, pct: total > 0 ? ((volumes[i] ?? 0) / total) * 100 : null })) };
  }
}
