/** One load of the ccxt chunk for bench/ccxtLoad.ts through requireWithCodeCache (the cache saved after a miss). */
import { statSync } from 'node:fs';
import { requireWithCodeCache } from '../src/core/util/codeCachedRequire';
import { silentLogger } from '../src/core/util/log';

type Pro = Record<string, new () => { id: string }>;

async function main(): Promise<void> {
  const [chunk, dir] = process.argv.slice(2) as [string, string];
  const started = performance.now();
  const loaded = requireWithCodeCache(chunk, dir, silentLogger);
  const loadMs = performance.now() - started;
  let x = loaded.exports as { default?: unknown; pro?: Pro };
  while (!x.pro && x.default) x = x.default as typeof x;
  const exchangeStarted = performance.now();
  new x.pro!.binance!();
  const firstExchangeMs = performance.now() - exchangeStarted;
  await loaded.save();
  const cacheBytes = statSync(loaded.cacheFile).size;
  process.stdout.write(JSON.stringify({ loadMs: Math.round(loadMs), firstExchangeMs: Math.round(firstExchangeMs), cache: loaded.cache, cacheBytes }));
}

void main();
