import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const candles = (timeframe: Timeframe): Extract<SubscriptionRequest, { kind: 'candles' }> => ({ kind: 'candles', ...BTC, timeframe });
const tradesReq: Extract<SubscriptionRequest, { kind: 'trades' }> = { kind: 'trades', ...BTC };
type CandleReq = ReturnType<typeof candles>;

function subscribe<R extends SubscriptionRequest>(rig: Rig, req: R) {
  const rec = new Recorder<R>();
  const sub = rig.hub.subscribe(req, rec.consume);
  return { rec, sub };
}

const snapshotOf = (rec: Recorder<CandleReq>) => rec.next((e) => e.type === 'snapshot', 'candle snapshot', 20_000);

/** Waits until our trade consumer has seen `id`: the factory listens on the same stream, earlier in line. */
async function seen(rec: Recorder<typeof tradesReq>, id: number): Promise<void> {
  await rec.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === String(id)), `trade ${id} to arrive`, 20_000);
}

function assertMatchesGroundTruth(rig: Rig, got: readonly import('../../src/core/types').Candle[], tf: Timeframe): void {
  const truth = referenceCandles(rig.emulator.trades('BTC/USDT'), tf);
  const first = got[0]!.time;
  const last = got[got.length - 1]!.time;
  const expected = truth.filter((c) => c.time >= first && c.time <= last);
  assert.equal(got.length, expected.length, `${tf}: same number of bars (${got.length} vs ${expected.length})`);
  assert.deepEqual(got.map(roundCandle), expected.map(roundCandle), `${tf} bars equal the ground truth`);
}

describe('engine against the exchange emulator (real ccxt)', function () {
  this.timeout(60_000);
  let rig: Rig;
  afterEach(() => rig?.close());

  it('1. the last consumer leaving closes the socket within 1 s, 20 times over, with no leak', async () => {
    rig = await Rig.start({ tradesPerSecond: 20 });
    for (let i = 0; i < 20; i++) {
      const { rec, sub } = subscribe(rig, candles('1m'));
      await snapshotOf(rec);
      await rig.emulator.waitForStats((s) => s.openSockets === 1, 5000);
      sub.dispose();
      await rig.emulator.waitForStats((s) => s.openSockets === 0, 1000);
    }
    assert.equal(rig.emulator.stats().wsConnectionsTotal, 20, 'one socket per cycle, nothing extra');
    assert.deepEqual(rig.hub.streams.activeStreams(), []);
    assert.equal(rig.hub.factories.size, 0);
  });

  it('2. two consumers on one market with different timeframes open exactly one trade socket', async () => {
    rig = await Rig.start({ tradesPerSecond: 20 });
    const a = subscribe(rig, candles('1m'));
    const b = subscribe(rig, candles('5m'));
    await Promise.all([snapshotOf(a.rec), snapshotOf(b.rec)]);
    const stats = await rig.emulator.waitForStats((s) => s.openSockets >= 1);
    assert.equal(stats.openSockets, 1);
    assert.deepEqual(stats.subscriptions, { 'btcusdt@aggTrade': 1 });
    a.sub.dispose();
    assert.equal(rig.emulator.stats().openSockets, 1, 'the 5m consumer still holds it');
    b.sub.dispose();
    await rig.emulator.waitForStats((s) => s.openSockets === 0, 1000);
  });

  it('3. 1m and 5m candles built live from one stream equal the ground-truth trade log exactly', async () => {
    rig = await Rig.start({ tradesPerSecond: 40, historyMinutes: 120, historyTradesPerMinute: 30 });
    const one = subscribe(rig, candles('1m'));
    const five = subscribe(rig, candles('5m'));
    const tr = subscribe(rig, tradesReq);
    await Promise.all([snapshotOf(one.rec), snapshotOf(five.rec)]);
    // Live trades flowed while REST history was being fetched (the seam); now script 15 minutes of market
    // time across several 1m and 5m boundaries.
    rig.emulator.setTradesPerSecond(0);
    const last = rig.emulator.trades('BTC/USDT').at(-1)!;
    const prices = Array.from({ length: 300 }, (_, i) => last.price * (1 + 0.002 * Math.sin(i / 7)));
    const played = await rig.emulator.playPath('BTC/USDT', prices, { intervalMs: 0, startTimestamp: last.timestamp + 1000, stepMs: 3000 });
    await seen(tr.rec, played.at(-1)!.id);
    assertMatchesGroundTruth(rig, one.rec.candles, '1m');
    assertMatchesGroundTruth(rig, five.rec.candles, '5m');
    assert.equal(rig.emulator.stats().subscriptions['btcusdt@aggTrade'], 1);
  });

  it('4. after a forced disconnect: reconnecting → live, and the backfill leaves no gap and no duplicate', async () => {
    rig = await Rig.start({ tradesPerSecond: 30, historyMinutes: 60 });
    const one = subscribe(rig, candles('1m'));
    const tr = subscribe(rig, tradesReq);
    await snapshotOf(one.rec);
    await tr.rec.next((e) => e.type === 'trades', 'a live trade');
    const reconnecting = one.rec.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    rig.emulator.dropConnections();
    await reconnecting;
    await one.rec.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 20_000);
    // Let the market move on after the reconnect, then freeze it and compare.
    const after = await new Promise<number>((resolve) => {
      let n = 0;
      const onTrade = (_s: string, t: { id: number }) => {
        if (++n === 30) {
          rig.emulator.off('trade' as 'stats', onTrade as never);
          rig.emulator.setTradesPerSecond(0);
          resolve(t.id);
        }
      };
      rig.emulator.on('trade', onTrade);
    });
    const final = rig.emulator.trades('BTC/USDT').at(-1)!.id;
    assert.ok(final >= after);
    await seen(tr.rec, final);
    await one.rec.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.close === rig.emulator.trades('BTC/USDT').at(-1)!.price), 'the backfill to settle');
    const times = one.rec.candles.map((c) => c.time);
    assert.equal(new Set(times).size, times.length, 'no duplicate candle');
    assertMatchesGroundTruth(rig, one.rec.candles, '1m');
    assert.ok(rig.log.lines.some((l) => /retrying in/.test(l)), 'the reconnect was logged');
  });

  it('5. REST 429: backs off and recovers; a persistent 429 gives up after a bounded number of requests', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 }, { restMaxAttempts: 4 });
    rig.emulator.failRest({ status: 429, count: 2, path: 'klines', retryAfterSec: 1 });
    const one = subscribe(rig, candles('1m'));
    const snap = await snapshotOf(one.rec);
    assert.ok(snap.type === 'snapshot' && snap.candles.length >= 30);
    assert.equal(rig.emulator.stats().restRequests['/api/v3/klines'], 3, 'two refused, one answered');
    assert.ok(rig.log.lines.some((l) => /rate-limit.*attempt 1\/4/.test(l)), 'the back-off was logged');

    const before = rig.emulator.stats().restRequests['/api/v3/klines'] ?? 0;
    rig.emulator.failRest({ status: 429, count: 1000, path: 'klines' });
    const eth = subscribe(rig, { kind: 'candles', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '1m' });
    const err = await eth.rec.next((e) => e.type === 'error', 'a history error', 30_000);
    assert.ok(err.type === 'error' && /history unavailable/.test(err.message) && /(RateLimitExceeded|DDoSProtection)/.test(err.message), JSON.stringify(err));
    assert.equal((rig.emulator.stats().restRequests['/api/v3/klines'] ?? 0) - before, 4, 'exactly maxAttempts requests');
    rig.emulator.clearFaults();
  });

  it('6. a malformed WS message is skipped and logged; the stream continues', async () => {
    rig = await Rig.start({ tradesPerSecond: 20 });
    const tr = subscribe(rig, tradesReq);
    await tr.rec.next((e) => e.type === 'trades', 'a first trade');
    const sockets = rig.emulator.stats().wsConnectionsTotal;
    assert.ok(rig.emulator.sendMalformed('bad-fields', 'btcusdt@aggTrade') > 0);
    assert.ok(rig.emulator.sendMalformed('invalid-json', 'btcusdt@aggTrade') > 0);
    const mark = rig.emulator.trades('BTC/USDT').at(-1)!.id;
    await tr.rec.upcoming((e) => e.type === 'trades' && e.trades.some((t) => Number(t.id) > mark + 5), 'trades after the malformed messages');
    assert.ok(rig.log.lines.some((l) => /trades binance BTC\/USDT.*malformed/i.test(l)), `the bad message was logged, naming the stream:\n${rig.log.lines.slice(-10).join('\n')}`);
    assert.ok(!tr.rec.events.some((e) => e.type === 'state' && (e.state.status === 'failed' || e.state.status === 'reconnecting')), 'the stream stayed live');
    assert.equal(rig.emulator.stats().wsConnectionsTotal, sockets, 'no reconnect was needed');
  });

  it('7. cache: a restart tops up instead of refetching; a truncated file is discarded and refetched', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 1600, historyTradesPerMinute: 2 }, { historyBars: 1500 });
    const first = subscribe(rig, candles('1m'));
    await snapshotOf(first.rec);
    first.sub.dispose();
    const klines = () => rig.emulator.stats().restRequests['/api/v3/klines'] ?? 0;
    assert.equal(klines(), 2, 'a cold start pages through 1500 bars');

    rig = await rig.restartHub();
    const before = klines();
    const second = subscribe(rig, candles('1m'));
    const snap = await snapshotOf(second.rec);
    assert.ok(klines() - before <= 1, 'at most one small top-up request');
    assert.ok(snap.type === 'snapshot' && snap.candles.length >= 1500);
    second.sub.dispose();
    // Closing the hub waits for its last cache write; only then is the file ours to break.
    rig = await rig.restartHub();

    const file = `${rig.cacheDir}/binance/BTC_USDT/1m.csv`;
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.length / 2));
    const third = subscribe(rig, candles('1m'));
    await snapshotOf(third.rec);
    assert.ok(rig.log.lines.some((l) => /corrupt/.test(l)), 'the corrupt cache was logged');
    const repaired = await fs.readFile(file, 'utf8');
    assert.ok(repaired.endsWith('\n') && repaired.split('\n').length > 1500, 'refetched and rewritten');
    // The market is still trading: compare the closed bars.
    assertMatchesGroundTruth(rig, third.rec.candles.slice(0, -1), '1m');
  });

  it('order book and ticker streams: books sorted and uncrossed, ticker with bid/ask, sockets closed after', async () => {
    rig = await Rig.start({ tradesPerSecond: 10, depthIntervalMs: 50, tickerIntervalMs: 200 });
    const book = subscribe(rig, { kind: 'orderbook', ...BTC });
    const ticker = subscribe(rig, { kind: 'ticker', ...BTC });
    const b = await book.rec.next((e) => e.type === 'orderbook', 'an order book', 15_000);
    assert.ok(b.type === 'orderbook');
    const { bids, asks } = b.book;
    assert.ok(bids.length > 10 && asks.length > 10);
    assert.ok(bids[0]![0] < asks[0]![0], 'best bid below best ask');
    for (let i = 1; i < bids.length; i++) assert.ok(bids[i]![0] < bids[i - 1]![0], 'bids descending');
    for (let i = 1; i < asks.length; i++) assert.ok(asks[i]![0] > asks[i - 1]![0], 'asks ascending');
    assert.ok(bids.length <= 100, 'copied to the configured depth');
    await book.rec.upcoming((e) => e.type === 'orderbook', 'a later book');
    const t = await ticker.rec.next((e) => e.type === 'ticker', 'a ticker', 15_000);
    assert.ok(t.type === 'ticker');
    assert.ok(t.ticker.bid !== undefined && t.ticker.ask !== undefined && t.ticker.bid < t.ticker.ask, JSON.stringify(t.ticker));
    assert.ok(t.ticker.last > 0 && t.ticker.change24hPercent !== undefined);
    assert.ok(!book.rec.events.some((e) => e.type === 'state' && e.state.status === 'reconnecting'), 'the diff sequence never broke');
    book.sub.dispose();
    ticker.sub.dispose();
    await rig.emulator.waitForStats((s) => s.openSockets === 0, 1000);
  });

  it('rejects an unknown symbol with the suggestion, and keeps serving others', async () => {
    rig = await Rig.start({ tradesPerSecond: 5 });
    const good = subscribe(rig, candles('1m'));
    const bad = subscribe(rig, { kind: 'candles', exchange: 'binance', symbol: 'BTC/USD', timeframe: '1m' });
    await assert.rejects(bad.sub.ready, /Unknown symbol "BTC\/USD" on binance\. Did you mean: BTC\/USDT/);
    await snapshotOf(good.rec);
  });
});
