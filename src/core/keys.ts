import type { Timeframe } from './timeframes';

export type StreamKind = 'trades' | 'orderbook' | 'ticker' | 'tickers' | 'liquidations';

/** The symbol of a stream that covers every market of its exchange (kind 'tickers': one multi-symbol ticker stream). */
export const EVERY_SYMBOL = '*';

/** The symbol of a 'tickers' stream of some markets: their symbols in one key (a ccxt symbol holds no comma). */
export const symbolsKey = (symbols: readonly string[]): string => symbols.join(',');
/** The markets a 'tickers' stream covers: undefined for every market (EVERY_SYMBOL). */
export const symbolsOf = (symbol: string): string[] | undefined => (symbol === EVERY_SYMBOL ? undefined : symbol.split(','));

export interface MarketKey {
  readonly exchange: string;
  readonly symbol: string;
}

/** A raw exchange stream: one per (kind, exchange, symbol), shared by every consumer. */
export interface StreamKey extends MarketKey {
  readonly kind: StreamKind;
}

/** A candle series: one per (exchange, symbol, timeframe). */
export interface CandleKey extends MarketKey {
  readonly timeframe: Timeframe;
}

/** A 'tickers' stream of many markets is named by its first and how many more (the log stays readable). */
function describeSymbols(symbol: string): string {
  const symbols = symbolsOf(symbol);
  return symbols === undefined || symbols.length <= 2 ? symbol : `${symbols[0] ?? ''} and ${symbols.length - 1} more`;
}

// The only places key identities are spelt out; nothing else glues strings together.
export const marketId = (k: MarketKey): string => `${k.exchange}\u0000${k.symbol}`;
export const streamId = (k: StreamKey): string => `${k.kind}\u0000${k.exchange}\u0000${k.symbol}`;
export const candleId = (k: CandleKey): string => `${k.exchange}\u0000${k.symbol}\u0000${k.timeframe}`;

export const describeMarket = (k: MarketKey): string => `${k.exchange} ${k.symbol}`;
export const describeStream = (k: StreamKey): string => `${k.kind} ${k.exchange} ${describeSymbols(k.symbol)}`;
export const describeCandles = (k: CandleKey): string => `${k.exchange} ${k.symbol} ${k.timeframe}`;

/** A Map keyed by a structured key, through one identity function, so mixed key shapes cannot happen. */
export class KeyMap<K, V> {
  private readonly entries = new Map<string, { key: K; value: V }>();

  constructor(private readonly identify: (key: K) => string) {}

  get(key: K): V | undefined {
    return this.entries.get(this.identify(key))?.value;
  }

  set(key: K, value: V): void {
    this.entries.set(this.identify(key), { key, value });
  }

  delete(key: K): boolean {
    return this.entries.delete(this.identify(key));
  }

  has(key: K): boolean {
    return this.entries.has(this.identify(key));
  }

  get size(): number {
    return this.entries.size;
  }

  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (const { key, value } of this.entries.values()) yield [key, value];
  }

  values(): V[] {
    return [...this.entries.values()].map((e) => e.value);
  }
}
