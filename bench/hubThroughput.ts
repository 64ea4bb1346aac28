import * as http from 'node:http';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { loadCcxt } from '../src/core/exchange/ccxtLoader';
import { MarketHub } from '../src/core/hub/marketHub';
import { cpuOver } from './cpuWindow';
import { startEmulatorProcess } from './emulatorProcess';

export interface ThroughputResult {
  name: string;
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

export async function benchHubThroughput(rate = 2000, seconds = 5): Promise<ThroughputResult> {
  const emu = await startEmulatorProcess(['--rate', String(rate), '--symbols', 'BTC/USDT', '--history-minutes', '30']);
  try {
    const ccxt = await loadCcxt();
    const bare = await measure(seconds, async (count, signal) => {
      const ex = new ccxt.pro.binance({
        urls: { api: { public: `${emu.url}/api/v3`, ws: { spot: `${emu.url.replace('http', 'ws')}/stream/ws` } } },
        options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
        httpAgent: new http.Agent(),
      });
      while (!signal.aborted) {
        const trades = await ex.watchTrades('BTC/USDT', undefined, undefined, { name: 'aggTrade' });
        count(trades.length);
      }
      await ex.close();
    });
    const timeframes = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
    const hub = await measure(seconds, async (count, signal) => {
      const registry = new ExchangeRegistry([{ id: 'binance', endpoint: emu.url }]);
      const h = new MarketHub({ clients: registry, historyBars: 100 });
      const subs = timeframes.map((timeframe) => h.subscribe({ kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe }, () => undefined));
      subs.push(h.subscribe({ kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' }, (e) => e.type === 'trades' && count(e.trades.length)));
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      for (const s of subs) s.dispose();
      await h.close();
      await registry.closeAll();
    });
    return {
      name: 'hub-vs-bare-ccxt',
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
