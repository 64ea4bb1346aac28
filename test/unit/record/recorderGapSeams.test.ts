/**
 * The recorder's reconnect fill at its seams, each case found by the seeded property test
 * (test/unit/properties/marketRecorderSeams.property.test.ts): a socket resuming inside a millisecond, a hole with no
 * trade after it under clock skew, a drop while such a hole is fetched, a stop among drops, a stop and start.
 */
import * as assert from 'node:assert/strict';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { HistoryService } from '../../../src/core/history/historyService';
import { MarketRecorder, type HubSubscriber, type TradeGapFiller } from '../../../src/core/record/marketRecorder';
import type { RecordSink } from '../../../src/core/record/recordSink';
import { RecordingSet } from '../../../src/core/record/recordingSet';
import type { RecordBatch, RecordingHole } from '../../../src/core/record/recordTypes';
import type { Trade } from '../../../src/core/types';
import { silentLogger } from '../../../src/core/util/log';
import { FakeClient } from '../../helpers/fakeClient';

const market = { exchange: 'coinbase', symbol: 'BTC/USD' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
/** Trade n at T0 + n s; `at` puts it at another trade's millisecond. */
const trade = (n: number, at = n): Trade => ({ id: String(n), timestamp: T0 + at * 1000, price: 100, amount: 1, side: 'buy' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));

class FakeHub implements HubSubscriber {
  private consumer: ((e: HubEvent) => void) | undefined;
  subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
    this.consumer = consumer as (e: HubEvent) => void;
    return { ready: Promise.resolve(), dispose: () => (this.consumer = undefined) };
  }
  trades(list: Trade[]): void {
    this.consumer?.({ type: 'trades', trades: list });
  }
  dropped(): void {
    this.consumer?.({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
  }
  live(): void {
    this.consumer?.({ type: 'state', state: { status: 'live', since: 0 } });
  }
}

class MemorySink implements RecordSink {
  readonly name = 'memory';
  readonly batches: RecordBatch[] = [];
  async write(batch: RecordBatch): Promise<void> {
    await Promise.resolve();
    this.batches.push(batch);
  }
  async close(): Promise<void> {}
  ids(): string[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? b.rows.map((r) => r.id) : []));
  }
  holes(): RecordingHole[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? [...(b.holes ?? [])] : []));
  }
}

/** A store whose writes wait until the test releases them. */
class SlowSink extends MemorySink {
  private open: Promise<void>;
  private opened: () => void = () => undefined;
  constructor() {
    super();
    this.open = new Promise((r) => (this.opened = r));
  }
  release(): void {
    this.opened();
  }
  override async write(batch: RecordBatch): Promise<void> {
    await this.open;
    await super.write(batch);
  }
}

/** A store that fails its first `failing` writes (HTTP 503), then takes them. */
class FailingSink extends MemorySink {
  constructor(private failing: number) {
    super();
  }
  override async write(batch: RecordBatch): Promise<void> {
    if (this.failing > 0) {
      this.failing--;
      throw new Error('HTTP 503');
    }
    await super.write(batch);
  }
}

/** REST over `log`, each request held until the test answers or fails it. */
function heldRest(log: readonly Trade[]) {
  type Asked = { from: number; until: number | undefined; onMissing: (from: number, until: number) => void; resolve: (t: Trade[]) => void; reject: (e: Error) => void };
  const waiting: Asked[] = [];
  const fillGap: TradeGapFiller = (_m, from, until, onMissing) => new Promise((resolve, reject) => waiting.push({ from, until, onMissing, resolve, reject }));
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  };
  return {
    fillGap,
    asked: () => waiting.map((w) => [w.from, w.until]),
    answer: async () => {
      const w = waiting.shift();
      assert.ok(w, 'a request waits');
      w.resolve(log.filter((t) => t.timestamp >= w.from && t.timestamp < (w.until ?? Number.POSITIVE_INFINITY)));
      await flush();
    },
    /** Only the newest `keep` trades of the span, as Bybit's REST gives. */
    answerNewest: async (keep: number) => {
      const w = waiting.shift();
      assert.ok(w, 'a request waits');
      const trades = log.filter((t) => t.timestamp >= w.from && t.timestamp < (w.until ?? Number.POSITIVE_INFINITY)).slice(-keep);
      w.onMissing(w.from, trades[0]?.timestamp ?? w.until ?? Number.POSITIVE_INFINITY);
      w.resolve(trades);
      await flush();
    },
    fail: async () => {
      waiting.shift()?.reject(new Error('HTTP 503'));
      await flush();
    },
    flush,
  };
}

describe('the recorder’s reconnect fill at its seams', () => {
  it('the socket resumes inside a millisecond whose first trades it missed: REST’s trades of that millisecond are recorded too (seed 11 of the property test)', async () => {
    const log = [...range(1, 6), trade(7, 8), trade(8, 8), trade(9)]; // 7 and 8 share a millisecond
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 6));
    hub.dropped();
    hub.live();
    hub.trades([trade(8, 8), trade(9)]); // 7 was lost with the socket
    await rest.flush();
    await rest.answer();
    await rec.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(sink.holes(), []);
  });

  it('trades wait for a slow fill up to maxHeldTrades: those after are let go as a drop’s, and the next fill fetches them from the last that waited', async () => {
    const log = range(1, 20);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const warnings: string[] = [];
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, maxHeldTrades: 3, flushEveryMs: 60_000, log: { ...silentLogger, warn: (m) => void warnings.push(m) } }).start();
    hub.trades(range(1, 6));
    hub.dropped();
    hub.live();
    hub.trades(range(10, 13)); // 13 past the bound: let go
    hub.trades(range(14, 15));
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 6000, T0 + 10_001]]);
    await rest.answer();
    // Live meanwhile: the next hole, from the last that waited, is fetched with no end (the socket's trades end it).
    assert.deepEqual(rest.asked(), [[T0 + 12_000, undefined]]);
    hub.trades([trade(16)]);
    await rest.answer();
    await rec.gapFilled();
    hub.trades([trade(17)]);
    await rec.close();
    assert.deepEqual(sink.ids(), range(1, 17).map((t) => t.id));
    assert.deepEqual(sink.holes(), []);
    assert.equal(warnings.filter((w) => /3 trades wait for the fill of a reconnect's hole/.test(w)).length, 1, warnings.join('\n'));
  });

  it('a fill that fails: the hole covers the millisecond of the first trade after the drop, where trades may lack', async () => {
    const rest = heldRest([]);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 6));
    hub.dropped();
    hub.live();
    hub.trades([trade(8, 8)]);
    await rest.flush();
    await rest.fail();
    await rec.close();
    assert.deepEqual(sink.holes().map((h) => [h.from, h.until]), [[T0 + 6000, T0 + 8001]]);
  });

  it('live again with no trade and the fill fails: the hole ends through the socket’s next trade, not at our clock, which runs seconds behind the exchange’s (seed 49)', async () => {
    const log = range(1, 12);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const behind = T0 + 9000; // the exchange's clock is 3 s ahead: its trades 10 to 12 are stamped after our now
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, flushEveryMs: 60_000, clock: { now: () => behind }, log: silentLogger }).start();
    hub.trades(range(1, 6));
    hub.dropped();
    hub.live();
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 6000, undefined]], 'asked with no end');
    await rest.fail();
    hub.trades([trade(12)]); // ends the hole: the fill is asked again, through it
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 6000, T0 + 12_001]]);
    await rest.fail();
    await rec.close();
    assert.deepEqual(sink.holes().map((h) => [h.from, h.until]), [[T0 + 6000, T0 + 12_001]], 'through trade 12, not to our clock');
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '5', '6', '12']);
  });

  it('a drop while a hole with no trade after it is fetched: REST answered before the trades that drop lost, which are the next hole (seed 11)', async () => {
    const log: Trade[] = range(1, 6);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 4));
    hub.dropped();
    hub.live(); // no trade: 5 and 6 are fetched
    await rest.flush();
    hub.dropped(); // while REST is asked
    await rest.answer();
    log.push(...range(7, 9)); // lost with the second drop
    hub.live(); // quiet again
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 6000, undefined]], 'the next hole, from the last trade REST gave');
    await rest.answer();
    hub.trades([trade(10)]);
    await rec.close();
    assert.deepEqual(sink.ids(), range(1, 10).map((t) => t.id));
  });

  it('asked with no end, REST answers (its newest only) after the socket gave trades again: REST’s from the socket’s first on are left to the socket, so the recording stays in time order (seed 123)', async () => {
    const log = range(1, 12);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 4));
    hub.dropped();
    hub.live(); // no trade: asked with no end
    await rest.flush();
    hub.trades(range(7, 8)); // 5 and 6 were lost; these wait for REST, which gives its newest trades only: 10 to 12
    await rest.answerNewest(3);
    hub.trades(range(9, 12));
    await rec.close();
    assert.deepEqual(sink.ids(), range(1, 12).filter((t) => t.id !== '5' && t.id !== '6').map((t) => t.id), 'in time order');
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0]), [[4000, 7001]], 'up to the socket’s first trade, where it covers the rest');
  });

  it('stopped while trades wait behind a fill, and the socket dropped again among them: what that drop lost is a hole too (seed 35)', async () => {
    const rest = heldRest([]);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: rest.fillGap, flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 4));
    hub.dropped();
    hub.live();
    hub.trades(range(6, 7)); // 5 lost; the fill waits for REST
    hub.dropped();
    hub.live();
    hub.trades(range(10, 11)); // 8 and 9 lost
    await rest.flush();
    await rec.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '6', '7', '10', '11']);
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0]), [[4000, 6001], [7000, 10_001]]);
  });

  for (const [skew, side] of [[6000, 'ahead of'], [-6000, 'behind']] as const) {
    it(`stopped with no trade since the drop, our clock ${side} the exchange’s: the hole ends at the exchange’s now as the hub knows it, not at our clock`, async () => {
      const rest = heldRest([]);
      const hub = new FakeHub();
      const sink = new MemorySink();
      const exchangeNow = T0 + 30_000;
      const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 3000, fillGap: rest.fillGap, flushEveryMs: 60_000, clock: { now: () => exchangeNow - skew }, exchangeNow: () => Promise.resolve(exchangeNow) }).start();
      hub.trades(range(1, 6));
      hub.dropped();
      hub.live(); // quiet: fetched with no end, REST holds the answer
      await rest.flush();
      await rec.close();
      assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [[3000, 30_000, "recording stopped while a reconnect's hole was being filled"]]);
    });
  }

  it('recording stopped and started again: the trades the stream sends again (Coinbase’s snapshot of its last trades) are not stored twice (seed 42)', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], flushEveryMs: 60_000 });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    set.setMarkets([market]);
    hub.trades(range(3, 8));
    await set.close();
    assert.deepEqual(sink.ids(), range(1, 8).map((t) => t.id));
  });

  it('recording stopped and started again a minute later: the trades made meanwhile are fetched from REST, as after a reload, not left to replay as a quiet market', async () => {
    const log = range(1, 70);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    now = T0 + 65_000;
    set.setMarkets([market]);
    hub.trades(range(65, 70));
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 2000, T0 + 68_001]], 'from LATE_TRADE_MS before the last trade of the stopped recording, through LATE_TRADE_MS past the first of this one (it may have come late, after newer ones sent before it listened)');
    await rest.answer();
    await set.close();
    assert.deepEqual(sink.ids(), range(1, 70).map((t) => t.id), 'each once, the stop’s trades from REST');
    assert.deepEqual(sink.holes(), []);
  });

  it('the same, REST failing: the time between is a hole named for the stop', async () => {
    const rest = heldRest([]);
    const hub = new FakeHub();
    const sink = new MemorySink();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    now = T0 + 65_000;
    set.setMarkets([market]);
    hub.trades(range(65, 66));
    await rest.flush();
    await rest.fail();
    await set.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '5', '65', '66']);
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [[2000, 66_001, 'not recording (recording stopped): the trades of that time could not be fetched (HTTP 503)']]);
  });

  it('recording stopped for longer than a reload lasts: the time between is a hole "not recording (recording stopped)" through the first new trade, not fetched; the stream’s repeats stay out', async () => {
    const rest = heldRest(range(1, 400));
    const hub = new FakeHub();
    const sink = new MemorySink();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    now = T0 + 400_000;
    set.setMarkets([market]);
    hub.trades([trade(4), trade(5), trade(399), trade(400)]); // Coinbase's snapshot repeats 4 and 5
    hub.trades([trade(402), trade(403)]); // past LATE_TRADE_MS after the first new one: the hole ends there
    await rest.flush();
    assert.deepEqual(rest.asked(), [], 'nothing fetched');
    await set.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '5', '399', '400', '402', '403']);
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [[2000, 402_001, 'not recording (recording stopped)']]);
  });

  it('started again after a long stop, the stream first sending a trade it held back from a batch no recorder heard: the hole reaches LATE_TRADE_MS past that trade, over the newer ones sent before this recording listened (it ended at that trade, and they lacked unmarked)', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    hub.trades([trade(399), trade(401), trade(402)]); // to no recorder (a chart keeps the stream); 400 held back
    now = T0 + 410_000;
    set.setMarkets([market]);
    hub.trades([trade(400), trade(403)]); // 400 late, first to this recording
    hub.trades([trade(404)]); // past LATE_TRADE_MS after it: the hole ends
    await set.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '5', '400', '403', '404']);
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [[2000, 403_001, 'not recording (recording stopped)']], '401 and 402 inside it');
  });

  it('the hole of a long stop is written with the first new trades, before its end is known: a crash then (a new session goes on from the store\'s last trade) left them after an unmarked span (seed 677, now and then)', async () => {
    const hub = new FakeHub();
    let stored: () => void = () => undefined;
    const firstNewStored = new Promise<void>((resolve) => (stored = resolve));
    const sink = new (class extends MemorySink {
      override async write(batch: RecordBatch): Promise<void> {
        await super.write(batch);
        if (batch.kind === 'trades' && batch.rows.some((r) => r.id === '400')) stored();
      }
    })();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], lateTradeMs: 3000, maxBatchRows: 2, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    now = T0 + 400_000;
    set.setMarkets([market]);
    hub.trades([trade(399), trade(400)]); // a full batch: written at once
    await firstNewStored;
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0]), [[2000, 399_001]], 'written with 399 and 400');
    hub.trades([trade(404)]);
    await set.close();
    // The rest once a trade LATE_TRADE_MS past the first came (merged into the first if that write had not ended yet).
    const [first, rest, ...more] = sink.holes();
    assert.deepEqual([first, more], [{ kind: 'trades' as const, from: T0 + 2000, until: T0 + 399_001, reason: 'not recording (recording stopped)' }, []]);
    assert.ok(rest && rest.from <= T0 + 399_001 && rest.until === T0 + 402_001 && rest.reason === 'not recording (recording stopped)', JSON.stringify(rest));
  });

  it('the same after a short stop (fetched): REST is asked through LATE_TRADE_MS past the first trade, so the newer ones sent before this recording listened are fetched (they were not: asked through the late one only)', async () => {
    const log = range(1, 67);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    hub.trades([trade(61), trade(62), trade(64)]); // to no recorder; 63 held back
    now = T0 + 67_000;
    set.setMarkets([market]);
    hub.trades([trade(63), ...range(65, 67)]);
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 2000, T0 + 66_001]]);
    await rest.answer();
    await set.close();
    assert.deepEqual(sink.ids(), range(1, 67).map((t) => t.id), 'each once, 64 among them');
    assert.deepEqual(sink.holes(), []);
  });

  it('started again while the stopped recording still writes: the stream’s trades wait for its stop, none stored twice, none before its own', async () => {
    const hub = new FakeHub();
    const sink = new SlowSink();
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]); // its flush waits on the sink
    now = T0 + 400_000;
    set.setMarkets([market]);
    hub.trades([trade(5), trade(399)]);
    sink.release();
    await set.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '5', '399']);
    // No trade came LATE_TRADE_MS past 399 before the stop: the hole reaches the stop.
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [[2000, 400_000, 'not recording (recording stopped)']]);
  });

  it('stopped during a fill, started again while it still writes, more trades coming than are held: the stop’s time is fetched from the last trade taken, those past the bound are a hole (fetched too: asked with no end), none twice (the seam the first try lost trades at)', async () => {
    const log = range(1, 25); // what has happened when REST answers (26 comes after)
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new SlowSink();
    const now = T0 + 10_000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, maxHeldTrades: 2, flushEveryMs: 60_000, clock: { now: () => now }, exchangeNow: () => Promise.resolve(now) });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    hub.dropped(); // 6 and 7 lost
    hub.live();
    hub.trades(range(8, 9)); // wait for the fill
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 2000, T0 + 8001]]);
    set.setMarkets([]); // stopped during the fill; its writes wait on the store
    set.setMarkets([market]);
    hub.trades(range(20, 25)); // 20 and 21 held until the stop is done, 22 to 25 past the bound
    await rest.flush(); // the stop takes the hole
    await rest.fail(); // the stopped recording's fill, answered after: of no use now
    sink.release();
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 6000, undefined]], 'from LATE_TRADE_MS before the last trade taken (9), with no end: none held came LATE_TRADE_MS past the first');
    await rest.answer();
    hub.trades([trade(26)]);
    await set.close();
    assert.deepEqual([...sink.ids()].sort((a, b) => Number(a) - Number(b)), range(1, 26).map((t) => t.id), 'each once; 22 to 25 dropped from the stream, fetched');
    assert.equal(new Set(sink.ids()).size, sink.ids().length, 'none twice');
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [
      [2000, 8001, "recording stopped while a reconnect's hole was being filled"],
      [22_000, 25_001, 'trades dropped: more than 2 came while the recording stopped before was still writing'],
    ]);
  });

  it('stopped while the store fails its writes: the rows it held are not stored, the log says so, and the next recording marks the trades\' span as a hole naming why (unmarked before: the continuity had them as taken)', async () => {
    const hub = new FakeHub();
    const sink = new FailingSink(1); // the stop's write fails, the next recording's are taken
    const warnings: string[] = [];
    let now = T0 + 5000;
    const set = new RecordingSet({ hub, sink, kinds: ['trades'], lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now }, log: { ...silentLogger, warn: (m) => void warnings.push(m) } });
    set.setMarkets([market]);
    hub.trades(range(1, 5));
    set.setMarkets([]);
    now = T0 + 400_000;
    set.setMarkets([market]);
    hub.trades([trade(5), trade(399), trade(400)]);
    await set.close();
    assert.deepEqual(sink.ids(), ['399', '400']);
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0, h.reason]), [
      [1000, 5001, 'trades not stored: the store failed the last write before recording stopped (HTTP 503)'],
      [5001, 400_001, 'not recording (recording stopped)'], // apart: from where the hole of the rows not stored ends
    ]);
    assert.ok(warnings.some((w) => w.includes('stopped with 5 trades rows the store did not take (HTTP 503); they are not recorded')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('handed to the next recording of the market to mark')), warnings.join('\n'));
  });

  it('the same with no next recording (the app closes): the log names the rows lost and their span', async () => {
    const hub = new FakeHub();
    const sink = new FailingSink(1);
    const warnings: string[] = [];
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], flushEveryMs: 60_000, log: { ...silentLogger, warn: (m) => void warnings.push(m) } }).start();
    hub.trades(range(1, 5));
    await rec.close();
    assert.deepEqual(sink.ids(), []);
    assert.ok(warnings.some((w) => w.includes('stopped with 5 trades rows the store did not take (HTTP 503)')), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('trades between 2026-12-01T12:00:01.000Z and 2026-12-01T12:00:05.001Z may be missing (trades not stored: the store failed the last write before recording stopped (HTTP 503)); not marked in the recording')), warnings.join('\n'));
  });

  it('a trade the socket would have sent a batch late is lost with a drop: the hole starts LATE_TRADE_MS before the last trade taken, and REST’s copies of those taken are dropped (seed 1)', async () => {
    const log = range(1, 12);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 4));
    hub.trades([trade(6), trade(7)]); // 5 held back for the next batch
    hub.dropped(); // and lost with the socket
    hub.live();
    hub.trades(range(10, 12)); // 8 and 9 lost too
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 4000, T0 + 10_001]], 'from 3 s before trade 7');
    await rest.answer();
    await rec.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '4', '6', '7', '5', '8', '9', '10', '11', '12'], 'each once; 5 late, where REST gave it');
    assert.deepEqual(sink.holes(), []);
  });

  it('the same, REST failing: the hole starts LATE_TRADE_MS back, never before the recording’s first trade', async () => {
    const rest = heldRest([]);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000 }).start();
    hub.trades(range(3, 4));
    hub.dropped();
    hub.live();
    hub.trades([trade(10)]);
    await rest.flush();
    await rest.fail();
    await rec.close();
    assert.deepEqual(sink.holes().map((h) => [h.from - T0, h.until - T0]), [[3000, 10_001]]);
  });

  it('the socket resumes with trades older than the last taken (Coinbase’s snapshot): the hole still reaches the last taken, where a late one was lost (seed 2357)', async () => {
    const log = range(1, 8);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 3000, flushEveryMs: 60_000 }).start();
    hub.trades([trade(1), trade(2), trade(3), trade(5)]); // 4 held back, then lost
    hub.dropped();
    hub.live();
    hub.trades([trade(3), trade(5), trade(6)]); // sent again from before the drop, without 4
    await rest.flush();
    assert.deepEqual(rest.asked(), [[T0 + 2000, T0 + 5001]], 'through trade 5, not only trade 3');
    await rest.answer();
    await rec.close();
    assert.deepEqual(sink.ids(), ['1', '2', '3', '5', '4', '6']);
  });

  it('a late trade REST gives is stored at its time among the batch it came with, not after the newest (seed 36)', async () => {
    const log = range(1, 9);
    const rest = heldRest(log);
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap: rest.fillGap, lateTradeMs: 5000, flushEveryMs: 60_000, maxBatchRows: 100 }).start();
    hub.trades([trade(1), trade(2), trade(4)]); // 3 held back, then lost
    hub.dropped();
    hub.live();
    hub.trades([trade(8)]);
    await rest.flush();
    await rest.answer(); // 3 (late), 5, 6, 7
    await rec.close();
    assert.deepEqual(sink.ids(), ['1', '2', '4', '3', '5', '6', '7', '8'], 'the late 3 ahead of REST’s newer trades');
  });

  it('close() aborts a fill in flight (its REST requests end with the recorder) and says nothing of it afterwards', async () => {
    const signals: AbortSignal[] = [];
    const warnings: string[] = [];
    const hub = new FakeHub();
    const sink = new MemorySink();
    const fillGap: TradeGapFiller = (_m, _from, _until, _onMissing, signal) =>
      new Promise((_resolve, reject) => {
        signals.push(signal);
        signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap, lateTradeMs: 0, flushEveryMs: 60_000, log }).start();
    hub.trades(range(1, 4));
    hub.dropped();
    hub.live();
    await new Promise<void>((r) => setImmediate(r));
    assert.equal(signals.length, 1);
    assert.equal(signals[0]?.aborted, false);
    await rec.close();
    assert.equal(signals[0]?.aborted, true);
    await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => /could not be fetched/.test(w)), [], 'the aborted fill is not reported as a failure');
  });

  describe('HistoryService.tradesBetween with no end', () => {
    it('gives every trade REST has, those stamped after our clock too (the exchange’s clock ahead; a recorder’s hole with no trade after it)', async () => {
      const client = new FakeClient();
      for (let i = 0; i < 20; i++) client.log.push({ id: String(i), timestamp: T0 + i * 1000, price: 100, amount: 1, side: 'buy' });
      const fast = { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 };
      const history = new HistoryService({ clientFor: async () => client, cache: undefined, log: silentLogger, concurrencyPerExchange: 1, backoff: fast, rateLimitBackoff: fast, maxAttempts: 1, clockOf: () => ({ now: () => T0 + 15_000 }) });
      const got = await history.tradesBetween(market, T0 + 10_000, undefined);
      assert.deepEqual(got.map((t) => t.id), ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19']);
    });
  });
});
