/**
 * A recording's holes: spans whose trades the recorder knows it may lack (a reconnect the exchange's REST trades could
 * not fill, rows dropped while the store was behind, a stop during a fill) are stored with the trades, kept by
 * compaction, and a replay's bars that they touch are partial.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber, type TradeGapFiller } from '../../../src/core/record/marketRecorder';
import { encodeBatch, ParquetStore } from '../../../src/core/record/parquetStore';
import type { RecordSink } from '../../../src/core/record/recordSink';
import type { RecorderState } from '../../../src/core/record/recorderState';
import { parquetSource, readEvents } from '../../../src/core/record/recordSource';
import type { RecordBatch, RecordingHole, TradeRow } from '../../../src/core/record/recordTypes';
import { compactPartition } from '../../../src/core/record/storeCompaction';
import { encodeHoles, HOLES_KEY } from '../../../src/core/record/storedHoles';
import { dayOf, partFileName, partitionDir } from '../../../src/core/record/storeLayout';
import { markHoles } from '../../../src/core/replay/holeBars';
import type { Trade } from '../../../src/core/types';
import { RecordedReplay } from '../../helpers/recordedReplay';

const market = { exchange: 'bybit', symbol: 'BTC/USDT:USDT' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + (n % 7), amount: 1, side: n % 2 ? 'buy' : 'sell' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));
const ts = (n: number) => trade(n).timestamp;

class FakeHub implements HubSubscriber {
  private consumer: ((e: HubEvent) => void) | undefined;
  subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
    this.consumer = consumer as (e: HubEvent) => void;
    return { ready: Promise.resolve(), dispose: () => (this.consumer = undefined) };
  }
  trades(list: Trade[]): void {
    this.consumer?.({ type: 'trades', trades: list });
  }
  drop(): void {
    this.consumer?.({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 50 } });
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
  holes(): RecordingHole[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? [...(b.holes ?? [])] : []));
  }
  ids(): string[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? b.rows.map((r: TradeRow) => r.id) : []));
  }
}

/** Records 1–6, a drop, then 14–20 live, with `fillGap` asked for the hole between 6 and 14. */
async function recordAcrossADrop(fillGap: TradeGapFiller, sink: RecordSink = new MemorySink()): Promise<void> {
  const hub = new FakeHub();
  const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap, flushEveryMs: 60_000 }).start();
  hub.trades(range(1, 6));
  hub.drop();
  hub.trades(range(14, 20));
  await rec.gapFilled();
  await rec.close();
}

describe('the holes of a recording', () => {
  it("a reconnect the exchange's REST trades reach only part of: the span they miss is a hole, written once with the trades", async () => {
    const sink = new MemorySink();
    // Bybit gives its newest 1,000 trades: here, those from 10 on.
    await recordAcrossADrop(async (_m, from, until, onMissing) => {
      onMissing(from, ts(10));
      return range(10, 13).filter((t) => t.timestamp < (until ?? Infinity));
    }, sink);
    assert.deepEqual(sink.ids(), [...range(1, 6), ...range(10, 20)].map((t) => t.id));
    assert.deepEqual(sink.holes(), [{ kind: 'trades' as const, from: ts(6), until: ts(10) + 1, reason: "the exchange's REST trades did not reach back this far after a reconnect" }]);
  });

  it('a fill that fails: the whole span between the last trade recorded and the first after the drop is a hole', async () => {
    const sink = new MemorySink();
    await recordAcrossADrop(() => Promise.reject(new Error('HTTP 503')), sink);
    assert.deepEqual(sink.ids(), [...range(1, 6), ...range(14, 20)].map((t) => t.id));
    assert.deepEqual(sink.holes(), [{ kind: 'trades' as const, from: ts(6), until: ts(14) + 1, reason: 'the trades missed during a reconnect could not be fetched (HTTP 503)' }]);
  });

  it('the recorder’s state counts the holes it wrote, with the newest (the REC pill says so)', async () => {
    const sink = new MemorySink();
    const states: RecorderState[] = [];
    const hub = new FakeHub();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: () => Promise.reject(new Error('HTTP 503')), flushEveryMs: 60_000, onState: (s) => states.push(s) }).start();
    hub.trades(range(1, 6));
    hub.drop();
    hub.trades(range(14, 20));
    await rec.gapFilled();
    assert.ok(states.every((s) => s.status !== 'recording' || s.holes === undefined), 'none written yet');
    await rec.close(); // writes what it holds, the hole with it
    const hole = { kind: 'trades' as const, from: ts(6), until: ts(14) + 1, reason: 'the trades missed during a reconnect could not be fetched (HTTP 503)' };
    assert.deepEqual(states.filter((s) => s.status === 'recording').at(-1), { status: 'recording', storedRows: 13, holes: { count: 1, last: hole } });
  });

  it('a fill that comes whole leaves no hole', async () => {
    const sink = new MemorySink();
    await recordAcrossADrop(async (_m, from, until) => range(1, 30).filter((t) => t.timestamp > from && t.timestamp < (until ?? Infinity)), sink);
    assert.deepEqual(sink.ids(), range(1, 20).map((t) => t.id));
    assert.deepEqual(sink.holes(), []);
  });

  it('trades dropped from a full buffer, over several updates, are one hole; it lands with the first batch the store takes', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    // Nothing is written before close (the store behind): the buffer holds 10 rows.
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], flushEveryMs: 60_000, maxBufferedRows: 10 }).start();
    hub.trades(range(1, 8));
    hub.trades(range(9, 12)); // 11 and 12 dropped
    hub.trades(range(13, 15)); // all dropped
    hub.trades(range(16, 16));
    await rec.close();
    assert.deepEqual(sink.ids(), range(1, 10).map((t) => t.id));
    assert.deepEqual(sink.holes(), [{ kind: 'trades' as const, from: ts(11), until: ts(16) + 1, reason: 'trades dropped: the buffer was full while the store was behind' }]);
    assert.equal(sink.batches.filter((b) => b.kind === 'trades' && b.holes).length, 1, 'written once');
  });

  it('a stop while a hole is being filled: the span up to the first trade after the drop is a hole', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], lateTradeMs: 0, fillGap: () => new Promise<never>(() => undefined), flushEveryMs: 60_000 }).start();
    hub.trades(range(1, 6));
    hub.drop();
    hub.trades(range(14, 15));
    await rec.close();
    assert.deepEqual(sink.ids(), [...range(1, 6), ...range(14, 15)].map((t) => t.id));
    assert.deepEqual(sink.holes(), [{ kind: 'trades' as const, from: ts(6), until: ts(14) + 1, reason: "recording stopped while a reconnect's hole was being filled" }]);
  });

  describe('in the embedded store', () => {
    let root: string;
    beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-holes-'))));
    afterEach(() => fs.rm(root, { recursive: true, force: true }));

    /** A trades file of trade `n` alone in its day's partition (returned), its footer's holes entry `holes` as stored. */
    const tradeFile = async (n: number, holes: string): Promise<string> => {
      const dir = partitionDir(root, 'trades', market, dayOf(T0));
      await fs.mkdir(dir, { recursive: true });
      const rows = [{ ts: ts(n), id: String(n), price: 100, amount: 1, side: 'buy' as const, received: ts(n) }];
      await fs.writeFile(path.join(dir, partFileName(ts(n), ts(n))), encodeBatch({ kind: 'trades', market, rows }, [{ key: HOLES_KEY, value: holes }]));
      return dir;
    };

    it('are read back by the source for the span asked, kept by compaction, and a bad stored value is named and ignored', async () => {
      const store = new ParquetStore(root);
      await recordAcrossADrop(() => Promise.reject(new Error('HTTP 503')), store);
      const source = parquetSource(root);
      const hole = { kind: 'trades' as const, from: ts(6), until: ts(14) + 1, reason: 'the trades missed during a reconnect could not be fetched (HTTP 503)' };
      assert.deepEqual(await source.holes(market, T0, T0 + 60_000), [hole]);
      assert.deepEqual(await source.holes(market, ts(14) + 1, T0 + 60_000), [], 'not overlapping the span asked');
      assert.deepEqual(await source.holes(market, ts(13), ts(13) + 1), [hole]);

      const dir = await tradeFile(40, '[[5, 1, "backwards"]]');
      const problems: string[] = [];
      assert.deepEqual(await parquetSource(root).holes(market, T0, T0 + 60_000, (m) => problems.push(m)), [hole]);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /tradesuite\.holes holds \[5,1,"backwards"\], not \[from, until, reason, kind\?\] with from < until and a known kind; ignored/);

      const compacted = await compactPartition(dir, 'trades', market);
      assert.ok(compacted.merged >= 2);
      assert.deepEqual(await parquetSource(root).holes(market, T0, T0 + 60_000), [hole], 'the compacted file keeps the holes of those it replaced');
    });

    it('keep each hole\'s kind through compaction; one stored before holes had a kind (three values) reads as a trade hole, one of a kind not known is named and ignored', async () => {
      const dir = await tradeFile(40, `[[${ts(1)}, ${ts(2)}, "an old hole"]]`);
      await tradeFile(41, encodeHoles([{ kind: 'book', from: ts(3), until: ts(4), reason: 'a book hole' }, { kind: 'tickers', from: ts(5), until: ts(6), reason: 'a ticker hole' }, { kind: 'trades', from: ts(7), until: ts(8), reason: 'a trade hole' }]));
      await tradeFile(42, `[[${ts(9)}, ${ts(10)}, "a future hole", "liquidations"]]`);
      assert.equal(encodeHoles([{ kind: 'book', from: 1, until: 2, reason: 'r' }]), '[[1,2,"r","book"]]', 'the kind is the fourth value, for queries');
      const expected = [
        { kind: 'trades', from: ts(1), until: ts(2), reason: 'an old hole' },
        { kind: 'book', from: ts(3), until: ts(4), reason: 'a book hole' },
        { kind: 'tickers', from: ts(5), until: ts(6), reason: 'a ticker hole' },
        { kind: 'trades', from: ts(7), until: ts(8), reason: 'a trade hole' },
      ];
      const problems: string[] = [];
      assert.deepEqual(await parquetSource(root).holes(market, T0, T0 + 60_000, (m) => problems.push(m)), expected);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /holds \[\d+,\d+,"a future hole","liquidations"\], not \[from, until, reason, kind\?\] with from < until and a known kind; ignored/);
      await compactPartition(dir, 'trades', market);
      assert.deepEqual(await parquetSource(root).holes(market, T0, T0 + 60_000), expected, 'the compacted file keeps them, kinds and all');
    });

    it('the read ends when its signal is aborted (the Open Replay box dismissed): before it starts, or between two files', async () => {
      await tradeFile(40, '[[5, 1, "backwards"]]'); // named through onProblem as it is read
      await tradeFile(50, `[[${ts(45)}, ${ts(48)}, "test"]]`);
      assert.equal((await parquetSource(root).holes(market, T0, T0 + 60_000)).length, 1, 'unaborted: both files read');

      const before = new AbortController();
      before.abort();
      await assert.rejects(parquetSource(root).holes(market, T0, T0 + 60_000, undefined, before.signal), { name: 'AbortError' });

      const between = new AbortController();
      const problems: string[] = [];
      const read = parquetSource(root).holes(market, T0, T0 + 60_000, (m) => {
        problems.push(m);
        between.abort(); // the box goes while the first file's footer is read
      }, between.signal);
      await assert.rejects(read, { name: 'AbortError' });
      assert.equal(problems.length, 1, 'the second file was not read');
    });

    it('a hole no trade came after is written on its own, in a file without rows that the readers read as empty', async () => {
      const store = new ParquetStore(root);
      const hub = new FakeHub();
      const rec = new MarketRecorder({ hub, sink: store, market, kinds: ['trades'], lateTradeMs: 0, fillGap: () => Promise.reject(new Error('HTTP 503')), flushEveryMs: 60_000, clock: { now: () => ts(30) } }).start();
      hub.trades(range(1, 6));
      hub.drop(); // live again with no trade: the fill is asked at once, with no end, and fails
      await rec.gapFilled();
      await rec.close();
      const source = parquetSource(root);
      // Stopped with no trade since: what the exchange made until the stop is unknown, so the hole reaches the stop.
      assert.deepEqual(await source.holes(market, T0, T0 + 60_000), [{ kind: 'trades' as const, from: ts(6), until: ts(30), reason: 'the trades missed during a reconnect could not be fetched (HTTP 503)' }]);
      const problems: string[] = [];
      const onProblem = (m: string) => problems.push(m);
      let rows = 0;
      for await (const e of readEvents(source, { market, from: T0, until: T0 + 60_000, onProblem })) if (e.kind === 'trades') rows++;
      let columns = 0;
      for await (const day of source.readDays({ market, from: T0, until: T0 + 60_000, kinds: ['trades'], onProblem })) columns += day.trades.length;
      assert.deepEqual([rows, columns, problems], [6, 6, []]);
    });

    it("a replay's monthly bar is partial for a hole on its month's 31st day: a month ends with the calendar's, not 30 days on", async () => {
      const jan = Date.UTC(2026, 0, 1);
      const feb2 = Date.UTC(2026, 1, 2);
      const hole = { kind: 'trades' as const, from: Date.UTC(2026, 0, 31, 12), until: Date.UTC(2026, 0, 31, 13), reason: 'test' };
      const trades: Trade[] = [{ id: 'a', timestamp: jan + 1000, price: 1, amount: 1, side: 'buy' }, { id: 'b', timestamp: feb2, price: 2, amount: 1, side: 'sell' }];
      const replay = await RecordedReplay.start(market, trades, jan + 1000, 200, [], [hole]);
      try {
        await replay.session.seek(feb2 + 1);
        const bars = await replay.hub.candlesBetween({ exchange: replay.id, symbol: market.symbol }, '1M', jan, feb2 + 1);
        const january = bars.find((b) => b.time === jan);
        assert.deepEqual([january?.partial, january?.partialSince], [true, hole.from], 'January holds the hole of its 31st day');
      } finally {
        await replay.close();
      }
    });

    it("a replay's bars that a hole touches are partial, from the hole's start inside the bar; the others are whole", async () => {
      const trades = [...range(1, 50), ...range(130, 200)];
      const replay = await RecordedReplay.start(market, trades, ts(1), 200, [], [{ kind: 'trades' as const, from: ts(50), until: ts(130), reason: 'test' }]);
      try {
        await replay.session.seek(ts(200) + 1);
        const bars = await replay.hub.candlesBetween({ exchange: replay.id, symbol: market.symbol }, '1m', T0, ts(200) + 1);
        // Bars of 60 s from T0: the hole [50 s, 130 s) starts inside the first, covers the second (flat: no trade)
        // and the start of the third.
        const marks = bars.map((b) => [b.time - T0, b.partial === true, b.partialSince === undefined ? null : b.partialSince - T0]);
        assert.deepEqual(marks, [[0, true, 50_000], [60_000, true, null], [120_000, true, null], [180_000, false, null]]);
      } finally {
        await replay.close();
      }
    });
  });

  it('markHoles: each bar a hole overlaps, from its start when inside the bar; holes in any order of length', () => {
    const bar = (t: number) => ({ time: t, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    const holes = [
      { kind: 'trades' as const, from: 50, until: 500, reason: 'long' },
      { kind: 'trades' as const, from: 120, until: 130, reason: 'short' },
      { kind: 'trades' as const, from: 710, until: 720, reason: 'late' },
    ];
    const out = markHoles([0, 100, 500, 600, 700, 800].map(bar), (t) => t + 100, holes);
    assert.deepEqual(out.map((b) => (b.partial ? [b.time, b.partialSince ?? null] : b.time)), [[0, 50], [100, null], 500, 600, [700, 710], 800]);
  });

});
