/**
 * A page of older bars is answered before the cache write of it (issue 13: the chart waited for a read-merge-write of
 * the whole cache file), and the write still happens: the cache keeps the page, a failed write is logged naming the
 * series, and close() waits for a write in flight. A page outside the cached rows skips reading them.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleCache } from '../../src/core/history/candleCache';
import { HistoryService } from '../../src/core/history/historyService';
import type { CandleKey } from '../../src/core/keys';
import type { Candle } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';
import { referenceCandles } from '../helpers/referenceCandles';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);
const key: CandleKey = { exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' };

/** A cache whose merges wait for `release()`, or fail with `failWith`; it counts full reads of the rows. */
class GatedCache extends CandleCache {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  failWith: Error | undefined;
  loads = 0;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
  }

  override async load(k: CandleKey): Promise<Candle[] | undefined> {
    this.loads++;
    return super.load(k);
  }

  override async loadFrom(k: CandleKey, from: number): Promise<Candle[] | undefined> {
    this.loads++;
    return super.loadFrom(k, from);
  }

  override async merge(k: CandleKey, candles: readonly Candle[], maxRows?: number): Promise<void> {
    await this.gate;
    if (this.failWith) throw this.failWith;
    return super.merge(k, candles, maxRows);
  }
}

function capture(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe('older bars: answered before the cache write', () => {
  let dir: string;
  let client: FakeClient;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-older-write-'));
    client = new FakeClient();
    // One trade a minute for 300 minutes: 300 one-minute bars at the exchange.
    for (let i = 0; i < 300; i++) client.log.push({ id: String(i), timestamp: T0 + i * MIN + 1000, price: 100 + (i % 7), amount: 1 + (i % 3), side: i % 2 ? 'buy' : 'sell' });
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  function service(cache: CandleCache, log: Logger): HistoryService {
    const fast = { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 };
    return new HistoryService({ clientFor: async () => client, cache, log, concurrencyPerExchange: 3, backoff: fast, rateLimitBackoff: fast, maxAttempts: 1, clockOf: () => ({ now: () => T0 + 300 * MIN }) });
  }

  it('answers while the write is held, and the cache keeps the page once it is done', async () => {
    const cache = new GatedCache(dir, capture());
    const history = service(cache, capture());
    const truth = referenceCandles(client.log, '1m');
    cache.hold();
    const written = new Promise<readonly Candle[]>((resolve) => history.onCacheWritten((_, bars) => resolve(bars)));
    const page = await history.olderBars(key, T0 + 200 * MIN, 100);
    assert.deepEqual(page.candles, truth.slice(100, 200), 'the 100 bars before the one asked about, while the write waits');
    cache.release();
    assert.equal((await written).length, 100);
    assert.deepEqual(await new CandleCache(dir, capture()).load(key), truth.slice(100, 200), 'the cache keeps the page');
    await history.close();
  });

  it('a failed write is logged naming the series, and the page is still answered', async () => {
    const cache = new GatedCache(dir, capture());
    const log = capture();
    const history = service(cache, log);
    cache.failWith = new Error('disk full');
    const page = await history.olderBars(key, T0 + 200 * MIN, 100);
    assert.equal(page.candles.length, 100);
    await history.close(); // waits for the write in flight
    assert.match(log.warnings.join('\n'), /fake BTC\/USDT 1m: could not keep 100 older bars in the cache: .*disk full/);
  });

  it('close() waits for a write in flight', async () => {
    const cache = new GatedCache(dir, capture());
    const history = service(cache, capture());
    cache.hold();
    await history.olderBars(key, T0 + 200 * MIN, 100);
    let closed = false;
    const closing = history.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, 'close() is still waiting on the held write');
    cache.release();
    await closing;
    assert.equal((await new CandleCache(dir, capture()).load(key))?.length, 100);
  });

  it('a page older than every cached row does not read the rows; one inside them does', async () => {
    const cache = new GatedCache(dir, capture());
    const history = service(cache, capture());
    await cache.save(key, referenceCandles(client.log, '1m').slice(200));
    await history.olderBars(key, T0 + 200 * MIN, 100);
    assert.equal(cache.loads, 0, 'the metadata says every cached row is newer than the page');
    const inside = await history.olderBars(key, T0 + 250 * MIN, 100);
    assert.equal(cache.loads, 1);
    assert.deepEqual(inside.candles, referenceCandles(client.log, '1m').slice(150, 250));
    await history.close();
  });
});
