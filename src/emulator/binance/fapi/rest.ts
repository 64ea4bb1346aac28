/**
 * Binance USDⓈ-M futures public REST (/fapi/v1/...) for the emulated perpetuals: every contract shares the trade
 * log and book of the spot market of the same id. Errors are Binance's {code, msg} with its HTTP statuses.
 */
import { formatUnits, toUnits } from '../../decimal';
import type { Json } from '../../json';
import { BinanceError, invalidSymbol, optionalInt, requiredString } from '../../params';
import type { Perpetual } from '../../perpetual';
import type { RestResult } from '../../restResult';
import { aggTrades, answerBinanceRest, klines, type RestContext } from '../../restRoutes';
import { wireLevels } from '../../streams';
import type { SymbolMarket } from '../../symbolMarket';
import type { SymbolSpec } from '../../symbols';
import { futuresExchangeInfo } from './exchangeInfo';

export const FAPI_PREFIX = '/fapi/v1';

/** The depth limits /fapi/v1/depth accepts. */
const DEPTH_LIMITS = [5, 10, 20, 50, 100, 500, 1000];
/** Binance's interest rate component of funding (0.01 % per 8 h). */
const INTEREST_RATE = '0.00010000';

export interface FapiContext {
  now(): number;
  /** The listed contracts, in listing order. */
  specs(): readonly SymbolSpec[];
  /** A contract by id, with its derivatives state; undefined if it is not listed. */
  contract(id: string): { readonly market: SymbolMarket; readonly perpetual: Perpetual } | undefined;
}

type Handler = (query: URLSearchParams, ctx: FapiContext) => Json;

function contractParam(query: URLSearchParams, ctx: FapiContext): { market: SymbolMarket; perpetual: Perpetual } {
  const contract = ctx.contract(requiredString(query, 'symbol'));
  if (contract === undefined) throw invalidSymbol();
  return contract;
}

/** The spot handlers' context narrowed to the contracts (the same logs and books). */
function spotContext(ctx: FapiContext): RestContext {
  return {
    now: () => ctx.now(),
    markets: {
      get: (id) => ctx.contract(id)?.market,
      values: () => ctx.specs().flatMap((s) => ctx.contract(s.id)?.market ?? []),
      specs: () => ctx.specs(),
    },
  };
}

function depth(query: URLSearchParams, ctx: FapiContext): Json {
  const { market } = contractParam(query, ctx);
  const raw = optionalInt(query, 'limit') ?? 500;
  if (!DEPTH_LIMITS.includes(raw)) throw new BinanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  const snap = market.book.snapshot(raw);
  const now = ctx.now();
  return { lastUpdateId: snap.lastUpdateId, E: now, T: now, bids: wireLevels(market.spec, snap.bids), asks: wireLevels(market.spec, snap.asks) };
}

function premiumIndexRow(contract: { market: SymbolMarket; perpetual: Perpetual }, now: number): Json {
  const snap = contract.perpetual.snapshot(now);
  const pp = contract.market.spec.pricePrecision;
  return {
    symbol: contract.market.spec.id,
    markPrice: snap.markPrice.toFixed(8),
    indexPrice: snap.indexPrice.toFixed(8),
    estimatedSettlePrice: snap.indexPrice.toFixed(Math.max(pp, 8)),
    lastFundingRate: snap.fundingRate.toFixed(8),
    interestRate: INTEREST_RATE,
    nextFundingTime: snap.nextFundingTime,
    time: now,
  };
}

/** One contract with `symbol`, else an array of all of them. */
function premiumIndex(query: URLSearchParams, ctx: FapiContext): Json {
  const now = ctx.now();
  if (query.get('symbol') !== null) return premiumIndexRow(contractParam(query, ctx), now);
  return ctx.specs().flatMap((s) => {
    const contract = ctx.contract(s.id);
    return contract === undefined ? [] : [premiumIndexRow(contract, now)];
  });
}

function openInterest(query: URLSearchParams, ctx: FapiContext): Json {
  const { market, perpetual } = contractParam(query, ctx);
  const now = ctx.now();
  return { openInterest: formatUnits(toUnits(perpetual.openInterestAt(now), market.spec.amountPrecision), market.spec.amountPrecision, market.spec.amountPrecision), symbol: market.spec.id, time: now };
}

/** /fapi/v1/aggTrades rows carry no `M` (best match) field, unlike spot's. */
function futuresAggTrades(query: URLSearchParams, ctx: FapiContext): Json {
  const rows = aggTrades(query, spotContext(ctx)) as Array<Record<string, Json>>;
  return rows.map(({ M: _bestMatch, ...row }) => row);
}

const ROUTES: Readonly<Record<string, Handler>> = {
  '/ping': () => ({}),
  '/time': (_q, ctx) => ({ serverTime: ctx.now() }),
  '/exchangeInfo': (_q, ctx) => futuresExchangeInfo(ctx.specs(), ctx.now()),
  '/depth': depth,
  '/aggTrades': futuresAggTrades,
  '/klines': (q, ctx) => klines(q, spotContext(ctx)),
  '/premiumIndex': premiumIndex,
  '/openInterest': openInterest,
};

export function isFapiPath(pathname: string): boolean {
  return pathname === FAPI_PREFIX || pathname.startsWith(`${FAPI_PREFIX}/`);
}

/** Answers one /fapi/v1 request; never throws. */
export function handleFapiRest(method: string, pathname: string, query: URLSearchParams, ctx: FapiContext): RestResult {
  return answerBinanceRest(ROUTES[pathname.slice(FAPI_PREFIX.length)], method, pathname, query, ctx, { code: -5000, msg: `Path ${pathname}, Method ${method} is invalid` });
}
