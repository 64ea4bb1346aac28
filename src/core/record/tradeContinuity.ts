/** Keeps a recorded trade stream free of duplicates and, across a reconnect, of holes (filled from REST trades). */
import type { Trade } from '../types';

/**
 * Trades are accepted in time order: one at or before the last accepted millisecond is a duplicate when its id was
 * seen at that millisecond (a re-delivery, or a REST trade the socket also gave), and late otherwise.
 */
export class TradeContinuity {
  private lastTs = Number.NEGATIVE_INFINITY;
  private idsAtLast = new Set<string>();

  /** The timestamp of the last accepted trade, or undefined before the first. */
  get last(): number | undefined {
    return Number.isFinite(this.lastTs) ? this.lastTs : undefined;
  }

  /** The trades not yet recorded, in order. */
  accept(trades: readonly Trade[]): Trade[] {
    const out: Trade[] = [];
    for (const t of trades) {
      if (t.timestamp < this.lastTs) continue;
      if (t.timestamp === this.lastTs) {
        if (this.idsAtLast.has(t.id)) continue;
      } else {
        this.lastTs = t.timestamp;
        this.idsAtLast = new Set();
      }
      this.idsAtLast.add(t.id);
      out.push(t);
    }
    return out;
  }
}
