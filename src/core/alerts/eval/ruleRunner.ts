/**
 * Decides for one rule: reading → comparator → gate → alert. Readings come from the rule's evaluator, which it
 * may share with other rules (EvaluatorGroup). The same class serves the live engine and the backtest, so both
 * decide identically. Warm-up readings (history) only set the crossing state.
 */
import { assertNever } from '../../util/assertNever';
import type { Clock } from '../../util/clock';
import type { AlertEvent } from '../alertEvent';
import { isBarRule, type AlertRule } from '../rules';
import type { RuleState } from '../ruleState';
import { Comparator } from './comparator';
import { comparisonsOf } from './createEvaluator';
import { isCloseOnly } from './evaluatorKey';
import type { Wording } from './evaluator';
import { gate, type SkipReason } from './gate';
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
  private readonly comparator: Comparator;
  /**
   * Late readings' crossing state (see Reading.lateAt): a copy of the live one at their batch's first, so a late
   * trade beyond a level the live price is on the other side of is a cross (made in the hole and back), and the
   * live state, the stream's newest, is left as it was. Undefined until a batch's first late reading.
   */
  private lateComparator: Comparator | undefined;
  /** Market time of the newest live reading; -Infinity before the first (a number field: stored unboxed). */
  lastDataTime = -Infinity;
  /**
   * Readings before this market time only warm the rule up (backtests use it to mirror a live start; a replay
   * seeked back, to replay silently what was already judged).
   */
  warmUntil = -Infinity;
  /** Readings compared with the rule's condition (warm-up and priming not counted). */
  evaluations = 0;
  /** Looks at bar closes only; a field, as rules come in many shapes and this is read per reading. */
  private readonly closeOnly: boolean;

  constructor(
    readonly rule: AlertRule,
    private readonly hooks: RunnerHooks,
    /** How readings are worded in alert messages (the evaluator of the rule's series). */
    private readonly wording: Wording,
  ) {
    this.comparator = new Comparator(comparisonsOf(rule));
    this.closeOnly = isCloseOnly(rule);
  }

  /** Forgets the crossing state: the next reading only sets the side (after a rebuild, a gap or a re-attach). */
  resetCrossing(): void {
    this.comparator.reset();
    this.lateComparator = undefined;
  }

  /** A batch of late readings follows: they start from the live crossing state as it is now. */
  beginLate(): void {
    this.lateComparator = undefined;
  }

  /**
   * Its market went back in time (a replay seeked back): the readings up to the newest one it judged only rebuild
   * its state, so a fire already decided (or declined) is never decided again; it fires only beyond that point.
   * Every ms up to it was judged whole: a replay releases all the events of a millisecond at once.
   */
  rewound(): void {
    this.warmUntil = Math.max(this.warmUntil, this.lastDataTime + 1);
    this.comparator.reset();
  }

  // ------------------------------------------------------------------ readings

  /** A reading from history: sets the crossing state, never fires. */
  prime(reading: Reading): void {
    if (reading.closed || !this.closeOnly) this.comparator.evaluate(reading);
  }

  process(reading: Reading): void {
    if (!reading.closed && this.closeOnly) return;
    const comparator = reading.lateAt === undefined ? this.comparator : (this.lateComparator ??= this.comparator.copy());
    // A late trade made before the rule started is history, as a live one would have been.
    if ((reading.lateAt ?? reading.time) < this.warmUntil) {
      comparator.evaluate(reading);
      return;
    }
    this.lastDataTime = reading.time;
    this.evaluations++;
    const match = comparator.evaluate(reading);
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
          message: alertMessage(rule, this.wording, match, reading),
          value: reading.value,
          firedAt: reading.time,
        });
        return;
      }
      default:
        assertNever(outcome);
    }
  }
}
