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
  bare: { tradesPerSecond: number; cpuPercent: number };
  hub: { tradesPerSecond: number; cpuPercent: number; timeframes: string[] };
  ratio: number;
}

async function measure(seconds: number, run: (count: (n: number) => void, signal: AbortSignal) => Promise<void>) {
  const abort = new AbortController();
  let trades = 0;
  // Warm-up: connect and subscribe before the clock starts.
  let started!: () => void;
  const firstTrade = new Promise<void>((r) => (started = r));
  const running = run((n) => {
    trades += n;
    started();
  }, abort.signal);
  await firstTrade;
  const result = await cpuOver(seconds, () => trades);
  abort.abort();
  await running;
  return result;
}

export async function benchHubThroughput(exchange: BenchExchange = 'binance', rate = 2000, seconds = 5): Promise<ThroughputResult> {
  const { symbol, params } = MARKETS[exchange];
  const emu = await startEmulatorProcess(['--exchange', exchange, '--rate', String(rate), '--symbols', symbol, '--history-minutes', '30', '--markets', 'real-size']);
  try {
    const ccxt = await loadCcxt();
    const bare = await measure(seconds, async (count, signal) => {
      const Ctor = ccxt.pro[exchange];
      const ex = new Ctor({ urls: endpointUrls(exchange, emu.url), options: endpointOptions(exchange), httpAgent: new http.Agent() });
      while (!signal.aborted) {
        const trades = await ex.watchTrades(symbol, undefined, undefined, { ...params });
        count(trades.length);
      }
      await ex.close();
    });
    const timeframes = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
    const hub = await measure(seconds, async (count, signal) => {
      const registry = new ExchangeRegistry([{ id: exchange, endpoint: emu.url }]);
      const h = new MarketHub({ clients: registry, historyBars: 100 });
      const subs = timeframes.map((timeframe) => h.subscribe({ kind: 'candles', exchange, symbol, timeframe }, () => undefined));
      subs.push(h.subscribe({ kind: 'trades', exchange, symbol }, (e) => e.type === 'trades' && count(e.trades.length)));
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      for (const s of subs) s.dispose();
      await h.close();
      await registry.closeAll();
    });
    return {
      name: 'hub-vs-bare-ccxt',
      exchange,
      emulatorTradesPerSecond: rate,
      seconds,
      bare,
      hub: { ...hub, timeframes: [...timeframes] },
      ratio: Math.round((hub.tradesPerSecond / bare.tradesPerSecond) * 1000) / 1000,
    };
  } finally {
    await emu.stop();
  }
}
