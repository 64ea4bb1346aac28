/** spread: ask − bid from the ticker, absolute (quote currency) or as a percent of the mid price. */
import type { Ticker } from '../../../types';
import { formatNumber, formatPercent } from '../../format';
import type { SpreadRule } from '../../rules';
import type { TickerEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { tickBarsFor, type TickBars } from '../tickBars';

export function spreadOf(ticker: Ticker, unit: SpreadRule['unit']): number | undefined {
  const { bid, ask } = ticker;
  if (bid === undefined || ask === undefined || !(bid > 0) || !(ask > 0)) return undefined;
  const spread = ask - bid;
  return unit === 'absolute' ? spread : (spread / ((ask + bid) / 2)) * 100;
}

export class SpreadEvaluator implements TickerEvaluator {
  readonly input = 'ticker';
  readonly subject: string;
  private readonly bars: TickBars;
  private seen = false;

  constructor(private readonly rule: SpreadRule) {
    this.subject = `${rule.symbol} spread`;
    this.bars = tickBarsFor(rule);
  }

  get ready(): boolean {
    return this.seen;
  }

  warmupDetail(): string {
    return 'waiting for a ticker with bid and ask';
  }

  format(value: number): string {
    return this.rule.unit === 'percent' ? formatPercent(value, false) : formatNumber(value);
  }

  ticker(ticker: Ticker, emit: ReadingSink): void {
    const value = spreadOf(ticker, this.rule.unit);
    if (value === undefined) return;
    this.seen = true;
    this.bars.push(ticker.timestamp, value, undefined, emit);
  }

  reset(): void {}
}
