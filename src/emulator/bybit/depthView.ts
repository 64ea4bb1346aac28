/**
 * The top `depth` levels of a book as one orderbook.{depth}.{symbol} topic shows them: a snapshot, then deltas
 * that carry every level entering, changing or leaving the view (a leaving level with size 0), each delta's u one
 * more than the previous message's.
 */
import type { LevelUnits, OrderBook } from '../orderBook';

export interface DepthDelta {
  readonly bids: LevelUnits[];
  readonly asks: LevelUnits[];
}

export class DepthView {
  private bids = new Map<number, number>();
  private asks = new Map<number, number>();
  /** Update id of the last message of this topic. */
  u = 0;

  constructor(readonly depth: number) {}

  /** Re-reads the view from the book and returns it as a snapshot (u unchanged: the snapshot carries the current u). */
  reset(book: OrderBook): { bids: readonly LevelUnits[]; asks: readonly LevelUnits[] } {
    const snap = book.snapshot(this.depth);
    this.bids = new Map(snap.bids);
    this.asks = new Map(snap.asks);
    return { bids: snap.bids, asks: snap.asks };
  }

  /** The view as it stands (best first). */
  current(): { bids: LevelUnits[]; asks: LevelUnits[] } {
    return { bids: [...this.bids].sort((a, b) => b[0] - a[0]), asks: [...this.asks].sort((a, b) => a[0] - b[0]) };
  }

  /** What changed in the view since the last call (undefined when nothing did); advances u when something did. */
  step(book: OrderBook): DepthDelta | undefined {
    const snap = book.snapshot(this.depth);
    const bids = diff(this.bids, snap.bids, (a, b) => b[0] - a[0]);
    const asks = diff(this.asks, snap.asks, (a, b) => a[0] - b[0]);
    this.bids = new Map(snap.bids);
    this.asks = new Map(snap.asks);
    if (bids.length === 0 && asks.length === 0) return undefined;
    this.u += 1;
    return { bids, asks };
  }
}

function diff(before: ReadonlyMap<number, number>, after: readonly LevelUnits[], order: (a: LevelUnits, b: LevelUnits) => number): LevelUnits[] {
  const out: LevelUnits[] = [];
  const seen = new Set<number>();
  for (const [p, q] of after) {
    seen.add(p);
    if (before.get(p) !== q) out.push([p, q]);
  }
  for (const p of before.keys()) if (!seen.has(p)) out.push([p, 0]);
  return out.sort(order);
}
