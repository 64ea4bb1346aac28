/**
 * The bars of an aggregate chart whose candle is partial (a leg's trades may be missing: it is down, or its hole not
 * filled yet), for the hatching over its delta and CVD panes: without it a leg's missing flow reads as none (a flat
 * derivatives CVD while the only perpetual leg is away). O(log n) per candle changed (a splice aside).
 */
import type { CandleWire } from '../../shared/protocol';
import { SortedTimes } from './sortedTimes';

export class PartialFlowTimes {
  private readonly times = new SortedTimes();

  get size(): number {
    return this.times.size;
  }

  /** Candles that changed (`reset`: a snapshot's, which replace every one held); whether the partial times changed. */
  apply(candles: readonly CandleWire[], reset: boolean): boolean {
    let changed = reset && this.times.size > 0;
    if (reset) this.times.clear();
    for (const c of candles) changed = (c[6] === true ? this.times.add(c[0]) : this.times.delete(c[0])) || changed;
    return changed;
  }

  /** The partial bars from `first` on (the first with a flow: older ones, from history, have no split to hatch). */
  from(first: number): number[] {
    return this.times.from(first);
  }
}
