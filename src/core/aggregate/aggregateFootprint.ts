/** An aggregate's footprint: a FootprintFeed on its legs' merged trades, each at the aggregate's price, amounts in base units. */
import type { HubSubscriber } from '../record/marketRecorder';
import type { EventFor, Subscription, SubscriptionRequest, TradesEvent } from '../hub/requests';
import { FootprintFeed } from '../orderflow/footprintFeed';
import type { CvdReset } from '../orderflow/cvdSeries';
import type { PriceBuckets } from '../orderflow/priceBuckets';
import type { BackoffPolicy } from '../streams/backoff';
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
  /** The wait before a leg's failed hole fill is tried again (AggregateTrades; tests shorten it). */
  readonly backoff?: BackoffPolicy;
  readonly clock?: Clock;
  readonly log?: Logger;
}

/**
 * The merged stream is the feed's only source: AggregateTrades fills each leg's holes (its start and its reconnects)
 * from REST before its trades are merged, so the feed's own history and gap fills have nothing to add (an empty,
 * complete answer). A leg's hole filled after the merge passed its time comes late, trades the merged stream never
 * sent: counted into the bars of their time; a leg's hole given up marks its span's bars partial (lateFromSource), and
 * one still open or being filled marks the bars from its start partial until its trades are in (sourceMissingSince).
 * dispose() of the feed ends the merge and gives every leg's stream back.
 */
export function aggregateFootprintFeed(opts: AggregateFootprintOptions): FootprintFeed {
  const { definition, since } = opts;
  let legs: AggregateTrades | undefined;
  const merged: HubSubscriber = {
    subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
      if (request.kind !== 'trades') return { ready: Promise.reject(new Error(`an aggregate's footprint reads trades, not ${request.kind}`)), dispose: () => undefined };
      const trades = new AggregateTrades(
        opts.source,
        definition,
        { since, tellLostHoles: true, ...(opts.holdMs !== undefined ? { holdMs: opts.holdMs } : {}), ...(opts.backoff ? { backoff: opts.backoff } : {}), ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.log ? { log: opts.log } : {}) },
        consumer as (e: TradesEvent) => void,
      );
      legs = trades;
      return {
        ready: trades.ready,
        dispose: () => {
          trades.dispose();
          if (legs === trades) legs = undefined;
        },
      };
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
    lateFromSource: true,
    // A leg down (or its hole not filled yet): the bars its trades may be missing from are partial until they are in.
    sourceMissingSince: () => legs?.missingSince(),
  });
}
