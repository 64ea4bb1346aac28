/**
 * ccxt is ~70 MB of RSS and most of a second to load, so nothing imports it statically: the first code path that
 * needs an exchange loads it here, once.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadOnceAfterQueuedTimers } from '../util/afterQueuedTimers';
import { requireWithCodeCache, saveCodeCacheLater, type PendingCodeCache } from '../util/codeCachedRequire';
import type { Logger } from '../util/log';

export type CcxtModule = typeof import('ccxt').default;
export type ProExchange = InstanceType<CcxtModule['pro']['binance']>;

/**
 * A new code cache is written this long after ccxt loaded: by then the first exchange has loaded its markets and
 * served a chart, so the cache holds the functions that took and the write is off that first chart's path.
 */
export const CODE_CACHE_SAVE_DELAY_MS = 10_000;

/** The bundle's ccxt chunk, beside the extension's (and the bot's) own bundle; absent when run from sources. */
const CHUNK = path.join(__dirname, 'ccxt.js');

let codeCache: { readonly dir: string; readonly log: Logger } | undefined;
let pendingSave: PendingCodeCache | undefined;

/** Keep V8's code cache of the ccxt chunk in `dir` (the first call's directory counts; before the first load). */
export function useCcxtCodeCache(dir: string, log: Logger): void {
  codeCache ??= { dir, log };
}

/** Writes a code cache still waiting for its delay now (a clean shutdown); nothing to do otherwise. */
export async function flushCcxtCodeCache(): Promise<void> {
  await pendingSave?.flush();
}

const ccxt = loadOnceAfterQueuedTimers(async () => ccxtFromModule(await load()));

/** ccxt, loaded on the first call (its require blocks the thread for 0.3–0.7 s: not before queued messages go). */
export function loadCcxt(): Promise<CcxtModule> {
  return ccxt();
}

async function load(): Promise<unknown> {
  const cache = codeCache;
  if (cache === undefined || !existsSync(CHUNK)) return import('ccxt');
  const started = Date.now();
  const module = requireWithCodeCache(CHUNK, cache.dir, cache.log);
  const took = `ccxt loaded in ${Date.now() - started} ms`;
  if (module.cache === 'rejected') cache.log.info(`${took}; its code cache was refused (another V8, or a damaged file): a new one is written`);
  else cache.log.debug(`${took} (code cache: ${module.cache})`);
  pendingSave = saveCodeCacheLater(module, CODE_CACHE_SAVE_DELAY_MS);
  return module.exports;
}

/**
 * In the bundled extension `import('ccxt')` loads the separate CJS chunk dist/ccxt.js, whose module namespace
 * nests the real default one level deeper than the ESM package does. Accept either shape.
 */
export function ccxtFromModule(m: unknown): CcxtModule {
  let x = m as { default?: unknown; pro?: unknown } | undefined;
  for (let i = 0; i < 3 && x && !x.pro && x.default; i++) x = x.default as typeof x;
  if (!x?.pro) throw new Error('the ccxt bundle did not load: no ccxt.pro export found');
  return x as unknown as CcxtModule;
}
