/** The hub's one shared trade stream over an exchange's log, as the seam property tests drive it. */
import * as assert from 'node:assert/strict';
import type { EventFor, Subscription, SubscriptionRequest, TradesEvent } from '../../src/core/hub/requests';
import type { HubSubscriber } from '../../src/core/record/marketRecorder';
import type { StreamState, Trade } from '../../src/core/types';

/**
 * It lags the log and pushes in-order batches, drops (losing what happens meanwhile) and comes back at a log index
 * (Binance resumes with what happens next; Coinbase's snapshot sends some of what it missed). A new consumer is told
 * its state at once, as StreamSupervisor.acquire does.
 */
export class SimTradeStream implements HubSubscriber {
  private readonly consumers = new Set<(e: TradesEvent) => void>();
  state: StreamState = { status: 'connecting' };
  /** The next log index the stream pushes; undefined while the socket is down. */
  at: number | undefined;

  /** `now`: the exchange's time (a live state's `since`). */
  constructor(
    private readonly log: readonly Trade[],
    private readonly now: () => number,
  ) {}

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
    assert.equal(request.kind, 'trades');
    const c = consumer as (e: TradesEvent) => void;
    if (this.state.status !== 'connecting') c({ type: 'state', state: this.state });
    this.consumers.add(c);
    return { ready: Promise.resolve(), dispose: () => void this.consumers.delete(c) };
  }

  send(e: TradesEvent): void {
    if (e.type === 'state') this.state = e.state;
    for (const c of [...this.consumers]) c(e);
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** The next `n` trades of the log (or fewer), as our client hands a batch over: in time order, each once (RecentIds). */
  push(n: number): void {
    if (this.at === undefined) return;
    const batch = this.log.slice(this.at, Math.min(this.log.length, this.at + n));
    this.at += batch.length;
    if (batch.length > 0) this.send({ type: 'trades', trades: batch });
  }

  /** Live from log index `resumeAt`, then its first update of `first` trades (none: a quiet socket), in one turn as the watch loop does. */
  connect(resumeAt: number, first: number): void {
    this.at = resumeAt;
    this.send({ type: 'state', state: { status: 'live', since: this.now() } });
    if (first > 0) this.push(first);
  }

  drop(): void {
    this.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 } });
    this.at = undefined;
  }
}
