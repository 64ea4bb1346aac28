/**
 * Cumulative volume delta rules, from the trade stream (O(1) amortised per trade):
 * - cvd_change: buy − sell volume over the rolling window (the CVD now minus the CVD `window` ago);
 * - cvd_level: buy − sell volume since the start of the current window period (periods aligned to multiples of
 *   the window since the Unix epoch, so 1h / 1d periods start on UTC hours / days);
 * - cvd_ratio: buy / (buy + sell) volume over the rolling window.
 * A value is produced only once the engine has seen every trade of the window: rolling windows after `window`
 * of observation, anchored ones from the first period that started after the first trade seen. A gap in the
 * stream (reconnect) starts the observation over.
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

  reset(): void {
    this.firstSeen = undefined;
    this.isReady = false;
    this.bars.reset();
    this.clear();
  }

  abstract warmupDetail(): string;
  /** Takes the trade in; returns the value once the window is fully observed. */
  protected abstract apply(trade: Trade): number | undefined;
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
    return this.covered(trade.timestamp) ? this.flow.delta : undefined;
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

  protected override apply(trade: Trade): number | undefined {
    this.flow.push(trade);
    const total = this.flow.buyVolume + this.flow.sellVolume;
    return this.covered(trade.timestamp) && total > 0 ? this.flow.buyVolume / total : undefined;
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
