/**
 * A market universe the size of the real exchange's, generated from the seed: Binance spot about 3,000 symbols
 * (half of them delisted, as Binance keeps them listed with status BREAK), Coinbase about 700 products, Bybit about
 * 550 linear perpetuals, with realistic quote mixes, prices spread over eleven orders of magnitude, and the tick and
 * lot sizes that follow from them. Only specs are made here: a market's simulation starts on first use.
 */
import { deriveRandom, type Random } from './prng';
import { symbolSpec, type MarketStatus, type SymbolSpec } from './symbols';
import type { ExchangeId } from './types';

/** `small`: the configured symbols only (the default); `real-size`: them plus a generated real-size universe. */
export type MarketsSize = 'small' | 'real-size';

export function isMarketsSize(value: unknown): value is MarketsSize {
  return value === 'small' || value === 'real-size';
}

interface Shape {
  readonly count: number;
  /** Quote currency → share of the markets, and its price in USD. */
  readonly quotes: readonly (readonly [quote: string, share: number, usd: number])[];
  /** Shares of halted and delisted markets. */
  readonly halted: number;
  readonly delisted: number;
}

const SHAPES: Readonly<Record<ExchangeId, Shape>> = {
  binance: {
    count: 3000,
    quotes: [
      ['USDT', 0.42, 1],
      ['BTC', 0.18, 60_000],
      ['ETH', 0.07, 3_000],
      ['BNB', 0.07, 550],
      ['FDUSD', 0.06, 1],
      ['USDC', 0.06, 1],
      ['TRY', 0.05, 0.03],
      ['EUR', 0.04, 1.08],
      ['BRL', 0.03, 0.18],
      ['JPY', 0.02, 0.0067],
    ],
    halted: 0.01,
    delisted: 0.44,
  },
  coinbase: {
    count: 700,
    quotes: [
      ['USD', 0.5, 1],
      ['USDC', 0.12, 1],
      ['USDT', 0.1, 1],
      ['EUR', 0.12, 1.08],
      ['GBP', 0.08, 1.27],
      ['BTC', 0.08, 60_000],
    ],
    halted: 0.04,
    delisted: 0.1,
  },
  bybit: {
    count: 550,
    quotes: [
      ['USDT', 0.9, 1],
      ['USDC', 0.1, 1],
    ],
    halted: 0.04,
    delisted: 0.02,
  },
};

const MAJORS = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'DOGE', 'ADA', 'AVAX', 'TRX', 'DOT', 'LINK', 'MATIC', 'LTC', 'BCH', 'ATOM', 'UNI', 'XLM', 'ETC', 'FIL', 'APT', 'ARB', 'OP', 'NEAR', 'AAVE', 'INJ', 'SUI', 'SEI', 'TIA', 'PEPE', 'SHIB'];
const SYLLABLES = ['ar', 'be', 'co', 'da', 'el', 'fi', 'ga', 'ho', 'io', 'ju', 'ka', 'lu', 'mo', 'ne', 'or', 'pi', 'qu', 'ra', 'si', 'to', 'ur', 'vo', 'wa', 'xe', 'yo', 'ze'];

/** Distinct base currency codes: the majors, then seeded names of 3 to 6 letters. */
function baseCodes(random: Random, count: number): string[] {
  const codes = new Set<string>(MAJORS.slice(0, count));
  while (codes.size < count) {
    let code = '';
    const parts = 2 + Math.floor(random() * 2);
    for (let i = 0; i < parts; i++) code += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    codes.add(code.slice(0, 3 + Math.floor(random() * 4)).toUpperCase());
  }
  return [...codes];
}

/** The generated markets beyond `existing` (the configured ones, which keep their own specs). */
export function realSizeUniverse(exchange: ExchangeId, seed: number, existing: ReadonlySet<string>): SymbolSpec[] {
  const shape = SHAPES[exchange];
  const random = deriveRandom(seed, exchange, 'universe');
  const bases = baseCodes(random, shape.count);
  const usdPrice = new Map(bases.map((b) => [b, b === 'BTC' ? 60_000 : b === 'ETH' ? 3_000 : 10 ** (-5 + random() * 9)]));
  const out: SymbolSpec[] = [];
  const taken = new Set(existing);
  for (let round = 0; out.length + existing.size < shape.count && round < 50; round++) {
    for (const [quote, share, quoteUsd] of shape.quotes) {
      const wanted = Math.round(shape.count * share);
      let made = out.filter((s) => s.quote === quote).length;
      for (const base of bases) {
        if (made >= wanted || out.length + existing.size >= shape.count) break;
        if (base === quote || (round === 0 && random() < 0.35)) continue;
        const symbol = exchange === 'bybit' ? `${base}/${quote}:${quote}` : `${base}/${quote}`;
        if (taken.has(symbol)) continue;
        const spec = generatedSpec(exchange, symbol, (usdPrice.get(base) as number) / quoteUsd, statusOf(random, shape));
        if (spec === undefined) continue;
        taken.add(symbol);
        out.push(spec);
        made += 1;
      }
    }
  }
  return out;
}

function statusOf(random: Random, shape: Shape): MarketStatus {
  const r = random();
  return r < shape.delisted ? 'delisted' : r < shape.delisted + shape.halted ? 'halted' : 'trading';
}

/** A spec whose tick keeps about five significant digits and whose lot is worth cents; undefined if too cheap to list. */
function generatedSpec(exchange: ExchangeId, symbol: string, price: number, status: MarketStatus): SymbolSpec | undefined {
  const magnitude = Math.floor(Math.log10(price));
  const pricePrecision = Math.min(8, Math.max(0, 4 - magnitude));
  if (price * 10 ** pricePrecision < 100) return undefined;
  const amountPrecision = Math.min(8, Math.max(0, magnitude + 2));
  const startPrice = Math.round(price * 10 ** pricePrecision) / 10 ** pricePrecision;
  const typicalAmount = Math.max(10 ** -amountPrecision, Number((50 / price).toFixed(amountPrecision)));
  return { ...symbolSpec(symbol, exchange), pricePrecision, amountPrecision, startPrice, volatility: 0.00005, typicalAmount, levelSpacingTicks: 1, status };
}
