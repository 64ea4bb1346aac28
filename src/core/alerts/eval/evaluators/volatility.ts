/**
 * volatility over the last `lookback` bars, the bar in progress included:
 * - range: (highest high − lowest low) / close × 100;
 * - stdev: sample standard deviation (n − 1) of the last `lookback` close-to-close returns, in percent.
 * O(1) amortised per bar update (monotonic queues, running sums).
 */
import type { Candle } from '../../../types';
import type { Clock } from '../../../util/clock';
import { formatPercent } from '../../format';
import type { VolatilityRule } from '../../rules';
import type { BarUpdate, CandleEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { Ring } from '../ring';
import { SlidingExtreme } from '../slidingExtreme';
import { barReading } from './barTiming';

export class VolatilityEvaluator implements CandleEvaluator {
  readonly input = 'candles';
  readonly subject: string;
  readonly warmupBars: number;
  private closedCount = 0;
  private seenBar = false;
  // range
  private readonly highs: SlidingExtreme;
  private readonly lows: SlidingExtreme;
  // stdev
  private readonly returns: Ring;
  private sum = 0;
  private sumSq = 0;
  private sinceResum = 0;
  private lastClose: number | undefined;

  constructor(
    private readonly rule: VolatilityRule,
    private readonly clock: Clock,
  ) {
    const closedWindow = rule.lookback - 1;
    this.highs = new SlidingExtreme(closedWindow, 'max');
    this.lows = new SlidingExtreme(closedWindow, 'min');
    this.returns = new Ring(closedWindow);
    this.warmupBars = rule.measure === 'range' ? rule.lookback : rule.lookback + 1;
    this.subject = `${rule.symbol} ${rule.timeframe} ${rule.measure === 'range' ? 'range' : 'return stdev'} over ${rule.lookback} bars`;
  }

  get ready(): boolean {
    return this.rule.measure === 'range' ? this.seenBar && this.closedCount >= this.rule.lookback - 1 : this.returns.full && this.lastClose !== undefined;
  }

  warmupDetail(): string {
    return `needs ${this.warmupBars - 1} closed ${this.rule.timeframe} bars, has ${this.closedCount}`;
  }

  format(value: number): string {
    return formatPercent(value, false);
  }

  reset(closed: readonly Candle[], current: Candle | undefined, emit: ReadingSink): void {
    this.closedCount = 0;
    this.seenBar = false;
    this.highs.clear();
    this.lows.clear();
    this.returns.clear();
    this.sum = 0;
    this.sumSq = 0;
    this.lastClose = undefined;
    for (const c of closed) this.bar({ candle: c, final: true, replace: false }, emit);
    if (current) this.bar({ candle: current, final: false, replace: false }, emit);
  }

  bar(update: BarUpdate, emit: ReadingSink): void {
    const { candle, final } = update;
    this.seenBar = true;
    const value = this.rule.measure === 'range' ? this.range(candle) : this.stdev(candle);
    if (value !== undefined && Number.isFinite(value)) emit(barReading(this.rule.timeframe, update, this.clock, value));
    if (final) this.close(candle);
  }

  private range(c: Candle): number | undefined {
    if (!this.ready || !(c.close > 0)) return undefined;
    const high = Math.max(c.high, this.highs.value ?? -Infinity);
    const low = Math.min(c.low, this.lows.value ?? Infinity);
    return ((high - low) / c.close) * 100;
  }

  private stdev(c: Candle): number | undefined {
    if (!this.ready || !this.lastClose) return undefined;
    const r = (c.close / this.lastClose - 1) * 100;
    const n = this.rule.lookback;
    const mean = (this.sum + r) / n;
    const variance = (this.sumSq + r * r - n * mean * mean) / (n - 1);
    return Math.sqrt(Math.max(0, variance));
  }

  private close(c: Candle): void {
    this.closedCount++;
    this.highs.push(c.high);
    this.lows.push(c.low);
    if (this.lastClose) {
      const r = (c.close / this.lastClose - 1) * 100;
      const evicted = this.returns.push(r);
      this.sum += r;
      this.sumSq += r * r;
      if (evicted !== undefined) {
        this.sum -= evicted;
        this.sumSq -= evicted * evicted;
      }
      if (++this.sinceResum >= Math.max(64, this.returns.capacity)) this.resum();
    }
    this.lastClose = c.close;
  }

  private resum(): void {
    let s = 0;
    let sq = 0;
    for (let i = 0; i < this.returns.length; i++) {
      const r = this.returns.at(i)!;
      s += r;
      sq += r * r;
    }
    this.sum = s;
    this.sumSq = sq;
    this.sinceResum = 0;
  }
}
