/** Static description of each emulated market: identifiers, precisions and the shape of its random walk. */

export interface SymbolSpec {
  /** Unified symbol, e.g. 'BTC/USDT'. */
  readonly symbol: string;
  /** Binance id, e.g. 'BTCUSDT'. */
  readonly id: string;
  /** Stream prefix, e.g. 'btcusdt'. */
  readonly streamId: string;
  readonly base: string;
  readonly quote: string;
  /** Decimals of the tick size (tick = 10^-pricePrecision). */
  readonly pricePrecision: number;
  /** Decimals of the lot step (step = 10^-amountPrecision). */
  readonly amountPrecision: number;
  readonly startPrice: number;
  /** Standard deviation of the log-return of one trade. */
  readonly volatility: number;
  /** Median trade size in base units. */
  readonly typicalAmount: number;
  /** Distance between adjacent book levels, in ticks. */
  readonly levelSpacingTicks: number;
  readonly minNotional: number;
}

interface Profile {
  readonly pricePrecision: number;
  readonly amountPrecision: number;
  readonly startPrice: number;
  readonly volatility: number;
  readonly typicalAmount: number;
  readonly levelSpacingTicks: number;
}

const PROFILES: Readonly<Record<string, Profile>> = {
  BTC: { pricePrecision: 2, amountPrecision: 5, startPrice: 60_000, volatility: 0.0002, typicalAmount: 0.02, levelSpacingTicks: 100 },
  ETH: { pricePrecision: 2, amountPrecision: 4, startPrice: 3_000, volatility: 0.0003, typicalAmount: 0.3, levelSpacingTicks: 10 },
  SOL: { pricePrecision: 2, amountPrecision: 3, startPrice: 150, volatility: 0.0004, typicalAmount: 5, levelSpacingTicks: 1 },
  BNB: { pricePrecision: 2, amountPrecision: 3, startPrice: 550, volatility: 0.0003, typicalAmount: 1, levelSpacingTicks: 2 },
  XRP: { pricePrecision: 4, amountPrecision: 1, startPrice: 0.6, volatility: 0.0004, typicalAmount: 500, levelSpacingTicks: 1 },
  DOGE: { pricePrecision: 5, amountPrecision: 0, startPrice: 0.15, volatility: 0.0005, typicalAmount: 2000, levelSpacingTicks: 1 },
};

const FALLBACK: Profile = { pricePrecision: 2, amountPrecision: 3, startPrice: 100, volatility: 0.0004, typicalAmount: 2, levelSpacingTicks: 1 };

export const DEFAULT_SYMBOLS: readonly string[] = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];

/** Builds the spec of a 'BASE/QUOTE' symbol; unknown bases get a generic profile priced around 100. */
export function symbolSpec(symbol: string): SymbolSpec {
  const match = /^([A-Z0-9]{2,12})\/([A-Z0-9]{2,12})$/.exec(symbol);
  if (!match) throw new Error(`Invalid emulator symbol '${symbol}': expected 'BASE/QUOTE' in upper case, e.g. 'BTC/USDT'`);
  const base = match[1] as string;
  const quote = match[2] as string;
  const profile = PROFILES[base] ?? FALLBACK;
  const id = base + quote;
  return { symbol, id, streamId: id.toLowerCase(), base, quote, ...profile, minNotional: 5 };
}
