/**
 * Evaluates a rule over history with the live engine's own code (evaluator, comparator, gate, bar tracker), so a
 * backtest over the data a live rule saw gives the live fire points. Inputs by rule type:
 * - bar rules (percentage_change, volatility, indicator): `candles` of the rule's timeframe, each evaluated once
 *   at its close; with `trades` as well, the bars from the first trade on are rebuilt trade by trade (one update
 *   per trade, as live with one trade per batch), so intrabar frequencies are exercised too;
 * - last-price and CVD rules: `trades`; bid/ask price levels and spread: `tickers`; liquidations: none (a note).
 * Cooldowns, frequencies, expiry and auto-pause apply in market time; a disabled rule is evaluated as enabled.
 */
import type { CandleDelta } from '../candles/candleDelta';
import { bucketStart, nextBucketStart } from '../timeframes';
import type { Candle, Ticker, Trade } from '../types';
import type { AlertEvent } from './alertEvent';
import { BarTracker } from './eval/barTracker';
import type { EvaluatorGroup } from './eval/evaluatorGroup';
import { soloRule } from './eval/soloRule';
import { ruleFingerprint } from './ruleIdentity';
import type { AlertRule } from './rules';
import { freshState, type RuleState } from './ruleState';
import { assertNever } from '../util/assertNever';

export interface BacktestData {
  readonly candles?: readonly Candle[];
  readonly trades?: readonly Trade[];
  readonly tickers?: readonly Ticker[];
}

export interface BacktestOptions {
  /** Data before this market time only warms the rule up (no fire), like the history a live rule starts with. */
  readonly from?: number;
  /** State to start from (default: fresh). */
  readonly state?: RuleState;
}

export interface FirePoint {
  /** Market time of the fire (for a bar close, the bar's end). */
  readonly time: number;
  readonly value: number;
  readonly message: string;
  /** Open time of the bar, for bar-scoped rules. */
  readonly barTime?: number;
}

export interface BacktestResult {
  readonly fires: FirePoint[];
  readonly events: AlertEvent[];
  /** The state after the last fire (cooldown, counts, pause …). */
  readonly state: RuleState;
  /** E.g. an auto-pause, or data the rule type cannot use. */
  readonly notes: string[];
}

export function backtest(ruleIn: AlertRule, data: BacktestData, options: BacktestOptions = {}): BacktestResult {
  const rule: AlertRule = { ...ruleIn, enabled: true };
  let now = -Infinity;
  let state = options.state ?? freshState(ruleFingerprint(rule), 0);
  const events: AlertEvent[] = [];
  const notes: string[] = [];
  const { runner, group } = soloRule(rule, {
    clock: { now: () => now },
    getState: () => state,
    setState: (s) => (state = s),
    onFire: (e) => events.push(e),
    onPause: (reason) => notes.push(`paused at ${new Date(now).toISOString()}: ${reason}`),
  });
  runner.warmUntil = options.from ?? -Infinity;
  switch (group.evaluator.input) {
    case 'candles':
      replayBars(rule, group, data, options.from, (t) => (now = t), notes);
      break;
    case 'trades':
      if (!data.trades) notes.push(`${rule.type} rules need trades`);
      for (const t of sortedBy(data.trades ?? [], (x) => x.timestamp)) {
        now = t.timestamp;
        group.trades([t]);
      }
      break;
    case 'ticker':
      if (!data.tickers) notes.push(`${rule.type} rules on ${rule.type === 'spread' ? 'the spread' : 'bid / ask'} need tickers`);
      for (const t of sortedBy(data.tickers ?? [], (x) => x.timestamp)) {
        now = t.timestamp;
        group.ticker(t);
      }
      break;
    case 'liquidations':
      notes.push(`${rule.type} rules cannot be backtested: there is no liquidation history`);
      break;
    default:
      assertNever(group.evaluator);
  }
  const fires = events.map((e) => ({ time: e.firedAt, value: e.value, message: e.message, ...(e.barTime !== undefined ? { barTime: e.barTime } : {}) }));
  return { fires, events, state, notes };
}

function replayBars(rule: AlertRule, group: EvaluatorGroup, data: BacktestData, from: number | undefined, setNow: (t: number) => void, notes: string[]): void {
  const tf = rule.timeframe;
  const candles = sortedBy(data.candles ?? [], (c) => c.time);
  const trades = sortedBy(data.trades ?? [], (t) => t.timestamp);
  const tracker = new BarTracker(tf, Number.MAX_SAFE_INTEGER);
  tracker.add(group);
  const firstTradeBar = trades.length > 0 ? bucketStart(tf, trades[0]!.timestamp) : Infinity;
  const barsOnly = candles.filter((c) => c.time < firstTradeBar);
  const warm = from === undefined ? [] : barsOnly.filter((c) => c.time < from);
  setNow(Infinity); // the warm-up bars are all closed
  tracker.snapshot(warm, Infinity);
  for (const c of barsOnly.slice(warm.length)) {
    setNow(nextBucketStart(tf, c.time));
    tracker.deltas([{ kind: 'closed', candle: c }]);
  }
  if (trades.length === 0) {
    if (rule.frequency !== 'once_per_bar_close' && candles.length > 0) notes.push('candles only: each bar was evaluated once, at its close (pass trades to evaluate within bars)');
    return;
  }
  let bar: { time: number; end: number; candle: Candle } | undefined;
  for (const t of trades) {
    setNow(t.timestamp);
    const deltas: CandleDelta[] = [];
    if (bar && t.timestamp >= bar.end) {
      deltas.push({ kind: 'closed', candle: bar.candle });
      bar = undefined;
    }
    if (!bar) {
      const time = bucketStart(tf, t.timestamp);
      bar = { time, end: nextBucketStart(tf, time), candle: { time, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount } };
    } else {
      const c = bar.candle;
      bar.candle = { ...c, high: Math.max(c.high, t.price), low: Math.min(c.low, t.price), close: t.price, volume: c.volume + t.amount };
    }
    deltas.push({ kind: 'updated', candle: bar.candle });
    tracker.deltas(deltas);
  }
}

function sortedBy<T>(items: readonly T[], key: (x: T) => number): T[] {
  return [...items].sort((a, b) => key(a) - key(b));
}
