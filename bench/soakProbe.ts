/**
 * The soak itself, in a fresh Node process with --expose-gc (run by bench/soak.ts with one emulator URL per
 * exchange): ten subscriptions as ten panels make them (per exchange a 1m chart, its trades and its book, plus a 5m
 * chart on Binance) held for the given minutes; every minute the heap after full collections, the open handles by
 * type and the trades received. Progress on stderr, one JSON line on stdout at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import type { HubEvent, Subscription, SubscriptionRequest } from '../src/core/hub/requests';

const MARKETS = { binance: 'BTC/USDT', coinbase: 'BTC/USD', bybit: 'BTC/USDT:USDT' } as const;
type Exchange = keyof typeof MARKETS;

export interface SoakSample {
  minute: number;
  heapMB: number;
  handles: Record<string, number>;
  tradesPerSecond: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function settledHeapMB(): Promise<number> {
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

async function main(): Promise<void> {
  const [minutesArg, ...pairs] = process.argv.slice(2);
  const minutes = Number(minutesArg);
  const urls = Object.fromEntries(pairs.map((p) => p.split('=', 2) as [Exchange, string]));
  if (!(minutes > 0) || Object.keys(MARKETS).some((x) => !urls[x as Exchange])) throw new Error('usage: soakProbe <minutes> binance=<url> coinbase=<url> bybit=<url>');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-soak-'));
  const registry = new ExchangeRegistry(
    (Object.keys(MARKETS) as Exchange[]).map((id) => ({ id, endpoint: urls[id]! })),
    { marketsCacheDir: path.join(dir, 'markets') },
  );
  const hub = new MarketHub({ clients: registry, cacheDir: path.join(dir, 'candles'), historyBars: 500 });
  const requests: SubscriptionRequest[] = [];
  for (const [exchange, symbol] of Object.entries(MARKETS)) {
    requests.push({ kind: 'candles', exchange, symbol, timeframe: '1m' }, { kind: 'trades', exchange, symbol }, { kind: 'orderbook', exchange, symbol });
  }
  requests.push({ kind: 'candles', exchange: 'binance', symbol: MARKETS.binance, timeframe: '5m' });
  let trades = 0;
  const errors: string[] = [];
  const subs: Subscription[] = requests.map((r) =>
    hub.subscribe(r, (event) => {
      const e = event as HubEvent;
      if (e.type === 'trades') trades += e.trades.length;
      else if (e.type === 'error') errors.push(`${r.kind} ${r.exchange}: ${e.message}`);
    }),
  );
  try {
    await Promise.all(subs.map((s) => s.ready));
    const samples: SoakSample[] = [];
    for (let minute = 1; minute <= minutes; minute++) {
      const before = trades;
      await new Promise((r) => setTimeout(r, 60_000));
      const sample = { minute, heapMB: await settledHeapMB(), handles: handles(), tradesPerSecond: Math.round((trades - before) / 60) };
      samples.push(sample);
      process.stderr.write(`soak minute ${minute}: heap ${sample.heapMB} MB, ${sample.tradesPerSecond} trades/s, handles ${JSON.stringify(sample.handles)}\n`);
    }
    console.log(JSON.stringify({ subscriptions: subs.length, samples, errors: errors.slice(0, 20) }));
  } finally {
    for (const s of subs) s.dispose();
    await hub.close();
    await registry.closeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
