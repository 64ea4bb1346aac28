/**
 * Scroll-left page of 1,000 older bars (issue 13), host side: `MarketHub.olderBars` from request to answer, real
 * ccxt against the real-size emulator in its own process, from REST (cold) and from the candle cache, against one
 * bare ccxt `fetchOHLCV` of 1,000 bars measured in the same run; plus what the answer costs on its way to the chart
 * (wire form, the webview's validation, the bar store's prepend). Painting is not included.
 */
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { endpointOptions, endpointUrls } from '../src/core/exchange/endpointOverrides';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { loadCcxt } from '../src/core/exchange/ccxtLoader';
import { MarketHub } from '../src/core/hub/marketHub';
import type { Candle } from '../src/core/types';
import { candleWire } from '../src/extension/panels/chartMessages';
import { parseHostMessage } from '../src/shared/protocol';
import { BarStore } from '../src/webviews/chart/barStore';
import { startEmulatorProcess } from './emulatorProcess';

const SYMBOL = 'BTC/USDT';
const PAGE = 1000;
const PAGES = 5;

export interface OlderBarsResult {
  name: 'older-bars-page';
  page: number;
  /** One bare ccxt fetchOHLCV of `page` 1m bars: the exchange round trip itself. */
  bareFetchMedianMs: number;
  /** hub.olderBars, nothing cached: REST pages merged into the cache. */
  coldMedianMs: number;
  coldRunsMs: number[];
  /** The same pages again, from the cache. */
  cachedMedianMs: number;
  cachedRunsMs: number[];
  /** Wire form + validation in the webview + prepend to a 1,300-bar store, per page. */
  toWebviewModelMedianMs: number;
  coldRatioToBareFetch: number;
  goalMs: 300;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.floor(s.length / 2)] ?? NaN) * 10) / 10;
};

async function timed<T>(run: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

export async function benchOlderBars(): Promise<OlderBarsResult> {
  const minutes = 300 + PAGE * (PAGES + 1);
  const emu = await startEmulatorProcess(['--exchange', 'binance', '--rate', '5', '--symbols', SYMBOL, '--history-minutes', String(minutes), '--markets', 'real-size']);
  const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bench-older-'));
  try {
    const ccxt = await loadCcxt();
    const bare = new ccxt.pro.binance({ urls: endpointUrls('binance', emu.url), options: endpointOptions('binance'), httpAgent: new http.Agent() });
    await bare.loadMarkets();
    const since = Date.now() - minutes * 60_000;
    const bareRuns: number[] = [];
    for (let i = 0; i < PAGES; i++) bareRuns.push((await timed(() => bare.fetchOHLCV(SYMBOL, '1m', since + i * PAGE * 60_000, PAGE))).ms);
    await bare.close();

    const registry = new ExchangeRegistry([{ id: 'binance', endpoint: emu.url }]);
    const hub = new MarketHub({ clients: registry, cacheDir, historyBars: 300 });
    const key = { exchange: 'binance', symbol: SYMBOL, timeframe: '1m' as const };
    const shown = await new Promise<readonly Candle[]>((resolve) => {
      const sub = hub.subscribe({ kind: 'candles', ...key }, (e) => {
        if (e.type === 'snapshot') {
          resolve(e.candles);
          queueMicrotask(() => sub.dispose());
        }
      });
    });
    const firsts: number[] = [];
    const coldRuns: number[] = [];
    const pages: Candle[][] = [];
    let before = shown[0]?.time ?? Date.now();
    for (let i = 0; i < PAGES; i++) {
      firsts.push(before);
      const { ms, value } = await timed(() => hub.olderBars(key, before, PAGE));
      if (value.candles.length !== PAGE) throw new Error(`page ${i}: ${value.candles.length} bars, expected ${PAGE}`);
      coldRuns.push(ms);
      pages.push([...value.candles]);
      before = value.candles[0]!.time;
    }
    const cachedRuns: number[] = [];
    for (const first of firsts) cachedRuns.push((await timed(() => hub.olderBars(key, first, PAGE))).ms);
    await hub.close();
    await registry.closeAll();

    const modelRuns: number[] = [];
    for (const page of pages) {
      const store = new BarStore();
      store.reset(shown.map(candleWire));
      modelRuns.push(
        (
          await timed(() => {
            const message = { method: 'chart/olderBars', params: { requestId: 1, candles: page.map(candleWire), exhausted: false } };
            const parsed = parseHostMessage(JSON.parse(JSON.stringify(message)));
            if (!parsed.ok || parsed.message.method !== 'chart/olderBars') throw new Error('the answer did not validate');
            return store.prepend(parsed.message.params.candles);
          })
        ).ms,
      );
    }
    const bareFetchMedianMs = median(bareRuns);
    const coldMedianMs = median(coldRuns);
    return {
      name: 'older-bars-page',
      page: PAGE,
      bareFetchMedianMs,
      coldMedianMs,
      coldRunsMs: coldRuns.map((x) => Math.round(x * 10) / 10),
      cachedMedianMs: median(cachedRuns),
      cachedRunsMs: cachedRuns.map((x) => Math.round(x * 10) / 10),
      toWebviewModelMedianMs: median(modelRuns),
      coldRatioToBareFetch: Math.round((coldMedianMs / bareFetchMedianMs) * 100) / 100,
      goalMs: 300,
    };
  } finally {
    await emu.stop();
    await fs.rm(cacheDir, { recursive: true, force: true });
  }
}
