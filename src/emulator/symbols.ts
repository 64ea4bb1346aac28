/** Static description of each emulated market: identifiers, precisions and the shape of its random walk. */
import type { ExchangeId } from './types';

/** Whether a listed market trades: a halted one keeps its history and an empty book; a delisted one is gone. */
export type MarketStatus = 'trading' | 'halted' | 'delisted';

/** Undefined means trading. */
export const isTrading = (spec: SymbolSpec): boolean => spec.status === undefined || spec.status === 'trading';

export interface SymbolSpec {
  /** The exchange whose market this is. */
  readonly exchange: ExchangeId;
  /** Unified symbol, e.g. 'BTC/USDT' (a linear perpetual: 'BTC/USDT:USDT'). */
  readonly symbol: string;
  /** The exchange's market id, e.g. 'BTCUSDT' (Binance, Bybit) or 'BTC-USD' (Coinbase). */
  readonly id: string;
  /** Stream prefix, e.g. 'btcusdt' (Binance stream names). */
  readonly streamId: string;
  readonly base: string;
  readonly quote: string;
  /** Settlement currency of a perpetual contract; undefined for spot markets. */
  readonly settle: string | undefined;
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
  /** The NOTIONAL filter's minimum order value in quote units; undefined when unknown (a recording does not say). */
  readonly minNotional: number | undefined;
  /** Undefined: trading. */
  readonly status?: MarketStatus;
  /** A futures contract whose amounts count contracts (its log, book and klines are in contracts); undefined: amounts are base units. */
  readonly contract?: FuturesContract;
}

/** A Coinbase US futures contract (FCM): `size` base units per contract, expiring at `expiry` (epoch ms). */
export interface FuturesContract {
  /** Coinbase's contract code, e.g. BIP (nano Bitcoin perp-style futures). */
  readonly code: string;
  readonly size: number;
  readonly expiry: number;
  /** e.g. "Nano Bitcoin Perp Style Futures". */
  readonly group: string;
}

interface Profile {
  readonly pricePrecision: number;
  readonly amountPrecision: number;
  readonly startPrice: number;
  /**
   * One trade's move (log price, × |gaussian|), a bid-ask bounce of about 1.5 $ on BTC: the bars' range comes from the
   * common price's path (commonPrice), as on a real venue, not from trade-to-trade noise (0.0002 made every BTC 1m
   * bar 120–160 $ high and the heatmap's bid and ask lines a zigzag of 10–30 $ per trade).
   */
  readonly volatility: number;
  readonly typicalAmount: number;
  /** Distance between adjacent book levels, in quote units. */
  readonly levelSpacing: number;
}

const PROFILES: Readonly<Record<string, Profile>> = {
  BTC: { pricePrecision: 2, amountPrecision: 5, startPrice: 60_000, volatility: 0.00003, typicalAmount: 0.02, levelSpacing: 1 },
  ETH: { pricePrecision: 2, amountPrecision: 4, startPrice: 3_000, volatility: 0.00004, typicalAmount: 0.3, levelSpacing: 0.1 },
  SOL: { pricePrecision: 2, amountPrecision: 3, startPrice: 150, volatility: 0.00005, typicalAmount: 5, levelSpacing: 0.01 },
  BNB: { pricePrecision: 2, amountPrecision: 3, startPrice: 550, volatility: 0.00004, typicalAmount: 1, levelSpacing: 0.02 },
  XRP: { pricePrecision: 4, amountPrecision: 1, startPrice: 0.6, volatility: 0.00005, typicalAmount: 500, levelSpacing: 0.0001 },
  DOGE: { pricePrecision: 5, amountPrecision: 0, startPrice: 0.15, volatility: 0.00006, typicalAmount: 2000, levelSpacing: 0.00001 },
};

const FALLBACK: Profile = { pricePrecision: 2, amountPrecision: 3, startPrice: 100, volatility: 0.00005, typicalAmount: 2, levelSpacing: 0.01 };

/** Each exchange's own tick and lot sizes where they differ (Coinbase sizes to 1e-8; Bybit's BTC perpetual ticks by 0.1). */
const PRECISIONS: Readonly<Record<ExchangeId, Readonly<Record<string, Pick<Profile, 'pricePrecision' | 'amountPrecision'>>>>> = {
  binance: {},
  coinbase: { BTC: { pricePrecision: 2, amountPrecision: 8 }, ETH: { pricePrecision: 2, amountPrecision: 8 }, SOL: { pricePrecision: 2, amountPrecision: 8 } },
  bybit: { BTC: { pricePrecision: 1, amountPrecision: 3 }, ETH: { pricePrecision: 2, amountPrecision: 2 }, SOL: { pricePrecision: 3, amountPrecision: 1 } },
};

export const DEFAULT_SYMBOLS_BY_EXCHANGE: Readonly<Record<ExchangeId, readonly string[]>> = {
  binance: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
  coinbase: ['BTC/USD', 'ETH/USD', 'SOL/USD'],
  bybit: ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT'],
};

export const DEFAULT_SYMBOLS: readonly string[] = DEFAULT_SYMBOLS_BY_EXCHANGE.binance;

/**
 * Coinbase's US perp-style nano futures, as its product list describes them (`future_product_details`): BIP is
 * 0.01 BTC a contract, ETP 0.1 ETH, both expiring 2030-12-20 (product ids BIP-20DEC30-CDE, ETP-20DEC30-CDE).
 */
const COINBASE_FUTURES: Readonly<Record<string, Omit<FuturesContract, 'expiry'>>> = {
  BTC: { code: 'BIP', size: 0.01, group: 'Nano Bitcoin Perp Style Futures' },
  ETH: { code: 'ETP', size: 0.1, group: 'Nano Ether Perp Style Futures' },
};
const COINBASE_FUTURES_EXPIRY = Date.UTC(2030, 11, 20, 16);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** ccxt's unified symbol of an expiring future: BASE/QUOTE:SETTLE-YYMMDD. */
const FUTURE_SYMBOL = /^([A-Z0-9]{2,12})\/USD:USD-(\d{6})$/;

/** The spec of a Coinbase future 'BTC/USD:USD-301220': amounts in whole contracts, the base's price walk. */
function coinbaseFutureSpec(symbol: string, base: string, yymmdd: string): SymbolSpec {
  const listed = COINBASE_FUTURES[base];
  const expiry = new Date(COINBASE_FUTURES_EXPIRY);
  const want = `${String(expiry.getUTCFullYear() % 100).padStart(2, '0')}${String(expiry.getUTCMonth() + 1).padStart(2, '0')}${String(expiry.getUTCDate()).padStart(2, '0')}`;
  if (!listed || yymmdd !== want) throw new Error(`Invalid coinbase emulator symbol '${symbol}': the futures emulated are ${Object.keys(COINBASE_FUTURES).map((b) => `'${b}/USD:USD-${want}'`).join(', ')}`);
  const profile = PROFILES[base] ?? FALLBACK;
  const contract: FuturesContract = { ...listed, expiry: COINBASE_FUTURES_EXPIRY };
  const day = `${String(expiry.getUTCDate()).padStart(2, '0')}${MONTHS[expiry.getUTCMonth()]}${String(expiry.getUTCFullYear() % 100).padStart(2, '0')}`;
  const id = `${listed.code}-${day}-CDE`;
  // Whole contracts; the tick is a whole dollar (Coinbase's BIP ticks by 5, which a power-of-ten tick cannot say).
  const pricePrecision = 0;
  const levelSpacingTicks = Math.max(1, Math.round(profile.levelSpacing));
  const typicalAmount = Math.max(1, Math.round(profile.typicalAmount / listed.size));
  return { exchange: 'coinbase', symbol, id, streamId: id.toLowerCase(), base, quote: 'USD', settle: 'USD', pricePrecision, amountPrecision: 0, startPrice: profile.startPrice, volatility: profile.volatility, typicalAmount, levelSpacingTicks, minNotional: 5, contract };
}

const CODE = '[A-Z0-9]{2,12}';
const SPOT = new RegExp(`^(${CODE})/(${CODE})$`);
const LINEAR = new RegExp(`^(${CODE})/(${CODE}):(${CODE})$`);

/**
 * Builds the spec of a market: 'BASE/QUOTE' on Binance and Coinbase, a linear perpetual 'BASE/QUOTE:QUOTE' on Bybit,
 * a nano future 'BTC/USD:USD-301220' or 'ETH/USD:USD-301220' on Coinbase (amounts in contracts).
 * Unknown bases get a generic profile priced around 100.
 */
export function symbolSpec(symbol: string, exchange: ExchangeId = 'binance'): SymbolSpec {
  const future = exchange === 'coinbase' ? FUTURE_SYMBOL.exec(symbol) : null;
  if (future) return coinbaseFutureSpec(symbol, future[1] as string, future[2] as string);
  const derivatives = exchange === 'bybit';
  const match = (derivatives ? LINEAR : SPOT).exec(symbol);
  const example = derivatives ? "'BTC/USDT:USDT'" : exchange === 'coinbase' ? "'BTC/USD'" : "'BTC/USDT'";
  if (!match) throw new Error(`Invalid ${exchange} emulator symbol '${symbol}': expected ${derivatives ? "'BASE/QUOTE:SETTLE'" : "'BASE/QUOTE'"} in upper case, e.g. ${example}`);
  const base = match[1] as string;
  const quote = match[2] as string;
  const settle = match[3];
  if (settle !== undefined && settle !== quote) throw new Error(`Invalid ${exchange} emulator symbol '${symbol}': only linear perpetuals (settled in the quote currency) are emulated`);
  const { levelSpacing, ...profile } = { ...(PROFILES[base] ?? FALLBACK), ...PRECISIONS[exchange][base] };
  const id = exchange === 'coinbase' ? `${base}-${quote}` : base + quote;
  const levelSpacingTicks = Math.max(1, Math.round(levelSpacing * 10 ** profile.pricePrecision));
  return { exchange, symbol, id, streamId: id.toLowerCase(), base, quote, settle, ...profile, levelSpacingTicks, minNotional: 5 };
}
