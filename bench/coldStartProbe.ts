/**
 * Where a cold chart open spends its time, measured in a fresh Node process (run by bench/vscodeBench.ts with the
 * emulator URL): loading the production ccxt chunk, downloading and parsing the markets, one REST page of history;
 * and what a warm open pays instead of the download: reading the markets cache file and handing it to ccxt.
 * Prints one JSON line.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { endpointOptions, endpointUrls } from '../src/core/exchange/endpointOverrides';
import type { CcxtModule } from '../src/core/exchange/ccxtLoader';
import { type CcxtMarket, defaultMarketsCacheTiming, MarketsCache } from '../src/core/exchange/marketsCache';
import { systemClock } from '../src/core/util/clock';
import { silentLogger } from '../src/core/util/log';

const HISTORY_BARS = 500; // the `tradesuite.historyBars` default a chart opens with

function unwrapCcxt(m: unknown): CcxtModule {
  let x = m as { default?: unknown; pro?: unknown } | undefined;
  for (let i = 0; i < 3 && x && !x.pro && x.default; i++) x = x.default as typeof x;
  if (!x?.pro) throw new Error('dist/ccxt.js has no ccxt.pro export (run npm run package first)');
  return x as unknown as CcxtModule;
}

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: coldStartProbe <emulator url>');
  const t0 = performance.now();
  const ccxt = unwrapCcxt(require(path.join(__dirname, '..', 'dist', 'ccxt.js')));
  const t1 = performance.now();
  const exchange = new ccxt.pro.binance({ urls: endpointUrls('binance', url), options: endpointOptions('binance'), httpAgent: new http.Agent() });
  await exchange.loadMarkets();
  const t2 = performance.now();
  await exchange.fetchOHLCV('BTC/USDT', '1m', undefined, HISTORY_BARS);
  const t3 = performance.now();
  const exchangeInfoBytes = (await (await fetch(`${url}/api/v3/exchangeInfo`)).arrayBuffer()).byteLength;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-probe-'));
  try {
    const cache = new MarketsCache(dir, silentLogger, { ...defaultMarketsCacheTiming, clock: systemClock });
    await cache.save('binance', url, Object.values((exchange.markets ?? {}) as Record<string, CcxtMarket>), exchange.currencies as Record<string, unknown> | undefined);
    const cacheFileBytes = statSync(cache.file('binance')).size;
    const t4 = performance.now();
    const cached = await cache.load('binance', url);
    const t5 = performance.now();
    const again = new ccxt.pro.binance({ urls: endpointUrls('binance', url), options: endpointOptions('binance'), httpAgent: new http.Agent() });
    again.setMarkets(cached!.markets as never, cached!.currencies as never);
    const t6 = performance.now();
    await exchange.close();
    await again.close();
    const ms = (a: number, b: number) => Math.round(b - a);
    const result = {
      ccxtImportMs: ms(t0, t1),
      marketsMs: ms(t1, t2),
      historyRestMs: ms(t2, t3),
      marketsCacheLoadMs: ms(t4, t5),
      setMarketsMs: ms(t5, t6),
      markets: exchange.symbols?.length ?? 0,
      exchangeInfoBytes,
      cacheFileBytes,
      historyBars: HISTORY_BARS,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
