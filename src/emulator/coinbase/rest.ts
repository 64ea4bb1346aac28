/**
 * Coinbase Advanced Trade public REST (/api/v3/brokerage/market/..., /api/v3/brokerage/time) and the Coinbase App
 * v2 currency endpoints ccxt reads while loading markets, answered from the emulator's market state.
 */
import { bucketRanges } from '../klines';
import type { Json } from '../json';
import type { MarketSet } from '../marketSet';
import type { RestResult } from '../restResult';
import type { SymbolMarket } from '../symbolMarket';
import type { SymbolSpec } from '../symbols';
import type { RestFaultStatus } from '../types';
import { cryptoCurrencies, exchangeRates, fiatCurrencies, productJson, usdAliasOf } from './products';
import { GRANULARITIES, isoMicros, price, size } from './wire';

export interface CoinbaseRestContext {
  readonly markets: MarketSet;
  now(): number;
  /** Candles are built from the trades up to now − this (the candle-lag fault). */
  candleLagMs(): number;
  /** The market trades answer now being made lists the trades up to now − this only (the stale-trades fault, spent by it). */
  takeStaleTradesMs(): number;
}

/** The most candles one request may span. */
const MAX_CANDLES = 350;
const MAX_TRADES = 1000;

/** An error Coinbase answers with HTTP `status` and {error, error_details, message}. */
class CoinbaseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string): CoinbaseError => new CoinbaseError(400, 'INVALID_ARGUMENT', message);

function productOf(id: string, ctx: CoinbaseRestContext): SymbolMarket {
  const market = ctx.markets.byId(id);
  if (market === undefined) throw new CoinbaseError(404, 'NOT_FOUND', 'ProductID is invalid');
  return market;
}

/**
 * The market whose data a product's answers carry: for a -USDC alias (BTC-USDC) its -USD product's, the one book
 * Coinbase merged them into ("-USDC product IDs ... return the same data as the matching -USD product", the WebSocket
 * endpoints page; on REST, the products list gives both the same price and 24 h volume, as Coinbase's developer forum
 * reports: forums.coinbasecloud.dev/t/the-mess-of-usd-and-usdc-pairs/5745). Answers still name the product asked.
 */
function dataOf(id: string, ctx: CoinbaseRestContext): SymbolMarket {
  const market = productOf(id, ctx);
  const usd = usdAliasOf(market.spec, listed(ctx));
  return usd === undefined ? market : productOf(usd, ctx);
}

/** As dataOf, for a spec of the products list: the live market whose price and 24 h figures it shows. */
const liveDataOf = (spec: SymbolSpec, ctx: CoinbaseRestContext): SymbolMarket | undefined => ctx.markets.ifLive(usdAliasOf(spec, listed(ctx)) ?? spec.id);

/** A UNIX-seconds query parameter (string of digits), or undefined when absent. */
function seconds(query: URLSearchParams, name: string, required: boolean): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') {
    if (required) throw invalid(`${name} is required`);
    return undefined;
  }
  if (!/^[0-9]{1,12}$/.test(value)) throw invalid(`${name} must be a UNIX timestamp in seconds, got '${value}'`);
  return Number(value);
}

function positiveInt(query: URLSearchParams, name: string, required: boolean, max: number): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') {
    if (required) throw invalid(`${name} is required`);
    return undefined;
  }
  if (!/^[0-9]{1,9}$/.test(value) || Number(value) < 1) throw invalid(`${name} must be a positive integer, got '${value}'`);
  return Math.min(Number(value), max);
}

function products(query: URLSearchParams, ctx: CoinbaseRestContext): Json {
  const type = query.get('product_type');
  if (type !== null && type !== 'SPOT' && type !== 'FUTURE' && type !== 'UNKNOWN_PRODUCT_TYPE') throw invalid(`product_type '${type}' is not a product type`);
  const expiryType = query.get('contract_expiry_type');
  if (expiryType !== null && expiryType !== 'UNKNOWN_CONTRACT_EXPIRY_TYPE' && expiryType !== 'EXPIRING' && expiryType !== 'PERPETUAL') throw invalid(`contract_expiry_type '${expiryType}' is not a contract expiry type`);
  const wanted = query.getAll('product_ids');
  // Spot products unless futures are asked for; every emulated future is an expiring one (none is PERPETUAL).
  const futures = type === 'FUTURE';
  const specs = [...ctx.markets.specs()].filter((s) => (s.contract !== undefined) === futures && (!futures || expiryType !== 'PERPETUAL') && (wanted.length === 0 || wanted.includes(s.id)));
  const offset = Number(query.get('offset') ?? 0) || 0;
  const limit = positiveInt(query, 'limit', false, Number.MAX_SAFE_INTEGER) ?? specs.length;
  const page = specs.slice(offset, offset + limit);
  const now = ctx.now();
  return { products: page.map((spec) => productJson(spec, liveDataOf(spec, ctx), now, listed(ctx))), num_products: specs.length };
}

const listed =
  (ctx: CoinbaseRestContext) =>
  (id: string): boolean =>
    ctx.markets.spec(id)?.id === id;

/**
 * Candles whose start lies in [start, end] (UNIX seconds), newest first; buckets without trades are left out. Only
 * the trades up to now − the candle lag count.
 */
function candles(id: string, query: URLSearchParams, ctx: CoinbaseRestContext): Json {
  const market = dataOf(id, ctx);
  const granularity = query.get('granularity') ?? '';
  const g = GRANULARITIES[granularity];
  if (g === undefined) throw invalid(`granularity '${granularity}' is not one of ${Object.keys(GRANULARITIES).join(', ')}`);
  const start = seconds(query, 'start', true) as number;
  const end = seconds(query, 'end', true) as number;
  if (start > end) throw invalid('start must be before end');
  if ((end - start) / g.seconds > MAX_CANDLES) throw invalid(`number of candles requested should be less than or equal to ${MAX_CANDLES}`);
  const limit = positiveInt(query, 'limit', false, MAX_CANDLES) ?? MAX_CANDLES;
  const { log, spec } = market;
  const rows = bucketRanges(log, g.interval, { firstOpen: start * 1000, lastOpen: end * 1000, limit, oldestFirst: false, ...asOf(ctx) }).reverse();
  return {
    candles: rows.map((b) => {
      const s = log.rangeStats(b.from, b.to);
      return { start: String(b.open / 1000), low: price(spec, s.low), high: price(spec, s.high), open: price(spec, s.open), close: price(spec, s.close), volume: size(spec, s.volume) };
    }),
  };
}

/** With a candle lag, the time up to which trades count; none without one (scripted trades may lie ahead of the clock). */
function asOf(ctx: CoinbaseRestContext): { asOf?: number } {
  const lag = ctx.candleLagMs();
  return lag > 0 ? { asOf: ctx.now() - lag } : {};
}

/** The newest `limit` trades within [start, end] (UNIX seconds, each optional), newest first, with the best bid and ask. */
function marketTrades(id: string, query: URLSearchParams, ctx: CoinbaseRestContext): Json {
  const market = dataOf(id, ctx);
  const limit = positiveInt(query, 'limit', true, MAX_TRADES) as number;
  const start = seconds(query, 'start', false);
  const end = seconds(query, 'end', false);
  const { log, spec, book } = market;
  const first = start === undefined ? 0 : log.lowerBound(start * 1000);
  const stale = ctx.takeStaleTradesMs();
  const stop = Math.min(end === undefined ? log.length : log.upperBound(end * 1000), stale > 0 ? log.upperBound(ctx.now() - stale) : Infinity);
  const trades: Json[] = [];
  for (let i = stop - 1; i >= first && trades.length < limit; i--) trades.push(tradeJson(market, i, id));
  const bid = book.bestBid();
  const ask = book.bestAsk();
  return { trades, best_bid: bid ? price(spec, bid[0]) : '', best_ask: ask ? price(spec, ask[0]) : '' };
}

/**
 * One trade as the market trades endpoint and the market_trades channel write it (side: the taker's), named for
 * `productId` (the product asked, over REST: an alias's answer carries its -USD product's trades).
 */
export function tradeJson(market: SymbolMarket, index: number, productId = market.spec.id): { [key: string]: Json } {
  const { log, spec } = market;
  const t = log.at(index);
  return {
    trade_id: String(t.id),
    product_id: productId,
    price: price(spec, log.priceUnitsAt(index)),
    size: size(spec, log.amountUnitsAt(index)),
    time: isoMicros(t.timestamp),
    side: t.side === 'buy' ? 'BUY' : 'SELL',
    bid: '',
    ask: '',
    exchange: 'CBE',
  };
}

function productBook(query: URLSearchParams, ctx: CoinbaseRestContext): Json {
  const asked = query.get('product_id') ?? '';
  const market = dataOf(asked, ctx);
  const limit = positiveInt(query, 'limit', false, 10_000) ?? 10_000;
  const { spec, book } = market;
  const snap = book.snapshot(limit);
  const levels = (side: typeof snap.bids): Json => side.map(([p, q]) => ({ price: price(spec, p), size: size(spec, q) }));
  const bid = snap.bids[0]?.[0];
  const ask = snap.asks[0]?.[0];
  const last = market.log.lastPriceUnits();
  return {
    pricebook: { product_id: asked, bids: levels(snap.bids), asks: levels(snap.asks), time: isoMicros(ctx.now()) },
    last: last === undefined ? '' : price(spec, last),
    mid_market: bid !== undefined && ask !== undefined ? price(spec, Math.round((bid + ask) / 2)) : '',
    spread_bps: bid !== undefined && ask !== undefined ? (((ask - bid) / bid) * 10_000).toFixed(8) : '',
    spread_absolute: bid !== undefined && ask !== undefined ? price(spec, ask - bid) : '',
  };
}

type Route = (query: URLSearchParams, ctx: CoinbaseRestContext, id: string) => Json;

const FIXED: Readonly<Record<string, Route>> = {
  '/api/v3/brokerage/time': (_q, ctx) => {
    const now = ctx.now();
    return { iso: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), epochSeconds: String(Math.floor(now / 1000)), epochMillis: String(now) };
  },
  '/api/v3/brokerage/market/products': products,
  '/api/v3/brokerage/market/product_book': productBook,
  '/v2/time': (_q, ctx) => ({ data: { iso: new Date(ctx.now()).toISOString().replace(/\.\d+Z$/, 'Z'), epoch: Math.floor(ctx.now() / 1000) } }),
  '/v2/currencies': () => fiatCurrencies(),
  '/v2/currencies/crypto': (_q, ctx) => cryptoCurrencies(ctx.markets.specs()),
  '/v2/exchange-rates': (_q, ctx) => exchangeRates(ctx.markets.specs()),
};

const PRODUCT_PATH = /^\/api\/v3\/brokerage\/market\/products\/([^/]+)(?:\/(candles|ticker))?$/;

export function isCoinbaseRestPath(pathname: string): boolean {
  return pathname.startsWith('/api/v3/brokerage/') || pathname.startsWith('/v2/');
}

/** Answers one REST request; never throws. */
export function handleCoinbaseRest(method: string, url: URL, ctx: CoinbaseRestContext): RestResult {
  try {
    const fixed = FIXED[url.pathname];
    const product = fixed === undefined ? PRODUCT_PATH.exec(url.pathname) : null;
    if (fixed === undefined && product === null) {
      return url.pathname.startsWith('/v2/')
        ? { status: 404, body: { errors: [{ id: 'not_found', message: 'Not found' }] } }
        : { status: 404, body: { error: 'NOT_FOUND', error_details: `${url.pathname} is not a public endpoint`, message: 'Not Found' } };
    }
    if (method !== 'GET' && method !== 'HEAD') throw new CoinbaseError(405, 'METHOD_NOT_ALLOWED', `Method ${method} not allowed`);
    if (fixed !== undefined) return { status: 200, body: fixed(url.searchParams, ctx, '') };
    const [, id, sub] = product as RegExpExecArray;
    const productId = decodeURIComponent(id as string);
    if (sub === 'candles') return { status: 200, body: candles(productId, url.searchParams, ctx) };
    if (sub === 'ticker') return { status: 200, body: marketTrades(productId, url.searchParams, ctx) };
    const market = productOf(productId, ctx);
    return { status: 200, body: productJson(market.spec, dataOf(productId, ctx), ctx.now(), listed(ctx)) };
  } catch (error) {
    if (error instanceof CoinbaseError) return { status: error.status, body: { error: error.code, error_details: error.message, message: error.message } };
    return { status: 500, body: { error: 'INTERNAL', error_details: error instanceof Error ? error.message : String(error), message: 'internal error' } };
  }
}

/**
 * How Coinbase fails a request: 400 INVALID_ARGUMENT, 429 (also for a "ban": Coinbase has no separate status) with its rate_limit_exceeded
 * error, 500 with an INTERNAL error, 503 and 504 (a timeout) from its gateway as plain text. It sends no Retry-After.
 */
export function coinbaseRestFault(status: RestFaultStatus): RestResult {
  switch (status) {
    case 400:
      return { status: 400, body: { error: 'INVALID_ARGUMENT', error_details: 'invalid request', message: 'invalid request' } };
    case 418:
    case 429:
      return { status: 429, body: { errors: [{ id: 'rate_limit_exceeded', message: 'Too many requests' }] } };
    case 500:
      return { status: 500, body: { error: 'INTERNAL', error_details: 'internal error', message: 'internal error' } };
    case 503:
      return { status: 503, body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow', headers: { 'Content-Type': 'text/plain' } };
    case 504:
      return { status: 504, body: 'upstream request timeout', headers: { 'Content-Type': 'text/plain' } };
  }
}
