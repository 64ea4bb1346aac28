/**
 * Older bars on demand (issue 13): a chart scrolled to its left edge asks for the page before its oldest bar. Real
 * ccxt against the emulator: each page equals the emulator's ground-truth klines, joins the bars shown without a
 * gap or an overlap, is kept by the candle cache, ends with `exhausted`; a REST fault gives the named failure and
 * a retry works; an aborted request stops.
 */
import * as assert from 'node:assert/strict';
import { CandleCache } from '../../src/core/history/candleCache';
import { historyTrouble } from '../../src/core/history/historyTrouble';
import type { CandleEvent, SubscriptionRequest } from '../../src/core/hub/requests';
import { timeframeMs, type Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { exactOhlcv, type OhlcvRow } from '../helpers/referenceCandles';

const row = (c: Candle): OhlcvRow => [c.time, c.open, c.high, c.low, c.close, c.volume];

const CASES: ReadonlyArray<{ exchange: ExchangeId; symbol: string; klinePath: string }> = [
  { exchange: 'binance', symbol: 'BTC/USDT', klinePath: 'klines' },
  { exchange: 'coinbase', symbol: 'BTC/USD', klinePath: 'candles' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT', klinePath: 'kline' },
];

describe('older bars on demand (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** A chart of `timeframe` open on a quiet market with `historyMinutes` of history; its snapshot's bars. */
  async function openChart(exchange: ExchangeId, symbol: string, timeframe: Timeframe, historyMinutes: number): Promise<{ r: Rig<ExchangeId>; shown: readonly Candle[]; dispose: () => void }> {
    const r = (rig = await Rig.start({ exchange, symbols: [symbol], tradesPerSecond: 0, historyMinutes, historyTradesPerMinute: 6 }, { historyBars: 300 }));
    const chart = { kind: 'candles', exchange, symbol, timeframe } as const satisfies SubscriptionRequest;
    const rec = new Recorder<typeof chart>();
    const sub = r.hub.subscribe(chart, rec.consume);
    const snapshot = (await rec.next((e) => e.type === 'snapshot', 'the snapshot', 60_000)) as Extract<CandleEvent, { type: 'snapshot' }>;
    return { r, shown: snapshot.candles, dispose: () => sub.dispose() };
  }

  for (const { exchange, symbol, klinePath } of CASES) {
    it(`${exchange}: pages of 1,000 equal the ground truth, join the shown bars exactly, end exhausted and stay cached`, async () => {
      const { r, shown, dispose } = await openChart(exchange, symbol, '1m', 1700);
      const key = { exchange, symbol, timeframe: '1m' as const };
      const truth = exactOhlcv(r.emulator.trades(symbol), timeframeMs('1m'));
      const first = shown[0]!.time;
      // A page is answered before its cache write: the bars each write kept, to wait for them below.
      const written = new Set<number>();
      let onWrite = (): void => undefined;
      const writes = r.hub.onCacheWritten((k, bars) => {
        if (k.symbol === symbol && k.timeframe === '1m') for (const b of bars) written.add(b.time);
        onWrite();
      });
      assert.ok(shown.length >= 300, 'the chart shows its 300 bars of history');

      const page = await r.hub.olderBars(key, first, 1000);
      const before = truth.filter((t) => t[0] < first);
      assert.equal(page.exhausted, false);
      assert.deepEqual(page.candles.map(row), before.slice(-1000), 'the page is the 1,000 klines before the oldest bar shown');
      // The bars shown are built partly from trades (volumes summed in floating point): the join is checked by time.
      const joined = [...page.candles, ...shown].map((c) => c.time);
      assert.deepEqual(joined, truth.map((t) => t[0]).filter((t) => t <= joined.at(-1)!).slice(-joined.length), 'no gap and no overlap where the page meets the bars shown');

      const second = await r.hub.olderBars(key, page.candles[0]!.time, 1000);
      assert.equal(second.exhausted, false);
      assert.deepEqual(second.candles.map(row), before.slice(0, -1000), 'the rest of the history, fewer than a page');
      const third = await r.hub.olderBars(key, second.candles[0]!.time, 1000);
      assert.deepEqual(third, { candles: [], exhausted: true }, 'nothing older: the chart stops asking');

      const pageTimes = [...second.candles, ...page.candles].map((c) => c.time);
      await new Promise<void>((resolve) => {
        onWrite = () => {
          if (pageTimes.every((t) => written.has(t))) resolve();
        };
        onWrite();
      });
      writes.dispose();
      const cached = ((await new CandleCache(r.cacheDir, silentLogger).load(key)) ?? []).map(row);
      const cachedTimes = new Map(cached.map((c) => [c[0], c]));
      for (const c of [...second.candles, ...page.candles].map(row)) assert.deepEqual(cachedTimes.get(c[0]), c, `bar ${c[0]} is in the cache`);

      // From the cache now: a page asked again makes no kline request.
      const klineCalls = () => r.emulator.restLog().filter((e) => e.path.includes(klinePath)).length;
      const calls = klineCalls();
      assert.deepEqual((await r.hub.olderBars(key, first, 1000)).candles.map(row), before.slice(-1000));
      assert.equal(klineCalls(), calls, 'served from the cache');
      dispose();
    });
  }

  it('coinbase 3m (not served: built from 1m klines) equals the ground truth 3m klines', async () => {
    const { r, shown, dispose } = await openChart('coinbase', 'BTC/USD', '3m', 1500);
    const truth = exactOhlcv(r.emulator.trades('BTC/USD'), timeframeMs('3m'));
    const first = shown[0]!.time;
    const page = await r.hub.olderBars({ exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '3m' }, first, 150);
    // Volumes summed from 1m klines in floating point: equal to the exchange's 8 decimals.
    const units = (r: OhlcvRow): OhlcvRow => [r[0], r[1], r[2], r[3], r[4], Number(r[5].toFixed(8))];
    assert.deepEqual(page.candles.map(row).map(units), truth.filter((t) => t[0] < first).slice(-150));
    dispose();
  });

  it('a REST fault during the page is the named failure, and a retry gets the page', async () => {
    const { r, shown, dispose } = await openChart('binance', 'BTC/USDT', '1m', 1000);
    const key = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' as const };
    r.emulator.failRest({ status: 503, count: 100_000, path: 'klines' });
    const failure = await r.hub.olderBars(key, shown[0]!.time, 500).then(
      () => assert.fail('the page should have failed'),
      (err: unknown) => historyTrouble(err).reason,
    );
    assert.equal(failure, 'history unavailable (HTTP 503)');
    r.emulator.clearFaults();
    const truth = exactOhlcv(r.emulator.trades('BTC/USDT'), timeframeMs('1m')).filter((t) => t[0] < shown[0]!.time);
    assert.deepEqual((await r.hub.olderBars(key, shown[0]!.time, 500)).candles.map(row), truth.slice(-500));
    dispose();
  });

  it('an aborted request (the panel closed) stops without answering a page', async () => {
    const { r, shown, dispose } = await openChart('binance', 'BTC/USDT', '1m', 1000);
    const abort = new AbortController();
    r.emulator.failRest({ status: 503, count: 100_000, path: 'klines' });
    const page = r.hub.olderBars({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, shown[0]!.time, 500, { signal: abort.signal });
    await r.emulator.waitForStats((s) => (s.restRequests['/api/v3/klines'] ?? 0) > 0);
    abort.abort();
    await assert.rejects(page, (err: unknown) => err instanceof Error && err.name === 'AbortError');
    dispose();
  });
});
