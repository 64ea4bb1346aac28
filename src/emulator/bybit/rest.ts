/**
 * Bybit v5 public market REST for linear perpetuals (/v5/market/...): every answer is HTTP 200 with
 * {retCode, retMsg, result, retExtInfo, time}; other categories list nothing.
 */
import { bucketRanges } from '../klines';
import type { Json } from '../json';
import type { MarketSet } from '../marketSet';
import type { RestResult } from '../restResult';
import type { SymbolMarket } from '../symbolMarket';
import type { MarketStatus } from '../symbols';
import type { RestFaultStatus } from '../types';
import { instrumentJson } from './instruments';
import type { Perpetual } from '../perpetual';
import { tickerFields } from './ticker';
import { envelope, KLINE_INTERVALS, OI_INTERVALS, price, qty, tradeId, turnover } from './wire';

export interface BybitRestContext {
  readonly markets: MarketSet;
  now(): number;
  perpetual(market: SymbolMarket): Perpetual;
  /** Cross sequence of a market (grows with every trade and book change). */
  seq(market: SymbolMarket): number;
  /** The u of the market's 1000-level orderbook topic, which the REST orderbook's u "corresponds to" (Bybit's docs). */
  bookUpdateId(market: SymbolMarket): number;
}

const CATEGORIES = ['spot', 'linear', 'inverse', 'option'] as const;

/** A halted contract is a pre-market one (no feed until continuous trading); a delisted one is Closed. */
export const BYBIT_STATUS: Readonly<Record<MarketStatus, string>> = { trading: 'Trading', halted: 'PreLaunch', delisted: 'Closed' };

/** A request Bybit rejects: retCode 10001 (parameter error) unless said otherwise. */
class BybitError extends Error {
  constructor(
    message: string,
    readonly retCode = 10001,
  ) {
    super(message);
  }
}

function category(query: URLSearchParams, required: boolean): string {
  const value = query.get('category');
  if (value === null || value === '') {
    if (required) throw new BybitError('params error: category is required');
    return 'linear';
  }
  if (!(CATEGORIES as readonly string[]).includes(value)) throw new BybitError(`params error: category '${value}' is not one of ${CATEGORIES.join(', ')}`);
  return value;
}

function int(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^[0-9]{1,16}$/.test(value)) throw new BybitError(`params error: ${name} must be an integer`);
  return Number(value);
}

function limit(query: URLSearchParams, fallback: number, max: number): number {
  const value = int(query, 'limit');
  if (value === undefined) return fallback;
  if (value < 1 || value > max) throw new BybitError(`params error: limit must be in [1, ${max}]`);
  return value;
}

function marketOf(query: URLSearchParams, ctx: BybitRestContext): SymbolMarket {
  const symbol = query.get('symbol');
  if (symbol === null || symbol === '') throw new BybitError('params error: symbol is required');
  const market = ctx.markets.byId(symbol);
  if (market === undefined) throw new BybitError(`params error: symbol invalid`, 10001);
  return market;
}

/** Offset encoded in a nextPageCursor ("next=500", url-encoded once or twice on the way back). */
function cursorOffset(query: URLSearchParams): number {
  const cursor = query.get('cursor');
  if (cursor === null || cursor === '') return 0;
  const m = /^next(?:=|%3D|%253D)(\d+)$/.exec(cursor);
  if (!m) throw new BybitError('params error: cursor invalid');
  return Number(m[1]);
}

function instruments(query: URLSearchParams, ctx: BybitRestContext): Json {
  const cat = category(query, true);
  const status = query.get('status') ?? 'Trading';
  const symbol = query.get('symbol');
  const base = query.get('baseCoin');
  const all = cat !== 'linear' ? [] : [...ctx.markets.specs()].filter((s) => BYBIT_STATUS[s.status ?? 'trading'] === status && (symbol === null || s.id === symbol) && (base === null || s.base === base));
  const offset = cursorOffset(query);
  const size = limit(query, 500, 1000);
  const page = all.slice(offset, offset + size);
  const next = offset + size < all.length ? `next%3D${offset + size}` : '';
  return { category: cat, list: page.map((spec, i) => instrumentJson(spec, offset + i + 1, BYBIT_STATUS[spec.status ?? 'trading'])), nextPageCursor: next };
}

/** Klines newest first: from the bucket containing `start` forward (oldest `limit`), else the newest `limit` up to `end`. */
function kline(query: URLSearchParams, ctx: BybitRestContext): Json {
  const cat = category(query, false);
  const market = marketOf(query, ctx);
  const raw = query.get('interval') ?? '';
  const interval = KLINE_INTERVALS[raw];
  if (interval === undefined) throw new BybitError(`params error: interval '${raw}' is not one of ${Object.keys(KLINE_INTERVALS).join(', ')}`);
  const start = int(query, 'start');
  const end = int(query, 'end');
  const { log, spec } = market;
  const rows = bucketRanges(log, interval, { firstOpen: start, lastOpen: end, limit: limit(query, 200, 1000), oldestFirst: start !== undefined });
  const list = rows.reverse().map((b) => {
    const s = log.rangeStats(b.from, b.to);
    return [String(b.open), price(spec, s.open), price(spec, s.high), price(spec, s.low), price(spec, s.close), qty(spec, s.volume), turnover(spec, s.quote)];
  });
  return { category: cat, symbol: spec.id, list };
}

function recentTrades(query: URLSearchParams, ctx: BybitRestContext): Json {
  const cat = category(query, true);
  const market = marketOf(query, ctx);
  const n = limit(query, 500, 1000);
  const { log, spec } = market;
  const list: Json[] = [];
  for (let i = log.length - 1; i >= 0 && list.length < n; i--) {
    const t = log.at(i);
    list.push({ execId: tradeId(spec, t.id), symbol: spec.id, price: price(spec, log.priceUnitsAt(i)), size: qty(spec, log.amountUnitsAt(i)), side: t.side === 'buy' ? 'Buy' : 'Sell', time: String(t.timestamp), isBlockTrade: false, isRPITrade: false, seq: String(t.id) });
  }
  return { category: cat, list };
}

function orderbook(query: URLSearchParams, ctx: BybitRestContext): Json {
  category(query, true);
  const market = marketOf(query, ctx);
  const snap = market.book.snapshot(limit(query, 25, 1000));
  const { spec } = market;
  const now = ctx.now();
  const levels = (side: typeof snap.bids): Json => side.map(([p, q]) => [price(spec, p), qty(spec, q)]);
  return { s: spec.id, a: levels(snap.asks), b: levels(snap.bids), ts: now, u: ctx.bookUpdateId(market), seq: ctx.seq(market), cts: now };
}

function tickers(query: URLSearchParams, ctx: BybitRestContext): Json {
  const cat = category(query, true);
  const symbol = query.get('symbol');
  const markets = cat !== 'linear' ? [] : symbol !== null && symbol !== '' ? [marketOf(query, ctx)] : [...ctx.markets.live()];
  const now = ctx.now();
  const list: Json[] = [];
  for (const market of markets) {
    const t = tickerFields(market, ctx.perpetual(market), now);
    if (t !== undefined) list.push({ ...t.fields, predictedDeliveryPrice: '', basisRate: '', deliveryFeeRate: '', deliveryTime: '0', basis: '', basisRateYear: '' });
  }
  return { category: cat, list };
}

/** Open interest at each interval boundary, newest first, from `endTime` (default now) back to `startTime`. */
function openInterest(query: URLSearchParams, ctx: BybitRestContext): Json {
  const cat = category(query, true);
  const market = marketOf(query, ctx);
  const raw = query.get('intervalTime') ?? '';
  const step = OI_INTERVALS[raw];
  if (step === undefined) throw new BybitError(`params error: intervalTime '${raw}' is not one of ${Object.keys(OI_INTERVALS).join(', ')}`);
  const n = limit(query, 50, 200);
  const start = int(query, 'startTime') ?? 0;
  const end = Math.min(int(query, 'endTime') ?? ctx.now(), ctx.now());
  const skip = cursorOffset(query);
  const perpetual = ctx.perpetual(market);
  const list: Json[] = [];
  let t = Math.floor(end / step) * step - skip * step;
  for (; t >= start && list.length < n; t -= step) {
    const oi = perpetual.openInterestAt(t);
    list.push({ openInterest: oi.toFixed(8), singleOpenInterest: (oi / 2).toFixed(8), timestamp: String(t) });
  }
  return { symbol: market.spec.id, category: cat, list, nextPageCursor: t >= start ? `next%3D${skip + n}` : '' };
}

const ROUTES: Readonly<Record<string, (query: URLSearchParams, ctx: BybitRestContext) => Json>> = {
  '/v5/market/time': (_q, ctx) => ({ timeSecond: String(Math.floor(ctx.now() / 1000)), timeNano: `${ctx.now()}000000` }),
  '/v5/market/instruments-info': instruments,
  '/v5/market/kline': kline,
  '/v5/market/recent-trade': recentTrades,
  '/v5/market/orderbook': orderbook,
  '/v5/market/tickers': tickers,
  '/v5/market/open-interest': openInterest,
};

export function isBybitRestPath(pathname: string): boolean {
  return pathname.startsWith('/v5/');
}

/** Answers one REST request; never throws. */
export function handleBybitRest(method: string, url: URL, ctx: BybitRestContext): RestResult {
  const now = ctx.now();
  const route = ROUTES[url.pathname];
  if (route === undefined) return { status: 404, body: envelope({}, now, 10017, `route not found: ${url.pathname}`) };
  if (method !== 'GET' && method !== 'HEAD') return { status: 200, body: envelope({}, now, 10017, `request method ${method} is invalid for ${url.pathname}`) };
  try {
    return { status: 200, body: envelope(route(url.searchParams, ctx), now) };
  } catch (error) {
    if (error instanceof BybitError) return { status: 200, body: envelope({}, now, error.retCode, error.message) };
    return { status: 200, body: envelope({}, now, 10016, `Internal server error: ${error instanceof Error ? error.message : String(error)}`) };
  }
}

/**
 * How Bybit fails a request: a bad request is HTTP 200 with retCode 10001; its API rate limit is HTTP 200 with retCode 10006 and the X-Bapi-Limit headers (the
 * reset time `retryAfterSec` ahead); an IP ban (418 here) is HTTP 403 "access too frequent"; 500 is retCode 10016;
 * 503 comes from its gateway as plain text; its server's timeout (504 here) is HTTP 200 with retCode 5004 "Server Timeout".
 */
export function bybitRestFault(status: RestFaultStatus, retryAfterSec: number, now: number): RestResult {
  switch (status) {
    case 400:
      return { status: 200, body: envelope({}, now, 10001, 'params error') };
    case 429:
      return {
        status: 200,
        body: envelope({}, now, 10006, 'Too many visits!'),
        headers: { 'X-Bapi-Limit': '600', 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': String(now + retryAfterSec * 1000) },
      };
    case 418:
      return { status: 403, body: '403 Forbidden: access too frequent', headers: { 'Content-Type': 'text/plain' } };
    case 500:
      return { status: 200, body: envelope({}, now, 10016, 'Internal server error.') };
    case 503:
      return { status: 503, body: 'upstream connect error or disconnect/reset before headers', headers: { 'Content-Type': 'text/plain' } };
    case 504:
      return { status: 200, body: envelope(null, now, 5004, 'Server Timeout') };
  }
}
