import * as http from 'node:http';
import { endpointOptions, endpointUrls } from '../src/core/exchange/endpointOverrides';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { loadCcxt } from '../src/core/exchange/ccxtLoader';
import { MarketHub } from '../src/core/hub/marketHub';
import { cpuOver } from './cpuWindow';
import { startEmulatorProcess } from './emulatorProcess';

/** The market each emulated exchange is measured on, and the trade stream ccxt is asked for (Binance: aggTrade, as the hub). */
const MARKETS = {
  binance: { symbol: 'BTC/USDT', params: { name: 'aggTrade' } },
  coinbase: { symbol: 'BTC/USD', params: {} },
  bybit: { symbol: 'BTC/USDT:USDT', params: {} },
} as const;
export type BenchExchange = keyof typeof MARKETS;
export const BENCH_EXCHANGES = Object.keys(MARKETS) as BenchExchange[];

export interface ThroughputResult {
  name: string;
  exchange: BenchExchange;
  emulatorTradesPerSecond: number;
  seconds: number;
  /** Medians of `rounds` alternating phases (bare, hub, bare, hub…), each `seconds` long after its first trade. */
  rounds: number;
  bare: { tradesPerSecond: number; cpuPercent: number; cpuRuns: number[] };
  hub: { tradesPerSecond: number; cpuPercent: number; cpuRuns: number[]; timeframes: string[] };
  /** Trades received, hub ÷ bare. */
  ratio: number;
  /** CPU per trade received, hub ÷ bare (what the hub and its 6 timeframes cost on top of ccxt). */
  cpuRatio: number;
  cpuRatioGoal: 1.15;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * `run` counts the trades it receives and calls `steady` once it is in its steady state (for the hub: every
 * timeframe's history seeded, a one-off cost per chart opened); the clock starts a second after that.
 */
async function measure(seconds: number, run: (count: (n: number) => void, steady: () => void, signal: AbortSignal) => Promise<void>) {
  const abort = new AbortController();
  let trades = 0;
  let started!: () => void;
  const steadyState = new Promise<void>((r) => (started = r));
  const running = run(
    (n) => (trades += n),
    () => started(),
    abort.signal,
  );
  await steadyState;
  await new Promise((r) => setTimeout(r, 1000));
  const result = await cpuOver(seconds, () => trades);
  abort.abort();
  await running;
  return result;
}

export async function benchHubThroughput(exchange: BenchExchange = 'binance', rate = 2000, seconds = 5, rounds = 3): Promise<ThroughputResult> {
  const { symbol, params } = MARKETS[exchange];
  const emu = await startEmulatorProcess(['--exchange', exchange, '--rate', String(rate), '--symbols', symbol, '--history-minutes', '30', '--markets', 'real-size']);
  try {
    const ccxt = await loadCcxt();
    const bareRun = () => measure(seconds, async (count, steady, signal) => {
      const Ctor = ccxt.pro[exchange];
      const ex = new Ctor({ urls: endpointUrls(exchange, emu.url), options: endpointOptions(exchange), httpAgent: new http.Agent() });
      while (!signal.aborted) {
        const trades = await ex.watchTrades(symbol, undefined, undefined, { ...params });
        count(trades.length);
        steady();
      }
      await ex.close();
    });
    const timeframes = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
    const hubRun = () => measure(seconds, async (count, steady, signal) => {
      const registry = new ExchangeRegistry([{ id: exchange, endpoint: emu.url }]);
      const h = new MarketHub({ clients: registry, historyBars: 100 });
      let seeded = 0;
      const subs = timeframes.map((timeframe) => h.subscribe({ kind: 'candles', exchange, symbol, timeframe }, (e) => e.type === 'snapshot' && ++seeded === timeframes.length && steady()));
      subs.push(h.subscribe({ kind: 'trades', exchange, symbol }, (e) => e.type === 'trades' && count(e.trades.length)));
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      for (const s of subs) s.dispose();
      await h.close();
      await registry.closeAll();
    });
    const bares: Array<{ tradesPerSecond: number; cpuPercent: number }> = [];
    const hubs: Array<{ tradesPerSecond: number; cpuPercent: number }> = [];
    for (let r = 0; r < rounds; r++) {
      bares.push(await bareRun());
      hubs.push(await hubRun());
    }
    const summary = (xs: typeof bares) => ({ tradesPerSecond: median(xs.map((x) => x.tradesPerSecond)), cpuPercent: median(xs.map((x) => x.cpuPercent)), cpuRuns: xs.map((x) => x.cpuPercent) });
    const bare = summary(bares);
    const hub = summary(hubs);
    // Per trade received, so a phase the loaded emulator fed more slowly does not look cheaper.
    const perTrade = (x: { tradesPerSecond: number; cpuPercent: number }) => x.cpuPercent / Math.max(1, x.tradesPerSecond);
    return {
      name: 'hub-vs-bare-ccxt',
      exchange,
      emulatorTradesPerSecond: rate,
      seconds,
      rounds,
      bare,
      hub: { ...hub, timeframes: [...timeframes] },
      ratio: Math.round((hub.tradesPerSecond / bare.tradesPerSecond) * 1000) / 1000,
      cpuRatio: Math.round((median(hubs.map(perTrade)) / median(bares.map(perTrade))) * 100) / 100,
      cpuRatioGoal: 1.15,
    };
  } finally {
    await emu.stop();
  }
}
