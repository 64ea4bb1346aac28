/** An aggregate's footprint: a FootprintFeed on its legs' merged trades, each at the aggregate's price, amounts in base units. */
import type { HubSubscriber } from '../record/marketRecorder';
import type { EventFor, Subscription, SubscriptionRequest, TradesEvent } from '../hub/requests';
import { FootprintFeed } from '../orderflow/footprintFeed';
import type { CvdReset } from '../orderflow/cvdSeries';
import type { PriceBuckets } from '../orderflow/priceBuckets';
import type { Timeframe } from '../timeframes';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/log';
import { AGGREGATE_EXCHANGE, type AggregateDefinition } from './aggregateDefinition';
import type { AggregateSource } from './aggregateMarket';
import { AggregateTrades } from './aggregateTrades';

export interface AggregateFootprintOptions {
  readonly source: AggregateSource;
  readonly definition: AggregateDefinition;
  readonly timeframes: readonly Timeframe[];
  readonly buckets: PriceBuckets;
  /** Every leg's trades from this time on are counted (their REST fills reach back to it); a bar it cuts is partial. */
  readonly since: number;
  readonly imbalanceRatio?: number;
  readonly cvdReset?: CvdReset;
  readonly maxBars?: number;
  /** How far a slow leg may hold the others back (AggregateTrades); 2 s. */
  readonly holdMs?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
}

/**
 * The merged stream is the feed's only source: AggregateTrades fills each leg's holes (its start and its reconnects)
 * from REST before its trades are merged, so the feed's own history and gap fills have nothing to add (an empty,
 * complete answer). dispose() of the feed ends the merge and gives every leg's stream back.
 */
export function aggregateFootprintFeed(opts: AggregateFootprintOptions): FootprintFeed {
  const { definition, since } = opts;
  const merged: HubSubscriber = {
    subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
      if (request.kind !== 'trades') return { ready: Promise.reject(new Error(`an aggregate's footprint reads trades, not ${request.kind}`)), dispose: () => undefined };
      const trades = new AggregateTrades(
        opts.source,
        definition,
        { since, ...(opts.holdMs !== undefined ? { holdMs: opts.holdMs } : {}), ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.log ? { log: opts.log } : {}) },
        // The feed takes trades in time order: a leg's late ones (its hole filled after the merge moved on) are left to the rules.
        (e: TradesEvent) => {
          if (e.type === 'trades' && e.late) return;
          (consumer as (e: TradesEvent) => void)(e);
        },
      );
      return { ready: trades.ready, dispose: () => trades.dispose() };
    },
  };
  return new FootprintFeed({
    hub: merged,
    history: () => Promise.resolve({ trades: [], complete: true }),
    market: { exchange: AGGREGATE_EXCHANGE, symbol: definition.name },
    timeframes: opts.timeframes,
    buckets: opts.buckets,
    historyFrom: since,
    ...(opts.imbalanceRatio !== undefined ? { imbalanceRatio: opts.imbalanceRatio } : {}),
    ...(opts.cvdReset !== undefined ? { cvdReset: opts.cvdReset } : {}),
    ...(opts.maxBars !== undefined ? { maxBars: opts.maxBars } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}
