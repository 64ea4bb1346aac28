/** Turns a market's successive order books into recorded rows: a snapshot now and then, deltas in between. */
import type { BookLevel, OrderBook } from '../types';
import type { BookRow } from './recordTypes';

export interface BookDiffOptions {
  /** A full snapshot at least this often (book time), so a reader can start anywhere without reading from midnight. */
  readonly snapshotEveryMs: number;
}

/**
 * O(levels) per book update (the books are depth-limited), never per trade. A level that leaves the held depth
 * is recorded as removed, so the rebuilt book is exactly the book the recorder saw.
 */
export class BookDiff {
  private bids = new Map<number, number>();
  private asks = new Map<number, number>();
  private lastSnapshotAt: number | undefined;
  private lastTs = Number.NEGATIVE_INFINITY;
  private seq = 0;
  /** A book is held that the stream has not disowned since (no reset). */
  private holding = false;

  constructor(private readonly opts: BookDiffOptions) {}

  /** The next book continues nothing: after a reconnect or a gap it is recorded as a snapshot. */
  reset(): void {
    this.lastSnapshotAt = undefined;
    this.holding = false;
  }

  /**
   * The held book again as a snapshot stamped `now`, once no snapshot was recorded for the period: a book that stops
   * changing (a quiet market sends no update) must still be restorable by a reader that starts a period later.
   */
  snapshotIfQuiet(now: number): BookRow[] {
    if (!this.holding || this.lastSnapshotAt === undefined) return [];
    const ts = Math.max(now, this.lastTs);
    if (ts - this.lastSnapshotAt < this.opts.snapshotEveryMs) return [];
    this.lastTs = ts;
    this.lastSnapshotAt = ts;
    return snapshotRows(ts, ++this.seq, this.bids, this.asks);
  }

  rows(book: OrderBook): BookRow[] {
    // Never before the previous update: readers order rows by time, and a book's stamp can step back (ccxt stamps a
    // book rebuilt from a REST snapshot with that snapshot's time, which may precede the last delta's).
    const ts = Math.max(book.timestamp, this.lastTs);
    this.lastTs = ts;
    const seq = ++this.seq;
    const nextBids = toMap(book.bids);
    const nextAsks = toMap(book.asks);
    const snapshot = this.lastSnapshotAt === undefined || ts - this.lastSnapshotAt >= this.opts.snapshotEveryMs || ts < this.lastSnapshotAt;
    let out: BookRow[] = [];
    if (snapshot) {
      this.lastSnapshotAt = ts;
      out = snapshotRows(ts, seq, book.bids, book.asks);
    } else {
      diff(this.bids, nextBids, (price, amount) => out.push({ ts, seq, kind: 'delta', side: 'bid', price, amount }));
      diff(this.asks, nextAsks, (price, amount) => out.push({ ts, seq, kind: 'delta', side: 'ask', price, amount }));
    }
    this.bids = nextBids;
    this.asks = nextAsks;
    this.holding = true;
    return out;
  }
}

function snapshotRows(ts: number, seq: number, bids: Iterable<BookLevel>, asks: Iterable<BookLevel>): BookRow[] {
  const out: BookRow[] = [];
  for (const [price, amount] of bids) out.push({ ts, seq, kind: 'snapshot', side: 'bid', price, amount });
  for (const [price, amount] of asks) out.push({ ts, seq, kind: 'snapshot', side: 'ask', price, amount });
  return out;
}

function toMap(levels: readonly BookLevel[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const [price, amount] of levels) m.set(price, amount);
  return m;
}

function diff(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>, emit: (price: number, amount: number) => void): void {
  for (const [price, amount] of after) if (before.get(price) !== amount) emit(price, amount);
  for (const price of before.keys()) if (!after.has(price)) emit(price, 0);
}
