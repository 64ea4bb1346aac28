/**
 * A recording that goes on after the app reloads (a clean stop) or crashes (no stop at all), on the same store: the
 * new session reads where the store ends, so no trade is stored twice and the time between is filled from REST or
 * stored as a hole a replay shows.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber, type TradeGapFiller } from '../../../src/core/record/marketRecorder';
import { encodeBatch, ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded } from '../../../src/core/record/recordReader';
import type { RecordSink } from '../../../src/core/record/recordSink';
import { parquetSource } from '../../../src/core/record/recordSource';
import { parquetStoredTail, type StoredTail, type StoredTailReader } from '../../../src/core/record/storedTail';
import type { RecordBatch, RecordingHole } from '../../../src/core/record/recordTypes';
import { footerKeyValues, partitionFiles } from '../../../src/core/record/partitionFiles';
import { decodeHoles, HOLES_KEY, holesStoredSince } from '../../../src/core/record/storedHoles';
import { dayOf, partitionDir } from '../../../src/core/record/storeLayout';
import { NOT_RECORDING, noTradeBeforeStop } from '../../../src/core/record/holeReasons';
import type { Trade } from '../../../src/core/types';

const market = { exchange: 'coinbase', symbol: 'BTC/USD' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + n, amount: 1, side: n % 2 ? 'buy' : 'sell' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));
const ids = (trades: readonly { readonly id: string }[]): string[] => trades.map((t) => t.id);

class FakeHub implements HubSubscriber {
  private consumer: ((e: HubEvent) => void) | undefined;
  subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const c = consumer as (e: HubEvent) => void;
    this.consumer = c;
    return { ready: Promise.resolve(), dispose: () => void (this.consumer === c && (this.consumer = undefined)) };
  }
  trades(list: Trade[]): void {
    this.consumer?.({ type: 'trades', trades: list });
  }
  live(): void {
    this.consumer?.({ type: 'state', state: { status: 'live', since: 0 } });
  }
}

/** The store as a process sees it: a crash ends its writes (what it had not written is lost). */
class KillableStore implements RecordSink {
  readonly name: string;
  private readonly store: ParquetStore;
  private dead = false;
  constructor(root: string) {
    this.store = new ParquetStore(root);
    this.name = this.store.name;
  }
  async write(batch: RecordBatch): Promise<void> {
    if (this.dead) throw new Error('the process is gone');
    await this.store.write(batch);
  }
  kill(): void {
    this.dead = true;
  }
  close(): Promise<void> {
    return this.store.close();
  }
}

/** The holes as stored, file by file (not merged as the readers merge them: as a query over the footers sees them). */
async function storedHoleRows(root: string): Promise<RecordingHole[]> {
  const dir = partitionDir(root, 'trades', market, dayOf(T0));
  const out: RecordingHole[] = [];
  for (const f of (await partitionFiles(dir)).files) out.push(...decodeHoles((await footerKeyValues(path.join(dir, f.name))).get(HOLES_KEY), f.name));
  return out.sort((a, b) => a.from - b.from || a.until - b.until);
}

async function storedTrades(root: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readRecorded(root, { market, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'] })) if (e.kind === 'trades') out.push(e.row.id);
  return out;
}

describe('a recording resumed on the same store (a reload, a crash)', function () {
  this.timeout(20_000);
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-resume-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  /** The exchange's trades so far, REST over them (or failing), and our clock. */
  function exchange() {
    const log: Trade[] = [];
    const asked: Array<[number, number | undefined]> = [];
    let failing = false;
    const fillGap: TradeGapFiller = async (_m, from, until) => {
      asked.push([from - T0, until === undefined ? undefined : until - T0]);
      if (failing) throw new Error('HTTP 503');
      return log.filter((t) => t.timestamp >= from && t.timestamp < (until ?? Number.POSITIVE_INFINITY));
    };
    return { log, asked, fillGap, fail: () => (failing = true) };
  }

  const recorder = (hub: FakeHub, sink: RecordSink, fillGap: TradeGapFiller, now: number, maxBatchRows = 1000) =>
    new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap, storedTail: parquetStoredTail(root), lateTradeMs: 3000, flushEveryMs: 60_000, maxBatchRows, clock: { now: () => now } }).start();

  it('after a reload, the stream’s snapshot of its last trades (Coinbase’s) holds stored ones: they are not stored again', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    ex.log.push(...range(1, 10));
    hub.trades(range(1, 10));
    await first.close(); // the window reloads
    ex.log.push(...range(11, 16)); // meanwhile
    const second = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 17_000);
    hub.trades(range(8, 16));
    await second.gapFilled();
    await second.close();
    assert.deepEqual(await storedTrades(root), ids(range(1, 16)), 'each once');
  });

  it('after a reload, the stream resuming with new trades only (Binance): those missed meanwhile are fetched from where the store ends', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    ex.log.push(...range(1, 10));
    hub.trades(range(1, 10));
    await first.close();
    ex.log.push(...range(11, 16));
    const second = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 17_000);
    hub.trades(range(15, 16));
    await second.gapFilled();
    await second.close();
    assert.deepEqual(ex.asked, [[7000, undefined]], 'from LATE_TRADE_MS before the last stored trade, with no end: no trade came LATE_TRADE_MS past the first new one to say where this recording has every trade from');
    assert.deepEqual(await storedTrades(root), ids(range(1, 16)), 'each once, none lacking');
  });

  it('after a crash (no stop: what was not written is lost): the lost trades are fetched again, none stored twice', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const sink = new KillableStore(root);
    let stored: () => void = () => undefined;
    const eightStored = new Promise<void>((resolve) => (stored = resolve));
    const crashed = new MarketRecorder({ hub, sink, market, kinds: ['trades'], fillGap: ex.fillGap, storedTail: parquetStoredTail(root), lateTradeMs: 3000, flushEveryMs: 60_000, maxBatchRows: 4, clock: { now: () => T0 + 10_000 }, onState: (s) => s.status === 'recording' && s.storedRows >= 8 && stored() }).start();
    ex.log.push(...range(1, 10));
    hub.trades(range(1, 4));
    hub.trades(range(5, 8));
    await eightStored; // batches of 4
    hub.trades(range(9, 10)); // held for the next write when it dies
    sink.kill();
    hub.trades([]); // its subscription is gone with the process
    assert.deepEqual(await storedTrades(root), ids(range(1, 8)));
    const hub2 = new FakeHub();
    ex.log.push(...range(11, 14));
    const second = recorder(hub2, new ParquetStore(root), ex.fillGap, T0 + 15_000);
    hub2.live();
    hub2.trades([trade(14)]);
    await second.gapFilled();
    await second.close();
    await crashed.close(); // the test's own cleanup: its writes fail, as a dead process's would
    assert.deepEqual(await storedTrades(root), ids(range(1, 14)));
  });

  it('the fill fails: the time between is a hole the replay reads, from LATE_TRADE_MS before the last stored trade through the first new one', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    ex.log.push(...range(1, 6));
    hub.trades(range(1, 6));
    await first.close();
    ex.fail();
    const second = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 12_000);
    hub.trades([trade(12)]);
    await second.gapFilled();
    await second.close();
    assert.deepEqual(await storedTrades(root), ['1', '2', '3', '4', '5', '6', '12']);
    const holes = await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(holes.map((h) => [h.from - T0, h.until - T0]), [[3000, 12_001]]);
  });

  it('two reloads in a row, each stopped before the time since the store\'s end was fetched: the second stores only the part of its hole past the first\'s, no overlap for a query to count twice (before: [3 s, 20 s) over [3 s, 10 s))', async () => {
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), exchange().fillGap, T0 + 7_000);
    hub.trades(range(1, 6));
    await first.close();
    // Each run stops (a window reload) before the time since the store's last trade (6 s) is fetched.
    for (const now of [T0 + 10_000, T0 + 20_000]) await recorder(hub, new ParquetStore(root), exchange().fillGap, now).close();
    const reason = 'not recording (TradeSuite closed): recording stopped again before the trades of that time were fetched';
    assert.deepEqual((await storedHoleRows(root)).map((h) => [h.from - T0, h.until - T0, h.reason]), [
      [3000, 10_000, reason],
      [10_000, 20_000, reason],
    ]);
    assert.deepEqual((await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER)).map((h) => [h.from - T0, h.until - T0]), [[3000, 20_000]], 'read as one');
  });

  it('a recording that ended more than 5 minutes ago is not fetched, but the time since is a hole named for the closed app; its last trades sent again are still not stored twice', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    const second = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 30 * 60_000);
    hub.trades([trade(5), trade(6), trade(1000)]);
    await second.gapFilled();
    await second.close();
    assert.deepEqual(ex.asked, [], 'nothing fetched');
    assert.deepEqual(await storedTrades(root), ['1', '2', '3', '4', '5', '6', '1000']);
    const holes = await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER);
    // No trade came LATE_TRADE_MS past the first new one before the stop: the stream was heard from that one on, so
    // the hole ends LATE_TRADE_MS past it (it reached the stop, a quiet market's half hour kept as not recorded).
    assert.deepEqual(holes.map((h) => [h.from - T0, h.until - T0, h.reason]), [[3000, 1_003_001, NOT_RECORDING]], 'from LATE_TRADE_MS before the stored end through LATE_TRADE_MS past the first new trade');
  });

  it('a stop, and a start 2 hours later (past the tail\'s hour, only its end\'s time is read): the time between is one hole named for the closed app, from the stored end to the first new trade; the stream\'s repeats are not stored', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    const later = T0 + 2 * 3_600_000;
    const second = recorder(hub, new ParquetStore(root), ex.fillGap, later);
    hub.trades([trade(4), trade(6), trade(7200), trade(7201)]);
    await second.gapFilled();
    await second.close();
    assert.deepEqual(ex.asked, [], 'nothing fetched: it may be days');
    assert.deepEqual(await storedTrades(root), ['1', '2', '3', '4', '5', '6', '7200', '7201']);
    const holes = await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(holes.map((h) => [h.from - T0, h.until - T0, h.reason]), [[6000, 7_201_001, NOT_RECORDING]]);
    assert.match(NOT_RECORDING, /not recording \(TradeSuite closed\)/);
  });

  it('a start 2 hours after a stop whose stream first sends more repeats of stored trades than are held: none waits (nothing is fetched), the first new trade ends the hole, every new one stored', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    const second = new MarketRecorder({ hub, sink: new ParquetStore(root), market, kinds: ['trades'], fillGap: ex.fillGap, storedTail: parquetStoredTail(root), lateTradeMs: 3000, flushEveryMs: 60_000, maxHeldTrades: 2, clock: { now: () => T0 + 2 * 3_600_000 } }).start();
    await second.gapFilled(); // the store's end is read: what comes now is not held for it
    hub.trades(range(2, 6));
    hub.trades(range(7200, 7204));
    await second.gapFilled();
    await second.close();
    assert.deepEqual(ex.asked, []);
    assert.deepEqual(await storedTrades(root), ids([...range(1, 6), ...range(7200, 7204)]));
    const holes = await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(holes.map((h) => [h.from - T0, h.until - T0, h.reason]), [[6000, 7_203_001, NOT_RECORDING]], 'through LATE_TRADE_MS past the first new trade');
  });

  it('a start 2 hours after a stop, stopped again before any trade: the hole reaches the stop (the exchange\'s time), named for the closed app and saying no new trade came', async () => {
    const ex = exchange();
    const hub = new FakeHub();
    const first = recorder(hub, new ParquetStore(root), ex.fillGap, T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    const later = T0 + 2 * 3_600_000;
    const second = recorder(hub, new ParquetStore(root), ex.fillGap, later);
    hub.live();
    await second.gapFilled();
    await second.close();
    assert.deepEqual(ex.asked, []);
    const holes = await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(holes.map((h) => [h.from - T0, h.until - T0, h.reason]), [[6000, later - T0, noTradeBeforeStop(NOT_RECORDING)]]);
  });

  it('the store\'s tail of a recording that ended before the horizon: its end\'s time only, from its files\' names and footers (hole-only files after it skipped)', async () => {
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market, rows: range(1, 3).map((t) => ({ ts: t.timestamp, id: t.id, price: t.price, amount: t.amount, side: t.side, received: t.timestamp })) });
    await store.write({ kind: 'trades', market, rows: [], holes: [{ kind: 'trades' as const, from: T0 + 3001, until: T0 + 9000, reason: 'a stop' }] });
    await store.close();
    const tail = await parquetStoredTail(root)(market, { withinMs: 3000, notBefore: T0 + 60_000, onProblem: (m) => assert.fail(m) });
    assert.deepEqual(tail, { last: T0 + 3000, from: T0 + 3001, trades: [], holes: [{ kind: 'trades', from: T0 + 3001, until: T0 + 9000, reason: 'a stop' }] }, 'with the holes stored after its end (a new hole from there is clipped against them)');
    const recent = await parquetStoredTail(root)(market, { withinMs: 1000, notBefore: 0, onProblem: (m) => assert.fail(m) });
    assert.deepEqual(recent && ids(recent.trades), ['2', '3'], 'within the horizon: its trades as before');
  });

  it('the store\'s tail gives the holes stored that end after its start, read only from the files whose names reach it (a day holds thousands), whatever their modification times', async () => {
    const store = new ParquetStore(root);
    const hole = (from: number, until: number, reason: string) => ({ kind: 'trades' as const, from: T0 + from, until: T0 + until, reason });
    await store.write({ kind: 'trades', market, rows: [], holes: [hole(1000, 1900, 'ends before the tail')] });
    await store.write({ kind: 'trades', market, rows: range(1, 3).map((t) => ({ ts: t.timestamp, id: t.id, price: t.price, amount: t.amount, side: t.side, received: t.timestamp })), holes: [hole(1500, 2600, 'ends in the tail')] });
    await store.write({ kind: 'trades', market, rows: [], holes: [hole(3001, 9000, 'after the end')] });
    await store.close();
    const read = () => parquetStoredTail(root)(market, { withinMs: 1000, notBefore: 0, onProblem: (m) => assert.fail(m) });
    assert.deepEqual((await read())?.holes.map((h) => h.reason), ['ends in the tail', 'after the end'], 'from the tail\'s start (2 s) on');
    // Modification times say nothing: files copied with their times kept, or touched, an hour before the tail.
    const dir = partitionDir(root, 'trades', market, dayOf(T0));
    const long = (T0 - 3_600_000) / 1000;
    for (const f of (await partitionFiles(dir)).files) await fs.utimes(path.join(dir, f.name), long, long);
    assert.deepEqual((await read())?.holes.map((h) => h.reason), ['ends in the tail', 'after the end'], 'found by their names');
    // A file whose name ends long before the tail's start is not opened (no writer puts a later hole in it: this one lies).
    await fs.writeFile(path.join(dir, `${T0 - 3_600_000}-${T0 - 3_599_000}-1-1.parquet`), encodeBatch({ kind: 'trades', market, rows: [], holes: [hole(2500, 2700, 'in a file named an hour before')] }));
    assert.deepEqual((await read())?.holes.map((h) => h.reason), ['ends in the tail', 'after the end']);
  });

  it('a hole ending after the rows it was written with (rows dropped while the store was behind) is found by the name of its file, which reaches through it', async () => {
    const store = new ParquetStore(root);
    const rows = range(1, 3).map((t) => ({ ts: t.timestamp, id: t.id, price: t.price, amount: t.amount, side: t.side, received: t.timestamp }));
    const dropped = { kind: 'book' as const, from: T0 + 2000, until: T0 + 3_600_000, reason: 'order book rows dropped' };
    await store.write({ kind: 'trades', market, rows, holes: [dropped] });
    await store.close();
    const dir = partitionDir(root, 'trades', market, dayOf(T0));
    const [file] = (await partitionFiles(dir)).files;
    const long = (T0 - 86_400_000) / 1000;
    await fs.utimes(path.join(dir, file?.name ?? ''), long, long); // its modification time a day before
    assert.deepEqual(await holesStoredSince(root, market, T0 + 1_800_000), [dropped]);
    assert.deepEqual(file && [file.first - T0, file.last - T0], [1000, 3_599_999], 'its name: its first row to its hole\'s last millisecond');
    // Where the recording ends is its newest trade, not its name's end (the file's footer, or its rows).
    for (const notBefore of [0, T0 + 86_400_000]) {
      const tail = await parquetStoredTail(root)(market, { withinMs: 1000, notBefore, onProblem: (m) => assert.fail(m) });
      assert.equal(tail?.last, T0 + 3000, `notBefore ${notBefore}`);
    }
  });

  it('the store\'s end is the newest trade of all files whose names reach past the newest found: a file named through a hole is not the last word', async () => {
    const store = new ParquetStore(root);
    const rows = (from: number, to: number) => range(from, to).map((t) => ({ ts: t.timestamp, id: t.id, price: t.price, amount: t.amount, side: t.side, received: t.timestamp }));
    await store.write({ kind: 'trades', market, rows: rows(1, 3), holes: [{ kind: 'tickers', from: T0 + 2000, until: T0 + 60_000, reason: 'ticker rows dropped' }] });
    await store.write({ kind: 'trades', market, rows: rows(4, 8) });
    await store.close();
    for (const notBefore of [0, T0 + 86_400_000]) {
      const tail = await parquetStoredTail(root)(market, { withinMs: 1000, notBefore, onProblem: (m) => assert.fail(m) });
      assert.equal(tail?.last, T0 + 8000, `notBefore ${notBefore}`);
    }
  });

  it('the store’s tail: none where the market was never recorded; a store that cannot be read rejects instead of passing for an empty one', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tail-'));
    try {
      const request = { withinMs: 3000, notBefore: 0, onProblem: () => undefined };
      assert.equal(await parquetStoredTail(root)(market, request), undefined);
      // Where the market's folder should be, a file: its listing fails with ENOTDIR.
      const dir = path.join(root, 'trades', `exchange=${market.exchange}`);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, `symbol=${encodeURIComponent(market.symbol)}`), 'not a folder');
      await assert.rejects(parquetStoredTail(root)(market, request), /ENOTDIR/);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('stopped while the store’s tail is read: the trades that came meanwhile wait for it, then are stored, those it holds not again', async () => {
    const hub = new FakeHub();
    const batches: RecordBatch[] = [];
    const sink: RecordSink = { name: 'memory', write: async (b) => void batches.push(b), close: async () => undefined };
    let answer: (tail: StoredTail) => void = () => assert.fail('the tail was not asked');
    const storedTail: StoredTailReader = () => new Promise((resolve) => (answer = resolve));
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], storedTail, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => T0 + 10_000 } }).start();
    hub.trades(range(5, 7));
    const closed = rec.close();
    answer({ last: T0 + 6000, from: T0 + 3000, trades: range(3, 6), holes: [] });
    await closed;
    assert.deepEqual(batches.flatMap((b) => (b.kind === 'trades' ? ids(b.rows) : [])), ['7']);
    assert.equal(rec.state.status, 'stopped');
  });
});
