/** Bybit linear perpetual instruments as /v5/market/instruments-info lists them. */
import { trimmedUnits } from '../decimal';
import type { Json } from '../json';
import type { SymbolSpec } from '../symbols';
import { price } from './wire';

/** Funding every 8 hours, as most Bybit perpetuals. */
export const FUNDING_INTERVAL_MIN = 480;
export const FUNDING_CAP = 0.005;
/** Listing time of the emulated contracts (2020-03-30, BTCUSDT's). */
const LAUNCH_TIME = 1585526400000;

export function instrumentJson(spec: SymbolSpec, symbolId: number, status: string): Json {
  const step = trimmedUnits(1, spec.amountPrecision);
  const tick = price(spec, 1);
  const maxQty = String(Math.max(1, Math.round(5_000_000 / spec.startPrice)));
  return {
    symbol: spec.id,
    symbolId,
    contractType: 'LinearPerpetual',
    status,
    baseCoin: spec.base,
    quoteCoin: spec.quote,
    launchTime: String(LAUNCH_TIME),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(spec.pricePrecision),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: tick, maxPrice: price(spec, Math.round(spec.startPrice * 30 * 10 ** spec.pricePrecision)), tickSize: tick },
    lotSizeFilter: {
      maxOrderQty: maxQty,
      minOrderQty: step,
      qtyStep: step,
      postOnlyMaxOrderQty: maxQty,
      maxMktOrderQty: String(Math.max(1, Math.round(1_000_000 / spec.startPrice))),
      minNotionalValue: String(spec.minNotional),
    },
    unifiedMarginTrade: true,
    fundingInterval: FUNDING_INTERVAL_MIN,
    settleCoin: spec.settle ?? spec.quote,
    copyTrading: 'both',
    upperFundingRate: String(FUNDING_CAP),
    lowerFundingRate: String(-FUNDING_CAP),
    isPreListing: status === 'PreLaunch',
    preListingInfo: status === 'PreLaunch' ? { curAuctionPhase: 'NotStarted', phases: [], auctionFeeInfo: { auctionFeeRate: '0', takerFeeRate: '0.001', makerFeeRate: '0.0004' }, skipCallAuction: false } : null,
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    symbolType: '',
    displayName: '',
  };
}
