/** Merges consecutive depth diffs into one, for the 1000 ms `<symbol>@depth` stream. */
import type { DepthUpdate, LevelUnits } from '../orderBook';

export class DepthBatch {
  private firstUpdateId: number | undefined;
  private finalUpdateId = 0;
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();

  add(update: DepthUpdate): void {
    if (this.firstUpdateId === undefined) this.firstUpdateId = update.firstUpdateId;
    this.finalUpdateId = update.finalUpdateId;
    for (const [price, qty] of update.bids) this.bids.set(price, qty);
    for (const [price, qty] of update.asks) this.asks.set(price, qty);
  }

  /** The merged diff since the last take (undefined if none), and resets. */
  take(): DepthUpdate | undefined {
    if (this.firstUpdateId === undefined) return undefined;
    const merged: DepthUpdate = {
      firstUpdateId: this.firstUpdateId,
      finalUpdateId: this.finalUpdateId,
      bids: sortLevels(this.bids, -1),
      asks: sortLevels(this.asks, 1),
    };
    this.firstUpdateId = undefined;
    this.bids.clear();
    this.asks.clear();
    return merged;
  }
}

function sortLevels(levels: Map<number, number>, direction: 1 | -1): LevelUnits[] {
  return [...levels].sort((a, b) => direction * (a[0] - b[0]));
}
