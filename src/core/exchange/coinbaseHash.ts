/** ccxt's (4.5.84) Coinbase subscription keys, read by the hooks that mend its subscribe and unsubscribe paths. */

/** `channel::SYMBOL` or `channel::SYM1,SYM2` (a ccxt symbol holds no comma; `unsubscribe:` keys too); else undefined. */
export function parseCoinbaseHash(hash: string): { readonly channel: string; readonly symbols: readonly string[] } | undefined {
  const at = hash.indexOf('::');
  return at < 0 ? undefined : { channel: hash.slice(0, at), symbols: hash.slice(at + 2).split(',') };
}

/** The product id ccxt's markets give a unified symbol ('BTC/USD' → 'BTC-USD'), when it lists it. */
export function productIdOf(markets: Record<string, { id?: unknown } | undefined> | undefined, symbol: string): string | undefined {
  const id = markets?.[symbol]?.id;
  return typeof id === 'string' ? id : undefined;
}
