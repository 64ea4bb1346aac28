import type { BookLevel, Candle, Derivatives, Liquidation, OrderBook, Ticker, Trade } from '../types';
import { baseAmount, contractSpecOf, type ContractSpec } from './contractSpec';
import type { MarketInfo } from './marketDataClient';
import { checkAmount, checkPrice, checkTime, isFiniteNumber, isTickSize, show, type MarketContext } from './plausible';
import { MAX_SYMBOL_CHARS } from '../../shared/util/marketName';
import { hasControlChar } from '../../shared/util/controlChars';

export { normaliseTimestamp } from './plausible';
export type { MarketContext } from './plausible';

/**
 * Validation at the exchange boundary. Everything a client returns is untrusted: each function takes `unknown`,
 * returns a typed value or an issue naming the field and the value, and never throws. What an accepted value
 * guarantees: numbers finite; prices positive, at most MAX_PRICE and MAX_PRICE_STEPS ticks, live ones within the
 * sane range of the market's price; amounts non-negative (a trade's positive); times plausible (2009 to a day
 * ahead); candles consistent (low ≤ open, close ≤ high); books sorted (bids down, asks up) and uncrossed; tickers
 * bid ≤ ask.
 * Time per input is linear in its size (a book: in the levels read, at most `depth` kept).
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; issue: string };

const fail = <T>(issue: string): Checked<T> => ({ ok: false, issue });
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_ID_LENGTH = 128;
/** ccxt's precisionMode values. */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** Reads each field once, without throwing (a getter may do anything). */
function fields(raw: Record<string, unknown>, names: readonly string[]): Record<string, unknown> | string {
  const out: Record<string, unknown> = {};
  try {
    for (const n of names) out[n] = raw[n];
  } catch (err) {
    return unreadable(err);
  }
  return out;
}

const unreadable = (err: unknown) => `cannot be read (${err instanceof Error ? err.name : 'error'})`;

/** Every live trade passes here: its fields are read one by one (a getter may throw), not gathered into a dictionary. */
export function checkTrade(raw: unknown, ctx: MarketContext): Checked<Trade> {
  if (!isRecord(raw)) return fail(`trade is not an object: ${show(raw)}`);
  let id: unknown, timestamp: unknown, price: unknown, amount: unknown, side: unknown;
  try {
    id = raw.id;
    timestamp = raw.timestamp;
    price = raw.price;
    amount = raw.amount;
    side = raw.side;
  } catch (err) {
    return fail(`trade ${unreadable(err)}`);
  }
  if (!(typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH) && !isFiniteNumber(id)) return fail(`trade id ${show(id)} is not a string or number`);
  const ts = checkTime(timestamp, ctx);
  if (typeof ts === 'string') return fail(`trade ${id} timestamp ${ts}`);
  const p = checkPrice(price, ctx);
  if (typeof p === 'string') return fail(`trade ${id} price ${p}`);
  const a = checkAmount(amount);
  if (typeof a === 'string') return fail(`trade ${id} amount ${a}`);
  // Nothing changed hands. Taken, it opened a bar of volume 0, which every bar rule reads as a period without trades
  // (its price replaced by the previous close or a later trade's, left out of folds): neither its price nor a volume is real.
  if (a === 0) return fail(`trade ${id} amount 0 is not a trade: nothing changed hands`);
  if (side !== 'buy' && side !== 'sell') return fail(`trade ${id} side ${show(side)} is not "buy" or "sell"`);
  return ok({ id: String(id), timestamp: ts, price: p, amount: a, side });
}

/** A ccxt liquidation structure of a market whose contract is `contract`: `contracts` turned into base units. */
export function checkLiquidation(raw: unknown, contract: ContractSpec, ctx: MarketContext): Checked<Liquidation> {
  if (!isRecord(raw)) return fail(`liquidation is not an object: ${show(raw)}`);
  const f = fields(raw, ['timestamp', 'price', 'contracts', 'side']);
  if (typeof f === 'string') return fail(`liquidation ${f}`);
  const ts = checkTime(f.timestamp, ctx);
  if (typeof ts === 'string') return fail(`liquidation timestamp ${ts}`);
  const p = checkPrice(f.price, ctx);
  if (typeof p === 'string') return fail(`liquidation at ${ts} price ${p}`);
  const a = checkAmount(f.contracts);
  if (typeof a === 'string') return fail(`liquidation at ${ts} contracts ${a}`);
  if (f.side !== 'buy' && f.side !== 'sell') return fail(`liquidation at ${ts} side ${show(f.side)} is not "buy" or "sell"`);
  return ok({ timestamp: ts, price: p, amount: baseAmount(contract, a, p), side: f.side });
}

const OHLC = ['open', 'high', 'low', 'close'] as const;

/** ccxt OHLCV rows: [timestamp, open, high, low, close, volume]. History: no sane-range check against today's price. */
export function checkCandleRow(raw: unknown, ctx: MarketContext): Checked<Candle> {
  if (!Array.isArray(raw) || raw.length < 6) return fail(`OHLCV row is not an array of 6: ${show(raw)}`);
  const row = raw.slice(0, 6) as unknown[];
  const time = checkTime(row[0], ctx);
  if (typeof time === 'string') return fail(`OHLCV row ${show(raw)}: time ${time}`);
  const history = { now: ctx.now, tickSize: ctx.tickSize };
  const prices: number[] = [];
  for (let i = 0; i < OHLC.length; i++) {
    const p = checkPrice(row[i + 1], history);
    if (typeof p === 'string') return fail(`OHLCV row ${show(raw)}: ${OHLC[i]} ${p}`);
    prices.push(p);
  }
  const volume = checkAmount(row[5]);
  if (typeof volume === 'string') return fail(`OHLCV row ${show(raw)}: volume ${volume}`);
  const [open, high, low, close] = prices as [number, number, number, number];
  if (low > Math.min(open, close) || high < Math.max(open, close)) return fail(`OHLCV row ${show(raw)} is inconsistent: low ≤ open, close ≤ high does not hold`);
  return ok({ time, open, high, low, close, volume });
}

export function checkOrderBook(raw: unknown, depth: number, ctx: MarketContext): Checked<OrderBook> {
  if (!isRecord(raw)) return fail(`order book is not an object: ${show(raw)}`);
  const f = fields(raw, ['bids', 'asks', 'timestamp']);
  if (typeof f === 'string') return fail(`order book ${f}`);
  const bids = checkLevels(f.bids, depth, 'bids', ctx);
  if (!bids.ok) return bids;
  const asks = checkLevels(f.asks, depth, 'asks', ctx);
  if (!asks.ok) return asks;
  const bestBid = bids.value[0]?.[0];
  const bestAsk = asks.value[0]?.[0];
  if (bestBid !== undefined && bestAsk !== undefined && bestBid >= bestAsk) return fail(`order book is crossed: best bid ${bestBid} ≥ best ask ${bestAsk}`);
  const ts = optionalTime(f.timestamp, ctx);
  if (typeof ts === 'string') return fail(`order book timestamp ${ts}`);
  return ok({ timestamp: ts, bids: bids.value, asks: asks.value });
}

/**
 * Copies the top `depth` levels (ccxt keeps mutating its own book after returning it), dropping empty ones. Bids
 * must fall and asks rise strictly; the best level must be in the sane range of the market's price, the others
 * only in the tick range (a deep level far from the market is real).
 */
function checkLevels(raw: unknown, depth: number, side: 'bids' | 'asks', ctx: MarketContext): Checked<BookLevel[]> {
  if (!Array.isArray(raw)) return fail(`order book ${side} is not an array: ${show(raw)}`);
  const deep = { now: ctx.now, tickSize: ctx.tickSize };
  const out: BookLevel[] = [];
  for (let i = 0; i < raw.length && out.length < depth; i++) {
    const level: unknown = raw[i];
    if (!Array.isArray(level) || level.length < 2) return fail(`order book ${side}[${i}] ${show(level)} is not [price, amount]`);
    const amount = checkAmount(level[1]);
    if (typeof amount === 'string') return fail(`order book ${side}[${i}] amount ${amount}`);
    const price = checkPrice(level[0], out.length === 0 ? ctx : deep);
    if (typeof price === 'string') return fail(`order book ${side}[${i}] price ${price}`);
    if (amount === 0) continue;
    const previous = out.at(-1)?.[0];
    if (previous !== undefined && (side === 'bids' ? price >= previous : price <= previous)) return fail(`order book ${side}[${i}] price ${price} is out of order after ${previous} (${side === 'bids' ? 'bids fall' : 'asks rise'} strictly)`);
    out.push([price, amount]);
  }
  return ok(out);
}

export function checkTicker(raw: unknown, ctx: MarketContext): Checked<Ticker> {
  if (!isRecord(raw)) return fail(`ticker is not an object: ${show(raw)}`);
  const f = fields(raw, ['last', 'close', 'bid', 'ask', 'percentage', 'timestamp', 'markPrice', 'indexPrice', 'info']);
  if (typeof f === 'string') return fail(`ticker ${f}`);
  const last = checkPrice(f.last ?? f.close, ctx);
  if (typeof last === 'string') return fail(`ticker last price ${last}`);
  const bid = optionalQuote(f.bid, ctx);
  if (typeof bid === 'string') return fail(`ticker bid ${bid}`);
  const ask = optionalQuote(f.ask, ctx);
  if (typeof ask === 'string') return fail(`ticker ask ${ask}`);
  if (bid !== undefined && ask !== undefined && bid > ask) return fail(`ticker is crossed: bid ${bid} > ask ${ask}`);
  const pct = f.percentage;
  if (pct !== undefined && pct !== null && !isFiniteNumber(pct)) return fail(`ticker percentage ${show(pct)} is not a finite number`);
  const ts = optionalTime(f.timestamp, ctx);
  if (typeof ts === 'string') return fail(`ticker timestamp ${ts}`);
  const derivatives = checkDerivatives(f, ctx);
  if (typeof derivatives === 'string') return fail(`ticker ${derivatives}`);
  const ticker: Ticker = { timestamp: ts, last, bid, ask, change24hPercent: isFiniteNumber(pct) ? pct : undefined };
  return ok(derivatives ? { ...ticker, derivatives } : ticker);
}

/**
 * ccxt's unified mark and index prices, and from the raw ticker (ccxt has no unified field for them) the funding
 * rate, next funding time and open interest under Bybit's names; undefined when the ticker has none of them.
 */
function checkDerivatives(f: Record<string, unknown>, ctx: MarketContext): Derivatives | undefined | string {
  const info = isRecord(f.info) ? fields(f.info, ['fundingRate', 'nextFundingTime', 'openInterest']) : {};
  if (typeof info === 'string') return `info ${info}`;
  const markPrice = optionalQuote(f.markPrice, ctx);
  if (typeof markPrice === 'string') return `mark price ${markPrice}`;
  const indexPrice = optionalQuote(f.indexPrice, ctx);
  if (typeof indexPrice === 'string') return `index price ${indexPrice}`;
  const num = (v: unknown): number | undefined | string => {
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'string' ? Number(v) : v;
    return isFiniteNumber(n) ? n : `${show(v)} is not a finite number`;
  };
  const fundingRate = num(info.fundingRate);
  if (typeof fundingRate === 'string') return `funding rate ${fundingRate}`;
  if (fundingRate !== undefined && Math.abs(fundingRate) > 1) return `funding rate ${fundingRate} is not a plausible fraction`;
  const openInterest = num(info.openInterest);
  if (typeof openInterest === 'string') return `open interest ${openInterest}`;
  if (openInterest !== undefined && openInterest < 0) return `open interest ${openInterest} is negative`;
  const nextRaw = num(info.nextFundingTime);
  if (typeof nextRaw === 'string') return `next funding time ${nextRaw}`;
  // A time on the exchange's schedule (hours ahead), not an event's: only the day's bound applies.
  const nextFundingTime = nextRaw === undefined || nextRaw === 0 ? undefined : checkTime(nextRaw, { now: ctx.now });
  if (typeof nextFundingTime === 'string') return `next funding time ${nextFundingTime}`;
  if ([markPrice, indexPrice, fundingRate, openInterest, nextFundingTime].every((v) => v === undefined)) return undefined;
  return { markPrice, indexPrice, fundingRate, nextFundingTime, openInterest };
}

/**
 * One market of ccxt's `loadMarkets()`. `precisionMode` is the exchange's (ccxt: 2 decimal places, 3 significant
 * digits, 4 tick size); a tick size is derived only where the mode defines one.
 */
export function checkMarket(raw: unknown, precisionMode: unknown): Checked<MarketInfo> {
  if (!isRecord(raw)) return fail(`market is not an object: ${show(raw)}`);
  const f = fields(raw, ['symbol', 'base', 'quote', 'active', 'precision']);
  if (typeof f === 'string') return fail(`market ${f}`);
  for (const key of ['symbol', 'base', 'quote'] as const) {
    const v = f[key];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_SYMBOL_CHARS || hasControlChar(v)) return fail(`market ${key} ${show(v)} is not a name`);
  }
  const contract = contractSpecOf(raw);
  const amountStep = stepOf(f.precision, 'amount', precisionMode);
  const info = { symbol: f.symbol as string, base: f.base as string, quote: f.quote as string, active: f.active !== false, tickSize: tickSizeOf(f.precision, precisionMode), ...(amountStep === undefined ? {} : { amountStep }) };
  return ok(typeof contract !== 'string' && contract.segment === 'spot' ? info : { ...info, contract });
}

/** The price increment of a market's ccxt `precision`, in its exchange's precision mode; undefined when unknown. */
export function tickSizeOf(precision: unknown, precisionMode: unknown): number | undefined {
  return stepOf(precision, 'price', precisionMode);
}

/** The increment of a market's prices or amounts (its lot step) in ccxt's `precision`; undefined when unknown. */
function stepOf(precision: unknown, of: 'price' | 'amount', precisionMode: unknown): number | undefined {
  const p = isRecord(precision) ? precision[of] : undefined;
  if (precisionMode === TICK_SIZE) return isTickSize(p) ? p : undefined;
  if (precisionMode === DECIMAL_PLACES) return Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 20 ? 10 ** -(p as number) : undefined;
  return undefined;
}

/** An optional bid or ask: absent (undefined, null or 0: no quote on that side) or a valid price. */
function optionalQuote(v: unknown, ctx: MarketContext): number | undefined | string {
  if (v === undefined || v === null || v === 0) return undefined;
  return checkPrice(v, ctx);
}

/** An optional timestamp: absent means "now"; present, it must be plausible. */
function optionalTime(v: unknown, ctx: MarketContext): number | string {
  if (v === undefined || v === null) return ctx.now;
  return checkTime(v, ctx);
}
