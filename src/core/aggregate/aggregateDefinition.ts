/** What an aggregated market is: a named set of legs (exchange, symbol), how its price is formed, which quotes are one. */
import type { MarketKey } from '../keys';

export type AggregateLeg = MarketKey;

/** `vwap`: each of open, high, low and close is the mean of the legs' weighted by their base volume in the bar; `leg`: one leg's. */
export type AggregatePrice = { readonly kind: 'vwap' } | { readonly kind: 'leg'; readonly leg: number };

export interface AggregateDefinition {
  /** The name users see and rules use as `symbol`, e.g. `BTC-USD (agg)`. */
  readonly name: string;
  readonly legs: readonly AggregateLeg[];
  readonly price: AggregatePrice;
  /** USDT and USD quotes count as one currency. Off unless the user says so: a depeg would otherwise be invisible. */
  readonly usdtIsUsd: boolean;
}

export { MAX_LEGS } from '../../shared/util/maxLegs';
/** An aggregate's name is shown on tabs and in the tree: a short label. */
export const MAX_AGGREGATE_NAME_CHARS = 60;

/** The pseudo-exchange that names an aggregate (its name is the symbol): not a ccxt id (those are lower-case letters and digits, and none is this). */
export const AGGREGATE_EXCHANGE = 'aggregate';

export const isAggregateMarket = (m: { readonly exchange: string }): boolean => m.exchange === AGGREGATE_EXCHANGE;
