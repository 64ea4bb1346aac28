/** A replay page's bars around the holes playback jumps over: a gap, not days of flat bars nobody will see played. */
import type { CandleSeries } from '../candles/candleSeries';
import type { RecordingHole } from '../record/recordTypes';
import { bucketStart } from '../timeframes';
import { SKIP_HOLES_LONGER_THAN_MS } from './replaySession';

/** Whether a playing replay jumps over this hole rather than playing through it. */
export const isSkippedHole = (hole: RecordingHole): boolean => hole.until - hole.from > SKIP_HOLES_LONGER_THAN_MS;

/** A span no bar is made inside: skipped holes that overlap or touch are one (their reasons are not drawn). */
interface Gap {
  readonly from: number;
  until: number;
}

/**
 * Applies trades (in time order) to a series, opening a hole (CandleSeries.openHole) at each skipped hole they cross:
 * the quiet bars before it are filled up to the bar it begins in, which is partial, as is the bar of the first trade
 * after it; none is made between them (a 2-day hole is 2,880 1m bars, 172,800 1s ones), so withEmptyPeriods, which
 * never fills across partial bars, leaves the gap too. Trades recorded inside it open each their own partial bar.
 * Nothing is allocated per trade (a page of a busy day is millions of them).
 */
export class SkippedHoleGaps {
  private readonly gaps: readonly Gap[];
  /** The first gap not yet passed. */
  private next = 0;
  /** The gap `next` has been opened at (a trade reached it). */
  private opened = false;
  /** The last trade applied (NaN: none yet). */
  private lastTs = Number.NaN;
  private lastPrice = 0;

  constructor(
    private readonly series: CandleSeries,
    holes: readonly RecordingHole[],
  ) {
    this.gaps = unionOf(holes.filter(isSkippedHole));
  }

  applyTrade(ts: number, price: number, amount: number): void {
    if (this.next >= this.gaps.length || ts < (this.gaps[this.next] as Gap).from || !this.cross(ts, price, amount)) this.series.applyTrade(ts, price, amount);
    this.lastTs = ts;
    this.lastPrice = price;
  }

  /**
   * Opens each gap `ts` is at or past the start of (once), and again for each trade inside one. Returns whether it
   * applied the trade itself: one in the bar a gap begins in, with no trade of that bar before it, makes that bar
   * (its prices are the trade's, not the last close's) before the gap is opened on it.
   */
  private cross(ts: number, price: number, amount: number): boolean {
    let applied = false;
    while (this.next < this.gaps.length) {
      const gap = this.gaps[this.next] as Gap;
      if (gap.from > ts) return applied;
      if (!this.opened) {
        const quietBefore = Number.isNaN(this.lastTs) || this.lastTs < gap.from;
        const tf = this.series.timeframe;
        if (quietBefore && !applied && gap.until > ts && bucketStart(tf, ts) === bucketStart(tf, gap.from)) {
          this.series.applyTrade(ts, price, amount);
          applied = true;
        } else if (quietBefore && !Number.isNaN(this.lastTs) && !applied) {
          // The quiet bars up to the gap are the market's (flat, whole); the one it begins in is where the gap starts.
          this.series.applyTrade(gap.from, this.lastPrice, 0);
        }
        this.series.openHole(gap.from);
        this.opened = true;
      } else this.series.openHole();
      if (gap.until > ts) return applied;
      this.next++;
      this.opened = false;
    }
    return applied;
  }
}

/** Sorted by start, overlapping or touching spans as one. */
function unionOf(holes: readonly RecordingHole[]): Gap[] {
  const sorted = [...holes].sort((a, b) => a.from - b.from);
  const out: Gap[] = [];
  for (const h of sorted) {
    const last = out.at(-1);
    if (last && h.from <= last.until) last.until = Math.max(last.until, h.until);
    else out.push({ from: h.from, until: h.until });
  }
  return out;
}
