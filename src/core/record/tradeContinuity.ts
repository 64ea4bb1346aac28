/** Keeps a recorded trade stream free of duplicates and, across a reconnect, of holes (filled from REST trades). */
import type { Trade } from '../types';

/** Ids at one millisecond kept in an array up to here (a scan beats hashing for a few); a Set beyond. */
const SCAN_LIMIT = 16;

/**
 * Trades are accepted in time order: one at or before the last accepted millisecond is a duplicate when its id was
 * seen at that millisecond (a re-delivery, or a REST trade the socket also gave), and late otherwise. The hot path
 * allocates nothing per trade: the ids of the last millisecond live in one reused array.
 */
export class TradeContinuity {
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly idsAtLast: string[] = [];
  /** How many of idsAtLast belong to the last millisecond (the array is reused, never truncated). */
  private idCount = 0;
  /** Only for a millisecond holding more than SCAN_LIMIT trades. */
  private manyIds: Set<string> | undefined;

  /** The timestamp of the last accepted trade, or undefined before the first. */
  get last(): number | undefined {
    return Number.isFinite(this.lastTs) ? this.lastTs : undefined;
  }

  /** The ids accepted at the last accepted millisecond. */
  idsAtLastMs(): ReadonlySet<string> {
    // The array is reused across milliseconds: only its first idCount entries are this millisecond's.
    return new Set(this.manyIds ?? this.idsAtLast.slice(0, this.idCount));
  }

  /** The trades not yet recorded, in order: `trades` itself when every one is new (the usual live batch), so it is not copied. */
  accept(trades: readonly Trade[]): readonly Trade[] {
    let out: Trade[] | undefined;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i] as Trade;
      if (t.timestamp > this.lastTs) {
        this.lastTs = t.timestamp;
        this.idCount = 0;
        this.manyIds = undefined;
      } else if (t.timestamp < this.lastTs || this.seen(t.id)) {
        out ??= trades.slice(0, i);
        continue;
      }
      this.remember(t.id);
      out?.push(t);
    }
    return out ?? trades;
  }

  private seen(id: string): boolean {
    if (this.manyIds) return this.manyIds.has(id);
    for (let i = 0; i < this.idCount; i++) if (this.idsAtLast[i] === id) return true;
    return false;
  }

  private remember(id: string): void {
    if (this.manyIds) this.manyIds.add(id);
    else if (this.idCount < SCAN_LIMIT) this.idsAtLast[this.idCount++] = id;
    else this.manyIds = new Set([...this.idsAtLast.slice(0, this.idCount), id]);
  }
}
