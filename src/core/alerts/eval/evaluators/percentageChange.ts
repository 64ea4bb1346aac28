/** percentage_change: (close / close `lookback` bars earlier − 1) × 100, for the bar in progress and at each close. */
import type { Candle } from '../../../types';
import type { Clock } from '../../../util/clock';
import { formatPercent } from '../../format';
import type { PercentageChangeRule } from '../../rules';
import type { BarUpdate, CandleEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { Ring } from '../ring';
import { barReading } from './barTiming';

export class PercentageChangeEvaluator implements CandleEvaluator {
  readonly input = 'candles';
  readonly subject: string;
  readonly warmupBars: number;
  /** Closes of the last `lookback` closed bars. */
  private readonly closes: Ring;

  constructor(
    private readonly rule: PercentageChangeRule,
    private readonly clock: Clock,
  ) {
    this.closes = new Ring(rule.lookback);
    this.warmupBars = rule.lookback + 1;
    this.subject = `${rule.symbol} ${rule.timeframe} change over ${rule.lookback} bar${rule.lookback === 1 ? '' : 's'}`;
  }

  get ready(): boolean {
    return this.closes.full;
  }

  warmupDetail(): string {
    return `needs ${this.rule.lookback} closed ${this.rule.timeframe} bars, has ${this.closes.length}`;
  }

  format(value: number): string {
    return formatPercent(value);
  }

  reset(closed: readonly Candle[], current: Candle | undefined, emit: ReadingSink): void {
    this.closes.clear();
    for (const c of closed) this.bar({ candle: c, final: true, replace: false }, emit);
    if (current) this.bar({ candle: current, final: false, replace: false }, emit);
  }

  bar(update: BarUpdate, emit: ReadingSink): void {
    const { candle, final } = update;
    const base = this.closes.full ? this.closes.at(0) : undefined;
    if (base !== undefined && base !== 0) emit(barReading(this.rule.timeframe, update, this.clock, (candle.close / base - 1) * 100));
    if (final) this.closes.push(candle.close);
  }
}
