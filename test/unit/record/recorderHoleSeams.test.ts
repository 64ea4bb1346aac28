/**
 * The recorder's holes at their seams: a hole that grows while a batch carries it is stored once (no two stored holes
 * of one reason overlap); what a failed write at stop leaves unstored is a hole the next recording stores, whatever
 * the kind of its rows; a hole not fetched, stopped before a trade ended it, ends where the recording heard every trade.
 */
import * as assert from 'node:assert/strict';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber } from '../../../src/core/record/marketRecorder';
import { NOT_RECORDING } from '../../../src/core/record/holeReasons';
import type { RecordSink } from '../../../src/core/record/recordSink';
import type { RecordBatch, RecordingHole } from '../../../src/core/record/recordTypes';
import type { StoredTailReader } from '../../../src/core/record/storedTail';
import type { Trade } from '../../../src/core/types';

const market = { exchange: 'fake', symbol: 'BTC/USDT' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + n, amount: 1, side: n % 2 ? 'buy' : 'sell' });
const ts = (n: number): number => trade(n).timestamp;
/** A hole as [seconds after T0, seconds after T0, reason]. */
const span = (h: RecordingHole): [number, number, string] => [(h.from - T0) / 1000, (h.until - T0) / 1000, h.reason];

class FakeHub implements HubSubscriber {
  private readonly consumers = new Map<string, (e: HubEvent) => void>();
  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const c = consumer as (e: HubEvent) => void;
    this.consumers.set(request.kind, c);
    return { ready: Promise.resolve(), dispose: () => void (this.consumers.get(request.kind) === c && this.consumers.delete(request.kind)) };
  }
  send(kind: SubscriptionRequest['kind'], e: HubEvent): void {
    this.consumers.get(kind)?.(e);
  }
  trades(list: Trade[]): void {
    this.send('trades', { type: 'trades', trades: list });
  }
}

/** A sink whose writes wait for `release` while held; each started write is announced. */
class GatedSink implements RecordSink {
  readonly name = 'memory';
  readonly batches: RecordBatch[] = [];
  private held: Promise<void> | undefined;
  private open: () => void = () => undefined;
  private started: Array<() => void> = [];
  failing: string | undefined;

  hold(): void {
    this.held = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.held = undefined;
    this.open();
  }
  /** Resolves when the next write begins. */
  writeBegins(): Promise<void> {
    return new Promise((resolve) => this.started.push(resolve));
  }
  async write(batch: RecordBatch): Promise<void> {
    for (const s of this.started.splice(0)) s();
    await this.held;
    if (this.failing) throw new Error(this.failing);
    this.batches.push(batch);
  }
  async close(): Promise<void> {}
  holes(): RecordingHole[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? [...(b.holes ?? [])] : []));
  }
}

/** A store whose recording ended at trade 1, long ago (an unfetched hole from there). */
const endedLongAgo: StoredTailReader = async () => ({ last: ts(1), from: ts(1), trades: [trade(1)] });

describe('the recorder\'s holes at their seams', () => {
  it('an unfetched hole that grows while its first part is being written is stored once: the rest as a part of its own, not the whole again over the first', async () => {
    const hub = new FakeHub();
    const sink = new GatedSink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], storedTail: endedLongAgo, lateTradeMs: 3000, maxBatchRows: 1, flushEveryMs: 60_000, clock: { now: () => ts(1000) } }).start();
    try {
      await rec.gapFilled(); // the store's end read
      sink.hold();
      const writing = sink.writeBegins();
      hub.trades([trade(1000)]); // the first new trade: the hole through it is kept with it, written now
      await writing;
      hub.trades([trade(1004)]); // past unheardEnd (3 s): the hole's end is known while its first part is in flight
      sink.release();
    } finally {
      await rec.close();
    }
    const holes = sink.holes().map(span);
    assert.deepEqual(holes, [
      [1, 1000.001, NOT_RECORDING],
      [1000.001, 1003.001, NOT_RECORDING],
    ]);
    assert.deepEqual(rec.state, { status: 'stopped', storedRows: 2 });
  });
});
