/** What a backtest of a rule reads from history: the closed bars of its timeframe, and recent trades when its feed is trades. */
import type { MarketKey } from '../keys';
import { bucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import type { BacktestData } from './backtest';
import { feedSpecOf } from './feeds/feedSpec';
import type { AlertRule } from './rules';

/** The history the backtest reads (the MarketHub satisfies it). */
export interface BacktestHistory {
  candlesBetween(market: MarketKey, timeframe: Timeframe, from: number, until: number): Promise<Candle[]>;
  tradesBetween(market: MarketKey, from: number, until: number): Promise<Trade[]>;
}

/** How far back trades are fetched: REST trade history is paged and heavy, so the last hour. */
export const TRADES_WINDOW_MS = 3_600_000;

/**
 * The data to backtest `rule` on at `now`: its last `bars` closed bars (the one still forming would be evaluated as
 * if it had closed) and, for a rule fed by trades (last-price levels, CVD), the trades of the last hour.
 */
export async function loadBacktestData(history: BacktestHistory, rule: AlertRule, now: number, bars: number): Promise<BacktestData & { readonly candles: readonly Candle[] }> {
  const market = { exchange: rule.exchange, symbol: rule.symbol };
  const closedUntil = bucketStart(rule.timeframe, now);
  const from = closedUntil - bars * timeframeMs(rule.timeframe);
  const candles = await history.candlesBetween(market, rule.timeframe, from, closedUntil);
  if (feedSpecOf(rule).kind !== 'trades') return { candles };
  return { candles, trades: await history.tradesBetween(market, Math.max(from, now - TRADES_WINDOW_MS), now) };
}
