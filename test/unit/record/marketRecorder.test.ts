import * as assert from 'node:assert/strict';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber } from '../../../src/core/record/marketRecorder';
import type { RecordSink } from '../../../src/core/record/recordSink';
import type { RecordBatch, TradeRow } from '../../../src/core/record/recordTypes';
import type { RecorderState } from '../../../src/core/record/recorderState';
import type { Trade } from '../../../src/core/types';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const trade = (id: number): Trade => ({ id: String(id), timestamp: 1_000_000 + id * 10, price: 100 + id, amount: 1, side: id % 2 ? 'buy' : 'sell' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));

/** A gap filler that holds every answer until `release()`, recording what it was asked; `answer` gives the trades. */
function heldFiller(answer: (from: number, until: number) => Trade[]) {
  const asked: Array<[number, number | undefined]> = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const fillGap = async (_m: unknown, from: number, until: number | undefined): Promise<Trade[]> => {
    asked.push([from, until]);
    await released;
    return answer(from, until ?? Number.MAX_SAFE_INTEGER);
  };
  return { asked, release, fillGap };
}

/** The hub as a recorder sees it: what was subscribed, and a way to send each subscriber events. */
class FakeHub implements HubSubscriber {
  readonly open = new Map<string, (e: HubEvent) => void>();
  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription {
    this.open.set(request.kind, consumer as (e: HubEvent) => void);
    return { ready: Promise.resolve(), dispose: () => this.open.delete(request.kind) };
  }
  send(kind: SubscriptionRequest['kind'], event: HubEvent): void {
    const consumer = this.open.get(kind);
    assert.ok(consumer, `a ${kind} subscription`);
    consumer(event);
  }
}

/** A sink that stores batches, or fails while `failing` is set. */
class MemorySink implements RecordSink {
  readonly name = 'memory';
  readonly batches: RecordBatch[] = [];
  failing = false;
  async write(batch: RecordBatch): Promise<void> {
    await Promise.resolve();
    if (this.failing) throw new Error('disk full');
    this.batches.push({ ...batch, rows: [...batch.rows] } as RecordBatch);
  }
  async close(): Promise<void> {}
  trades(): TradeRow[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? b.rows : []));
  }
}

function statesOf() {
  const states: RecorderState[] = [];
  const waiters: Array<{ pred: (s: RecorderState) => boolean; resolve: () => void }> = [];
  return {
    states,
    onState: (s: RecorderState) => {
      states.push(s);
      for (const w of [...waiters]) if (w.pred(s)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
    },
    next: (pred: (s: RecorderState) => boolean) => new Promise<void>((resolve) => waiters.push({ pred, resolve })),
  };
}

describe('MarketRecorder (a hub consumer writing batches to a sink)', () => {
  it('writes every trade once, re-deliveries dropped; close() flushes the rest and gives every subscription back', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, flushEveryMs: 60_000 }).start();
    assert.deepEqual([...hub.open.keys()].sort(), ['orderbook', 'ticker', 'trades']);
    hub.send('trades', { type: 'trades', trades: range(1, 5) });
    hub.send('trades', { type: 'trades', trades: range(4, 9) });
    hub.send('ticker', { type: 'ticker', ticker: { timestamp: 5, last: 101, bid: 100.5, ask: undefined, change24hPercent: 2 } });
    await rec.close();
    assert.equal(hub.open.size, 0);
    assert.deepEqual(sink.trades().map((t) => t.id), range(1, 9).map((t) => t.id));
    assert.deepEqual(sink.batches.find((b) => b.kind === 'tickers')?.rows, [{ ts: 5, last: 101, bid: 100.5, ask: null, change24hPercent: 2 }]);
    assert.deepEqual(rec.state, { status: 'stopped', storedRows: 10 });
  });

  it('a trade that comes out of order (older than one recorded, never seen) is recorded too, once', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, flushEveryMs: 60_000 }).start();
    hub.send('trades', { type: 'trades', trades: [trade(1), trade(3)] });
    hub.send('trades', { type: 'trades', trades: [trade(2), trade(4)] });
    hub.send('trades', { type: 'trades', trades: [trade(2)] });
    await rec.close();
    assert.deepEqual(sink.trades().map((t) => t.id).sort(), ['1', '2', '3', '4']);
  });

  it('a reconnect\'s hole is filled from REST between the last recorded trade and the first after it, with no duplicate', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const { asked, release, fillGap } = heldFiller(() => range(5, 16)); // overlaps both sides
    const rec = new MarketRecorder({ hub, sink, market, fillGap, flushEveryMs: 60_000, lateTradeMs: 0 }).start();
    hub.send('trades', { type: 'trades', trades: range(1, 6) });
    hub.send('trades', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 50 } });
    hub.send('trades', { type: 'state', state: { status: 'live', since: 0 } });
    hub.send('trades', { type: 'trades', trades: range(14, 18) });
    hub.send('trades', { type: 'trades', trades: range(19, 20) }); // waits behind the fill
    release();
    await rec.gapFilled();
    assert.deepEqual(asked, [[trade(6).timestamp, trade(14).timestamp + 1]], 'through the millisecond of the first trade after it');
    await rec.close();
    assert.deepEqual(sink.trades().map((t) => t.id), range(1, 20).map((t) => t.id));
  });

  it("live again with no trade after a drop (a trade-cache overflow on a healthy socket): the hole is fetched at once, with no end (not our clock's now)", async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const now = trade(30).timestamp;
    const { asked, release, fillGap } = heldFiller((from, until) => range(1, 12).filter((t) => t.timestamp >= from && t.timestamp < until));
    const rec = new MarketRecorder({ hub, sink, market, fillGap, flushEveryMs: 60_000, lateTradeMs: 0, clock: { now: () => now } }).start();
    hub.send('trades', { type: 'trades', trades: range(1, 6) });
    hub.send('trades', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: "one update filled ccxt's trade cache", retryInMs: 0 } });
    hub.send('trades', { type: 'state', state: { status: 'live', since: now } });
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(asked, [[trade(6).timestamp, undefined]], 'asked at once, with no trade after the drop: every trade REST has, as our clock may be seconds off the exchange\'s');
    hub.send('trades', { type: 'trades', trades: range(31, 32) }); // waits behind the fill
    release();
    await rec.gapFilled();
    await rec.close();
    assert.deepEqual(sink.trades().map((t) => t.id), [...range(1, 12), ...range(31, 32)].map((t) => t.id));
  });

  it('a second drop while the first hole is filled: its trades are fetched as the next hole, none is lost', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const { asked, release, fillGap } = heldFiller((from, until) => range(1, 30).filter((t) => t.timestamp >= from && t.timestamp < until));
    const reconnect = () => {
      hub.send('trades', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 50 } });
      hub.send('trades', { type: 'state', state: { status: 'live', since: 0 } });
    };
    const rec = new MarketRecorder({ hub, sink, market, fillGap, flushEveryMs: 60_000, lateTradeMs: 0 }).start();
    hub.send('trades', { type: 'trades', trades: range(1, 6) });
    reconnect();
    hub.send('trades', { type: 'trades', trades: range(10, 12) }); // its fill (7–9) waits for REST
    reconnect(); // 13–19 are missed too
    hub.send('trades', { type: 'trades', trades: range(20, 22) });
    reconnect(); // and 23–24
    hub.send('trades', { type: 'trades', trades: range(25, 26) });
    release();
    await rec.gapFilled();
    assert.deepEqual(asked, [[6, 10], [12, 20], [22, 25]].map(([a, b]) => [trade(a!).timestamp, trade(b!).timestamp + 1]), 'three holes, one after the other');
    await rec.close();
    assert.deepEqual(sink.trades().map((t) => t.id), range(1, 26).map((t) => t.id));
  });

  it('a failing store: rows kept up to the bound, then "dropping" with the count; it catches up and says "recording" again', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const s = statesOf();
    sink.failing = true;
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], flushEveryMs: 5, maxBufferedRows: 100, retry: { baseMs: 5, maxMs: 5, factor: 1, jitter: 0 }, onState: s.onState }).start();
    const behind = s.next((st) => st.status === 'behind');
    hub.send('trades', { type: 'trades', trades: range(1, 60) });
    await behind;
    hub.send('trades', { type: 'trades', trades: range(61, 150) });
    assert.deepEqual(rec.state, { status: 'dropping', dropped: 50, reason: 'the buffer is full (100 rows) while the store is behind' });
    const recording = s.next((st) => st.status === 'recording');
    sink.failing = false;
    await recording;
    assert.deepEqual(sink.trades().map((t) => t.id), range(1, 100).map((t) => t.id), 'the oldest rows kept, the newest dropped');
    await rec.close();
    assert.ok(s.states.some((st) => st.status === 'behind' && /disk full/.test(st.reason)));
  });

  it('a busy market: the first rows stored are told ("recording", storedRows) though trades came during the write, as they always do under load', async () => {
    const hub = new FakeHub();
    const s = statesOf();
    // Each write is held until released, and says when it is asked for.
    const writes: Array<{ batch: RecordBatch; release: () => void }> = [];
    let asked: (() => void) | undefined;
    const sink: RecordSink = {
      name: 'held',
      write: (batch) =>
        new Promise<void>((release) => {
          writes.push({ batch, release });
          asked?.();
        }),
      close: async () => {},
    };
    const nextWrite = () => new Promise<void>((resolve) => (asked = resolve));
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], flushEveryMs: 0, onState: s.onState }).start();
    await s.next((st) => st.status === 'recording');
    const first = nextWrite();
    hub.send('trades', { type: 'trades', trades: range(1, 5) });
    await first;
    hub.send('trades', { type: 'trades', trades: range(6, 8) }); // while the first write is under way
    const second = nextWrite();
    writes[0]!.release();
    await second; // the rows that came meanwhile are written next: the buffer was never empty after a write
    assert.deepEqual(writes[1]!.batch.rows.map((r) => (r as TradeRow).id), ['6', '7', '8']);
    assert.deepEqual(s.states.at(-1), { status: 'recording', storedRows: 5 }, `the stored rows are told: ${JSON.stringify(s.states)}`);
    writes[1]!.release();
    await rec.close();
    assert.deepEqual(rec.state, { status: 'stopped', storedRows: 8 });
  });

  it('book updates become a snapshot then deltas; a stream that is not live makes the next update a snapshot', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['book'], flushEveryMs: 60_000 }).start();
    const book = (ts: number, bid: number) => ({ type: 'orderbook' as const, book: { timestamp: ts, bids: [[bid, 1]] as [number, number][], asks: [[101, 2]] as [number, number][] } });
    hub.send('orderbook', book(1, 100));
    hub.send('orderbook', book(2, 99));
    hub.send('orderbook', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 1 } });
    hub.send('orderbook', book(3, 99));
    await rec.close();
    const rows = sink.batches.flatMap((b) => (b.kind === 'book' ? b.rows : []));
    assert.deepEqual(
      rows.map((r) => [r.ts, r.seq, r.kind, r.side, r.price, r.amount]),
      [
        [1, 1, 'snapshot', 'bid', 100, 1],
        [1, 1, 'snapshot', 'ask', 101, 2],
        [2, 2, 'delta', 'bid', 99, 1],
        [2, 2, 'delta', 'bid', 100, 0],
        [3, 3, 'snapshot', 'bid', 99, 1],
        [3, 3, 'snapshot', 'ask', 101, 2],
      ],
    );
  });
  it('a quiet book (no update for a period) is recorded again as a snapshot by the flush timer, not once it stops being live', async () => {
    const hub = new FakeHub();
    const written: Array<() => void> = [];
    const sink = new (class extends MemorySink {
      override async write(batch: RecordBatch): Promise<void> {
        await super.write(batch);
        for (const w of written.splice(0)) w();
      }
    })();
    const nextWrite = () => new Promise<void>((resolve) => written.push(resolve));
    let now = 1000;
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['book'], flushEveryMs: 1, snapshotEveryMs: 60_000, clock: { now: () => now } }).start();
    hub.send('orderbook', { type: 'orderbook', book: { timestamp: 1000, bids: [[100, 1]], asks: [[101, 2]] } });
    await nextWrite();
    now = 61_000;
    await nextWrite();
    hub.send('orderbook', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 1 } });
    now = 200_000;
    hub.send('orderbook', { type: 'orderbook', book: { timestamp: 200_000, bids: [[99, 1]], asks: [[101, 2]] } });
    await nextWrite();
    await rec.close();
    const rows = sink.batches.flatMap((b) => (b.kind === 'book' ? b.rows : []));
    assert.deepEqual(
      rows.map((r) => [r.ts, r.kind, r.side, r.price]),
      [
        [1000, 'snapshot', 'bid', 100],
        [1000, 'snapshot', 'ask', 101],
        [61_000, 'snapshot', 'bid', 100],
        [61_000, 'snapshot', 'ask', 101],
        [200_000, 'snapshot', 'bid', 99],
        [200_000, 'snapshot', 'ask', 101],
      ],
    );
  });
});
