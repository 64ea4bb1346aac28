/**
 * ccxt is ~70 MB of RSS and most of a second to load, so nothing imports it statically: the first code path that
 * needs an exchange loads it here, once.
 */
export type CcxtModule = typeof import('ccxt').default;
export type ProExchange = InstanceType<CcxtModule['pro']['binance']>;

let loading: Promise<CcxtModule> | undefined;

export function loadCcxt(): Promise<CcxtModule> {
  loading ??= import('ccxt').then((m) => m.default);
  return loading;
}

export function isCcxtLoaded(): boolean {
  return loading !== undefined;
}
