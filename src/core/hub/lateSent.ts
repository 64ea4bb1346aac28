// The late trades a market's `trades` subscribers got, to drop the stream's own copies of them whenever they come.
import type { Trade } from '../types';
import { TradeRing } from '../util/tradeRing';

/**
 * Every late event's trades, not only the last one's: a reconnect's resend (Coinbase's snapshot on subscribing) may
 * carry trades of any earlier hole the stream had lost, after later holes were sent. Bounded as the stream's own
 * repeat filter is (RecentIds): the last `capacity` late trades. A batch newer than every late trade costs O(batch).
 */
export class LateSent {
  private readonly ring: TradeRing;
  private upTo = Number.NEGATIVE_INFINITY;

  constructor(capacity = 4096) {
    this.ring = new TradeRing(capacity);
  }

  add(trades: readonly Trade[]): void {
    for (const t of trades) {
      this.ring.add(t.timestamp, t.id);
      if (t.timestamp > this.upTo) this.upTo = t.timestamp;
    }
  }

  /** The batch without trades already sent late; the same array when none of it is that old. */
  filter(batch: readonly Trade[]): readonly Trade[] {
    if (!batch.some((t) => t.timestamp <= this.upTo)) return batch;
    return batch.filter((t) => t.timestamp > this.upTo || !this.ring.has(t.timestamp, t.id));
  }
}
