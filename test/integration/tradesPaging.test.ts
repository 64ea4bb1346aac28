/**
 * REST trades over hours of a quiet market, through real ccxt against the Binance emulator: aggTrades answers at most
 * an hour from its startTime, so an hour with fewer trades than a page is not the end of them.
 */
import * as assert from 'node:assert/strict';
import { Rig } from '../helpers/emulatorHub';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const HOUR = 3_600_000;

describe('REST trades over hours of a quiet market (real ccxt, Binance emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  // The emulator's history before its start has 6 trades a minute: 360 an hour, fewer than a page of 1,000.
  const quiet = () => Rig.start({ tradesPerSecond: 0, historyMinutes: 240 });

  it('tradesSince three hours back gives every trade of the three hours (it gave the first hour, as complete)', async () => {
    rig = await quiet();
    const from = Date.now() - 3 * HOUR;
    const got = await rig.hub.tradesSince(BTC, from);
    const truth = rig.emulator.trades('BTC/USDT', from);
    assert.ok(truth.length > 1_000, `a log of ${truth.length} trades spans several hours`);
    assert.deepEqual(
      got.trades.map((t) => t.id),
      truth.map((t) => String(t.id)),
    );
    assert.deepEqual([got.complete, got.truncated], [true, undefined]);
    const requests = rig.emulator.stats().restRequests['/api/v3/aggTrades'] ?? 0;
    assert.ok(requests >= 3 && requests <= 5, `one request per hour window (${requests})`);
  });

  it('tradesBetween two spans of hours, as a recorder fills a long gap: exactly the trades inside', async () => {
    rig = await quiet();
    const from = Date.now() - 3.5 * HOUR;
    const until = from + 2 * HOUR + 123_456;
    const got = await rig.hub.tradesBetween(BTC, from, until);
    const truth = rig.emulator.trades('BTC/USDT', from).filter((t) => t.timestamp < until);
    assert.deepEqual(
      got.map((t) => t.id),
      truth.map((t) => String(t.id)),
    );
  });

  it('the emulator refuses a window of more than an hour, as Binance does (-1127)', async () => {
    rig = await quiet();
    const start = Date.now() - 2 * HOUR;
    const wide = await fetch(`${rig.emulator.url}/api/v3/aggTrades?symbol=BTCUSDT&startTime=${start}&endTime=${start + HOUR + 1}`);
    assert.equal(wide.status, 400);
    assert.equal(((await wide.json()) as { code: number }).code, -1127);
    const hour = await fetch(`${rig.emulator.url}/api/v3/aggTrades?symbol=BTCUSDT&startTime=${start}&endTime=${start + HOUR}`);
    assert.equal(hour.status, 200, 'exactly an hour (what ccxt asks) is taken');
  });
});
