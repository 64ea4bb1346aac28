/** A hub (or an aggregate's trade source) with one trades stream the test drives by hand. */
import * as assert from 'node:assert/strict';
import type { EventFor, SubscriptionRequest, TradesEvent } from '../../src/core/hub/requests';
import type { HubSubscriber } from '../../src/core/record/marketRecorder';

export class HandTradesHub implements HubSubscriber {
  private consumer: ((e: TradesEvent) => void) | undefined;

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void) {
    assert.equal(request.kind, 'trades');
    this.consumer = consumer as (e: TradesEvent) => void;
    return { ready: Promise.resolve(), dispose: () => (this.consumer = undefined) };
  }

  send(e: TradesEvent): void {
    assert.ok(this.consumer, 'subscribed');
    this.consumer(e);
  }
}
