/** Rebuilds an order book from recorded book rows (a snapshot replaces, a delta sets or removes one level). */
import type { BookLevel } from '../types';
import type { BookRow } from './recordTypes';

export class BookReplica {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private snapshotSeq: number | undefined;
  /** Whether a snapshot has been applied: deltas before the first one describe a book we do not know. */
  get known(): boolean {
    return this.snapshotSeq !== undefined;
  }

  apply(row: BookRow): void {
    const side = row.side === 'bid' ? this.bids : this.asks;
    if (row.kind === 'snapshot') {
      if (this.snapshotSeq !== row.seq) {
        this.bids.clear();
        this.asks.clear();
        this.snapshotSeq = row.seq;
      }
      side.set(row.price, row.amount);
      return;
    }
    if (!this.known) return;
    if (row.amount === 0) side.delete(row.price);
    else side.set(row.price, row.amount);
  }

  /** Best first, as an OrderBook holds them. */
  book(): { bids: BookLevel[]; asks: BookLevel[] } {
    return {
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
  }
}
