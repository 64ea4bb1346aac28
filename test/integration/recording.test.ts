import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { BookReplica } from '../../src/core/record/bookReplica';
import { MarketRecorder, type HubSubscriber } from '../../src/core/record/marketRecorder';
import { ParquetStore } from '../../src/core/record/parquetStore';
import { readRecorded } from '../../src/core/record/recordReader';
import type { BookRow, TradeRow } from '../../src/core/record/recordTypes';
import type { RecorderState } from '../../src/core/record/recorderState';
import type { OrderBook } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const SPEED = 8; // emulator time runs 8× wall time: about 25 s of test are minutes of market

describe('recording round trip against the emulator (real ccxt)', function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-recording-'))));
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
    await fs.rm(root, { recursive: true, force: true });
  });

  it('minutes of market at 500 trades/s (wall time) with a dropped connection: stored trades equal the ground truth, the stored book equals every book served at every update', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 500, historyMinutes: 5, now: emuTime });
    const r = rig;
    const states: RecorderState[] = [];
    const store = new ParquetStore(root, r.log);
    // The books the hub hands the recorder, in order (each consumer's order book mailbox keeps only the latest, so
    // another consumer may see a different subset).
    const servedToRecorder: OrderBook[] = [];
    const hub: HubSubscriber = {
      subscribe: (request, consumer) =>
        r.hub.subscribe(request, (e) => {
          if (e.type === 'orderbook') servedToRecorder.push(e.book);
          consumer(e);
        }),
    };
    const rec = new MarketRecorder({
      hub,
      sink: store,
      market: BTC,
      fillGap: (m, from, until) => r.hub.tradesBetween(m, from, until),
      flushEveryMs: 250,
      snapshotEveryMs: 10_000,
      log: r.log,
      onState: (s) => states.push(s),
    }).start();
    // Another consumer of the same streams: what the hub served (the emulator's book through real ccxt).
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const subs = [r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume)];

    const until = async (ms: number) => {
      const target = emuTime() + ms;
      while (emuTime() < target) await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 10_000);
    };
    // Market time counts from the first trades: on a loaded machine ccxt and the markets take a while to load.
    await trades.upcoming((e) => e.type === 'trades', 'the first trades', 45_000);
    await until(90_000);
    const reconnecting = trades.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    r.emulator.dropConnections();
    await reconnecting;
    await trades.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    await until(90_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades('BTC/USDT').at(-1)!;
    const lastId = r.emulator.wireTradeId('BTC/USDT', last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade to arrive', 20_000);
    await rec.gapFilled();
    for (const s of subs) s.dispose();
    await rec.close();
    await store.close();
    assert.deepEqual(r.hub.activeStreams(), [], 'the recorder held no stream after close');

    const storedTrades: TradeRow[] = [];
    const storedBook: BookRow[] = [];
    const problems: string[] = [];
    for await (const e of readRecorded(root, { market: BTC, from: 0, until: Number.MAX_SAFE_INTEGER, onProblem: (m) => problems.push(m) })) {
      if (e.kind === 'trades') storedTrades.push(e.row);
      if (e.kind === 'book') storedBook.push(e.row);
    }
    assert.deepEqual(problems, []);

    // Trades: from the first recorded one to the last, exactly the emulator's log.
    const truth = r.emulator.trades('BTC/USDT').map((t) => ({ id: r.emulator.wireTradeId('BTC/USDT', t), ts: t.timestamp, price: t.price, amount: t.amount, side: t.side }));
    const first = truth.findIndex((t) => t.id === storedTrades[0]!.id);
    assert.ok(first >= 0, 'the first stored trade is in the log');
    const expected = truth.slice(first);
    const span = storedTrades.at(-1)!.ts - storedTrades[0]!.ts;
    assert.ok(span >= 100_000 && expected.length > 5000, `minutes of market time (${span / 1000} s, ${expected.length} trades)`);
    assert.equal(new Set(storedTrades.map((t) => t.id)).size, storedTrades.length, 'no duplicate');
    assert.equal(storedTrades.length, expected.length, 'no loss');
    assert.deepEqual(
      storedTrades.map((t) => ({ id: t.id, ts: t.ts, price: t.price, amount: t.amount, side: t.side })),
      expected,
    );
    assert.ok(r.log.lines.some((l) => /retrying in/.test(l)), 'the drop happened and was logged');

    // Book: rebuilt from the stored rows, it equals the book the hub served at every update (update n is the n-th book).
    const replica = new BookReplica();
    let compared = 0;
    for (let i = 0; i < storedBook.length; i++) {
      const row = storedBook[i]!;
      replica.apply(row);
      const next = storedBook[i + 1];
      if (next && next.seq === row.seq) continue; // the update is complete at its last row
      const book = servedToRecorder[row.seq - 1]!;
      assert.ok(row.ts >= book.timestamp, `update ${row.seq} is the ${row.seq}th book served`);
      assert.deepEqual(replica.book(), { bids: book.bids, asks: book.asks }, `book at ${row.ts} (update ${row.seq})`);
      compared++;
    }
    assert.ok(compared > 100, `compared ${compared} books`);
    const snapshots = new Set(storedBook.filter((b) => b.kind === 'snapshot').map((b) => b.seq)).size;
    assert.ok(snapshots >= 3, `a snapshot at the start, after the reconnect and periodically (${snapshots})`);
    assert.equal(states.at(-1)?.status, 'stopped');
    assert.ok(!states.some((s) => s.status === 'dropping' || s.status === 'failed'), JSON.stringify(states.filter((s) => s.status !== 'recording')));
  });
});
