/**
 * Runs one rule: data → evaluator → readings → comparator → gate → alert. The same class serves the live engine
 * and the backtest, so both decide identically. Warm-up readings (history) only set the crossing state.
 */
import type { Candle, Ticker, Trade } from '../../types';
import { assertNever } from '../../util/assertNever';
import type { Clock } from '../../util/clock';
import type { AlertEvent } from '../alertEvent';
import { isBarRule, type AlertRule } from '../rules';
import type { RuleState } from '../ruleState';
import { Comparator } from './comparator';
import { comparisonsOf, createEvaluator } from './createEvaluator';
import type { BarUpdate, Evaluator } from './evaluator';
import { gate, wantsReading, type SkipReason } from './gate';
import { alertMessage } from './message';
import type { Reading } from './reading';

export interface RunnerHooks {
  /** Wall-clock time: for snooze, and to date updates of a bar in progress. */
  readonly clock: Clock;
  getState(): RuleState;
  setState(state: RuleState): void;
  onFire(event: AlertEvent): void;
  onPause(reason: string): void;
  /** Optional: why a reading that met the condition did not fire (tests, debugging). */
  onSkip?(reason: SkipReason, reading: Reading): void;
}

export class RuleRunner {
  readonly evaluator: Evaluator;
  private readonly comparator: Comparator;
  /** Market time of the newest live reading. */
  lastDataTime: number | undefined;
  /** Readings before this market time only warm the rule up (backtests use it to mirror a live start). */
  warmUntil = -Infinity;

  constructor(
    readonly rule: AlertRule,
    private readonly hooks: RunnerHooks,
  ) {
    this.evaluator = createEvaluator(rule, hooks.clock);
    this.comparator = new Comparator(comparisonsOf(rule));
  }

  get ready(): boolean {
    return this.evaluator.ready;
  }

  // ------------------------------------------------------------------ inputs

  trades(trades: readonly Trade[]): void {
    const ev = this.evaluator;
    if (ev.input !== 'trades') return;
    for (let i = 0; i < trades.length; i++) ev.trade(trades[i]!, this.process);
  }

  ticker(ticker: Ticker): void {
    const ev = this.evaluator;
    if (ev.input === 'ticker') ev.ticker(ticker, this.process);
  }

  /** (Re)starts a candle rule from history: nothing fires, the crossing state is primed from the last readings. */
  barsReset(closed: readonly Candle[], current: Candle | undefined): void {
    const ev = this.evaluator;
    if (ev.input !== 'candles') return;
    this.comparator.reset();
    ev.reset(closed, current, this.prime);
  }

  bar(update: BarUpdate): void {
    const ev = this.evaluator;
    if (ev.input === 'candles') ev.bar(update, this.process);
  }

  /** Attached to a feed (again): the crossing state and tick windows start over; candle rules are reset by their feed. */
  restart(): void {
    this.comparator.reset();
    this.gap();
  }

  /** A gap in a tick stream (reconnect): windowed state starts over. */
  gap(): void {
    const ev = this.evaluator;
    if (ev.input !== 'candles') ev.reset();
  }

  // ------------------------------------------------------------------ readings

  readonly prime = (reading: Reading): void => {
    if (wantsReading(this.rule, reading)) this.comparator.evaluate(reading);
  };

  readonly process = (reading: Reading): void => {
    if (!wantsReading(this.rule, reading)) return;
    if (reading.time < this.warmUntil) {
      this.comparator.evaluate(reading);
      return;
    }
    this.lastDataTime = reading.time;
    const match = this.comparator.evaluate(reading);
    if (!match) return;
    const state = this.hooks.getState();
    const outcome = gate(this.rule, state, reading, this.hooks.clock.now());
    switch (outcome.kind) {
      case 'skip':
        this.hooks.onSkip?.(outcome.reason, reading);
        return;
      case 'pause':
        this.hooks.setState(outcome.state);
        this.hooks.onPause(outcome.reason);
        return;
      case 'fire': {
        this.hooks.setState(outcome.state);
        const rule = this.rule;
        const barScoped = isBarRule(rule) || rule.frequency === 'once_per_bar' || rule.frequency === 'once_per_bar_close';
        this.hooks.onFire({
          ruleId: rule.id,
          ruleName: rule.name,
          ruleType: rule.type,
          exchange: rule.exchange,
          symbol: rule.symbol,
          ...(barScoped ? { timeframe: rule.timeframe, barTime: reading.barTime } : {}),
          message: alertMessage(rule, this.evaluator, match, reading),
          value: reading.value,
          firedAt: reading.time,
        });
        return;
      }
      default:
        assertNever(outcome);
    }
  };
}
