import { TradeRing } from '../util/tradeRing';

/** The ids of the newest trades of one stream, to drop a trade an exchange sends twice (a resubscribe's snapshot). */
/** Trades at one time beyond which they are looked up in a set rather than a list. */
const MANY_AT_ONCE = 32;

export class RecentIds {
  /** The last `capacity` trades kept. */
  private readonly ring: TradeRing;
  /** The newest time kept, and the ids kept at it (also in a set once there are many: a large order's fills share a time). */
  private newest = -Infinity;
  private readonly atNewest: string[] = [];
  private atNewestSet: Set<string> | undefined;

  constructor(private readonly capacity = 4096) {
    this.ring = new TradeRing(capacity);
  }

  /**
   * `trades` without those already seen. A trade sent twice carries its first time, so a trade newer than every one
   * kept is new, and one at the newest time is looked for among the few at that time: a live stream in time order
   * costs O(1) per trade and no hashing (this runs for every live trade). Only a trade older than the newest (a
   * snapshot's repeat, a batch out of order) is looked for in the whole ring. Memory is bounded by the capacity.
   */
  fresh<T extends { readonly id: string; readonly timestamp: number }>(trades: readonly T[]): T[] {
    const out: T[] = [];
    for (const t of trades) {
      const ts = t.timestamp;
      if (ts > this.newest) {
        this.newest = ts;
        this.atNewest.length = 0;
        this.atNewestSet = undefined;
        this.keepAtNewest(t.id);
      } else if (ts === this.newest) {
        if (this.atNewestSet ? this.atNewestSet.has(t.id) : this.atNewest.includes(t.id)) continue;
        this.keepAtNewest(t.id);
      } else if (this.ring.has(ts, t.id)) continue;
      this.ring.add(ts, t.id);
      out.push(t);
    }
    return out;
  }

  private keepAtNewest(id: string): void {
    if (this.atNewestSet) {
      if (this.atNewestSet.size < this.capacity) this.atNewestSet.add(id);
      return;
    }
    this.atNewest.push(id);
    if (this.atNewest.length > MANY_AT_ONCE) this.atNewestSet = new Set(this.atNewest);
  }
}
