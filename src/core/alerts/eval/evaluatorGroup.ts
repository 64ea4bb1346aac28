/**
 * One evaluator and the rules that read it (rules with the same evaluatorKey): market data goes through the
 * evaluator once, and each reading goes to every member's RuleRunner. So the cost per trade is one evaluation per
 * distinct series plus one comparison per rule. A group of close-only rules skips the updates within a bar and
 * computes each bar once, at its close. The live engine and the backtest both drive rules through a group.
 */
import type { Candle, Liquidation, Ticker, Trade } from '../../types';
import type { BarConsumer } from './barTracker';
import type { BarUpdate, Evaluator } from './evaluator';
import type { Reading } from './reading';
import type { RuleRunner } from './ruleRunner';

/** Called when a member's runner throws on a reading; the other members still get it. */
export type RunnerErrorHandler = (runner: RuleRunner, err: unknown) => void;

export class EvaluatorGroup implements BarConsumer {
  private members: RuleRunner[] = [];
  /** Market time of the newest reading (live or primed); -Infinity before the first. */
  lastReadingTime = -Infinity;
  /** Why its windows started over, said while it warms up again (a reconnect's hole lost); cleared by the next start. */
  private restartedBecause: string | undefined;

  constructor(
    private current: Evaluator,
    /** Every member is close-only (once_per_bar_close): updates within a bar are not evaluated. */
    private readonly closeOnly: boolean,
    private readonly onRunnerError: RunnerErrorHandler,
  ) {}

  get evaluator(): Evaluator {
    return this.current;
  }

  get size(): number {
    return this.members.length;
  }

  get runners(): readonly RuleRunner[] {
    return this.members;
  }

  /** The evaluator's progress, read through this class (one shape) by the status upkeep after every batch. */
  get ready(): boolean {
    return this.evaluator.ready;
  }

  /** Its evaluator reads a window of trades: after a reconnect it waits for the hole's trades (TradeEvaluator.windowed). */
  get waitsForHoles(): boolean {
    const ev = this.evaluator;
    return ev.input === 'trades' && ev.windowed;
  }

  /** The closed bars a close's reading depends on: a bar close waits while one of them is partial (BarTracker). */
  get windowBars(): number {
    const ev = this.evaluator;
    return ev.input === 'candles' ? ev.warmupBars : 1;
  }

  warmupDetail(): string {
    const detail = this.evaluator.warmupDetail();
    return this.restartedBecause === undefined ? detail : `${this.restartedBecause}; started over: ${detail}`;
  }

  /** A new member starts without crossing state; candle feeds then rebuild the group (barsReset) to prime it. */
  add(runner: RuleRunner): void {
    if (this.members.includes(runner)) return;
    runner.resetCrossing();
    this.members = [...this.members, runner];
  }

  remove(runner: RuleRunner): void {
    this.members = this.members.filter((r) => r !== runner);
  }

  // ------------------------------------------------------------------ inputs

  trades(trades: readonly Trade[]): void {
    const ev = this.evaluator;
    if (ev.input !== 'trades') return;
    for (let i = 0; i < trades.length; i++) ev.trade(trades[i]!, this.process);
  }

  /** Late trades (see TradeEvaluator.late), in their order: each member judges their readings from a copy of its crossing state. */
  lateTrades(trades: readonly Trade[]): void {
    const ev = this.evaluator;
    if (ev.input !== 'trades') return;
    for (const r of this.members) r.beginLate();
    ev.late(trades, this.process);
  }

  ticker(ticker: Ticker): void {
    const ev = this.evaluator;
    if (ev.input === 'ticker') ev.ticker(ticker, this.process);
  }

  liquidations(liquidations: readonly Liquidation[]): void {
    const ev = this.evaluator;
    if (ev.input !== 'liquidations') return;
    for (const l of liquidations) ev.liquidation(l, this.process);
  }

  /** (Re)starts from history: nothing fires, every member's crossing state is primed from the readings. */
  barsReset(closed: readonly Candle[], current: Candle | undefined): void {
    const ev = this.evaluator;
    if (ev.input !== 'candles') return;
    for (const r of this.members) r.resetCrossing();
    ev.reset(closed, this.closeOnly ? undefined : current, this.prime);
  }

  bar(update: BarUpdate): void {
    const ev = this.evaluator;
    if (ev.input !== 'candles') return;
    if (!this.closeOnly) ev.bar(update, this.process);
    // The bar was never fed while in progress, so its close is a new bar to the evaluator. (A revision of an
    // older bar does not come here: the bar tracker rebuilds the group with barsReset instead.)
    else if (update.final) ev.bar({ candle: update.candle, final: true, replace: false }, this.process);
  }

  /** Starts over with `fresh` (a new evaluator of the same series) and no crossing state: its market went back in time. */
  restart(fresh: Evaluator): void {
    this.current = fresh;
    this.restartedBecause = undefined;
    for (const r of this.members) r.resetCrossing();
  }

  /**
   * A gap in a tick stream (reconnect): windowed state starts over, unless `holeFollows` (a trades stream whose hole
   * comes as late trades, see TradeEvaluator.bridge). Candle groups are rebuilt by their feed.
   */
  gap(holeFollows = false): void {
    this.restartedBecause = undefined;
    const ev = this.evaluator;
    if (ev.input === 'trades' && holeFollows) ev.bridge();
    else if (ev.input !== 'candles') ev.reset();
  }

  /**
   * The hole a gap bridged over will not come (its trades could not be fetched): windowed state starts over, as
   * after a gap with none to follow, and until it is ready again its warm-up says `why`. Nothing reads the window
   * that lacks the hole's trades, so nothing fires on it.
   */
  holeLost(why: string): void {
    this.gap(false);
    if (this.evaluator.input === 'trades') this.restartedBecause = why;
  }

  // ------------------------------------------------------------------ readings

  private readonly process = (reading: Reading): void => {
    this.lastReadingTime = reading.time;
    const members = this.members;
    for (let i = 0; i < members.length; i++) {
      try {
        members[i]!.process(reading);
      } catch (err) {
        this.onRunnerError(members[i]!, err);
      }
    }
  };

  private readonly prime = (reading: Reading): void => {
    for (const r of this.members) r.prime(reading);
  };
}
