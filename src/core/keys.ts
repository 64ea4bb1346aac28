import type { Timeframe } from './timeframes';

export type StreamKind = 'trades' | 'orderbook' | 'ticker' | 'tickers' | 'liquidations';

/** The symbol of a stream that covers every market of its exchange (kind 'tickers': one multi-symbol ticker stream). */
export const EVERY_SYMBOL = '*';

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

// The only places key identities are spelt out; nothing else glues strings together.
export const marketId = (k: MarketKey): string => `${k.exchange}\u0000${k.symbol}`;
export const streamId = (k: StreamKey): string => `${k.kind}\u0000${k.exchange}\u0000${k.symbol}`;
export const candleId = (k: CandleKey): string => `${k.exchange}\u0000${k.symbol}\u0000${k.timeframe}`;

export const describeMarket = (k: MarketKey): string => `${k.exchange} ${k.symbol}`;
export const describeStream = (k: StreamKey): string => `${k.kind} ${k.exchange} ${k.symbol}`;
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
