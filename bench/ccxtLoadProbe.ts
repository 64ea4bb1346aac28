/** One load of the ccxt chunk for bench/ccxtLoad.ts through requireWithCodeCache (the cache saved after a miss). */
import { statSync } from 'node:fs';
import { ccxtFromModule } from '../src/core/exchange/ccxtLoader';
import { requireWithCodeCache } from '../src/core/util/codeCachedRequire';
import { silentLogger } from '../src/core/util/log';

async function main(): Promise<void> {
  const [chunk, dir] = process.argv.slice(2) as [string, string];
  const started = performance.now();
  const loaded = requireWithCodeCache(chunk, dir, silentLogger);
  const loadMs = performance.now() - started;
  const ccxt = ccxtFromModule(loaded.exports);
  const exchangeStarted = performance.now();
  new ccxt.pro.binance();
  const firstExchangeMs = performance.now() - exchangeStarted;
  await loaded.save();
  const cacheBytes = statSync(loaded.cacheFile).size;
  process.stdout.write(JSON.stringify({ loadMs: Math.round(loadMs), firstExchangeMs: Math.round(firstExchangeMs), cache: loaded.cache, cacheBytes }));
}

void main();
