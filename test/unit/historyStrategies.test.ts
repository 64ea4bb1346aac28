import * as assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { buildableTimeframes, historyFloor, klineSource, readCapabilities, type CcxtDescription } from '../../src/core/exchange/capabilities';
import { foldBars } from '../../src/core/candles/seamPlan';
import { RecentIds } from '../../src/core/exchange/recentIds';
import { tradesSince, type TradeFetch, type TradesReached } from '../../src/core/history/seamTrades';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { CandleEvent } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { applyDeltas } from '../helpers/applyDeltas';
import { FakeClient, fakeLookup, waitForEvent } from '../helpers/fakeClient';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);

const describeCcxt = (id: 'binance' | 'coinbase' | 'bybit' | 'kraken'): CcxtDescription => new ccxt[id]() as unknown as CcxtDescription;

describe('exchange capabilities (read from ccxt)', () => {
  it('Binance pages trades forward and serves every timeframe', () => {
    const caps = readCapabilities('binance', describeCcxt('binance'));
    assert.equal(caps.tradePaging, 'forward');
    assert.equal(caps.tradeWindowMs, 3_600_000, 'aggTrades answers an hour from startTime at most');
    assert.equal(caps.maxCandlesPerPage, 1000);
    assert.ok(caps.klineTimeframes.includes('1s') && caps.klineTimeframes.includes('1M'));
  });

  it('Coinbase: trades in a window only, 300-bar windows without empty buckets, eight timeframes', () => {
    const caps = readCapabilities('coinbase', describeCcxt('coinbase'));
    assert.equal(caps.tradePaging, 'window');
    assert.equal(caps.maxCandlesPerPage, 300);
    assert.equal(caps.candlePagesAreWindows, true);
    assert.deepEqual(caps.klineTimeframes, ['1m', '5m', '15m', '30m', '1h', '2h', '6h', '1d']);
  });

  it('Bybit: only the newest trades; an exchange not described is treated the same way (never wrong)', () => {
    assert.equal(readCapabilities('bybit', describeCcxt('bybit')).tradePaging, 'recent');
    assert.equal(readCapabilities('kraken', describeCcxt('kraken')).tradePaging, 'recent');
    assert.equal(readCapabilities('x', { has: { fetchTrades: false, fetchOHLCV: false } }).tradePaging, 'none');
    assert.deepEqual(readCapabilities('x', { has: { fetchOHLCV: false }, timeframes: { '1m': '1' } }).klineTimeframes, []);
  });

  it('history starts where each exchange opened, and no request bucket starts before it or before the epoch', () => {
    assert.equal(readCapabilities('binance', describeCcxt('binance')).historyStart, Date.UTC(2017, 6, 1));
    assert.equal(readCapabilities('kraken', describeCcxt('kraken')).historyStart, Date.UTC(2009, 0, 3), 'no crypto market before the genesis block');
    const binance = readCapabilities('binance', describeCcxt('binance')).historyStart;
    assert.equal(historyFloor('1M', binance), Date.UTC(2017, 6, 1));
    assert.equal(historyFloor('1w', binance), Date.UTC(2017, 5, 26), 'the week (from Monday) holding the start');
    assert.equal(historyFloor('1w', 0), Date.UTC(1970, 0, 5), 'the first week wholly after the epoch, not 1969-12-29');
    assert.equal(historyFloor('3d', -1), 0);
  });

  it('builds a timeframe the exchange lacks from the coarsest served one that tiles it', () => {
    const coinbase = readCapabilities('coinbase', describeCcxt('coinbase')).klineTimeframes;
    assert.equal(klineSource('4h', coinbase), '2h');
    assert.equal(klineSource('12h', coinbase), '6h');
    assert.equal(klineSource('1w', coinbase), '1d');
    assert.equal(klineSource('3m', coinbase), '1m');
    assert.equal(klineSource('1s', coinbase), undefined);
    assert.deepEqual(buildableTimeframes(coinbase), ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M']);
  });

  it('folds finer bars into a bucket the way the exchange folds its own (empty bars add nothing)', () => {
    const b = (time: number, open: number, close: number, volume: number): Candle => ({ time, open, high: Math.max(open, close), low: Math.min(open, close), close, volume });
    const folded = foldBars('4h', [b(0, 1, 2, 1), b(2 * 3_600_000, 2, 2, 0), b(4 * 3_600_000, 5, 3, 2), b(6 * 3_600_000, 3, 4, 1)]);
    assert.deepEqual(folded, [
      { time: 0, open: 1, high: 2, low: 1, close: 2, volume: 1 },
      { time: 4 * 3_600_000, open: 5, high: 5, low: 3, close: 4, volume: 3 },
    ]);
  });
});

describe('REST trades for the seam, per paging strategy', () => {
  const log: Trade[] = Array.from({ length: 40 }, (_, i) => ({ id: String(i + 1), timestamp: T0 + Math.floor(i / 2) * 700, price: 100 + i, amount: 1, side: 'buy' }));
  // Coinbase's market trades: the newest `limit` in [start, end], both whole seconds.
  const window: TradeFetch = async (since, limit, until) => {
    const start = Math.floor((since ?? 0) / 1000) * 1000;
    const end = Math.floor((until ?? Infinity) / 1000) * 1000;
    return log.filter((t) => t.timestamp >= start && t.timestamp <= end).slice(-limit);
  };
  const recent: TradeFetch = async (_since, limit) => log.slice(-limit);

  it('window: pages backwards from now and returns every trade since `from`, once, in order', async () => {
    const from = log[7]!.timestamp;
    const got = await tradesSince(window, { paging: 'window', limit: 6, windowMs: undefined }, from, T0 + 60_000);
    assert.equal(got.complete, true);
    assert.deepEqual(got.trades.map((t) => t.id), log.filter((t) => t.timestamp >= from).map((t) => t.id));
  });

  it('window: trades stamped after our clock (the exchange\'s clock is ahead) are in the answer', async () => {
    const from = log[7]!.timestamp;
    const ourNow = log.at(-1)!.timestamp - 3_000;
    const got = await tradesSince(window, { paging: 'window', limit: 6, windowMs: undefined }, from, ourNow);
    assert.equal(got.complete, true);
    assert.deepEqual(got.trades.map((t) => t.id), log.filter((t) => t.timestamp >= from).map((t) => t.id));
  });

  it('window: after each page that more follow, progress backwards to the oldest trade it reached', async () => {
    const from = log[7]!.timestamp;
    const reached: TradesReached[] = [];
    await tradesSince(window, { paging: 'window', limit: 6, windowMs: undefined }, from, T0 + 60_000, (r) => reached.push(r));
    assert.ok(reached.length >= 3, `a report per page (${reached.length})`);
    assert.ok(reached.every((r) => r.direction === 'backward'), 'backward');
    const times = reached.map((r) => r.time);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), `only ever older: ${times.join(', ')}`);
    assert.equal(times[0], log[34]!.timestamp, 'the first page: the newest six trades');
    assert.ok(times.every((t) => t >= from), 'never past `from`');
  });

  it('forward: after each page that more follow, progress forward to the time the trades are in up to', async () => {
    const forward: TradeFetch = async (since, limit) => log.filter((t) => t.timestamp >= (since ?? 0)).slice(0, limit);
    const reached: TradesReached[] = [];
    const got = await tradesSince(forward, { paging: 'forward', limit: 6, windowMs: undefined }, T0, T0 + 60_000, (r) => reached.push(r));
    assert.equal(got.trades.length, log.length);
    assert.deepEqual(reached.slice(0, 2), [{ direction: 'forward', time: log[5]!.timestamp }, { direction: 'forward', time: log[9]!.timestamp }]);
  });

  it('recent: complete only when the newest trades reach back past `from`', async () => {
    const early = await tradesSince(recent, { paging: 'recent', limit: 20, windowMs: undefined }, log[30]!.timestamp, 0);
    assert.equal(early.complete, true);
    assert.deepEqual(early.trades.map((t) => t.id), log.filter((t) => t.timestamp >= log[30]!.timestamp).map((t) => t.id));
    const late = await tradesSince(recent, { paging: 'recent', limit: 20, windowMs: undefined }, log[5]!.timestamp, 0);
    assert.equal(late.complete, false);
  });

  it('none: no request, incomplete', async () => {
    const got = await tradesSince(() => Promise.reject(new Error('no call expected')), { paging: 'none', limit: 10, windowMs: undefined }, 0, 0);
    assert.deepEqual(got, { trades: [], complete: false });
  });
});

describe('the weaker seam (REST trades cannot reach the seam minute)', () => {
  let client: FakeClient;
  let now: number;
  let hub: MarketHub;
  let seq = 0;
  const trade = (timestamp: number, price: number): Trade => ({ id: String(++seq), timestamp, price, amount: 1, side: 'buy' });

  beforeEach(() => {
    client = new FakeClient();
    client.caps = { ...client.caps, tradePaging: 'recent', maxTradesPerPage: 3 };
    now = T0 + 40_000;
    hub = new MarketHub({ clients: fakeLookup(client), clock: { now: () => now }, backoff: { baseMs: 2, maxMs: 5, factor: 2, jitter: 0 }, historyBars: 100 });
  });
  afterEach(() => hub.close());

  function view(timeframe: Timeframe) {
    const listeners = new Set<(e: CandleEvent) => void>();
    const v = { candles: [] as Candle[] };
    hub.subscribe({ kind: 'candles', exchange: 'fake', symbol: 'BTC/USDT', timeframe }, (e) => {
      if (e.type === 'snapshot') v.candles = [...e.candles];
      else if (e.type === 'deltas') v.candles = applyDeltas(v.candles, e.deltas);
      for (const l of listeners) l(e);
    });
    const next = (pred: (e: CandleEvent) => boolean, what: string) => waitForEvent<CandleEvent>((cb) => listeners.add(cb), pred, what);
    return { v, next };
  }

  it('the bar in progress is partial since the seam minute, then replaced by the exchange kline once closed: every bar exact', async () => {
    for (let i = 0; i < 60; i++) client.trade(trade(T0 - 60 * MIN + i * MIN + 5_000, 100 + (i % 7)), false);
    for (let i = 0; i < 10; i++) client.trade(trade(T0 + i * 3_000, 110 + i), false); // in the seam minute, before we came
    const one = view('1m');
    const five = view('5m');
    await Promise.all([one.next((e) => e.type === 'snapshot', '1m snapshot'), five.next((e) => e.type === 'snapshot', '5m snapshot')]);
    for (const [v, tf] of [[one.v, '1m'], [five.v, '5m']] as const) {
      const last = v.candles.at(-1)!;
      assert.equal(last.time, T0, `${tf}: the seam bucket is the last bar`);
      assert.equal(last.partial, true, `${tf}: marked partial`);
      assert.equal(last.partialSince, T0, `${tf}: partial since the seam minute`);
      assert.deepEqual(v.candles.slice(0, -1).map(roundCandle), referenceCandles(client.log, tf).filter((c) => c.time < T0).map(roundCandle), `${tf}: closed bars exact`);
      assert.equal(v.candles.slice(0, -1).some((c) => c.partial), false);
    }
    // A live trade in the seam minute after the kline was read, then one in the next minute: the 1m seam bar closes.
    now = T0 + 50_000;
    client.trade(trade(now, 120));
    now = T0 + 70_000;
    client.trade(trade(now, 121));
    await one.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === T0 && d.kind === 'closed'), 'the 1m seam bar settled');
    assert.deepEqual(one.v.candles.map(roundCandle), referenceCandles(client.log, '1m').map(roundCandle), '1m: every bar exact');
    assert.equal(five.v.candles.at(-1)!.partial, true, '5m: still partial until its bucket closes');
    now = T0 + 5 * MIN + 1_000;
    client.trade(trade(now, 119));
    await five.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === T0 && d.kind === 'closed'), 'the 5m seam bar settled');
    assert.deepEqual(five.v.candles.map(roundCandle), referenceCandles(client.log, '5m').map(roundCandle), '5m: every bar exact');
    assert.equal(five.v.candles.some((c) => c.partial), false);
  });

  it('forward paging cut short by the page budget in a busy seam minute: the weaker seam, not a bar short of trades', async () => {
    client.caps = { ...client.caps, tradePaging: 'forward', maxTradesPerPage: 3 }; // 50 pages: 150 trades at most
    for (let i = 0; i < 60; i++) client.trade(trade(T0 - 60 * MIN + i * MIN + 5_000, 100 + (i % 7)), false);
    for (let i = 0; i < 200; i++) client.trade(trade(T0 + i * 150, 110 + (i % 5)), false); // 200 in the seam minute
    const one = view('1m');
    await one.next((e) => e.type === 'snapshot', '1m snapshot');
    const last = one.v.candles.at(-1)!;
    assert.deepEqual([last.time, last.partial], [T0, true], 'the seam bar is partial (it held 150 of its 200 trades, as whole)');
    now = T0 + 70_000;
    client.trade(trade(now, 121));
    await one.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === T0 && d.kind === 'closed'), 'the seam bar settled');
    // The stream's first trade is checked against REST (the first seam's check): its bar is partial until it answers.
    if (one.v.candles.at(-1)?.partial) await one.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === T0 + MIN && !d.candle.partial), 'the first seam check settled');
    assert.deepEqual(one.v.candles.map(roundCandle), referenceCandles(client.log, '1m').map(roundCandle), 'every bar exact');
  });
});

describe('RecentIds (a trade sent twice on a stream counts once)', () => {
  const t = (id: string, timestamp: number) => ({ id, timestamp });
  const ids = (xs: ReadonlyArray<{ id: string }>) => xs.map((x) => x.id);

  it('drops ids already seen and forgets the oldest beyond its capacity', () => {
    const r = new RecentIds(3);
    assert.deepEqual(ids(r.fresh([t('1', 1), t('2', 2), t('2', 2)])), ['1', '2']);
    assert.deepEqual(ids(r.fresh([t('1', 1), t('3', 3), t('4', 4)])), ['3', '4']);
    assert.deepEqual(ids(r.fresh([t('1', 1), t('4', 4)])), ['1'], '1 was forgotten (capacity 3), 4 is still known');
  });

  it('at the newest time, at an older time and beyond the newest: only a repeat is dropped', () => {
    const r = new RecentIds();
    assert.deepEqual(ids(r.fresh([t('a', 10), t('b', 10), t('c', 20)])), ['a', 'b', 'c']);
    assert.deepEqual(ids(r.fresh([t('c', 20), t('d', 20)])), ['d'], 'the newest time: c repeated, d new');
    assert.deepEqual(ids(r.fresh([t('b', 10), t('e', 10), t('a', 10)])), ['e'], 'an older time (a snapshot): e is new, a and b repeats');
    assert.deepEqual(ids(r.fresh([t('e', 10), t('f', 30), t('d', 20)])), ['f'], 'repeats on either side of a newer trade');
  });

  it('many trades at one time (a large order filled at once) are each kept once', () => {
    const r = new RecentIds();
    const burst = Array.from({ length: 200 }, (_, i) => t(`x${i}`, 50));
    assert.equal(r.fresh(burst).length, 200);
    assert.deepEqual(ids(r.fresh([...burst.slice(190), t('y', 50)])), ['y']);
    assert.deepEqual(ids(r.fresh([t('x0', 50), t('z', 60), t('x5', 50)])), ['z'], 'once newer trades came, the burst is looked up in the ring');
  });
});
