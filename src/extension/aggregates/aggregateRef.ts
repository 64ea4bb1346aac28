/** How a chart names an aggregated market: the pseudo-exchange `aggregate` and the aggregate's name as its symbol. */
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import type { Subscription } from '../../core/hub/requests';
import type { Timeframe } from '../../core/timeframes';

export { AGGREGATE_EXCHANGE, isAggregateMarket } from '../../core/aggregate/aggregateDefinition';

/** What an aggregate chart offers: short timeframes (its history is seeded from the legs' klines, `historyBars` deep). */
export const AGGREGATE_TIMEFRAMES: readonly Timeframe[] = ['1m', '3m', '5m', '15m', '30m', '1h'];

/** The aggregate named `name` in the setting `tradesuite.aggregates`, or undefined when it is not (any more) there. */
export function aggregateNamed(aggregates: readonly AggregateDefinition[], name: string): AggregateDefinition | undefined {
  return aggregates.find((a) => a.name === name);
}

/** What a panel of an aggregate that is not in the settings subscribes: a failure naming it (the panel's error state). */
export function missingAggregate(name: string): Subscription {
  return { ready: Promise.reject(new Error(`no aggregate named "${name}" in the setting tradesuite.aggregates`)), dispose: () => undefined };
}
