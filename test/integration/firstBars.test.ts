/**
 * The cold open (issue 13): with nothing cached, a chart's first bars are asked of the exchange's REST API directly,
 * before ccxt's client is made and the markets download, and painted as `cached` bars while the history loads the
 * usual way. Against the three emulators (their own protocols) with the real ccxt behind: the page is the exchange's
 * ground truth and the snapshot that follows keeps it; a failed first request costs nothing but its log line.
 */
import * as assert from 'node:assert/strict';
import type { ExchangeId } from '../../src/emulator/types';
import { CandleCache } from '../../src/core/history/candleCache';
import type { CandleEvent } from '../../src/core/hub/requests';
import { silentLogger } from '../../src/core/util/log';
import { bucketStart } from '../../src/core/timeframes';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

type Cached = Extract<CandleEvent, { type: 'cached' }>;
type Snapshot = Extract<CandleEvent, { type: 'snapshot' }>;

const MARKETS: ReadonlyArray<{ exchange: ExchangeId; symbol: string; klines: RegExp; markets: RegExp }> = [
  { exchange: 'binance', symbol: 'BTC/USDT', klines: /\/api\/v3\/klines/, markets: /exchangeInfo/ },
  { exchange: 'coinbase', symbol: 'BTC/USD', klines: /\/products\/BTC-USD\/candles/, markets: /brokerage\/market\/products$/ },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT', klines: /\/v5\/market\/kline/, markets: /instruments-info/ },
];

describe('a chart\'s first bars before ccxt and the markets (real ccxt, emulators)', function () {
  this.timeout(60_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of MARKETS) {
    it(`${m.exchange}: nothing cached, the first event is the exchange's newest closed bars, asked before its markets; they equal the ground truth and the snapshot keeps them`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 90 }, { historyBars: 60, firstBars: true });
      const r = rig;
      const since = Date.now() - 1;
      const chart = { kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' } as const;
      const rec = new Recorder<typeof chart>();
      const sub = r.hub.subscribe(chart, rec.consume);
      const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the snapshot')) as Snapshot;
      sub.dispose();
      const first = rec.events.find((e) => e.type !== 'state');
      assert.equal(first?.type, 'cached', `the first bars event: ${first?.type}`);
      const cached = (first as Cached).candles;

      // Asked before the markets: the client (and with it ccxt) was made only after the answer.
      const paths = r.emulator.restLog(since).map((e) => e.path);
      const klinesAt = paths.findIndex((p) => m.klines.test(p));
      const marketsAt = paths.findIndex((p) => m.markets.test(p));
      assert.ok(klinesAt >= 0 && marketsAt > klinesAt, `the klines request before the markets: ${paths.slice(0, 4).join(', ')}`);
      assert.match(r.log.lines.join('\n'), new RegExp(`debug ${m.exchange} ${m.symbol.replace(/[/]/g, '\\/')} 1m: ${cached.length} bars asked of \\S+ before the markets load`));

      // Closed bars only, the depth asked at most, each the exchange's ground truth for its minute.
      const thisMinute = bucketStart('1m', Date.now());
      assert.ok(cached.length >= 55 && cached.length <= 60, `${cached.length} bars`);
      assert.ok(cached.every((c) => c.time < thisMinute), 'no bar in progress');
      const truth = new Map(referenceCandles(r.emulator.trades(m.symbol), '1m').map((c) => [c.time, roundCandle(c)]));
      for (const c of cached) assert.deepEqual(roundCandle(c), truth.get(c.time), `the ${new Date(c.time).toISOString()} bar`);

      // The snapshot holds the same bars (the oldest may slide out if a minute turned meanwhile).
      const byTime = new Map(snapshot.candles.map((c) => [c.time, c]));
      const kept = cached.filter((c) => byTime.has(c.time));
      assert.ok(kept.length >= cached.length - 1, `${kept.length} of ${cached.length} in the snapshot`);
      for (const c of kept) assert.deepEqual(roundCandle(byTime.get(c.time)!), roundCandle(c), `the snapshot's ${new Date(c.time).toISOString()} bar`);
      assert.equal(r.registry.firstBars(m.exchange), undefined, 'not asked again once the client is made');
    });
  }

  it("coinbase: a cache that stops 20 minutes ago (a chart restored in the morning): the newest page (300 bars, Coinbase's most) joined to it, every bar the ground truth", async () => {
    rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 2, historyMinutes: 450 }, { historyBars: 500, firstBars: true });
    const r = rig;
    const stopsAt = bucketStart('1m', Date.now()) - 20 * 60_000;
    const truthBars = referenceCandles(r.emulator.trades('BTC/USD'), '1m');
    const onDisk = truthBars.filter((c) => c.time < stopsAt && c.time >= stopsAt - 380 * 60_000);
    await new CandleCache(r.cacheDir, silentLogger).merge({ exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1m' }, onDisk);
    const chart = { kind: 'candles', exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1m' } as const;
    const rec = new Recorder<typeof chart>();
    const sub = r.hub.subscribe(chart, rec.consume);
    await rec.next((e) => e.type === 'snapshot', 'the snapshot');
    sub.dispose();
    const [fromDisk, first] = rec.events.filter((e): e is Cached => e.type === 'cached');
    assert.deepEqual(fromDisk?.candles.map((c) => c.time), onDisk.map((c) => c.time), 'the cached bars first, as they are');
    assert.equal(fromDisk?.fromExchange, undefined);
    assert.equal(first?.fromExchange, true, 'then the page joined to them');
    const times = first.candles.map((c) => c.time);
    assert.ok(times.every((t, i) => i === 0 || t === times[i - 1]! + 60_000), 'a bar a minute, no hole');
    assert.ok(times[0] === onDisk[0]!.time && times.length >= 399, `the cached bars from their first, then the page: ${times.length} bars`);
    const truth = new Map(truthBars.map((c) => [c.time, roundCandle(c)]));
    for (const c of first.candles) assert.deepEqual(roundCandle(c), truth.get(c.time), `the ${new Date(c.time).toISOString()} bar`);
  });

  it('binance: a first request that fails is logged with its URL and status; the chart gets its history the usual way, which the failure did not touch', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 10, historyMinutes: 90 }, { historyBars: 60, firstBars: true });
    const r = rig;
    r.emulator.failRest({ path: 'klines', status: 503, count: 1 });
    const chart = { kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' } as const;
    const rec = new Recorder<typeof chart>();
    const sub = r.hub.subscribe(chart, rec.consume);
    const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the snapshot')) as Snapshot;
    sub.dispose();
    assert.ok(!rec.events.some((e) => e.type === 'cached'), 'no bars before the snapshot');
    assert.ok(!rec.events.some((e) => e.type === 'state' && (e.state.status === 'retrying' || e.state.status === 'failed')), 'the usual path did not see the fault');
    assert.match(await r.log.line(/no newest bars before the markets load/), /warn binance BTC\/USDT 1m: no newest bars before the markets load \(the chart waits for its history\): HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/api\/v3\/klines\?symbol=BTCUSDT&interval=1m&limit=61/);
    assert.ok(snapshot.candles.length >= 59, `${snapshot.candles.length} bars in the snapshot`);
  });

  it('binance: a market the exchange does not list gets no bars from the first request, and fails by name as before', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 10, historyMinutes: 30 }, { firstBars: true });
    const r = rig;
    const chart = { kind: 'candles', exchange: 'binance', symbol: 'NOPE/USDT', timeframe: '1m' } as const;
    const rec = new Recorder<typeof chart>();
    const sub = r.hub.subscribe(chart, rec.consume);
    await assert.rejects(sub.ready, /Unknown symbol "NOPE\/USDT" on binance/);
    const failed = await rec.next((e) => e.type === 'state' && e.state.status === 'failed', 'failed');
    assert.ok(failed.type === 'state' && failed.state.status === 'failed' && /NOPE\/USDT/.test(failed.state.reason), JSON.stringify(failed));
    assert.ok(!rec.events.some((e) => e.type === 'cached'), 'no bars');
    assert.match(await r.log.line(/no newest bars before the markets load/), /HTTP 400 from .*symbol=NOPEUSDT/);
  });

  it('binance: a chart closed while its first request is answered gets nothing, and nothing is left running', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 10, historyMinutes: 30 }, { firstBars: true });
    const r = rig;
    const release = r.emulator.holdRest();
    const chart = { kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' } as const;
    const rec = new Recorder<typeof chart>();
    const sub = r.hub.subscribe(chart, rec.consume);
    await r.emulator.waitForStats((s) => s.restHeld === 1, 10_000);
    sub.dispose();
    release();
    await sub.ready;
    await r.hub.whenStreamsIdle();
    assert.deepEqual(rec.events, [], 'no event after the chart closed');
    assert.deepEqual(r.hub.activeStreams(), []);
    assert.deepEqual(r.emulator.restLog().map((e) => e.path), ['/api/v3/klines'], 'the first request only: no markets downloaded for a chart that closed');
  });
});
