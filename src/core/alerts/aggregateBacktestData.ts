/** What a backtest of a rule on an aggregate reads: its bars rebuilt from the legs' klines, and the legs' trades merged as live. */
import type { AggregateDefinition } from '../aggregate/aggregateDefinition';
import type { AggregateSource } from '../aggregate/aggregateMarket';
import { AggregateSeries, legKlinesOf, type Segment } from '../aggregate/aggregateSeries';
import { legMarketLists, resolveLegs, type ResolvedLeg } from '../aggregate/legResolution';
import { TradeMerge } from '../aggregate/tradeMerge';
import { baseAmount } from '../exchange/contractSpec';
import { describeMarket } from '../keys';
import { bucketStart, timeframeMs } from '../timeframes';
import type { Candle, Trade } from '../types';
import type { BacktestData } from './backtest';
import { TRADES_WINDOW_MS } from './backtestData';
import { feedSpecOf } from './feeds/feedSpec';
import type { AlertRule } from './rules';

/** The aggregate's markets, its legs' klines and REST trades (the MarketHub satisfies it). */
export type AggregateBacktestSource = Pick<AggregateSource, 'markets' | 'tradesSince'> & {
  candlesBetween(market: { exchange: string; symbol: string }, timeframe: AlertRule['timeframe'], from: number, until: number): Promise<Candle[]>;
};

/**
 * The data to backtest `rule` on the aggregate `def` at `now`, the same as a live rule on it reads: its last `bars`
 * closed bars at the rule's timeframe, merged from the legs' klines as an aggregate chart's history is (partial where
 * a leg has no kline), and for a rule fed by trades the legs' trades of the last hour in base units, merged in time
 * order at the aggregate's price. A leg whose REST trades do not reach back that far starts the merged trades at its
 * first (said in `notes`): before it, the aggregate would be short of that leg. Rejects naming the leg when a leg's
 * market does not fit or its history cannot be loaded.
 */
export async function loadAggregateBacktestData(
  source: AggregateBacktestSource,
  def: AggregateDefinition,
  rule: AlertRule,
  now: number,
  bars: number,
): Promise<BacktestData & { readonly candles: readonly Candle[]; readonly notes: readonly string[] }> {
  const legs = await resolvedLegs(source, def);
  const tf = rule.timeframe;
  const closedUntil = bucketStart(tf, now);
  const from = closedUntil - bars * timeframeMs(tf);
  const klines = await Promise.all(legs.map(async (leg) => legKlinesOf(leg.contract, await source.candlesBetween(leg, tf, from, closedUntil), from, closedUntil)));
  const segments: Segment[] = legs.map((l) => (l.contract.segment === 'spot' ? 'spot' : 'perp'));
  const series = new AggregateSeries(tf, segments, def.price, closedUntil, bars + 1);
  series.seed(from, klines);
  const candles = series.bars().map((b): Candle => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, ...(b.partial ? { partial: true } : {}) }));
  if (feedSpecOf(rule).kind !== 'trades') return { candles, notes: [] };

  const tradesFrom = Math.max(from, now - TRADES_WINDOW_MS);
  const got = await Promise.all(legs.map((leg) => source.tradesSince(leg, tradesFrom)));
  const notes: string[] = [];
  let start = tradesFrom;
  got.forEach((g, i) => {
    if (g.complete) return;
    const first = g.trades[0]?.timestamp ?? now;
    if (first > start) start = first;
    notes.push(`${describeMarket(legs[i] as ResolvedLeg)}'s REST trades reach back only to ${new Date(first).toISOString()}`);
  });
  const merge = new TradeMerge(legs.length, def.price);
  got.forEach((g, i) => {
    const contract = (legs[i] as ResolvedLeg).contract;
    const trades = g.trades.filter((t) => t.timestamp >= start && t.timestamp < now);
    merge.add(i, trades, trades.map((t) => baseAmount(contract, t.amount, t.price)));
  });
  const trades: Trade[] = merge.releaseAll();
  if (start > tradesFrom) notes.push(`the merged trades start at ${new Date(start).toISOString()}`);
  return { candles, trades, notes };
}

/** Every leg's market, or an error naming each leg that does not fit (or whose exchange cannot list its markets). */
async function resolvedLegs(source: AggregateBacktestSource, def: AggregateDefinition): Promise<readonly ResolvedLeg[]> {
  const lists = await legMarketLists((exchange) => source.markets(exchange), def.legs);
  const resolution = resolveLegs(def, (exchange) => lists.get(exchange) ?? 'not configured');
  if (!resolution.ok) throw new Error(`aggregate ${def.name}: ${resolution.issues.join('; ')}`);
  return resolution.legs;
}
