/** The Binance spot public REST API (/api/v3/...), answered from the emulator's market state. */
import { formatUnits } from './decimal';
import { exchangeInfo } from './exchangeInfo';
import { isKlineInterval } from './klines';
import { BinanceError, invalidSymbol, limitParam, optionalInt, requiredString, symbolsParam } from './params';
import { restAggTrade, restTrade, wireLevels, type Json } from './streams';
import type { SymbolMarket } from './symbolMarket';
import type { SymbolSpec } from './symbols';
import { idleTickerStats, restTicker, tickerStats } from './ticker';
import type { RestResult } from './restResult';
import type { WeightRule } from './binance/requestWeight';

export interface RestContext {
  now(): number;
  /** Markets by Binance id ('BTCUSDT'), in configuration order. */
  readonly markets: { get(id: string): SymbolMarket | undefined; values(): Iterable<SymbolMarket>; specs(): Iterable<SymbolSpec>; ifLive?(id: string): SymbolMarket | undefined };
  /** The request-weight limit exchangeInfo lists (default spot's 6000 a minute). */
  readonly weightRule?: WeightRule;
}

export type { RestResult } from './restResult';

type Handler = (query: URLSearchParams, ctx: RestContext) => Json;

export const REST_PREFIX = '/api/v3';

function marketParam(query: URLSearchParams, ctx: RestContext): SymbolMarket {
  const market = ctx.markets.get(requiredString(query, 'symbol'));
  if (market === undefined) throw invalidSymbol();
  return market;
}

/** Markets selected by `symbol` or `symbols`, or all of them. */
function selectedMarkets(query: URLSearchParams, ctx: RestContext): { markets: SymbolMarket[]; single: boolean } {
  const symbol = query.get('symbol');
  const symbols = symbolsParam(query);
  if (symbol !== null && symbols !== undefined) throw new BinanceError(400, -1128, 'Combination of optional parameters invalid.');
  if (symbol !== null) return { markets: [marketParam(query, ctx)], single: true };
  if (symbols !== undefined) {
    const markets = symbols.map((id) => {
      const market = ctx.markets.get(id);
      if (market === undefined) throw invalidSymbol();
      return market;
    });
    return { markets, single: false };
  }
  return { markets: [...ctx.markets.values()], single: false };
}

export function klines(query: URLSearchParams, ctx: RestContext): Json {
  const market = marketParam(query, ctx);
  const interval = requiredString(query, 'interval');
  if (!isKlineInterval(interval)) throw new BinanceError(400, -1120, 'Invalid interval.');
  const startTime = optionalInt(query, 'startTime');
  const endTime = optionalInt(query, 'endTime');
  const limit = limitParam(query, 500, 1000);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new BinanceError(400, -1023, 'Start time is greater than end time.');
  }
  return market.klines({ interval, startTime, endTime, limit }, ctx.now());
}

const AGG_TRADES_WINDOW_MS = 3_600_000;

/** Like Binance: fromId, else a [startTime, endTime] window (oldest first), else the most recent trades. */
export function aggTrades(query: URLSearchParams, ctx: RestContext): Json {
  const { log } = marketParam(query, ctx);
  const fromId = optionalInt(query, 'fromId');
  const startTime = optionalInt(query, 'startTime');
  const endTime = optionalInt(query, 'endTime');
  const limit = limitParam(query, 500, 1000);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new BinanceError(400, -1023, 'Start time is greater than end time.');
  }
  // "If startTime and endTime are sent, time between startTime and endTime must be less than 1 hour" (ccxt asks
  // exactly an hour, which Binance takes).
  if (startTime !== undefined && endTime !== undefined && endTime - startTime > AGG_TRADES_WINDOW_MS) {
    throw new BinanceError(400, -1127, 'More than 1 hours between startTime and endTime.');
  }
  const out: Json[] = [];
  if (fromId === undefined && startTime === undefined) {
    const end = endTime === undefined ? log.length : log.upperBound(endTime);
    for (let i = Math.max(0, end - limit); i < end; i++) out.push(restAggTrade(log, i));
    return out;
  }
  let i = fromId !== undefined ? log.indexOfId(fromId) : 0;
  if (startTime !== undefined) i = Math.max(i, log.lowerBound(startTime));
  for (; i < log.length && out.length < limit; i++) {
    if (endTime !== undefined && log.at(i).timestamp > endTime) break;
    out.push(restAggTrade(log, i));
  }
  return out;
}

function recentTrades(query: URLSearchParams, ctx: RestContext): Json {
  const { log } = marketParam(query, ctx);
  const limit = limitParam(query, 500, 1000);
  const out: Json[] = [];
  for (let i = Math.max(0, log.length - limit); i < log.length; i++) out.push(restTrade(log, i));
  return out;
}

function historicalTrades(query: URLSearchParams, ctx: RestContext): Json {
  const { log } = marketParam(query, ctx);
  const limit = limitParam(query, 500, 1000);
  const fromId = optionalInt(query, 'fromId');
  const start = fromId === undefined ? Math.max(0, log.length - limit) : log.indexOfTradeId(fromId);
  const out: Json[] = [];
  for (let i = start; i < log.length && out.length < limit; i++) out.push(restTrade(log, i));
  return out;
}

function depth(query: URLSearchParams, ctx: RestContext): Json {
  const market = marketParam(query, ctx);
  const limit = limitParam(query, 100, 5000);
  const snap = market.book.snapshot(limit);
  return { lastUpdateId: snap.lastUpdateId, bids: wireLevels(market.spec, snap.bids), asks: wireLevels(market.spec, snap.asks) };
}

function ticker24hr(query: URLSearchParams, ctx: RestContext): Json {
  const now = ctx.now();
  const idle = everyListedMarket(query, ctx);
  if (idle) return idle.map((m) => restTicker(m.market ? tickerStats(m.market.log, m.market.book, now) : idleTickerStats(m.spec, now)));
  const { markets, single } = selectedMarkets(query, ctx);
  const tickers = markets.map((m) => restTicker(tickerStats(m.log, m.book, now)));
  return single ? (tickers[0] as Json) : tickers;
}

/**
 * Asked for every market where idle ones are known (Binance answers for every listed symbol): each listed market, with
 * its simulation when it runs; undefined otherwise.
 */
function everyListedMarket(query: URLSearchParams, ctx: RestContext): { spec: SymbolSpec; market: SymbolMarket | undefined }[] | undefined {
  const ifLive = ctx.markets.ifLive;
  if (ifLive === undefined || query.get('symbol') !== null || symbolsParam(query) !== undefined) return undefined;
  return [...ctx.markets.specs()].map((spec) => ({ spec, market: ifLive(spec.id) }));
}

function tickerPrice(query: URLSearchParams, ctx: RestContext): Json {
  const { markets, single } = selectedMarkets(query, ctx);
  const prices = markets.map((m) => ({ symbol: m.spec.id, price: formatUnits(m.log.lastPriceUnits() ?? 0, m.spec.pricePrecision) }));
  return single ? (prices[0] as Json) : prices;
}

function bookTicker(query: URLSearchParams, ctx: RestContext): Json {
  const { markets, single } = selectedMarkets(query, ctx);
  const rows = markets.map((m) => {
    const { pricePrecision: pp, amountPrecision: ap } = m.spec;
    const bid = m.book.bestBid() ?? [0, 0];
    const ask = m.book.bestAsk() ?? [0, 0];
    return { symbol: m.spec.id, bidPrice: formatUnits(bid[0], pp), bidQty: formatUnits(bid[1], ap), askPrice: formatUnits(ask[0], pp), askQty: formatUnits(ask[1], ap) };
  });
  return single ? (rows[0] as Json) : rows;
}

/** Every listed symbol (without starting idle markets), or the ones asked for. */
function exchangeInfoRoute(query: URLSearchParams, ctx: RestContext): Json {
  if (query.get('symbol') === null && symbolsParam(query) === undefined) return exchangeInfo([...ctx.markets.specs()], ctx.now(), ctx.weightRule);
  const { markets } = selectedMarkets(query, ctx);
  return exchangeInfo(
    markets.map((m) => m.spec),
    ctx.now(),
    ctx.weightRule,
  );
}

const ROUTES: Readonly<Record<string, Handler>> = {
  '/ping': () => ({}),
  '/time': (_q, ctx) => ({ serverTime: ctx.now() }),
  '/exchangeInfo': exchangeInfoRoute,
  '/depth': depth,
  '/trades': recentTrades,
  '/historicalTrades': historicalTrades,
  '/aggTrades': aggTrades,
  '/klines': klines,
  '/uiKlines': klines,
  '/ticker/24hr': ticker24hr,
  '/ticker/price': tickerPrice,
  '/ticker/bookTicker': bookTicker,
};

export function isRestPath(pathname: string): boolean {
  return pathname === REST_PREFIX || pathname.startsWith(`${REST_PREFIX}/`);
}

/** Answers one REST request; never throws. */
export function handleRest(method: string, pathname: string, query: URLSearchParams, ctx: RestContext): RestResult {
  return answerBinanceRest(ROUTES[pathname.slice(REST_PREFIX.length)], method, pathname, query, ctx, { code: -1000, msg: `Unknown endpoint ${pathname}` });
}

/**
 * One Binance REST request (spot or futures) to its route's handler, or `notFound` when it has none: only GET and
 * HEAD; a BinanceError becomes Binance's {code, msg} with its status, anything else a -1001. Never throws.
 */
export function answerBinanceRest<C>(handler: ((query: URLSearchParams, ctx: C) => Json) | undefined, method: string, pathname: string, query: URLSearchParams, ctx: C, notFound: Json): RestResult {
  if (handler === undefined) return { status: 404, body: notFound };
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { code: -1000, msg: `Method ${method} not allowed on ${pathname}` } };
  try {
    return { status: 200, body: handler(query, ctx) };
  } catch (error) {
    if (error instanceof BinanceError) return { status: error.status, body: { code: error.code, msg: error.message } };
    return { status: 500, body: { code: -1001, msg: `Internal error: ${error instanceof Error ? error.message : String(error)}` } };
  }
}
