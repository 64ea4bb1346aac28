// What a single market's trades feed holds back from its windowed rules while a reconnect's hole is owed.
import type { Trade } from '../../types';

/**
 * Trades held at most while a hole is fetched (a slow REST, retries and backoffs, on a market of thousands a second):
 * about 15 MB. Past it the oldest half is let go and the windows start over after it, as after a lost hole.
 */
export const MAX_OWED_TRADES = 100_000;

/**
 * The trades that came while the hub shows the stream live but catching up (a reconnect's hole owed): the stream's
 * batches and the hole's late trades, as they came, given back in time order once no hole is owed, so that a window
 * is never read lacking the hole's trades and none is read twice (the hub sends each trade once, late or streamed).
 * O(1) per trade held; one sort of what was held when given back or when the bound is reached (after half of it
 * came again).
 */
export class OwedHole {
  private held: Array<readonly Trade[]> = [];
  private count = 0;
  /** Let go up to here (the bound was reached): what comes of before is not held either. */
  private floor = -Infinity;

  constructor(private readonly maxTrades = MAX_OWED_TRADES) {}

  /**
   * Holds a batch. Past the bound, the oldest trades (at least half of the bound) are let go: returns the time up to
   * which, for the windows to start over after it as after a lost hole; undefined while within the bound.
   */
  hold(trades: readonly Trade[]): number | undefined {
    const kept = this.floor === -Infinity ? trades : trades.filter((t) => t.timestamp > this.floor);
    if (kept.length > 0) {
      this.held.push(kept);
      this.count += kept.length;
    }
    if (this.count <= this.maxTrades) return undefined;
    const all = this.drain();
    // The newest of those let go: over the bound, `all` has more than half of it, so this trade exists.
    const until = all.at(-1 - Math.floor(this.maxTrades / 2))?.timestamp ?? -Infinity;
    this.floor = until;
    this.keep(all.filter((t) => t.timestamp > until));
    return until;
  }

  /**
   * A hole up to `until` was told lost: what was held up to its end cannot begin a window started over (it would
   * span the hole); nothing held can with its end unknown (the stream had not picked up after it).
   */
  lost(until: number | undefined): void {
    if (until === undefined) this.keep([]);
    else this.keep(this.held.flatMap((batch) => batch.filter((t) => t.timestamp > until)));
  }

  /**
   * Everything held, oldest first (in the order it came within a millisecond), and nothing held after: the hole is in,
   * so what was let go bars nothing held from now on (the next hole's trades may be as old).
   */
  release(): Trade[] {
    this.floor = -Infinity;
    return this.drain();
  }

  /** Everything held, oldest first, and nothing held after; the floor stays. */
  private drain(): Trade[] {
    const all = this.held.flat();
    this.keep([]);
    return all.sort((a, b) => a.timestamp - b.timestamp);
  }

  private keep(trades: readonly Trade[]): void {
    this.held = trades.length > 0 ? [trades] : [];
    this.count = trades.length;
  }
}
