// Recognises the stream's copies of trades a seam already took from REST, whenever they arrive.
import type { Trade } from '../types';

/**
 * How long after the seam a streamed trade may still come out of time order. Past it, REST's trades are forgotten.
 * (Exchanges stamp and push in order within a few batches; ccxt's caches swap neighbours after a resubscribe.)
 */
export const SEAM_GUARD_MS = 10_000;

/**
 * The REST trades a seam installed, up to the newest of them (`upTo`). A streamed trade at or before `upTo` is
 * dropped when REST delivered it (same id), and kept when REST did not: a trade the stream pushes late is counted
 * exactly once, whatever batch it arrives in. The id set is built only when such a trade arrives.
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

  /** True once the stream has moved far enough past the seam that no copy of a REST trade can still come. */
  outgrownBy(batch: readonly Trade[]): boolean {
    const horizon = this.upTo + SEAM_GUARD_MS;
    return batch.some((t) => t.timestamp > horizon);
  }
}
