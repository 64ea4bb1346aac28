/** What a backtest of a rule on an aggregate reads: its bars rebuilt from the legs' klines, and the legs' trades merged as live. */
import type { AggregateDefinition } from '../aggregate/aggregateDefinition';
import type { AggregateSource } from '../aggregate/aggregateMarket';
import { AggregateSeries, legKlinesOf, type Segment } from '../aggregate/aggregateSeries';
import { legMarketLists, resolveLegs, type ResolvedLeg } from '../aggregate/legResolution';
import { TradeMerge } from '../aggregate/tradeMerge';
import { baseAmount } from '../exchange/contractSpec';
import { tradesUntil } from '../history/tradesUntil';
import { describeMarket } from '../keys';
import type { RecordSource } from '../record/recordSource';
import { bucketStart, nextBucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import type { BacktestData } from './backtest';
import { TRADES_WINDOW_MS } from './backtestData';
import { feedSpecOf } from './feeds/feedSpec';
import { TICK_WINDOW_MS, type RecordedSpan } from './recordedBacktestData';
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
  const candles = await aggregateBars(source, def, legs, tf, from, closedUntil, bars);
  if (feedSpecOf(rule).kind !== 'trades') return { candles, notes: [] };

  const tradesFrom = Math.max(from, now - TRADES_WINDOW_MS);
  // A busy hour is more than one answer's page budget (real Binance BTC): each leg is asked again up to now.
  const got = await Promise.all(legs.map((leg) => tradesUntil((since) => source.tradesSince(leg, since), tradesFrom, now)));
  const notes: string[] = [];
  let start = tradesFrom;
  let end = now;
  got.forEach((g, i) => {
    const leg = describeMarket(legs[i] as ResolvedLeg);
    if (g.stoppedAt !== undefined) {
      // Its last millisecond may hold more trades than were given: the merge ends before it.
      end = Math.min(end, g.stoppedAt);
      notes.push(`${leg}'s REST trades stop at ${new Date(g.stoppedAt).toISOString()} (${g.stoppedBecause === 'incomplete' ? 'some after it were not given' : 'too many to fetch'})`);
    }
    if (g.complete) return;
    const first = g.trades[0]?.timestamp ?? now;
    if (first > start) start = first;
    notes.push(`${leg}'s REST trades reach back only to ${new Date(first).toISOString()}`);
  });
  const merge = new TradeMerge(legs.length, def.price);
  got.forEach((g, i) => {
    const contract = (legs[i] as ResolvedLeg).contract;
    const trades = g.trades.filter((t) => t.timestamp >= start && t.timestamp < end);
    merge.add(i, trades, trades.map((t) => baseAmount(contract, t.amount, t.price)));
  });
  const trades: Trade[] = merge.releaseAll();
  if (start > tradesFrom) notes.push(`the merged trades start at ${new Date(start).toISOString()}`);
  if (end < now) notes.push(`the merged trades end at ${new Date(end).toISOString()}`);
  return { candles, trades, notes };
}

/** Every leg recorded: the tick data; some legs only: which are not (the backtest then runs on history). */
export type RecordedAggregateData =
  | { readonly kind: 'recorded'; readonly data: BacktestData & { readonly candles: readonly Candle[]; readonly recorded: RecordedSpan } }
  | { readonly kind: 'partly'; readonly unrecorded: readonly string[] };

/**
 * A trade rule's data on the aggregate `def` from its legs' recordings in `record`, tick by tick as live: every leg's
 * recorded trades from the first bar of the rule's timeframe that every leg's recording covers whole (at most
 * TICK_WINDOW_MS back), merged as live, and the aggregate's bars before that bar from the legs' history. Undefined
 * for a bar rule (its bars are the legs' bars merged, not bars of the merged trades: it runs on history) and when no
 * leg has anything recorded there.
 */
export async function loadRecordedAggregateBacktestData(
  record: RecordSource,
  source: AggregateBacktestSource,
  def: AggregateDefinition,
  rule: AlertRule,
  now: number,
  bars: number,
  onProblem?: (message: string) => void,
): Promise<RecordedAggregateData | undefined> {
  if (feedSpecOf(rule).kind !== 'trades') return undefined;
  const legs = await resolvedLegs(source, def);
  const tf = rule.timeframe;
  const from = bucketStart(tf, now) - bars * timeframeMs(tf);
  const range = { from: Math.max(from, now - TICK_WINDOW_MS), until: now, kinds: ['trades'] as const, ...(onProblem ? { onProblem } : {}) };
  const recorded = await Promise.all(
    legs.map(async (leg) => {
      const trades: Trade[] = [];
      for await (const day of record.readDays({ ...range, market: { exchange: leg.exchange, symbol: leg.symbol } })) for (const t of day.trades) trades.push(t); // no spread: a day is millions of trades
      return trades;
    }),
  );
  const unrecorded = legs.filter((_, i) => recorded[i]?.length === 0).map((l) => describeMarket(l));
  if (unrecorded.length === legs.length) return undefined;
  if (unrecorded.length > 0) return { kind: 'partly', unrecorded };
  // The first bar of each leg's recording may have begun before it: ticks count from the next whole bar of the latest.
  const firstBar = Math.max(...recorded.map((ts) => nextBucketStart(tf, bucketStart(tf, (ts[0] as Trade).timestamp))));
  const merge = new TradeMerge(legs.length, def.price);
  recorded.forEach((ts, i) => {
    const contract = (legs[i] as ResolvedLeg).contract;
    const kept = ts.filter((t) => t.timestamp >= firstBar);
    merge.add(i, kept, kept.map((t) => baseAmount(contract, t.amount, t.price)));
  });
  const trades = merge.releaseAll();
  const first = trades[0];
  const last = trades[trades.length - 1];
  if (!first || !last) return undefined;
  const candles = await aggregateBars(source, def, legs, tf, from, firstBar, bars);
  return { kind: 'recorded', data: { candles, trades, recorded: { from: first.timestamp, until: last.timestamp, trades: trades.length, tickers: 0 } } };
}

/** The aggregate's closed bars in [from, until) at `tf`, merged from its legs' klines as a chart's history is. */
async function aggregateBars(source: AggregateBacktestSource, def: AggregateDefinition, legs: readonly ResolvedLeg[], tf: Timeframe, from: number, until: number, bars: number): Promise<Candle[]> {
  const klines = await Promise.all(legs.map(async (leg) => legKlinesOf(leg, await source.candlesBetween(leg, tf, from, until), from, until)));
  const segments: Segment[] = legs.map((l) => (l.contract.segment === 'spot' ? 'spot' : 'perp'));
  const series = new AggregateSeries(tf, segments, def.price, until, bars + 1);
  series.seed(from, klines);
  return series.bars().map((b): Candle => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, ...(b.partial ? { partial: true } : {}) }));
}

/** Every leg's market, or an error naming each leg that does not fit (or whose exchange cannot list its markets). */
async function resolvedLegs(source: AggregateBacktestSource, def: AggregateDefinition): Promise<readonly ResolvedLeg[]> {
  const lists = await legMarketLists((exchange) => source.markets(exchange), def.legs);
  const resolution = resolveLegs(def, (exchange) => lists.get(exchange) ?? 'not configured');
  if (!resolution.ok) throw new Error(`aggregate ${def.name}: ${resolution.issues.join('; ')}`);
  return resolution.legs;
}
