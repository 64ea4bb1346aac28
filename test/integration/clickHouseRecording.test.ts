/**
 * Recording into ClickHouse (issue 16): minutes of the emulator through the real ccxt into a real clickhouse-server
 * started by the test, with a dropped exchange connection and the server stopped mid-run; then the recording played
 * back from ClickHouse through a hub, as a market of its own.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { MarketHub } from '../../src/core/hub/marketHub';
import { ClickHouseSink } from '../../src/core/record/clickHouseSink';
import { ClickHouseSource } from '../../src/core/record/clickHouseSource';
import { MarketRecorder } from '../../src/core/record/marketRecorder';
import { readEvents } from '../../src/core/record/recordSource';
import type { TradeRow } from '../../src/core/record/recordTypes';
import type { RecorderState } from '../../src/core/record/recorderState';
import { replayId } from '../../src/core/replay/replayId';
import { ReplayRegistry } from '../../src/core/replay/replayRegistry';
import { bucketStart, nextBucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { CH_PASSWORD, CH_USER, ClickHouseServer } from '../helpers/clickHouseServer';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const SPEED = 8; // emulator time runs 8× wall time
const RETRY = { baseMs: 100, maxMs: 400, factor: 2, jitter: 0 };
type Candles = Extract<SubscriptionRequest, { kind: 'candles' }>;
type Trades = Extract<SubscriptionRequest, { kind: 'trades' }>;

/** The recorder's states as they come, and a wait for the next one matching. */
class States {
  readonly all: RecorderState[] = [];
  private waiters: Array<{ pred: (s: RecorderState) => boolean; resolve: (s: RecorderState) => void }> = [];
  readonly push = (s: RecorderState): void => {
    this.all.push(s);
    for (const w of [...this.waiters]) if (w.pred(s)) (this.waiters.splice(this.waiters.indexOf(w), 1), w.resolve(s));
  };
  /** A wait that does not end says what it waited for and the last states (the test's own timeout would say neither). */
  next(pred: (s: RecorderState) => boolean, what: string, timeoutMs = 60_000): Promise<RecorderState> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the recorder to be ${what}; its last states: ${JSON.stringify(this.all.slice(-3))}`));
      }, timeoutMs);
      const waiter = { pred, resolve: (s: RecorderState) => (clearTimeout(timer), resolve(s)) };
      this.waiters.push(waiter);
    });
  }
}

describe('recording into ClickHouse and replaying from it (real clickhouse-server, real ccxt, emulator)', function () {
  this.timeout(180_000);
  let server: ClickHouseServer | undefined;
  let rig: Rig | undefined;
  let replayHub: MarketHub | undefined;
  let replays: ReplayRegistry | undefined;
  afterEach(async () => {
    await replayHub?.close();
    await replays?.closeAll();
    await rig?.close();
    await server?.stop();
    rig = undefined;
    replayHub = undefined;
    server = undefined;
  });

  it('minutes at 500 trades/s with a dropped connection and the server stopped mid-run: the recorder buffers within its bound, says `behind`, catches up; stored trades = ground truth; the replay from ClickHouse gives the live bars', async () => {
    server = await ClickHouseServer.start();
    const conn = { url: server.url, database: 'market', user: CH_USER, password: CH_PASSWORD, timeoutMs: 5000 };
    const begin = Date.now();
    const emuTime = () => begin + (Date.now() - begin) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 500, historyMinutes: 5, now: emuTime });
    const r = rig;
    const sink = new ClickHouseSink(conn, r.log);
    const states = new States();
    const BOUND = 200_000;
    const rec = new MarketRecorder({ hub: r.hub, sink, market: BTC, fillGap: (m, from, until) => r.hub.tradesBetween(m, from, until), flushEveryMs: 250, maxBufferedRows: BOUND, retry: RETRY, log: r.log, onState: states.push }).start();
    const live = new Recorder<Candles>();
    const trades = new Recorder<Trades>();
    const subs = [r.hub.subscribe({ kind: 'candles', ...BTC, timeframe: '1m' }, live.consume), r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume)];
    await live.next((e) => e.type === 'snapshot', 'the live snapshot', 60_000); // history over REST first: slow on a loaded machine
    const recordFrom = emuTime();
    const until = async (ms: number) => {
      const target = emuTime() + ms;
      while (emuTime() < target) await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 10_000);
    };
    await states.next((s) => s.status === 'recording' && s.storedRows > 0, 'recording, rows stored');
    await until(60_000);

    // The exchange drops the connection: the recorder fills the hole from REST.
    const reconnecting = trades.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    r.emulator.dropConnections();
    await reconnecting;
    await trades.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);

    // The store goes away: rows are kept within the bound, the state says so, writes are retried.
    await server.pause();
    const behind = await states.next((s) => s.status === 'behind', 'behind (the server paused)');
    await until(60_000);
    const stillBehind = await states.next((s) => s.status === 'behind' && s.buffered > 1000, 'behind with over 1000 rows buffered');
    assert.ok(stillBehind.status === 'behind' && stillBehind.buffered <= BOUND, `buffered within the bound: ${JSON.stringify(stillBehind)}`);
    assert.ok(behind.status === 'behind' && /did not answer/.test(behind.reason), `the reason names the store: ${JSON.stringify(behind)}`);
    await server.resume();
    const caughtUp = await states.next((s) => s.status === 'recording', 'recording again (the server resumed)');
    assert.equal(caughtUp.status, 'recording');
    // Run on until three whole minutes after the first recorded one have traded, whatever second the recording began on.
    const threeWholeMinutes = nextBucketStart('1m', recordFrom + 1_000) + 3 * 60_000 + 1_000;
    await until(Math.max(30_000, threeWholeMinutes - emuTime()));

    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades('BTC/USDT').at(-1)!;
    const lastId = r.emulator.wireTradeId('BTC/USDT', last);
    await live.next((e) => e.type === 'deltas' && e.dataTime === last.timestamp, 'the last trade in the live bars', 30_000);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade');
    await rec.gapFilled();
    await rec.close();
    await sink.close();
    for (const s of subs) s.dispose();
    assert.equal(rec.state.status, 'stopped');
    assert.ok(!states.all.some((s) => s.status === 'dropping'), 'nothing dropped');
    assert.ok(r.log.lines.some((l) => /clickhouse .* failed a write/.test(l)) && r.log.lines.some((l) => /writes again after/.test(l)), 'the outage and the recovery are logged');

    // The stored trades are the log from the first one recorded: no loss, no duplicate, in order.
    const source = new ClickHouseSource(conn);
    const problems: string[] = [];
    const stored: TradeRow[] = [];
    for await (const e of readEvents(source, { market: BTC, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'], onProblem: (m) => problems.push(m) })) if (e.kind === 'trades') stored.push(e.row);
    assert.deepEqual(problems, []);
    const truth = r.emulator.trades('BTC/USDT').map((t) => ({ id: r.emulator.wireTradeId('BTC/USDT', t), ts: t.timestamp, price: t.price, amount: t.amount, side: t.side }));
    const first = truth.findIndex((t) => t.id === stored[0]!.id);
    assert.ok(first >= 0, 'the first stored trade is in the log');
    const expected = truth.slice(first);
    assert.ok(expected.length > 5000, `minutes of market (${expected.length} trades)`);
    assert.equal(new Set(stored.map((t) => t.id)).size, stored.length, 'no duplicate');
    assert.equal(stored.length, expected.length, 'no loss');
    assert.deepEqual(stored.map((t) => ({ id: t.id, ts: t.ts, price: t.price, amount: t.amount, side: t.side })), expected);

    // Replayed from ClickHouse at 100× through a hub: the bars equal the ground truth and the live ones.
    const firstRecorded = r.emulator.trades('BTC/USDT').find((t) => t.timestamp >= recordFrom)!;
    const start = nextBucketStart('1m', firstRecorded.timestamp) + 60_000;
    const id = replayId({ market: BTC, start });
    replays = new ReplayRegistry(r.registry, { source: () => source, log: r.log });
    replayHub = new MarketHub({ clients: replays, log: r.log });
    const handle = await replays.open(id);
    const replayed = new Recorder<Candles>();
    const sub = replayHub.subscribe({ kind: 'candles', exchange: id, symbol: BTC.symbol, timeframe: '1m' }, replayed.consume);
    await replayed.next((e) => e.type === 'snapshot', 'the replay snapshot');
    const ended = new Promise<void>((resolve) => handle.session.onDidChange((s) => s.status === 'ended' && resolve()));
    handle.session.play(100);
    await ended;
    await replayed.next((e) => e.type === 'deltas' && e.dataTime === last.timestamp, 'the last trade replayed', 30_000);
    const from = nextBucketStart('1m', firstRecorded.timestamp);
    const to = bucketStart('1m', last.timestamp);
    const span = (bars: readonly Candle[]) => bars.filter((c) => c.time >= from && c.time <= to).map(roundCandle);
    const truthBars = span(referenceCandles(r.emulator.trades('BTC/USDT'), '1m'));
    assert.ok(truthBars.length >= 3 && truthBars.some((c) => c.time >= start), `minutes compared: ${truthBars.length}`);
    assert.deepEqual(span(replayed.candles), truthBars, 'replayed bars = ground truth');
    assert.deepEqual(span(replayed.candles), span(live.candles), 'replayed bars = the live bars');
    sub.dispose();
    handle.dispose();
    await replayHub.whenStreamsIdle();
    assert.deepEqual(replayHub.activeStreams(), []);
  });

  it('the server away longer than the buffer holds: `dropping` with the count, then `recording` again; exactly that many trades are missing', async () => {
    server = await ClickHouseServer.start();
    const conn = { url: server.url, database: 'market', timeoutMs: 5000 };
    const begin = Date.now();
    const emuTime = () => begin + (Date.now() - begin) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 500, historyMinutes: 5, now: emuTime });
    const r = rig;
    const sink = new ClickHouseSink(conn, r.log);
    const states = new States();
    const BOUND = 2000;
    const rec = new MarketRecorder({ hub: r.hub, sink, market: BTC, kinds: ['trades'], flushEveryMs: 250, maxBufferedRows: BOUND, retry: RETRY, log: r.log, onState: states.push }).start();
    const trades = new Recorder<Trades>();
    const sub = r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume);
    await states.next((s) => s.status === 'recording' && s.storedRows > 0, 'recording, rows stored');
    await server.pause();
    const dropping = await states.next((s) => s.status === 'dropping', 'dropping (the buffer full)');
    assert.match(dropping.status === 'dropping' ? dropping.reason : '', /buffer is full \(2000 rows\)/);
    await trades.upcoming((e) => e.type === 'trades', 'more trades while full');
    await server.resume();
    await states.next((s) => s.status === 'recording', 'recording again (the server resumed)');
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades('BTC/USDT').at(-1)!;
    const lastId = r.emulator.wireTradeId('BTC/USDT', last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade');
    sub.dispose();
    await rec.close();
    await sink.close();
    // Each spell of `dropping` counts from its start; a slow store (under load) can fill the buffer again after the
    // resume, so every spell's last count is summed.
    const spells = states.all.flatMap((s, i) => (s.status === 'dropping' && states.all[i + 1]?.status !== 'dropping' ? [s.dropped] : []));
    const dropped = spells.reduce((a, b) => a + b, 0);

    const stored = new Set<string>();
    for await (const e of readEvents(new ClickHouseSource(conn), { market: BTC, from: 0, until: Number.MAX_SAFE_INTEGER })) if (e.kind === 'trades') stored.add(e.row.id);
    const ids = r.emulator.trades('BTC/USDT').map((t) => r.emulator.wireTradeId('BTC/USDT', t));
    const first = ids.findIndex((id) => stored.has(id));
    const missing = ids.slice(first).filter((id) => !stored.has(id)).length;
    assert.ok(dropped > 0, 'some were dropped');
    assert.equal(missing, dropped, `the states counted every trade not stored, and only those (spells of dropping: ${spells.join(', ')})`);
    for (const n of spells) assert.ok(r.log.lines.some((l) => l.includes(`: ${n} rows were dropped`)), `the loss is logged with its count (${n} of the spells ${spells.join(', ')})`);
    // And kept with the recording: every trade missing lies in a hole, which a replay marks.
    const holes = await new ClickHouseSource(conn).holes(BTC, 0, Number.MAX_SAFE_INTEGER);
    assert.ok(holes.length >= 1 && holes.every((h) => h.reason === 'trades dropped: the buffer was full while the store was behind'), JSON.stringify(holes));
    assert.ok(holes.every((h, i) => i === 0 || h.from > holes[i - 1]!.until), `apart: a hole stored again, longer, is read as one: ${JSON.stringify(holes)}`);
    const lost = r.emulator.trades('BTC/USDT').filter((_, i) => i >= first && !stored.has(ids[i]!));
    assert.deepEqual(lost.filter((t) => !holes.some((h) => h.from <= t.timestamp && t.timestamp < h.until)).map((t) => t.timestamp), [], 'no missing trade outside the holes');
  });
});
