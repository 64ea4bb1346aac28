/**
 * Cumulative volume delta rules, from the trade stream (O(1) amortised per trade):
 * - cvd_change: buy − sell volume over the rolling window (the CVD now minus the CVD `window` ago);
 * - cvd_level: buy − sell volume since the start of the current window period (periods aligned to multiples of
 *   the window since the Unix epoch, so 1h / 1d periods start on UTC hours / days);
 * - cvd_ratio: buy / (buy + sell) volume over the rolling window.
 * A value is produced only once the engine has seen every trade of the window: rolling windows after `window`
 * of observation, anchored ones from the first period that started after the first trade seen. One market's
 * reconnect keeps the observation (bridge): its hole's trades come late, from REST; if they cannot be fetched, it
 * starts over (reset), as an aggregate redefined does. Late trades (a reconnect's hole, an aggregate leg's) count
 * where they belong when within the observation and the window (or period) in progress, each once; the value is then
 * read again at the newest time.
 */
import type { Trade } from '../../../types';
import { formatDuration } from '../../duration';
import { formatNumber, formatSigned } from '../../format';
import type { CvdRule } from '../../rules';
import type { TradeEvaluator } from '../evaluator';
import type { ReadingSink } from '../reading';
import { RollingFlow } from '../rollingFlow';
import { tickBarsFor, type TickBars } from '../tickBars';

abstract class CvdEvaluatorBase implements TradeEvaluator {
  readonly input = 'trades';
  readonly windowed = true;
  abstract readonly subject: string;
  protected readonly bars: TickBars;
  /** Market time of the first trade seen since the start (or the last gap). */
  protected firstSeen: number | undefined;
  protected isReady = false;

  constructor(protected readonly rule: CvdRule) {
    this.bars = tickBarsFor(rule);
  }

  get ready(): boolean {
    return this.isReady;
  }

  format(value: number): string {
    return formatSigned(value);
  }

  trade(trade: Trade, emit: ReadingSink): void {
    this.firstSeen ??= trade.timestamp;
    const value = this.apply(trade);
    if (value !== undefined) {
      this.isReady = true;
      this.bars.push(trade.timestamp, value, undefined, emit);
    }
  }

  late(trades: readonly Trade[], emit: ReadingSink): void {
    // Before the first trade since the start (or the gap), the observation has not begun: they are not in it.
    if (this.firstSeen === undefined || !this.takeLate(trades, this.firstSeen)) return;
    const now = this.bars.time;
    const value = this.valueAt(now);
    if (value === undefined) return;
    this.isReady = true;
    this.bars.push(now, value, undefined, emit);
  }

  /** The window and its observation go on: the hole's late trades take their places in it (late()). */
  bridge(): void {}

  reset(): void {
    this.firstSeen = undefined;
    this.isReady = false;
    this.bars.reset();
    this.clear();
  }

  abstract warmupDetail(): string;
  /** Takes the trade in; returns the value once the window is fully observed. */
  protected abstract apply(trade: Trade): number | undefined;
  /** Takes in the late trades made at `from` or later that belong to the window in progress; whether any did. */
  protected abstract takeLate(trades: readonly Trade[], from: number): boolean;
  /** The value at `now` (the newest trade's time) once the window is fully observed. */
  protected abstract valueAt(now: number): number | undefined;
  protected abstract clear(): void;
}

export class CvdChangeEvaluator extends CvdEvaluatorBase {
  readonly subject: string;
  protected readonly flow: RollingFlow;

  constructor(rule: CvdRule) {
    super(rule);
    this.flow = new RollingFlow(rule.windowMs);
    this.subject = `${rule.symbol} CVD change over ${formatDuration(rule.windowMs)}`;
    this.detail = `needs ${formatDuration(rule.windowMs)} of trades`;
  }

  private readonly detail: string;

  warmupDetail(): string {
    return this.detail;
  }

  protected apply(trade: Trade): number | undefined {
    this.flow.push(trade);
    return this.valueAt(trade.timestamp);
  }

  protected takeLate(trades: readonly Trade[], from: number): boolean {
    return this.flow.addLate(trades, from) > 0;
  }

  protected valueAt(now: number): number | undefined {
    return this.covered(now) ? this.flow.delta : undefined;
  }

  protected covered(t: number): boolean {
    return this.firstSeen !== undefined && t - this.rule.windowMs >= this.firstSeen;
  }

  protected clear(): void {
    this.flow.clear();
  }
}

export class CvdRatioEvaluator extends CvdChangeEvaluator {
  override readonly subject: string;

  constructor(rule: CvdRule) {
    super(rule);
    this.subject = `${rule.symbol} buy ratio over ${formatDuration(rule.windowMs)}`;
  }

  override format(value: number): string {
    return formatNumber(value);
  }

  protected override valueAt(now: number): number | undefined {
    const total = this.flow.buyVolume + this.flow.sellVolume;
    return this.covered(now) && total > 0 ? this.flow.buyVolume / total : undefined;
  }
}

export class CvdLevelEvaluator extends CvdEvaluatorBase {
  readonly subject: string;
  private periodStart = Number.NaN;
  private periodEnd = Number.NaN;
  private sum = 0;

  constructor(rule: CvdRule) {
    super(rule);
    this.subject = `${rule.symbol} CVD this ${formatDuration(rule.windowMs)}`;
    this.detail = `waiting for the next ${formatDuration(rule.windowMs)} period to start`;
  }

  private readonly detail: string;

  warmupDetail(): string {
    return this.detail;
  }

  protected apply(trade: Trade): number | undefined {
    const t = trade.timestamp;
    if (!(t < this.periodEnd)) {
      this.periodStart = t - mod(t, this.rule.windowMs);
      this.periodEnd = this.periodStart + this.rule.windowMs;
      this.sum = 0;
    }
    this.sum += trade.side === 'buy' ? trade.amount : -trade.amount;
    return this.valueAt();
  }

  /** Only those of the period in progress: a period already ended was read whole at its trades. */
  protected takeLate(trades: readonly Trade[], from: number): boolean {
    let took = false;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i] as Trade;
      if (t.timestamp < from || !(t.timestamp >= this.periodStart && t.timestamp < this.periodEnd)) continue;
      this.sum += t.side === 'buy' ? t.amount : -t.amount;
      took = true;
    }
    return took;
  }

  protected valueAt(): number | undefined {
    return this.firstSeen !== undefined && this.periodStart >= this.firstSeen ? this.sum : undefined;
  }

  protected clear(): void {
    this.periodStart = Number.NaN;
    this.periodEnd = Number.NaN;
    this.sum = 0;
  }
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
