/**
 * ccxt is ~70 MB of RSS and most of a second to load, so nothing imports it statically: the first code path that
 * needs an exchange loads it here, once.
 */
import { loadOnceAfterQueuedTimers } from '../util/afterQueuedTimers';

export type CcxtModule = typeof import('ccxt').default;
export type ProExchange = InstanceType<CcxtModule['pro']['binance']>;

const ccxt = loadOnceAfterQueuedTimers(async () => unwrap(await import('ccxt')));

/** ccxt, loaded on the first call (its require blocks the thread for 0.3–0.7 s: not before queued messages go). */
export function loadCcxt(): Promise<CcxtModule> {
  return ccxt();
}

/**
 * In the bundled extension `import('ccxt')` loads the separate CJS chunk dist/ccxt.js, whose module namespace
 * nests the real default one level deeper than the ESM package does. Accept either shape.
 */
function unwrap(m: unknown): CcxtModule {
  let x = m as { default?: unknown; pro?: unknown } | undefined;
  for (let i = 0; i < 3 && x && !x.pro && x.default; i++) x = x.default as typeof x;
  if (!x?.pro) throw new Error('the ccxt bundle did not load: no ccxt.pro export found');
  return x as unknown as CcxtModule;
}
