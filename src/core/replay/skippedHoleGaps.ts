/** A replay page's bars around the holes playback jumps over: a gap, not days of flat bars nobody will see played. */
import type { CandleSeries } from '../candles/candleSeries';
import type { RecordingHole } from '../record/recordTypes';
import { SKIP_HOLES_LONGER_THAN_MS } from './replaySession';

/** Whether a playing replay jumps over this hole rather than playing through it. */
export const isSkippedHole = (hole: RecordingHole): boolean => hole.until - hole.from > SKIP_HOLES_LONGER_THAN_MS;

/**
 * Applies trades (in time order) to a series, opening a hole (CandleSeries.openHole) at each skipped hole they cross:
 * the quiet bars before it are filled up to the bar it begins in, which is partial, as is the bar of the first trade
 * after it; none is made between them (a 2-day hole is 2,880 1m bars, 172,800 1s ones), so withEmptyPeriods, which
 * never fills across partial bars, leaves the gap too. Trades recorded inside it open each their own partial bar.
 */
export class SkippedHoleGaps {
  private readonly holes: readonly RecordingHole[];
  /** The first skipped hole not yet passed. */
  private next = 0;
  /** The hole `next` has been opened at (a trade reached it). */
  private opened = false;
  private last: { ts: number; price: number } | undefined;

  constructor(
    private readonly series: CandleSeries,
    holes: readonly RecordingHole[],
  ) {
    this.holes = holes.filter(isSkippedHole).sort((a, b) => a.from - b.from);
  }

  applyTrade(ts: number, price: number, amount: number): void {
    if (this.next < this.holes.length && ts >= (this.holes[this.next] as RecordingHole).from) this.cross(ts);
    this.series.applyTrade(ts, price, amount);
    this.last = { ts, price };
  }

  /** Opens each skipped hole `ts` is at or past the start of (once), and again for each trade inside one. */
  private cross(ts: number): void {
    while (this.next < this.holes.length) {
      const hole = this.holes[this.next] as RecordingHole;
      if (hole.from > ts) return;
      if (!this.opened) {
        // The quiet bars up to the hole are the market's (flat, whole); the one it begins in is where the gap starts.
        if (this.last && this.last.ts < hole.from) this.series.applyTrade(hole.from, this.last.price, 0);
        this.series.openHole(hole.from);
        this.opened = true;
      } else this.series.openHole();
      if (hole.until > ts) return;
      this.next++;
      this.opened = false;
    }
  }
}
