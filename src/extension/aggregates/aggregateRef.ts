/** How a chart names an aggregated market: the pseudo-exchange `aggregate` and the aggregate's name as its symbol. */
import type { Timeframe } from '../../core/timeframes';

/** Not a ccxt id (those are lower-case letters and digits, and none is this), so it never names a real exchange. */
export const AGGREGATE_EXCHANGE = 'aggregate';

/** What an aggregate chart offers: live bars only (no history before the chart opened), so short timeframes. */
export const AGGREGATE_TIMEFRAMES: readonly Timeframe[] = ['1m', '3m', '5m', '15m', '30m', '1h'];

export const isAggregateMarket = (m: { readonly exchange: string }): boolean => m.exchange === AGGREGATE_EXCHANGE;
