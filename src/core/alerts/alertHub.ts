import type { EventFor, SubscribeOptions, Subscription, SubscriptionRequest } from '../hub/requests';
import type { MarketKey } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Candle } from '../types';
import type { Clock } from '../util/clock';
import type { Disposable } from '../../shared/util/disposable';

/** What the alert engine needs from the MarketHub (which satisfies it); tests can provide a fake. */
export interface AlertHub {
  /** The rules' `trades` subscriptions pass `lateTrades` (they take a reconnect's hole late). */
  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void, options?: Pick<SubscribeOptions, 'lateTrades'>): Subscription;
  /** Older closed bars, when a rule needs more than the subscription's snapshot holds. */
  candlesBetween(market: MarketKey, timeframe: Timeframe, from: number, until: number, ctx?: { readonly signal?: AbortSignal }): Promise<Candle[]>;
  /**
   * The clock a market's data runs on (a replayed market's is its replay's), which decides whether a bar of a
   * snapshot has closed; absent: the engine's own clock.
   */
  clockOf?(exchange: string): Clock;
  /** Fires with an exchange whose data went back in time (a replay seeked back), before the data from there. */
  onDidRewind?(listener: (exchange: string) => void): Disposable;
}
