/**
 * The recorder's holes at their seams: a hole that grows while a batch carries it is stored once (no two stored holes
 * of one reason overlap); what a failed write at stop leaves unstored is a hole the next recording stores, whatever
 * the kind of its rows; a hole not fetched, stopped before a trade ended it, ends where the recording heard every trade.
 */
import * as assert from 'node:assert/strict';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber } from '../../../src/core/record/marketRecorder';
import { NOT_RECORDING, NOT_RECORDING_STOPPED, noTradeBeforeStop } from '../../../src/core/record/holeReasons';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { RecordingSet } from '../../../src/core/record/recordingSet';
import { parquetSource } from '../../../src/core/record/recordSource';
import type { RecordSink } from '../../../src/core/record/recordSink';
import type { RecordBatch, RecordKind, RecordingHole } from '../../../src/core/record/recordTypes';
import type { StoredTailReader } from '../../../src/core/record/storedTail';
import type { Trade } from '../../../src/core/types';
import { tempDirPerTest } from '../../helpers/tempDirPerTest';

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
  book(n: number, bid: number): void {
    this.send('orderbook', { type: 'orderbook', book: { timestamp: ts(n), bids: [[bid, 1]], asks: [[bid + 1, 1]] } });
  }
  ticker(n: number, last: number): void {
    this.send('ticker', { type: 'ticker', ticker: { timestamp: ts(n), last, bid: last - 1, ask: last + 1, change24hPercent: undefined } });
  }
}

/** A store whose next write of each kind in `failNext` fails (HTTP 503), the others taken. */
class FailingKindsSink implements RecordSink {
  readonly name = 'parquet';
  readonly failNext = new Set<RecordKind>();
  constructor(private readonly inner: RecordSink) {}
  async write(batch: RecordBatch): Promise<void> {
    if (this.failNext.delete(batch.kind)) throw new Error('HTTP 503');
    await this.inner.write(batch);
  }
  close(): Promise<void> {
    return this.inner.close();
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
const endedLongAgo: StoredTailReader = async () => ({ last: ts(1), from: ts(1), trades: [trade(1)], holes: [] });

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

  it('order book and ticker rows dropped from a full buffer are holes of their kind, more drops extending one until a row of it is kept (before: only counted)', async () => {
    const hub = new FakeHub();
    const sink = new GatedSink();
    // Nothing is written before close (the store behind): the buffer holds 4 rows.
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['book', 'tickers'], flushEveryMs: 60_000, maxBufferedRows: 4 }).start();
    hub.book(1, 100); // a snapshot: 2 rows
    hub.ticker(2, 100.5); // 3 rows
    hub.book(3, 101); // its changes (4 rows: a level gone and one new a side): 1 fits, 3 dropped (the book is taken again from a snapshot)
    hub.ticker(4, 101.5); // dropped
    hub.book(5, 102); // the snapshot: dropped
    hub.ticker(6, 102.5); // dropped, extending the ticker hole
    assert.equal(rec.state.status === 'dropping' && rec.state.dropped, 7, 'still counted');
    await rec.close();
    assert.deepEqual(sink.holes().map((h) => [h.kind, ...span(h)]), [
      ['book', 3, 5.001, 'order book rows dropped: the buffer was full while the store was behind (the book is taken again from a snapshot after them)'],
      ['tickers', 4, 6.001, 'ticker rows dropped: the buffer was full while the store was behind'],
    ]);
  });

  describe('rows the store did not take at a stop', function () {
    this.timeout(20_000);
    const scratch = tempDirPerTest('ts-holeseams-');

    it('order book and ticker rows the stop could not write (its trades written) are holes the next recording stores, naming them, and a replay reads them (before: only logged)', async () => {
      const hub = new FakeHub();
      const sink = new FailingKindsSink(new ParquetStore(scratch.path));
      let now = ts(10);
      const set = new RecordingSet({ hub, sink, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
      set.setMarkets([market]);
      await Promise.resolve();
      hub.trades([trade(1), trade(2), trade(3)]);
      hub.book(2, 100);
      hub.book(4, 101);
      hub.ticker(3, 100.5);
      sink.failNext.add('book'); // the stop's trades are taken, its book is not (and its tickers never tried)
      set.setMarkets([]);
      now = ts(400);
      set.setMarkets([market]);
      hub.trades([trade(399), trade(400)]);
      await set.close();
      const holes = (await parquetSource(scratch.path).holes(market, 0, Number.MAX_SAFE_INTEGER)).map((h) => [h.kind, ...span(h)]);
      const why = 'the store failed the last write before recording stopped (HTTP 503)';
      assert.deepEqual(holes, [
        ['trades', 1, 400.001, NOT_RECORDING_STOPPED],
        ['book', 2, 4.001, `order book rows not stored: ${why}`],
        ['tickers', 3, 3.001, `ticker rows not stored: ${why}`],
      ]);
    });
  });

  describe('a hole not fetched, its recording stopped before a trade past unheardEnd came', () => {
    /** The store's recording ended at trade 1, long ago; this one listens from 1,000 s on and stops at `stopAt` (the exchange's time). */
    async function stoppedQuiet(stream: Trade[], stopAt: number): Promise<RecordingHole[]> {
      const hub = new FakeHub();
      const sink = new GatedSink();
      const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], storedTail: endedLongAgo, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => ts(1000) }, exchangeNow: () => Promise.resolve(stopAt) }).start();
      await rec.gapFilled();
      if (stream.length > 0) hub.trades(stream);
      await rec.close();
      return sink.holes();
    }

    it('a quiet market: the hole ends LATE_TRADE_MS past the first new trade (the stream was heard from then on), not at the stop', async () => {
      const holes = await stoppedQuiet([trade(1000), trade(1001)], ts(1100));
      assert.deepEqual(holes.map(span), [[1, 1003.001, NOT_RECORDING]]);
    });

    it('stopped sooner than that: the hole ends at the exchange\'s time of the stop, never past it', async () => {
      const holes = await stoppedQuiet([trade(1000)], ts(1002));
      assert.deepEqual(holes.map(span), [[1, 1002, NOT_RECORDING]]);
    });

    it('no new trade at all: the hole is kept through the stop, its reason saying why (nothing says where the unheard trades end)', async () => {
      const holes = await stoppedQuiet([], ts(1100));
      assert.deepEqual(holes.map(span), [[1, 1100, noTradeBeforeStop(NOT_RECORDING)]]);
      assert.match(noTradeBeforeStop(NOT_RECORDING), /^not recording \(TradeSuite closed\); no new trade came before recording stopped again/);
    });
  });
});
