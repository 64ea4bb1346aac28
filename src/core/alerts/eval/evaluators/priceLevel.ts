/** price_level: the last trade price (trades stream) or the best bid / ask (ticker stream), per tick. */
import type { Ticker, Trade } from '../../../types';
import { formatNumber } from '../../format';
import type { PriceLevelRule } from '../../rules';
import type { TickerEvaluator, TradeEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { tickBarsFor, type TickBars } from '../tickBars';

export class LastPriceEvaluator implements TradeEvaluator {
  readonly input = 'trades';
  readonly windowed = false;
  readonly subject: string;
  private readonly bars: TickBars;
  private seen = false;

  constructor(rule: PriceLevelRule) {
    this.subject = `${rule.symbol} last`;
    this.bars = tickBarsFor(rule);
  }

  get ready(): boolean {
    return this.seen;
  }

  warmupDetail(): string {
    return 'waiting for the first trade';
  }

  format(value: number): string {
    return formatNumber(value);
  }

  trade(trade: Trade, emit: ReadingSink): void {
    this.seen = true;
    this.bars.push(trade.timestamp, trade.price, undefined, emit);
  }

  /** Each late trade's price is judged on its own, in their order (see RuleRunner: the live crossing state stays). */
  late(trades: readonly Trade[], emit: ReadingSink): void {
    for (const t of trades) {
      this.seen = true;
      this.bars.late(t.timestamp, t.price, emit);
    }
  }

  reset(): void {
    // A price level needs no history: the crossing state survives a gap, so a cross during it is still seen.
  }

  bridge(): void {}
}

export class QuotePriceEvaluator implements TickerEvaluator {
  readonly input = 'ticker';
  readonly subject: string;
  private readonly bars: TickBars;
  private seen = false;

  constructor(private readonly rule: PriceLevelRule & { source: 'bid' | 'ask' }) {
    this.subject = `${rule.symbol} ${rule.source}`;
    this.bars = tickBarsFor(rule);
  }

  get ready(): boolean {
    return this.seen;
  }

  warmupDetail(): string {
    return this.rule.source === 'bid' ? 'waiting for a ticker with a bid' : 'waiting for a ticker with an ask';
  }

  format(value: number): string {
    return formatNumber(value);
  }

  ticker(ticker: Ticker, emit: ReadingSink): void {
    const price = this.rule.source === 'bid' ? ticker.bid : ticker.ask;
    if (price === undefined || !Number.isFinite(price)) return;
    this.seen = true;
    this.bars.push(ticker.timestamp, price, undefined, emit);
  }

  reset(): void {}
}
