/**
 * Turns a candle subscription's snapshot and deltas into an ordered stream of bar updates for the rules on one
 * (exchange, symbol, timeframe): each bar is first added, then replaced while in progress, then closed; a new bar
 * only after the previous one closed. Revisions of older bars (late trades, a backfill after a reconnect) rebuild
 * the rules from the bars held, before the newer updates of the same batch. Pure; shared by live and backtest.
 */
import type { CandleDelta } from '../../candles/candleDelta';
import { nextBucketStart, type Timeframe } from '../../timeframes';
import type { Candle } from '../../types';
import type { BarUpdate } from './evaluator';

export interface BarConsumer {
  barsReset(closed: readonly Candle[], current: Candle | undefined): void;
  bar(update: BarUpdate): void;
}

export class BarTracker {
  private closed: Candle[] = [];
  private current: Candle | undefined;
  private readonly consumers = new Set<BarConsumer>();
  private loaded = false;
  /**
   * A bar that closed partial (it may lack trades: a weak seam, a failed backfill), so no close went out for it. Its
   * final version (the exchange's kline, a backfill) fires that close late, if no later close went out first.
   */
  private unfired: number | undefined;

  constructor(
    readonly timeframe: Timeframe,
    private capacity: number,
  ) {}

  get isLoaded(): boolean {
    return this.loaded;
  }

  get closedBars(): readonly Candle[] {
    return this.closed;
  }

  get currentBar(): Candle | undefined {
    return this.current;
  }

  /** Adds a consumer; once bars are loaded it is started from them at once. */
  add(consumer: BarConsumer): void {
    this.consumers.add(consumer);
    if (this.loaded) consumer.barsReset(this.closed, this.current);
  }

  remove(consumer: BarConsumer): void {
    this.consumers.delete(consumer);
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** Keeps at least `bars` closed bars from now on. */
  setCapacity(bars: number): void {
    this.capacity = Math.max(this.capacity, bars);
  }

  /** The history: every bar but the last is closed; the last is closed once the clock has passed its end. */
  snapshot(candles: readonly Candle[], now: number): void {
    const bars = [...candles].sort((a, b) => a.time - b.time);
    const last = bars[bars.length - 1];
    this.current = last && nextBucketStart(this.timeframe, last.time) > now ? bars.pop() : undefined;
    this.closed = bars;
    this.unfired = undefined;
    this.trim(true);
    this.loaded = true;
    this.rebuild();
  }

  /** Older closed bars (a REST top-up): merged in front, then every consumer is rebuilt. */
  prepend(older: readonly Candle[]): void {
    const first = this.closed[0]?.time ?? this.current?.time ?? Infinity;
    const add = older.filter((c) => c.time < first).sort((a, b) => a.time - b.time);
    if (add.length === 0) return;
    this.closed = [...add, ...this.closed];
    this.trim(true);
    this.rebuild();
  }

  /** `dataTime`: the time of the newest trade behind the deltas, when known (it dates the readings). */
  deltas(deltas: readonly CandleDelta[], dataTime?: number): void {
    if (!this.loaded) return;
    let rebuild = false;
    let late: Candle | undefined;
    for (const d of deltas) {
      const c = d.candle;
      const newest = this.current?.time ?? this.closed[this.closed.length - 1]?.time ?? -Infinity;
      const isCurrent = this.current !== undefined && c.time === this.current.time;
      const isNew = c.time > newest;
      if (d.kind === 'revised' || (!isCurrent && !isNew)) {
        // A bar the snapshot already counted as closed (its end had passed) is confirmed final: nothing changes.
        if (d.kind === 'closed' && this.isHeldAs(c)) continue;
        this.revise(c);
        if (c.time === this.unfired && !c.partial) late = c;
        rebuild = true;
        continue;
      }
      if (rebuild) {
        this.rebuild(late);
        rebuild = false;
        late = undefined;
      }
      if (isNew && this.current?.partial) {
        // A bar that may lack trades (a weak seam, a gap whose backfill failed) fires no close yet: it is kept as
        // history, and its final version (a revision, which rebuilds) fires the close then.
        this.unfired = this.current.time;
        this.closed.push(this.current);
        this.current = undefined;
        this.rebuild();
      } else if (isNew && this.current) this.closeCurrent(this.current, true); // a later bar started without a close for this one
      const final = d.kind === 'closed';
      if (final) {
        this.current = undefined;
        this.closed.push(c);
        this.trim(false);
      } else this.current = c;
      if (final) this.unfired = undefined; // a later close went out: the unfired one can no longer fire in order
      this.emit({ candle: c, final, replace: isCurrent, ...(dataTime !== undefined ? { dataTime } : {}) });
    }
    if (rebuild) this.rebuild(late);
  }

  /** Whether `c` is held as a closed bar with exactly these values. */
  private isHeldAs(c: Candle): boolean {
    const i = this.indexOfClosed(c.time);
    const held = this.closed[i];
    return held !== undefined && held.time === c.time && held.open === c.open && held.high === c.high && held.low === c.low && held.close === c.close && held.volume === c.volume && !held.partial;
  }

  private indexOfClosed(time: number): number {
    let lo = 0;
    let hi = this.closed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.closed[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private closeCurrent(bar: Candle, replace: boolean): void {
    this.unfired = undefined;
    this.current = undefined;
    this.closed.push(bar);
    this.emit({ candle: bar, final: true, replace });
  }

  private revise(c: Candle): void {
    if (this.current && c.time > this.current.time) return; // cannot happen: newer bars are never revisions
    const lo = this.indexOfClosed(c.time);
    if (this.closed[lo]?.time === c.time) this.closed[lo] = c;
    else this.closed.splice(lo, 0, c);
  }

  /**
   * Every consumer from the bars held. With `late` (the final version of the unfired bar, still the newest closed
   * one), the consumers are first brought to the bar before it and given its close, as at the time.
   */
  private rebuild(late?: Candle): void {
    const newestClosed = this.closed[this.closed.length - 1];
    if (late !== undefined && newestClosed?.time === late.time && this.unfired === late.time) {
      this.unfired = undefined;
      const before = this.closed.slice(0, -1);
      for (const consumer of this.consumers) consumer.barsReset(before, undefined);
      this.emit({ candle: newestClosed, final: true, replace: false });
    }
    for (const consumer of this.consumers) consumer.barsReset(this.closed, this.current);
  }

  private emit(update: BarUpdate): void {
    for (const consumer of this.consumers) consumer.bar(update);
  }

  /** Drops the oldest bars beyond the capacity (in chunks, so amortised O(1) per bar). */
  private trim(exact: boolean): void {
    const limit = exact ? this.capacity : Math.ceil(this.capacity * 1.5) + 16;
    if (this.closed.length > limit) this.closed = this.closed.slice(this.closed.length - this.capacity);
  }
}
