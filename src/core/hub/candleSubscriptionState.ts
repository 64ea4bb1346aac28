/** The named state of one candles subscription: its trade stream's state, overlaid with its history's health. */
import type { FactoryEvent } from '../candles/candleFactory';
import type { StreamState } from '../types';

type HistoryHealth =
  | { readonly kind: 'ok' }
  /** A reconnect left a gap, which the factory backfills once the stream is live again; or the factory's own REST work (see onFactory). */
  | { readonly kind: 'catching up' }
  | { readonly kind: 'retrying'; readonly reason: string; readonly retryAt: number }
  | { readonly kind: 'given up'; readonly reason: string };

/**
 * While the stream is in trouble, its own state is what the user needs (reconnecting, failed…). Otherwise missing
 * history shows: `live` and `catchingUp` from a reconnect until its gap is backfilled (the bars are not whole yet),
 * or while the factory's REST work begun inside a trade batch is outstanding (its `catching up` event),
 * `degraded` while the backfill is retried on its schedule, `failed` once it gave up; a backfill that succeeds
 * returns the subscription to `live`. Reports only changes.
 */
export class CandleSubscriptionState {
  private stream: StreamState = { status: 'connecting' };
  private history: HistoryHealth = { kind: 'ok' };
  private shown: StreamState | undefined;
  /** Live since the subscription began: a reconnect from here leaves a gap for the factory to backfill. */
  private wasLive = false;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Joined a series whose gap is being backfilled (another consumer's reconnect): its bars are not whole until that
   * backfill ends, and it was live before, so it reads catching up as the consumers there before it do.
   */
  joinedCatchingUp(): void {
    this.wasLive = true;
    this.history = { kind: 'catching up' };
  }

  /** The state to show after the stream's state changed, or undefined when what is shown stays the same. */
  onStream(state: StreamState): StreamState | undefined {
    this.stream = state;
    if (state.status === 'live') this.wasLive = true;
    // A reconnect backfills again whatever was missing (the factory re-queues it with the gap, as it does a gap the
    // drop left once the stream is live again): until that backfill ends, the bars are not whole.
    if (state.status === 'reconnecting') this.history = this.wasLive ? { kind: 'catching up' } : { kind: 'ok' };
    return this.changed();
  }

  /** The state to show after the factory's event for this timeframe, or undefined when unchanged. */
  onFactory(event: FactoryEvent): StreamState | undefined {
    switch (event.type) {
      case 'cached':
      case 'ready':
      case 'deltas':
        return undefined;
      case 'catching up':
        // REST work begun inside a trade batch (the first seam's check, a rebuild behind the seam): not whole until it ends.
        this.history = { kind: 'catching up' };
        return this.changed();
      case 'caught up':
        // As a backfill's `done`: while reconnecting, the gap's own backfill ends the catching up.
        if (this.history.kind !== 'catching up' || this.stream.status !== 'live') return undefined;
        this.history = { kind: 'ok' };
        return this.changed();
      case 'backfill':
        return this.onBackfill(event);
    }
  }

  private onBackfill(event: Extract<FactoryEvent, { type: 'backfill' }>): StreamState | undefined {
    // A backfill from before the drop ending meanwhile, whichever way: the gap's own runs once the stream is live
    // again (the factory re-queues what was missing with it). A failure kept would let its later `done` end the
    // catching up before the gap is fetched.
    if (this.history.kind === 'catching up' && this.stream.status !== 'live') return undefined;
    switch (event.outcome) {
      case 'done':
        // A seed the first seam's check holds is not whole yet: read from its `done`, not only from the catching up after it.
        this.history = event.catchingUp === true ? { kind: 'catching up' } : { kind: 'ok' };
        break;
      case 'failed':
        this.history = { kind: 'retrying', reason: event.reason, retryAt: this.now() + event.retryInMs };
        break;
      case 'gave up':
        this.history = { kind: 'given up', reason: event.reason };
        break;
    }
    return this.changed();
  }

  private current(): StreamState {
    // A stream in trouble says more than its history; one live or still waiting for its first trade does not.
    if (this.stream.status !== 'live' && this.stream.status !== 'connecting') return this.stream;
    switch (this.history.kind) {
      case 'ok':
        return this.stream;
      case 'catching up':
        return this.stream.status === 'live' ? { ...this.stream, catchingUp: true } : this.stream;
      case 'retrying':
        return { status: 'degraded', reason: this.history.reason, retryAt: this.history.retryAt };
      case 'given up':
        return { status: 'failed', reason: this.history.reason };
    }
  }

  private changed(): StreamState | undefined {
    const next = this.current();
    if (this.shown !== undefined && sameState(this.shown, next)) return undefined;
    this.shown = next;
    return next;
  }
}

function sameState(a: StreamState, b: StreamState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
