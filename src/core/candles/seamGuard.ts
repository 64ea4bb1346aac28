// Recognises the stream's copies of trades a seam already took from REST, whenever they arrive.
import type { Trade } from '../types';

/**
 * The REST trades a seam installed, up to the newest of them (`upTo`). A streamed trade at or before `upTo` is
 * dropped when REST delivered it (same id), and kept when REST did not: a trade the stream pushes late is counted
 * exactly once, whatever batch it arrives in. The id set is built only when such a trade arrives.
 * Kept for as long as the seam stands (the timeframe's next seam replaces it), not for a time past it: a copy delayed
 * by one message can follow trades stamped minutes later in a slow market (candleFactorySeams, seed 845).
 */
export class SeamGuard {
  private ids: Set<string> | undefined;

  constructor(
    readonly upTo: number,
    private readonly rest: readonly Trade[],
  ) {}

  /** The batch without REST's trades; the same array when none of it is that old. */
  filter(batch: readonly Trade[]): readonly Trade[] {
    if (!batch.some((t) => t.timestamp <= this.upTo)) return batch;
    const ids = (this.ids ??= new Set(this.rest.map((t) => t.id)));
    return batch.filter((t) => t.timestamp > this.upTo || !ids.has(t.id));
  }
}
