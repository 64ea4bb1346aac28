/**
 * Bar bookkeeping for rules fed by ticks (trades, tickers): tags each tick with its bar of the rule's timeframe
 * and, for close-only rules, when a tick opens a later bar, first emits the previous bar's close reading (its
 * last value, dated at the bar's end). A bar close is therefore noticed on the first tick after it. Other rules
 * get no close readings: the close is the last tick, already evaluated. O(1) per tick.
 */
import { bucketStart, nextBucketStart, type Timeframe } from '../../timeframes';
import type { AlertRule } from '../rules';
import { lateReading, reading, type ReadingSink } from './reading';

export class TickBars {
  private bar = Number.NaN;
  private barEnd = Number.NaN;
  private lastTime = -Infinity;
  private lastValue = Number.NaN;
  private lastRef: number | undefined;

  constructor(
    private readonly timeframe: Timeframe,
    private readonly emitCloses: boolean,
  ) {}

  push(time: number, value: number, ref: number | undefined, emit: ReadingSink): void {
    const t = Math.max(time, this.lastTime); // a tick never moves time backwards
    if (!(t < this.barEnd)) {
      const bar = bucketStart(this.timeframe, t);
      if (this.emitCloses && !Number.isNaN(this.bar) && bar > this.bar) {
        emit(reading(this.barEnd, this.bar, true, this.lastValue, this.lastRef));
      }
      this.bar = bar;
      this.barEnd = nextBucketStart(this.timeframe, bar);
    }
    this.lastTime = t;
    this.lastValue = value;
    this.lastRef = ref;
    emit(reading(t, this.bar, false, value, ref));
  }

  /** Market time of the newest tick (-Infinity before the first). */
  get time(): number {
    return this.lastTime;
  }

  /**
   * A late tick's value (made at `at`, older than the newest): a late reading at the newest time, in the open bar,
   * which does not become the series' value (its newest tick's still is) and opens or closes no bar.
   */
  late(at: number, value: number, emit: ReadingSink): void {
    const t = Math.max(at, this.lastTime);
    const bar = t < this.barEnd && !Number.isNaN(this.bar) ? this.bar : bucketStart(this.timeframe, t);
    emit(lateReading(t, bar, value, at));
  }

  /** Forgets the open bar, e.g. when the value stops being known (a gap in the stream). */
  reset(): void {
    this.bar = Number.NaN;
    this.barEnd = Number.NaN;
    this.lastValue = Number.NaN;
    this.lastRef = undefined;
  }
}

export function tickBarsFor(rule: AlertRule): TickBars {
  return new TickBars(rule.timeframe, rule.frequency === 'once_per_bar_close');
}
