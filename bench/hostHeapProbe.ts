/**
 * The extension host's heap with ten charts of 5,000 bars open, measured in a fresh Node process with --expose-gc
 * (run by bench/hostHeap.ts with the emulator URL): the engine idle with ccxt and the markets loaded (what the
 * extension holds once the Markets view has been open), then ten 1m candle subscriptions of 5,000 bars each as the
 * chart panels make them, then all closed again. Prints one JSON line.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import type { Subscription } from '../src/core/hub/requests';
import { HOST_HEAP_BARS, HOST_HEAP_SYMBOLS } from './hostHeapMarkets';

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap used after full collections (several: finalisers and weak references settle over more than one). */
async function settledHeapMB(): Promise<number> {
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const mb = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const url = process.argv[2];
  const depth = Number(process.argv[3] ?? HOST_HEAP_BARS);
  if (!url || !(depth > 0)) throw new Error('usage: hostHeapProbe <emulator url> [bars per chart]');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-heap-'));
  const bare = await settledHeapMB();
  const hub = new MarketHub({ clients: new ExchangeRegistry([{ id: 'binance', endpoint: url }], { marketsCacheDir: path.join(dir, 'markets') }), cacheDir: path.join(dir, 'candles'), historyBars: depth });
  try {
    const markets = (await hub.markets('binance')).length;
    // The markets cache file is written in the background after a download: its text is garbage only once it is on disk.
    const marketsFile = path.join(dir, 'markets', 'binance.json');
    for (let i = 0; i < 200 && !existsSync(marketsFile); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(marketsFile)) throw new Error('the markets cache was not written');
    await new Promise((r) => setTimeout(r, 500));
    const idle = await settledHeapMB();
    const bars: number[] = [];
    const subs: Subscription[] = [];
    await Promise.all(
      HOST_HEAP_SYMBOLS.map(
        (symbol) =>
          new Promise<void>((resolve, reject) => {
            const sub = hub.subscribe({ kind: 'candles', exchange: 'binance', symbol, timeframe: '1m', historyBars: depth }, (e) => {
              if (e.type === 'snapshot') {
                bars.push(e.candles.length);
                resolve();
              } else if (e.type === 'error') reject(new Error(`${symbol}: ${e.message}`));
            });
            subs.push(sub);
          }),
      ),
    );
    const open = await settledHeapMB();
    for (const s of subs) s.dispose();
    await hub.whenStreamsIdle();
    const closed = await settledHeapMB();
    const result = {
      markets,
      charts: subs.length,
      barsPerChart: Math.min(...bars),
      engineIdleMB: mb(idle - bare),
      chartsOpenMB: mb(open - idle),
      afterCloseMB: mb(closed - idle),
      absolute: { bareMB: mb(bare), idleMB: mb(idle), openMB: mb(open), closedMB: mb(closed) },
    };
    console.log(JSON.stringify(result));
  } finally {
    await hub.close();
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
