import * as assert from 'node:assert/strict';
import { FIRST_BAN_MS, spotRequestWeight, TOLERATED_429S, WeightLimiter } from '../../../src/emulator/binance/requestWeight';
import { ExchangeEmulator } from '../../../src/emulator';

const q = (query: string) => new URLSearchParams(query);

describe('emulator: Binance spot request weight (docs: rest-api.md, LIMITS and each endpoint\'s Weight)', () => {
  it('each route weighs what its docs say, by its parameters where they say so', () => {
    assert.equal(spotRequestWeight('/ping', q('')), 1);
    assert.equal(spotRequestWeight('/time', q('')), 1);
    assert.equal(spotRequestWeight('/exchangeInfo', q('')), 20);
    assert.deepEqual(['', 'limit=100', 'limit=101', 'limit=500', 'limit=1000', 'limit=5000'].map((l) => spotRequestWeight('/depth', q(`symbol=BTCUSDT&${l}`))), [5, 5, 25, 25, 50, 250]);
    assert.equal(spotRequestWeight('/trades', q('symbol=BTCUSDT')), 25);
    assert.equal(spotRequestWeight('/historicalTrades', q('symbol=BTCUSDT')), 25);
    assert.equal(spotRequestWeight('/aggTrades', q('symbol=BTCUSDT&limit=1000')), 4);
    assert.equal(spotRequestWeight('/klines', q('symbol=BTCUSDT&interval=1m&limit=1000')), 2);
    assert.equal(spotRequestWeight('/ticker/24hr', q('symbol=BTCUSDT')), 2);
    assert.equal(spotRequestWeight('/ticker/24hr', q('')), 80);
    const symbols = (n: number) => `symbols=${JSON.stringify(Array.from({ length: n }, (_, i) => `S${i}USDT`))}`;
    assert.deepEqual([1, 20, 21, 100, 101].map((n) => spotRequestWeight('/ticker/24hr', q(symbols(n)))), [2, 2, 40, 40, 80]);
    assert.deepEqual(['symbol=BTCUSDT', '', symbols(3)].map((x) => spotRequestWeight('/ticker/price', q(x))), [2, 4, 4]);
    assert.deepEqual(['symbol=BTCUSDT', '', symbols(3)].map((x) => spotRequestWeight('/ticker/bookTicker', q(x))), [2, 4, 4]);
  });

  it('past the limit a 429 with the seconds left in the window; a window later the IP is answered again', () => {
    let now = 1_000_000;
    const limiter = new WeightLimiter(() => now);
    const rule = { limit: 50, windowMs: 60_000 };
    assert.deepEqual(limiter.charge('1.2.3.4', 20, rule), { kind: 'ok', used: 20 });
    assert.deepEqual(limiter.charge('1.2.3.4', 25, rule), { kind: 'ok', used: 45 });
    assert.deepEqual(limiter.charge('5.6.7.8', 25, rule), { kind: 'ok', used: 25 }, 'per IP');
    now += 15_500;
    assert.deepEqual(limiter.charge('1.2.3.4', 25, rule), { kind: 'limited', used: 70, retryAfterSec: 45, rule });
    now += 45_000;
    assert.deepEqual(limiter.charge('1.2.3.4', 2, rule), { kind: 'ok', used: 2 }, 'a new window');
  });

  it('an IP that keeps sending after its 429s is banned with 418 for 2 minutes, longer the next time', () => {
    let now = 0;
    const limiter = new WeightLimiter(() => now);
    const rule = { limit: 10, windowMs: 10_000 };
    limiter.charge('ip', 10, rule);
    for (let i = 0; i < TOLERATED_429S; i++) assert.equal(limiter.charge('ip', 1, rule).kind, 'limited', `429 number ${i + 1}`);
    const ban = limiter.charge('ip', 1, rule);
    assert.deepEqual(ban, { kind: 'banned', used: 10 + TOLERATED_429S + 1, retryAfterSec: FIRST_BAN_MS / 1000, until: FIRST_BAN_MS });
    now += 60_000;
    assert.deepEqual(limiter.charge('ip', 1, rule), { kind: 'banned', used: 0, retryAfterSec: 60, until: FIRST_BAN_MS }, 'still banned, whatever the window');
    now = FIRST_BAN_MS;
    assert.equal(limiter.charge('ip', 10, rule).kind, 'ok', 'the ban is over');
    for (let i = 0; i <= TOLERATED_429S; i++) limiter.charge('ip', 1, rule);
    assert.deepEqual(limiter.charge('ip', 0, rule), { kind: 'banned', used: 10 + TOLERATED_429S + 1, retryAfterSec: (2 * FIRST_BAN_MS) / 1000, until: 3 * FIRST_BAN_MS }, 'a repeat offender waits twice as long');
  });

  it('the emulator reports the used weight in X-MBX-USED-WEIGHT-1M and refuses past its limit in Binance\'s form', async () => {
    const emu = await ExchangeEmulator.start({ tradesPerSecond: 0, historyMinutes: 5 });
    try {
      const get = (path: string) => fetch(`${emu.url}/api/v3/${path}`);
      assert.equal((await get('exchangeInfo')).headers.get('x-mbx-used-weight-1m'), '20');
      assert.equal((await get('depth?symbol=BTCUSDT&limit=1000')).headers.get('x-mbx-used-weight-1m'), '70');
      emu.setWeightLimit({ limit: 75, windowMs: 30_000 });
      assert.equal((await get('klines?symbol=BTCUSDT&interval=1m')).headers.get('x-mbx-used-weight-1m'), '72');
      const refused = await get('aggTrades?symbol=BTCUSDT');
      assert.equal(refused.status, 429);
      assert.deepEqual(await refused.json(), { code: -1003, msg: 'Too much request weight used; current limit is 75 request weight per 30 SECOND. Please use WebSocket Streams for live updates to avoid polling the API.' });
      assert.ok(Number(refused.headers.get('retry-after')) >= 1 && Number(refused.headers.get('retry-after')) <= 30, `Retry-After ${refused.headers.get('retry-after')}`);
      for (let i = 1; i < TOLERATED_429S; i++) assert.equal((await get('time')).status, 429);
      const banned = await get('time');
      assert.equal(banned.status, 418);
      assert.match(((await banned.json()) as { msg: string }).msg, /^Way too much request weight used; IP banned until \d{13}\. /);
      assert.equal(banned.headers.get('retry-after'), String(FIRST_BAN_MS / 1000));
      emu.clearFaults();
      const after = await get('time');
      assert.equal(after.status, 200, 'clearFaults lifts the ban and the limit');
      assert.equal(after.headers.get('x-mbx-used-weight-1m'), '1');
      assert.throws(() => emu.setWeightLimit({ limit: 0 }), /weight limit must be a positive integer, got 0/);
      const listed = async () => ((await (await get('exchangeInfo')).json()) as { rateLimits: unknown[] }).rateLimits[0];
      assert.deepEqual(await listed(), { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }, "spot's limit");
      emu.setWeightLimit({ limit: 100, windowMs: 120_000 });
      assert.deepEqual(await listed(), { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 2, limit: 100 }, 'exchangeInfo lists the limit in force');
    } finally {
      await emu.close();
    }
  });

  it('the control API sets the limit (Binance only) and names a bad one', async () => {
    const binance = await ExchangeEmulator.start({ tradesPerSecond: 0, historyMinutes: 5 });
    const bybit = await ExchangeEmulator.start({ exchange: 'bybit', tradesPerSecond: 0, historyMinutes: 5 });
    try {
      const post = (emu: { url: string }, body: unknown) => fetch(`${emu.url}/_emulator/fault/weightLimit`, { method: 'POST', body: JSON.stringify(body) });
      const set = await post(binance, { limit: 40, windowMs: 5000 });
      assert.equal(set.status, 200);
      assert.deepEqual(await set.json(), { limit: 40, windowMs: 5000 });
      assert.equal((await fetch(`${binance.url}/api/v3/exchangeInfo`)).status, 200);
      assert.equal((await fetch(`${binance.url}/api/v3/exchangeInfo`)).status, 200);
      assert.equal((await fetch(`${binance.url}/api/v3/time`)).status, 429, 'the limit set over HTTP is in force');
      assert.deepEqual(await (await post(binance, { limit: 1.5 })).json(), { error: 'weight limit must be a positive integer, got 1.5' });
      assert.deepEqual(await (await post(binance, { windowMs: 5000 })).json(), { error: "'limit' is required" });
      const refused = await post(bybit, { limit: 40 });
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { error: string }).error, /only the binance protocol models a request-weight limit, not bybit/);
    } finally {
      await binance.close();
      await bybit.close();
    }
  });
});
