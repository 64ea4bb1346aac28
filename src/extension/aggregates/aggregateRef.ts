/** How a chart names an aggregated market: the pseudo-exchange `aggregate` and the aggregate's name as its symbol. */
import type { Timeframe } from '../../core/timeframes';

export { AGGREGATE_EXCHANGE, isAggregateMarket } from '../../core/aggregate/aggregateDefinition';

/** What an aggregate chart offers: short timeframes (its history is seeded from the legs' klines, `historyBars` deep). */
export const AGGREGATE_TIMEFRAMES: readonly Timeframe[] = ['1m', '3m', '5m', '15m', '30m', '1h'];
