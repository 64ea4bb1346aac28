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
  /** The closed bars a close's reading depends on, the closing bar included (1 when absent). */
  readonly windowBars?: number;
  barsReset(closed: readonly Candle[], current: Candle | undefined): void;
  bar(update: BarUpdate): void;
}

export class BarTracker {
  private closed: Candle[] = [];
  private current: Candle | undefined;
  /**
   * Each consumer's closes not gone out yet, oldest first: bars whose window (BarConsumer.windowBars) held a bar that
   * closed partial (it may lack trades: a weak seam, a failed backfill), so their reading would be computed on bars
   * that are not whole, and the later closes, which wait behind them to go out in order. A revision that makes a
   * window whole (the exchange's kline, a backfill) fires them late, as at the time. A close is lost once its bar is no
   * longer held (capacity), or once a later close reads whole bars when nothing may settle it any more (given up, `held`).
   */
  private readonly consumers = new Map<BarConsumer, number[]>();
  private loaded = false;
  /** Open time of the newest closed bar held partial (-Infinity: none), so a close checks its window in O(1). */
  private newestPartial = -Infinity;

  constructor(
    readonly timeframe: Timeframe,
    private capacity: number,
    private readonly held: {
      /** Whether partial bars may still be made whole (the feed is catching up, retrying …): closes keep waiting. */
      readonly mayStillSettle?: () => boolean;
      /** Closes given up, by bar open time (see `close`). */
      readonly onSkipped?: (barTimes: readonly number[]) => void;
    } = {},
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
    if (!this.consumers.has(consumer)) this.consumers.set(consumer, this.owedToNewcomer());
    if (this.loaded) consumer.barsReset(this.closed, this.current);
  }

  /**
   * The newest close, when it has not gone out whole (its bar closed partial, or a consumer still holds it), is owed
   * to a consumer that joins meanwhile too: a rule saved while the feed catches up fires that close once its bars are
   * whole, as the rules already there do (the bot's hot reload in botFaultCombination).
   */
  private owedToNewcomer(): number[] {
    const newest = this.closed[this.closed.length - 1];
    if (newest === undefined) return [];
    if (newest.partial === true) return [newest.time];
    for (const pending of this.consumers.values()) if (pending.includes(newest.time)) return [newest.time];
    return [];
  }

  remove(consumer: BarConsumer): void {
    this.consumers.delete(consumer);
  }

  /** Some consumer holds closes until the partial bars in their window are whole (see `consumers`); O(consumers). */
  get holding(): boolean {
    for (const pending of this.consumers.values()) if (pending.length > 0) return true;
    return false;
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
    for (const pending of this.consumers.values()) pending.length = 0;
    this.trim(true);
    this.findNewestPartial();
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
    this.findNewestPartial();
    this.rebuild();
  }

  /** `dataTime`: the time of the newest trade behind the deltas, when known (it dates the readings). */
  deltas(deltas: readonly CandleDelta[], dataTime?: number): void {
    if (!this.loaded) return;
    let rebuild = false;
    for (const d of deltas) {
      const c = d.candle;
      const newest = this.current?.time ?? this.closed[this.closed.length - 1]?.time ?? -Infinity;
      const isCurrent = this.current !== undefined && c.time === this.current.time;
      const isNew = c.time > newest;
      if (d.kind === 'revised' || (!isCurrent && !isNew)) {
        // A bar the snapshot already counted as closed (its end had passed) is confirmed final: nothing changes.
        if (d.kind === 'closed' && this.isHeldAs(c)) continue;
        this.revise(c);
        rebuild = true;
        continue;
      }
      if (rebuild) {
        this.rebuild();
        rebuild = false;
      }
      if (isNew && this.current) this.closeCurrent(this.current, true); // a later bar started without a close for this one
      const update: BarUpdate = { candle: c, final: d.kind === 'closed', replace: isCurrent, ...(dataTime !== undefined ? { dataTime } : {}) };
      if (update.final) this.close(update);
      else {
        this.current = c;
        this.emit(update);
      }
    }
    if (rebuild) this.rebuild();
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
    this.close({ candle: bar, final: true, replace });
  }

  /**
   * A bar closed: its close goes out to each consumer that holds none and whose window of bars is whole; the others
   * keep it (see `consumers`) and are rebuilt with it as history.
   */
  private close(update: BarUpdate): void {
    const bar = update.candle;
    this.current = undefined;
    this.closed.push(bar);
    if (bar.partial) this.newestPartial = bar.time;
    this.trim(false);
    for (const [consumer, pending] of this.consumers) {
      const whole = this.windowWhole(this.closed.length - 1, consumer.windowBars ?? 1);
      if (pending.length === 0 && whole) consumer.bar(update);
      else {
        pending.push(bar.time);
        this.release(consumer, pending); // the oldest may be gone (capacity)
        // This close reads whole bars while older ones still wait for theirs, and nothing is left that could make those
        // whole (a bar partial for good: its trades out of REST's reach). They could only go out after it, so they are
        // given up, said so: a rule then waits at most its window of bars past the feed's settling, not until the
        // partial bar leaves the history held (hours of a 1m rule reading catching up; a backtest firing nothing).
        if (whole && pending.length > 1 && this.held.mayStillSettle?.() !== true) {
          const skipped = pending.splice(0, pending.length - 1);
          this.held.onSkipped?.(skipped);
          this.release(consumer, pending);
        }
        consumer.barsReset(this.closed, undefined);
      }
    }
  }

  /** Whether the `window` closed bars ending at index `i` are all whole; O(1) for the newest bar. */
  private windowWhole(i: number, window: number): boolean {
    const first = this.closed[Math.max(0, i - window + 1)];
    if (!first) return true;
    if (i === this.closed.length - 1) return this.newestPartial < first.time;
    for (let j = Math.max(0, i - window + 1); j <= i; j++) if (this.closed[j]?.partial) return false;
    return true;
  }

  private revise(c: Candle): void {
    if (this.current && c.time > this.current.time) return; // cannot happen: newer bars are never revisions
    const lo = this.indexOfClosed(c.time);
    if (this.closed[lo]?.time === c.time) this.closed[lo] = c;
    else this.closed.splice(lo, 0, c);
    this.findNewestPartial();
  }

  private findNewestPartial(): void {
    this.newestPartial = -Infinity;
    for (let i = this.closed.length - 1; i >= 0; i--) {
      const bar = this.closed[i];
      if (bar?.partial) {
        this.newestPartial = bar.time;
        return;
      }
    }
  }

  /** Every consumer from the bars held, after firing, as at the time, the closes it kept whose window is now whole. */
  private rebuild(): void {
    for (const [consumer, pending] of this.consumers) {
      if (pending.length > 0) this.release(consumer, pending);
      consumer.barsReset(this.closed, this.current);
    }
  }

  /** Fires `consumer`'s kept closes, oldest first, while their window is whole, each after the consumer was brought to the bar before it. */
  private release(consumer: BarConsumer, pending: number[]): void {
    const window = consumer.windowBars ?? 1;
    let done = 0;
    for (; done < pending.length; done++) {
      const time = pending[done] ?? -Infinity;
      const i = this.indexOfClosed(time);
      const bar = this.closed[i];
      if (bar?.time !== time) continue; // no longer held: it can never go out
      if (!this.windowWhole(i, window)) break;
      consumer.barsReset(this.closed.slice(0, i), undefined);
      consumer.bar({ candle: bar, final: true, replace: false });
    }
    pending.splice(0, done);
  }

  private emit(update: BarUpdate): void {
    for (const consumer of this.consumers.keys()) consumer.bar(update);
  }

  /** Drops the oldest bars beyond the capacity (in chunks, so amortised O(1) per bar). */
  private trim(exact: boolean): void {
    const limit = exact ? this.capacity : Math.ceil(this.capacity * 1.5) + 16;
    if (this.closed.length > limit) this.closed = this.closed.slice(this.closed.length - this.capacity);
  }
}
