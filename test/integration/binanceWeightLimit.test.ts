/**
 * Binance's request-weight limit (real ccxt against the emulator): an IP past its weight gets 429 with a Retry-After
 * to the window's end, and one that keeps sending before then is banned with 418. Our history client, refused, waits
 * for the Retry-After (longer than its own rate-limit backoff) and is then answered: the chart ends live with its
 * history, and the IP is never banned.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
type BookReq = Extract<SubscriptionRequest, { kind: 'orderbook' }>;

/**
 * Far longer than the rig's rate-limit backoff (about a second): a client that retried on its own schedule would be
 * banned. Long enough too that the window opened by the test's own requests is still running when the client's first
 * request comes, however loaded the machine.
 */
const WINDOW_MS = 10_000;
const LIMIT = 60;

describe('Binance request weight: a 429 is waited out for its Retry-After, never into a ban (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(() => rig?.close());

  it('the history request refused with 429 is answered after the Retry-After; the chart ends live with exact bars', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 30 });
    const emu = rig.emulator;
    // The markets loaded first (another chart): the request refused below is the history's klines.
    const first = new Recorder<CandleReq>();
    const firstSub = rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '5m' }, first.consume);
    await first.next((e) => e.type === 'snapshot', 'the first chart', 30_000);
    firstSub.dispose();
    emu.clearFaults(); // forgets the weight that chart used: the window below opens with the test's own requests
    emu.setWeightLimit({ limit: LIMIT, windowMs: WINDOW_MS });
    // Spend the window's weight from this IP (the client's too): three exchangeInfo of 20 each.
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${emu.url}/api/v3/exchangeInfo`)).status, 200);
    const since = Date.now();
    const rec = new Recorder<CandleReq>();
    const sub = rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, rec.consume);
    try {
      const snap = await rec.next((e) => e.type === 'snapshot', 'the history, once the window is over', 45_000);
      assert.ok(snap.type === 'snapshot' && snap.candles.length >= 30, 'the history arrived');
      await rec.next((e) => e.type === 'state' && e.state.status === 'live', 'live', 20_000);
      const refusals = emu.restLog(since).filter((r) => r.status === 429 || r.status === 418);
      assert.ok(refusals.some((r) => r.status === 429 && r.path === '/api/v3/klines'), `the klines refused with 429 first: ${JSON.stringify(emu.restLog(since).map((r) => [r.path, r.status]))}`);
      assert.ok(!refusals.some((r) => r.status === 418), `never banned: ${JSON.stringify(refusals)}`);
      assert.ok(rig.log.lines.some((l) => /rate-limit.*retrying in \d{4,5} ms/.test(l)), `the wait was the Retry-After (seconds), not the backoff: ${rig.log.lines.filter((l) => /rate-limit/.test(l)).join(' | ')}`);
      // The bars closed before the chart was asked for are the klines' (the newer ones are the stream's business).
      const closed = snap.candles.filter((c) => c.time + 60_000 <= since);
      assert.ok(closed.length >= 25, `the klines' bars (${closed.length})`);
      const truth = referenceCandles(emu.trades('BTC/USDT'), '1m').filter((c) => c.time >= closed[0]!.time && c.time <= closed.at(-1)!.time);
      assert.deepEqual(closed.map(roundCandle), truth.map(roundCandle), 'the bars equal the ground truth');
    } finally {
      sub.dispose();
    }
  });

  it("a book's snapshot refused with 429 is not asked again before its Retry-After (ccxt would at once, twice): the book arrives, the IP is never banned", async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 10 });
    const emu = rig.emulator;
    const first = new Recorder<CandleReq>();
    const firstSub = rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol: 'ETH/USDT', timeframe: '5m' }, first.consume);
    await first.next((e) => e.type === 'snapshot', 'the first chart (the markets loaded)', 30_000);
    firstSub.dispose();
    emu.clearFaults();
    emu.setWeightLimit({ limit: LIMIT, windowMs: WINDOW_MS });
    const windowFrom = Date.now();
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${emu.url}/api/v3/exchangeInfo`)).status, 200);
    const since = Date.now();
    const rec = new Recorder<BookReq>();
    const sub = rig.hub.subscribe({ kind: 'orderbook', exchange: 'binance', symbol: 'BTC/USDT' }, rec.consume);
    try {
      await rec.next((e) => e.type === 'orderbook', 'the book, once the window is over', 45_000);
      const depth = emu.restLog(since).filter((r) => r.path === '/api/v3/depth');
      const refused = depth.findIndex((r) => r.status === 429);
      assert.ok(refused >= 0, `the snapshot was refused first: ${JSON.stringify(depth)}`);
      const next = depth[refused + 1];
      assert.ok(next !== undefined && next.status === 200, `then answered: ${JSON.stringify(depth)}`);
      // The Retry-After ran to the end of the window the test's requests opened (whole seconds, rounded up).
      assert.ok(next.at >= windowFrom + WINDOW_MS - 500, `not asked again before the Retry-After: ${JSON.stringify(depth.map((r) => [r.at - since, r.status]))}`);
      assert.ok(!emu.restLog(since).some((r) => r.status === 418), 'never banned');
    } finally {
      sub.dispose();
    }
  });
});
