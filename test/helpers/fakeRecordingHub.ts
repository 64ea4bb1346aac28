/** The hub as recorders see it, without ccxt: the subscriptions held now (by market and kind), and a way to feed trades. */
import * as assert from 'node:assert/strict';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../src/core/hub/requests';
import type { RecordingHub } from '../../src/core/record/recordingService';
import type { RecordedMarket } from '../../src/core/record/recordTypes';

export class FakeRecordingHub implements RecordingHub {
  /** "exchange symbol kind" → the consumer subscribed. */
  readonly open = new Map<string, (e: HubEvent) => void>();

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const key = `${request.exchange} ${request.symbol} ${request.kind}`;
    this.open.set(key, consumer as (e: HubEvent) => void);
    return { ready: Promise.resolve(), dispose: () => this.open.delete(key) };
  }

  tradesBetween(): Promise<never[]> {
    return Promise.resolve([]);
  }

  /** The markets with a subscription, "exchange symbol", sorted. */
  subscribedMarkets(): string[] {
    return [...new Set([...this.open.keys()].map((k) => k.split(' ').slice(0, 2).join(' ')))].sort();
  }

  send(market: RecordedMarket, trades: number): void {
    const consumer = this.open.get(`${market.exchange} ${market.symbol} trades`);
    assert.ok(consumer, `a trades subscription on ${market.symbol}`);
    const t0 = Date.now();
    consumer({ type: 'trades', trades: Array.from({ length: trades }, (_, i) => ({ id: `${t0}-${i}`, timestamp: t0 + i, price: 100, amount: 1, side: 'buy' as const })) });
  }
}
