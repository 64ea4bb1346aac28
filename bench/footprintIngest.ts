/** Footprint ingest (FootprintFeed: footprint + delta/CVD, 3 timeframes) against plain candle ingest on the same trades, in CPU time; memory of 500 bars. */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { EventFor, Subscription, SubscriptionRequest } from '../src/core/hub/requests';
import { FootprintFeed } from '../src/core/orderflow/footprintFeed';
import { FootprintSeries } from '../src/core/orderflow/footprintSeries';
import { autoMultiple, priceBuckets } from '../src/core/orderflow/priceBuckets';
import type { Timeframe } from '../src/core/timeframes';
import type { Trade } from '../src/core/types';
import { benchCandleIngest, benchTradeBatches, benchTrades } from './candleIngest';

const TIMEFRAMES: Timeframe[] = ['1m', '5m', '15m'];
const BUCKETS = priceBuckets(0.01, autoMultiple(0.01, 50_000)); // 0.01 tick, 5 USDT buckets at 50,000

export interface FootprintIngestResult {
  timeframes: Timeframe[];
  trades: number;
  batchSize: number;
  /** Per second of this process's CPU time (what one core does, however loaded the machine), and of the wall clock. */
  footprintTradesPerCpuSecond: number;
  candleTradesPerCpuSecond: number;
  footprintTradesPerSecond: number;
  candleTradesPerSecond: number;
  /** footprint ÷ candles in CPU time, same trades, same run. */
  ratio: number;
  barsEvents: number;
}

/** The feed on a stand-in hub: the stream goes live, REST history is empty, then the batches arrive as live trades. */
async function footprintRun(batches: Trade[][]): Promise<{ seconds: number; cpuSeconds: number; events: number }> {
  let deliver: ((e: EventFor<Extract<SubscriptionRequest, { kind: 'trades' }>>) => void) | undefined;
  const hub = {
    subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
      deliver = consumer as typeof deliver;
      return { ready: Promise.resolve(), dispose: () => (deliver = undefined) };
    },
  };
  const feed = new FootprintFeed({ hub, history: async () => ({ trades: [], complete: true }), market: { exchange: 'bench', symbol: 'BTC/USDT' }, timeframes: TIMEFRAMES, buckets: BUCKETS, historyFrom: 0 }).start();
  let events = 0;
  feed.onEvent((e) => {
    if (e.type === 'bars') events++;
  });
  deliver?.({ type: 'state', state: { status: 'live', since: 0 } });
  await feed.settled();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const batch of batches) deliver?.({ type: 'trades', trades: batch });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  feed.dispose();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, events };
}

/**
 * A full GC. Not before a timed ingest: compacting the freshly made trades slowed both sides' reads of them
 * by about half (measured), far from what a live batch is.
 */
async function collectGarbage(): Promise<void> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // A typed array's buffer is freed after the GC that found it dead: collect, let that happen, collect again.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** One footprint run and one candle run of the same trades, back to back (run.ts alternates several). */
export async function benchFootprintIngest(totalTrades = 5_000_000, batchSize = 1000): Promise<FootprintIngestResult> {
  const batches = benchTradeBatches(totalTrades, batchSize);
  const trades = batches.reduce((n, b) => n + b.length, 0);
  const fp = await footprintRun(batches);
  const candles = await benchCandleIngest(totalTrades, batchSize, TIMEFRAMES, batches);
  const footprintTradesPerCpuSecond = Math.round(trades / fp.cpuSeconds);
  return {
    timeframes: TIMEFRAMES,
    trades,
    batchSize,
    footprintTradesPerCpuSecond,
    candleTradesPerCpuSecond: candles.tradesPerCpuSecond,
    footprintTradesPerSecond: Math.round(trades / fp.seconds),
    candleTradesPerSecond: candles.tradesPerSecond,
    ratio: Math.round((footprintTradesPerCpuSecond / candles.tradesPerCpuSecond) * 100) / 100,
    barsEvents: fp.events,
  };
}

/**
 * Memory held by a 1m footprint of `bars` bars of the bench's random walk (6,000 trades a bar), and its cells per
 * bar: heap and typed arrays' buffers (outside the heap) after a forced GC, minus before.
 */
export async function benchFootprintMemory(bars = 500): Promise<{ bars: number; megabytes: number; cellsPerBar: number }> {
  const held = async () => {
    await collectGarbage();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = await held();
  const series = new FootprintSeries('1m', BUCKETS, { maxBars: bars });
  for (const batch of benchTrades(bars * 6000, 6000)) {
    for (const t of batch) series.apply(t.timestamp, t.price, t.amount, t.side);
    series.drain();
  }
  const after = await held();
  const snapshot = series.snapshot();
  const cellsPerBar = Math.round(snapshot.reduce((n, b) => n + b.cells.length, 0) / snapshot.length);
  return { bars: snapshot.length, megabytes: Math.round(((after - before) / 2 ** 20) * 100) / 100, cellsPerBar };
}
