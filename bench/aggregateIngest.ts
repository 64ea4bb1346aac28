/** Aggregate ingest (AggregateMarket over 3 legs, 3 timeframes) against candle ingest of the same trades, in CPU time. */
import { AggregateMarket, type AggregateSource } from '../src/core/aggregate/aggregateMarket';
import type { AggregateDefinition } from '../src/core/aggregate/aggregateDefinition';
import type { MarketInfo } from '../src/core/exchange/marketDataClient';
import type { TradesEvent } from '../src/core/hub/requests';
import type { Timeframe } from '../src/core/timeframes';
import type { Trade } from '../src/core/types';
import { benchCandleIngest, benchTradeBatches } from './candleIngest';

const TIMEFRAMES: Timeframe[] = ['1m', '5m', '15m'];
const MARKETS: Record<string, MarketInfo[]> = {
  spotA: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }],
  spotB: [{ symbol: 'BTC/USD', base: 'BTC', quote: 'USD', active: true, tickSize: 0.01 }],
  perp: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 0.001 } }],
};
const DEFINITION: AggregateDefinition = {
  name: 'BTC-USD (bench)',
  legs: Object.entries(MARKETS).map(([exchange, [m]]) => ({ exchange, symbol: (m as MarketInfo).symbol })),
  price: { kind: 'vwap' },
  usdtIsUsd: true,
};

export interface AggregateIngestResult {
  timeframes: Timeframe[];
  legs: number;
  trades: number;
  batchSize: number;
  /** Trades per second of this process's CPU time, and of the wall clock. */
  aggregateTradesPerCpuSecond: number;
  candleTradesPerCpuSecond: number;
  aggregateTradesPerSecond: number;
  /** The aggregate's CPU ÷ the CPU of the same trades as single markets' candles (the goal: ≤ 1.2). */
  cpuRatio: number;
  deltaEvents: number;
}

/** The aggregate on a stand-in hub: each leg's stream goes live, its start hole fills from an empty REST, then the batches arrive in turn on the legs. */
async function aggregateRun(batches: Trade[][], since: number): Promise<{ seconds: number; cpuSeconds: number; events: number; trades: number }> {
  const consumers = new Map<string, (e: TradesEvent) => void>();
  const source: AggregateSource = {
    markets: async (exchange) => MARKETS[exchange] ?? [],
    subscribe: (req, consumer) => {
      consumers.set(req.exchange, consumer);
      return { ready: Promise.resolve(), dispose: () => consumers.delete(req.exchange) };
    },
    tradesSince: async () => ({ trades: [], complete: true }),
  };
  let events = 0;
  const market = new AggregateMarket(source, DEFINITION, { timeframes: TIMEFRAMES, since }, (e) => {
    if (e.type === 'deltas') events++;
  });
  await market.ready;
  const legs = DEFINITION.legs.map((l) => consumers.get(l.exchange) as (e: TradesEvent) => void);
  for (const leg of legs) leg({ type: 'state', state: { status: 'live', since } });
  // Each leg's first batch closes its start hole, filled (from nothing) before its trades go through: untimed.
  const warm = legs.length;
  batches.slice(0, warm).forEach((b, i) => legs[i]?.({ type: 'trades', trades: b }));
  await new Promise((resolve) => setImmediate(resolve));
  const timed = batches.slice(warm);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < timed.length; i++) legs[i % legs.length]?.({ type: 'trades', trades: timed[i] as Trade[] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  market.dispose();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, events, trades: timed.reduce((n, b) => n + b.length, 0) };
}

/** One aggregate run and one candle run of the same trades (the aggregate's legs take the batches in turn). */
export async function benchAggregateIngest(totalTrades = 3_000_000, batchSize = 1000): Promise<AggregateIngestResult> {
  const batches = benchTradeBatches(totalTrades, batchSize);
  const since = (batches[0]?.[0]?.timestamp ?? 0) - 10;
  const agg = await aggregateRun(batches, since);
  const candles = await benchCandleIngest(totalTrades, batchSize, TIMEFRAMES, batches.slice(DEFINITION.legs.length));
  const aggregateTradesPerCpuSecond = Math.round(agg.trades / agg.cpuSeconds);
  return {
    timeframes: TIMEFRAMES,
    legs: DEFINITION.legs.length,
    trades: agg.trades,
    batchSize,
    aggregateTradesPerCpuSecond,
    candleTradesPerCpuSecond: candles.tradesPerCpuSecond,
    aggregateTradesPerSecond: Math.round(agg.trades / agg.seconds),
    cpuRatio: Math.round((candles.tradesPerCpuSecond / aggregateTradesPerCpuSecond) * 100) / 100,
    deltaEvents: agg.events,
  };
}
