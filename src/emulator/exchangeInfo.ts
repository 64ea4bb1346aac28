/** GET /api/v3/exchangeInfo: the fields and filters ccxt's binance parseMarket reads. */
import { DEFAULT_WEIGHT_RULE, rateInterval, type WeightRule } from './binance/requestWeight';
import { unitString } from './decimal';
import type { Json } from './streams';
import type { MarketStatus, SymbolSpec } from './symbols';

function notionalFilter(minNotional: number | undefined): Json[] {
  if (minNotional === undefined) return [];
  return [{ filterType: 'NOTIONAL', minNotional: minNotional.toFixed(8), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 }];
}

/** Binance keeps delisted symbols listed with status BREAK; a halted one is HALT. */
const BINANCE_STATUS: Readonly<Record<MarketStatus, string>> = { trading: 'TRADING', halted: 'HALT', delisted: 'BREAK' };

export function exchangeInfoSymbol(spec: SymbolSpec): Json {
  return {
    symbol: spec.id,
    status: BINANCE_STATUS[spec.status ?? 'trading'],
    baseAsset: spec.base,
    baseAssetPrecision: 8,
    quoteAsset: spec.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: unitString(spec.pricePrecision), maxPrice: '1000000.00000000', tickSize: unitString(spec.pricePrecision) },
      { filterType: 'LOT_SIZE', minQty: unitString(spec.amountPrecision), maxQty: '9000000.00000000', stepSize: unitString(spec.amountPrecision) },
      ...notionalFilter(spec.minNotional),
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

/** `weight`: the REQUEST_WEIGHT limit in force (spot's 6000 a minute unless a test set another). */
export function exchangeInfo(specs: readonly SymbolSpec[], serverTime: number, weight: WeightRule = DEFAULT_WEIGHT_RULE): Json {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', ...rateInterval(weight.windowMs), limit: weight.limit },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: specs.map(exchangeInfoSymbol),
  };
}
