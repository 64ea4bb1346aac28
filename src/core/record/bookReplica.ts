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
    this.applyLevel(row.kind === 'snapshot' ? 0 : 1, row.seq, row.side === 'bid' ? 0 : 1, row.price, row.amount);
  }

  /** One level as BookColumns' codes: kind 0 snapshot, 1 delta; side 0 bid, 1 ask. */
  applyLevel(kind: number, seq: number, sideCode: number, price: number, amount: number): void {
    const side = sideCode === 0 ? this.bids : this.asks;
    if (kind === 0) {
      if (this.snapshotSeq !== seq) {
        this.bids.clear();
        this.asks.clear();
        this.snapshotSeq = seq;
      }
      side.set(price, amount);
      return;
    }
    if (!this.known) return;
    if (amount === 0) side.delete(price);
    else side.set(price, amount);
  }

  /** Best first, as an OrderBook holds them. */
  book(): { bids: BookLevel[]; asks: BookLevel[] } {
    return {
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
  }
}
