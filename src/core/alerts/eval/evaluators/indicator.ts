/** indicator: `left op right` on the timeframe's candles, both sides computed incrementally (see seriesCalc). */
import type { Candle } from '../../../types';
import type { Clock } from '../../../util/clock';
import { formatNumber } from '../../format';
import type { IndicatorRule } from '../../rules';
import type { BarUpdate, CandleEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { createSeriesCalc, seriesLabel, type SeriesCalc } from '../seriesCalc';
import { barReading } from './barTiming';

export class IndicatorEvaluator implements CandleEvaluator {
  readonly input = 'candles';
  readonly subject: string;
  readonly refLabel: string | undefined;
  readonly warmupBars: number;
  private left: SeriesCalc;
  private right: SeriesCalc | undefined;
  private bars = 0;
  private isReady = false;

  constructor(
    private readonly rule: IndicatorRule,
    private readonly clock: Clock,
  ) {
    this.left = createSeriesCalc(rule.left);
    this.right = typeof rule.right === 'number' ? undefined : createSeriesCalc(rule.right);
    this.warmupBars = Math.max(this.left.warmupBars, this.right?.warmupBars ?? 1);
    this.subject = `${rule.symbol} ${rule.timeframe} ${this.left.label}`;
    this.refLabel = typeof rule.right === 'number' ? undefined : seriesLabel(rule.right);
  }

  get ready(): boolean {
    return this.isReady;
  }

  private get required(): number {
    return Math.max(this.left.required, this.right?.required ?? 1);
  }

  warmupDetail(): string {
    return `needs ${this.required} ${this.rule.timeframe} bars, has ${this.bars}`;
  }

  format(value: number): string {
    return formatNumber(value);
  }

  reset(closed: readonly Candle[], current: Candle | undefined, emit: ReadingSink): void {
    this.left = createSeriesCalc(this.rule.left);
    this.right = typeof this.rule.right === 'number' ? undefined : createSeriesCalc(this.rule.right);
    this.bars = 0;
    this.isReady = false;
    for (const c of closed) this.bar({ candle: c, final: true, replace: false }, emit);
    if (current) this.bar({ candle: current, final: false, replace: false }, emit);
  }

  bar(update: BarUpdate, emit: ReadingSink): void {
    const { candle, replace } = update;
    if (!replace || this.bars === 0) this.bars++;
    const l = this.left.update(candle, replace);
    const r = typeof this.rule.right === 'number' ? this.rule.right : this.right!.update(candle, replace);
    if (l === undefined || r === undefined) return;
    this.isReady = true;
    emit(barReading(this.rule.timeframe, update, this.clock, l, typeof this.rule.right === 'number' ? undefined : r));
  }
}
