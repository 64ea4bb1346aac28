/** Per-bar delta and cumulative volume delta from trades of any source (a market, or several aggregated). */
import { bucketStart, nextBucketStart, type Timeframe } from '../timeframes';
import type { TradeSide } from '../types';

/** `session`: the CVD starts again at 0 at each UTC midnight; `continuous`: it never resets. */
export type CvdReset = 'session' | 'continuous';

export interface DeltaBar {
  readonly time: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  /** buyVolume − sellVolume of this bar. */
  readonly delta: number;
  /** Σ delta from the session's first bar (or the first bar held) through this one. */
  readonly cvd: number;
}

interface Bar {
  readonly time: number;
  readonly end: number;
  readonly session: number;
  buy: number;
  sell: number;
  cvd: number;
  dirty: boolean;
}

/**
 * O(1) per trade for the bar in progress. A trade of an older bar (late, or history applied afterwards) updates
 * that bar and the CVD of the bars after it in its session. Changes are read once per batch (`drain`).
 */
export class CvdSeries {
  private bars: Bar[] = [];
  private dirty: Bar[] = [];
  private current: Bar | undefined;

  constructor(
    readonly timeframe: Timeframe,
    readonly reset: CvdReset = 'session',
    private readonly maxBars = 5000,
  ) {}

  apply(timestamp: number, amount: number, side: TradeSide): void {
    let bar = this.current;
    if (bar === undefined || timestamp < bar.time || timestamp >= bar.end) bar = this.barAt(timestamp);
    const signed = side === 'buy' ? amount : -amount;
    if (side === 'buy') bar.buy += amount;
    else bar.sell += amount;
    if (bar === this.current) {
      bar.cvd += signed;
      this.touch(bar);
    } else this.recompute(bar);
  }

  /**
   * Sets a bar's whole buy and sell volume (from a footprint bar that changed, so a feed keeping both pays the CVD
   * per changed bar, not per trade). O(1) for the last bar.
   */
  setBar(time: number, buyVolume: number, sellVolume: number): void {
    const last = this.bars[this.bars.length - 1];
    const bar = last !== undefined && last.time === time ? last : this.barAt(time);
    const before = bar.buy - bar.sell;
    bar.buy = buyVolume;
    bar.sell = sellVolume;
    if (bar === this.current) {
      bar.cvd += buyVolume - sellVolume - before;
      this.touch(bar);
    } else this.recompute(bar);
  }

  snapshot(): DeltaBar[] {
    return this.bars.map(toDeltaBar);
  }

  /** The bars changed since the last drain, oldest first. */
  drain(): DeltaBar[] {
    if (this.dirty.length === 0) return [];
    const changed = this.dirty.sort((a, b) => a.time - b.time);
    this.dirty = [];
    for (const b of changed) b.dirty = false;
    return changed.map(toDeltaBar);
  }

  private touch(bar: Bar): void {
    if (bar.dirty) return;
    bar.dirty = true;
    this.dirty.push(bar);
  }

  private sessionOf(time: number): number {
    return this.reset === 'session' ? bucketStart('1d', time) : 0;
  }

  private barAt(timestamp: number): Bar {
    const time = bucketStart(this.timeframe, timestamp);
    const last = this.bars[this.bars.length - 1];
    const session = this.sessionOf(time);
    if (last === undefined || time > last.time) {
      const base = last !== undefined && last.session === session ? last.cvd : 0;
      const bar: Bar = { time, end: nextBucketStart(this.timeframe, time), session, buy: 0, sell: 0, cvd: base, dirty: false };
      this.bars.push(bar);
      this.current = bar;
      if (this.bars.length > this.maxBars) this.bars.shift();
      return bar;
    }
    const at = this.indexAtOrAfter(time);
    const found = this.bars[at];
    if (found !== undefined && found.time === time) return found;
    const bar: Bar = { time, end: nextBucketStart(this.timeframe, time), session, buy: 0, sell: 0, cvd: 0, dirty: false };
    this.bars.splice(at, 0, bar);
    return bar;
  }

  /** Rebuilds the CVD from `bar` to the end of its session (a change to a bar before the last). */
  private recompute(bar: Bar): void {
    let i = this.indexAtOrAfter(bar.time);
    const prev = this.bars[i - 1];
    let running = prev !== undefined && prev.session === bar.session ? prev.cvd : 0;
    for (let b = this.bars[i]; b !== undefined && b.session === bar.session; b = this.bars[++i]) {
      running += b.buy - b.sell;
      b.cvd = running;
      this.touch(b);
    }
  }

  private indexAtOrAfter(time: number): number {
    let lo = 0;
    let hi = this.bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.bars[mid]?.time ?? Number.POSITIVE_INFINITY) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function toDeltaBar(b: Bar): DeltaBar {
  return { time: b.time, buyVolume: b.buy, sellVolume: b.sell, delta: b.buy - b.sell, cvd: b.cvd };
}
