/** GET /fapi/v1/exchangeInfo: USDⓈ-M perpetual contracts with the fields and filters of Binance's futures docs. */
import { trimmedUnits } from '../../decimal';
import type { Json } from '../../json';
import type { MarketStatus, SymbolSpec } from '../../symbols';

/** A halted contract is one not yet trading (PENDING_TRADING); a delisted one is CLOSE. */
const FUTURES_STATUS: Readonly<Record<MarketStatus, string>> = { trading: 'TRADING', halted: 'PENDING_TRADING', delisted: 'CLOSE' };
/** What Binance puts in deliveryDate for a perpetual (2100-12-25). */
const PERPETUAL_DELIVERY = 4133404800000;
/** Listing time of the emulated contracts (2019-09-25, BTCUSDT's). */
const ONBOARD = 1569398400000;

export function futuresSymbol(spec: SymbolSpec): Json {
  const tick = trimmedUnits(1, spec.pricePrecision);
  const step = trimmedUnits(1, spec.amountPrecision);
  return {
    symbol: spec.id,
    pair: spec.id,
    contractType: 'PERPETUAL',
    deliveryDate: PERPETUAL_DELIVERY,
    onboardDate: ONBOARD,
    status: FUTURES_STATUS[spec.status ?? 'trading'],
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: spec.base,
    quoteAsset: spec.quote,
    marginAsset: spec.quote,
    pricePrecision: spec.pricePrecision,
    quantityPrecision: spec.amountPrecision,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: tick, maxPrice: '4529764', tickSize: tick },
      { filterType: 'LOT_SIZE', minQty: step, maxQty: '1000', stepSize: step },
      { filterType: 'MARKET_LOT_SIZE', minQty: step, maxQty: '120', stepSize: step },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: String(spec.minNotional ?? 5) },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  };
}

export function futuresExchangeInfo(specs: readonly SymbolSpec[], serverTime: number): Json {
  return {
    timezone: 'UTC',
    serverTime,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: specs.map(futuresSymbol),
  };
}
