import { CandleFactory } from '../src/core/candles/candleFactory';
import type { MarketDataClient } from '../src/core/exchange/marketDataClient';
import { HistoryService } from '../src/core/history/historyService';
import { TIMEFRAMES, type Timeframe } from '../src/core/timeframes';
import type { Trade } from '../src/core/types';
import { silentLogger } from '../src/core/util/log';

/** An exchange with no history, so every timeframe seeds at once and the bench measures ingest alone. */
const emptyExchange: MarketDataClient = {
  exchangeId: 'bench',
  loadMarkets: async () => [],
  capabilities: async () => ({ klineTimeframes: TIMEFRAMES, maxCandlesPerPage: 1000, candlePagesAreWindows: false, tradePaging: 'forward', maxTradesPerPage: 1000, watchTickers: false, klineLagMinutes: 0, tradeWindowMs: undefined, historyStart: 0 }),
  supportedTimeframes: async () => TIMEFRAMES,
  fetchCandles: async () => [],
  fetchTrades: async () => [],
  watchTrades: () => new Promise(() => undefined),
  watchOrderBook: () => new Promise(() => undefined),
  watchTicker: () => new Promise(() => undefined),
  watchTickers: () => new Promise(() => undefined),
  watchLiquidations: () => new Promise(() => undefined),
  stopWatching: async () => undefined,
  close: async () => undefined,
};

export interface IngestResult {
  name: string;
  timeframes: Timeframe[];
  trades: number;
  batchSize: number;
  seconds: number;
  tradesPerSecond: number;
  /** Trades per second of this process's CPU time (user + system): what one core does, however loaded the machine. */
  tradesPerCpuSecond: number;
  deltasEmitted: number;
}

const BENCH_START = Date.UTC(2024, 0, 1);

/** Batches of a trade every 10 ms on a random walk from 50,000, made as they are asked for. */
export function* benchTrades(totalTrades: number, batchSize: number): Generator<Trade[]> {
  const rounds = Math.ceil(totalTrades / batchSize);
  let price = 50_000;
  let seed = 42;
  let ts = BENCH_START;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let b = 0; b < rounds; b++) {
    const batch: Trade[] = [];
    for (let i = 0; i < batchSize; i++) {
      price += (rand() - 0.5) * 10;
      batch.push({ id: '', timestamp: (ts += 10), price, amount: rand(), side: rand() < 0.5 ? 'buy' : 'sell' });
    }
    yield batch;
  }
}

/** The trades built before timing, so generation is not measured. */
export function benchTradeBatches(totalTrades: number, batchSize: number): Trade[][] {
  return [...benchTrades(totalTrades, batchSize)];
}

export async function benchCandleIngest(totalTrades = 5_000_000, batchSize = 1000, timeframes: Timeframe[] = ['1m', '5m', '15m', '1h', '4h', '1d'], prebuilt?: Trade[][]): Promise<IngestResult> {
  const history = new HistoryService({
    clientFor: async () => emptyExchange,
    cache: undefined,
    log: silentLogger,
    concurrencyPerExchange: 1,
    backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    rateLimitBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    maxAttempts: 1,
  });
  const start = BENCH_START;
  const factory = new CandleFactory({ exchange: 'bench', symbol: 'BTC/USDT' }, { history, clock: { now: () => start }, log: silentLogger, maxBars: 5000, tickMs: 3_600_000, persistEveryMs: Number.MAX_SAFE_INTEGER, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 1 });
  let deltas = 0;
  let ready = 0;
  const allReady = new Promise<void>((resolve) =>
    factory.onEvent((e) => {
      if (e.type === 'deltas') deltas += e.deltas.length;
      if (e.type === 'ready' && ++ready === timeframes.length) resolve();
    }),
  );
  for (const tf of timeframes) factory.addTimeframe(tf, 100);
  await allReady;
  // The seeding job ends a few microtasks after the last 'ready'; until then the factory also buffers every trade.
  await new Promise((resolve) => setImmediate(resolve));

  const batches = prebuilt ?? benchTradeBatches(totalTrades, batchSize);
  const rounds = batches.length;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) factory.ingest(batches[r]!);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  factory.dispose();
  const trades = batches.reduce((n, b) => n + b.length, 0);
  return { name: 'candle-factory-ingest', timeframes, trades, batchSize, seconds, tradesPerSecond: Math.round(trades / seconds), tradesPerCpuSecond: Math.round(trades / ((cpu.user + cpu.system) / 1e6)), deltasEmitted: deltas };
}
