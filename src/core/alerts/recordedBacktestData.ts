/** A tick-by-tick backtest: a rule's market as recorded (trades and tickers), with the closed bars before it from history. */
import type { RecordSource } from '../record/recordSource';
import { bucketStart, nextBucketStart, timeframeMs } from '../timeframes';
import type { Candle, Ticker, Trade } from '../types';
import type { BacktestData } from './backtest';
import type { BacktestHistory } from './backtestData';
import type { AlertRule } from './rules';

/** How much of the recording a backtest reads at most (a busy market records millions of trades a day). */
export const TICK_WINDOW_MS = 24 * 3_600_000;

export interface RecordedSpan {
  /** The first and last recorded trade used (epoch ms), and how many trades and tickers. */
  readonly from: number;
  readonly until: number;
  readonly trades: number;
  readonly tickers: number;
}

/**
 * The data to backtest `rule` on at `now` from the recording in `source`: every recorded trade and ticker of the
 * rule's market from the first whole bar recorded in the last `bars` bars (at most TICK_WINDOW_MS back), and the
 * closed bars before that bar from history, so the bars warm up as usual and the recorded ones are rebuilt trade by
 * trade. Undefined when nothing is recorded there (the caller backtests on history alone). A hole in the
 * recording is a quiet stretch to the rule.
 */
export async function loadRecordedBacktestData(
  source: RecordSource,
  history: BacktestHistory,
  rule: AlertRule,
  now: number,
  bars: number,
  onProblem?: (message: string) => void,
): Promise<(BacktestData & { readonly candles: readonly Candle[]; readonly recorded: RecordedSpan }) | undefined> {
  const market = { exchange: rule.exchange, symbol: rule.symbol };
  const tf = rule.timeframe;
  const from = bucketStart(tf, now) - bars * timeframeMs(tf);
  const trades: Trade[] = [];
  const tickers: Ticker[] = [];
  let firstBar: number | undefined;
  const range = { market, from: Math.max(from, now - TICK_WINDOW_MS), until: now, kinds: ['trades', 'tickers'] as const, ...(onProblem ? { onProblem } : {}) };
  for await (const day of source.readDays(range)) {
    for (const t of day.trades) {
      // The first recorded bar may have begun before the recording: ticks count from the next whole bar.
      firstBar ??= nextBucketStart(tf, bucketStart(tf, t.timestamp));
      if (t.timestamp >= firstBar) trades.push(t);
    }
    if (firstBar === undefined) continue;
    const recorded = day.tickers;
    for (let i = 0; i < recorded.length; i++) if ((recorded.ts[i] as number) >= firstBar) tickers.push(recorded.tickerAt(i));
  }
  const first = trades[0];
  const last = trades[trades.length - 1];
  if (!first || !last || firstBar === undefined) return undefined;
  const candles = await history.candlesBetween(market, tf, from, firstBar);
  return { candles, trades, tickers, recorded: { from: first.timestamp, until: last.timestamp, trades: trades.length, tickers: tickers.length } };
}
