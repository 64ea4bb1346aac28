/**
 * Record and replay (issue 16): minutes of the emulator recorded through the real ccxt, then played back through a
 * hub as a market of its own at 100×. The replayed bars equal the ground truth and the bars the live hub built.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { MarketHub } from '../../src/core/hub/marketHub';
import { MarketRecorder } from '../../src/core/record/marketRecorder';
import { ParquetStore } from '../../src/core/record/parquetStore';
import { replayId } from '../../src/core/replay/replayId';
import { ReplayRegistry } from '../../src/core/replay/replayRegistry';
import { parquetSource } from '../../src/core/record/recordSource';
import { bucketStart, nextBucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const SPEED = 20; // emulator time runs 20× wall time
type Candles = Extract<SubscriptionRequest, { kind: 'candles' }>;
type Trades = Extract<SubscriptionRequest, { kind: 'trades' }>;

describe('replay of a recording through the hub (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  let replayHub: MarketHub | undefined;
  let replays: ReplayRegistry | undefined;
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-hub-replay-'))));
  afterEach(async () => {
    await replayHub?.close();
    await replays?.closeAll();
    await rig?.close();
    rig = undefined;
    replayHub = undefined;
    await fs.rm(root, { recursive: true, force: true });
  });

  it('a recorded range played at 100× gives the bars of the ground truth and of the live hub, then ends; everything closes', async () => {
    const begin = Date.now();
    const emuTime = () => begin + (Date.now() - begin) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 40, historyMinutes: 5, now: emuTime });
    const r = rig;
    const store = new ParquetStore(root, r.log);
    const rec = new MarketRecorder({ hub: r.hub, sink: store, market: BTC, fillGap: (m, from, until) => r.hub.tradesBetween(m, from, until), flushEveryMs: 250, log: r.log }).start();
    const live = new Recorder<Candles>();
    const trades = new Recorder<Trades>();
    const subs = [r.hub.subscribe({ kind: 'candles', ...BTC, timeframe: '1m' }, live.consume), r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume)];
    await live.next((e) => e.type === 'snapshot', 'the live snapshot');
    const recordFrom = emuTime();
    // Four minutes of market time by the trades themselves (the clock can run on while a loaded machine lags).
    await trades.upcoming((e) => e.type === 'trades' && e.trades.some((t) => t.timestamp >= recordFrom + 4 * 60_000), 'four minutes of trades', 30_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades('BTC/USDT').at(-1)!;
    const lastId = r.emulator.wireTradeId('BTC/USDT', last);
    await live.next((e) => e.type === 'deltas' && e.dataTime === last.timestamp, 'the last trade in the live bars');
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade');
    await rec.close();
    await store.close();
    for (const s of subs) s.dispose();

    // The replay starts a whole minute into the recording: what came before is its history.
    const firstRecorded = r.emulator.trades('BTC/USDT').find((t) => t.timestamp >= recordFrom)!;
    const start = nextBucketStart('1m', firstRecorded.timestamp) + 60_000;
    const id = replayId({ market: BTC, start });
    replays = new ReplayRegistry(r.registry, { source: () => parquetSource(root), log: r.log });
    replayHub = new MarketHub({ clients: replays, log: r.log });
    const handle = await replays.open(id);
    const replayed = new Recorder<Candles>();
    const sub = replayHub.subscribe({ kind: 'candles', exchange: id, symbol: BTC.symbol, timeframe: '1m' }, replayed.consume);
    await replayed.next((e) => e.type === 'snapshot', 'the replay snapshot');
    assert.ok(replayed.candles.every((c) => c.time < start), 'nothing after the start before it plays');
    const ended = new Promise<void>((resolve) => handle.session.onDidChange((s) => s.status === 'ended' && resolve()));
    handle.session.play(100);
    await ended;
    await replayed.next((e) => e.type === 'deltas' && e.dataTime === last.timestamp, 'the last trade replayed');

    // Compared over the whole minutes recorded: history before the start, and the minutes played.
    const from = nextBucketStart('1m', firstRecorded.timestamp);
    const until = bucketStart('1m', last.timestamp);
    const span = (bars: readonly Candle[]) => bars.filter((c) => c.time >= from && c.time <= until).map(roundCandle);
    const truth = span(referenceCandles(r.emulator.trades('BTC/USDT'), '1m'));
    assert.ok(truth.length >= 3, `minutes compared: ${truth.length}`);
    assert.ok(truth.some((c) => c.time >= start), 'some of them played');
    assert.deepEqual(span(replayed.candles), truth, 'replayed bars = ground truth');
    assert.deepEqual(span(replayed.candles), span(live.candles), 'replayed bars = the live bars of the same span');

    sub.dispose();
    handle.dispose();
    await replayHub.whenStreamsIdle();
    assert.deepEqual(replayHub.activeStreams(), []);
    assert.equal(replays.has(id), false);
  });
});
