/**
 * The candle cache holds spans apart (a session of yesterday's and today's, pages scrolled to): a page of older bars
 * across them asks REST for what lies between, instead of skipping it as if no time had passed (the chartHistorySeams
 * property, seed 18), and keeps the empty periods REST answered there, so a quiet stretch is not asked again.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleCache } from '../../src/core/history/candleCache';
import { HistoryService } from '../../src/core/history/historyService';
import type { CandleKey } from '../../src/core/keys';
import { silentLogger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';
import { referenceCandles } from '../helpers/referenceCandles';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);
const key: CandleKey = { exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' };
const fast = { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 };

describe('older bars across spans the cache holds apart', () => {
  let dir: string;
  let client: FakeClient;
  let cache: CandleCache;
  const made: HistoryService[] = [];
  const history = (): HistoryService => {
    const h = new HistoryService({ clientFor: async () => client, cache, log: silentLogger, concurrencyPerExchange: 3, backoff: fast, rateLimitBackoff: fast, maxAttempts: 1, clockOf: () => ({ now: () => T0 + 300 * MIN }) });
    made.push(h);
    return h;
  };
  const kline = (): number => client.calls.filter((c) => c.startsWith('candles')).length;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradesuite-holes-'));
    client = new FakeClient();
    cache = new CandleCache(dir, silentLogger);
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map((h) => h.close())); // their cache writes done
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a page over two cached spans holds the bars between them, from REST', async () => {
    for (let i = 0; i < 360; i++) client.log.push({ id: String(i), timestamp: T0 + i * 30_000 + 7, price: 100 + (i % 13), amount: 1 + (i % 5), side: 'buy' });
    const truth = referenceCandles(client.log, '1m');
    await cache.save(key, truth.filter((c) => c.time < T0 + 30 * MIN)); // yesterday's session
    await cache.merge(key, truth.filter((c) => c.time >= T0 + 150 * MIN)); // today's, 2 hours later
    const page = await history().olderBars(key, T0 + 180 * MIN, 180);
    assert.deepEqual(page.candles, truth);
  });

  it('an exchange whose klines leave quiet periods out: the empty buckets REST answered are kept flat, and not asked again', async () => {
    client.caps = { ...client.caps, candlePagesAreWindows: true };
    client.fetchCandles = async (_symbol, tf, since, limit) => {
      client.calls.push('candles');
      return referenceCandles(client.log, tf).filter((c) => c.volume > 0 && c.time >= since && c.time < since + limit * MIN);
    };
    // Trades in the first and the last 10 minutes of an hour: 40 quiet minutes between.
    for (let i = 0; i < 20; i++) client.log.push({ id: `a${i}`, timestamp: T0 + i * 30_000, price: 100, amount: 1, side: 'buy' });
    for (let i = 0; i < 20; i++) client.log.push({ id: `b${i}`, timestamp: T0 + 50 * MIN + i * 30_000, price: 101, amount: 1, side: 'buy' });
    const truth = referenceCandles(client.log, '1m');
    const first = history();
    await first.olderBars(key, T0 + 60 * MIN, 60);
    await first.close(); // the page's cache write done
    assert.deepEqual(await cache.load(key), truth, 'the hour, its quiet minutes flat at the previous close');
    const asked = kline();
    const again = await history().olderBars(key, T0 + 60 * MIN, 60);
    assert.deepEqual(again.candles, truth);
    assert.equal(kline(), asked, 'nothing asked of REST: the cache holds the whole hour');
  });
});
