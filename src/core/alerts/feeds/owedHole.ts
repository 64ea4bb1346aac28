// What a single market's trades feed holds back from its windowed rules while a reconnect's hole is owed.
import type { Trade } from '../../types';

/**
 * The trades that came while the hub shows the stream live but catching up (a reconnect's hole owed): the stream's
 * batches and the hole's late trades, as they came, given back in time order once no hole is owed, so that a window
 * is never read lacking the hole's trades and none is read twice (the hub sends each trade once, late or streamed).
 * O(1) per batch held; one sort of what was held when given back.
 */
export class OwedHole {
  private held: Array<readonly Trade[]> = [];

  hold(trades: readonly Trade[]): void {
    if (trades.length > 0) this.held.push(trades);
  }

  /**
   * A hole up to `until` was told lost: what was held up to its end cannot begin a window started over (it would
   * span the hole); nothing held can with its end unknown (the stream had not picked up after it).
   */
  lost(until: number | undefined): void {
    if (until === undefined) this.held = [];
    else this.held = this.held.map((batch) => batch.filter((t) => t.timestamp > until)).filter((batch) => batch.length > 0);
  }

  /** Everything held, oldest first (in the order it came within a millisecond), and nothing held after. */
  release(): Trade[] {
    const all = this.held.flat();
    this.held = [];
    return all.sort((a, b) => a.timestamp - b.timestamp);
  }
}
