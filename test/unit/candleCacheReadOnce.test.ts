/**
 * A chart's start reads its candle cache file once: the hub's preview reads it before the request is validated, and
 * the factory's preview and first seed take those bars instead of reading the file again (before, three reads).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleCache } from '../../src/core/history/candleCache';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { CandleEvent } from '../../src/core/hub/requests';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { FakeClient, fakeLookup, waitForEvent } from '../helpers/fakeClient';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);
const key = { exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' } as const;

describe('MarketHub: a chart start reads the candle cache once', () => {
  let dir: string;
  let reads: string[];
  const loadFrom = Object.getOwnPropertyDescriptor(CandleCache.prototype, 'loadFrom')?.value as CandleCache['loadFrom'];

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-readonce-'));
    reads = [];
    CandleCache.prototype.loadFrom = function (this: CandleCache, k, from) {
      reads.push(`${k.symbol} ${k.timeframe}`);
      return loadFrom.call(this, k, from);
    };
  });
  afterEach(async () => {
    CandleCache.prototype.loadFrom = loadFrom;
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** The closed 1m bars of the minutes `from`..`to` before T0's (the bar in progress), on disk. */
  async function cacheMinutes(from: number, to: number): Promise<Candle[]> {
    const bars: Candle[] = [];
    for (let k = from; k >= to; k--) bars.push({ time: T0 - k * MIN, open: 50, high: 51, low: 49, close: 50, volume: 1 });
    await new CandleCache(dir, silentLogger).merge(key, bars);
    return bars;
  }

  async function snapshotOf(hub: MarketHub, historyBars?: number): Promise<{ events: CandleEvent[]; leave: () => void }> {
    const events: CandleEvent[] = [];
    const listeners = new Set<(e: CandleEvent) => void>();
    const sub = hub.subscribe({ kind: 'candles', ...key, ...(historyBars !== undefined ? { historyBars } : {}) }, (e) => {
      events.push(e);
      for (const l of listeners) l(e);
    });
    await waitForEvent<CandleEvent>((cb) => listeners.add(cb), (e) => e.type === 'snapshot', 'the snapshot');
    return { events: events.filter((e) => e.type !== 'state'), leave: () => sub.dispose() };
  }

  it('the preview, the factory and the seed share one read; the snapshot holds the cached bars and the top-up', async () => {
    const cached = await cacheMinutes(30, 3);
    const client = new FakeClient();
    for (let k = 2; k >= 1; k--) client.trade({ id: `t${k}`, timestamp: T0 - k * MIN + 5, price: 100, amount: 1, side: 'buy' }, false);
    const hub = new MarketHub({ clients: fakeLookup(client), clock: { now: () => T0 + 1 }, historyBars: 50, log: silentLogger, cacheDir: dir });
    try {
      const { events } = await snapshotOf(hub);
      assert.deepEqual(reads, ['BTC/USDT 1m'], 'one read of the file');
      const [preview, snapshot] = events;
      assert.equal(preview?.type === 'cached' && preview.candles.length, cached.length, 'the cached bars shown first');
      assert.ok(snapshot?.type === 'snapshot');
      const times = snapshot.candles.map((c) => (T0 - c.time) / MIN);
      assert.deepEqual(times.slice(0, 28), Array.from({ length: 28 }, (_, i) => 30 - i), 'the cached bars are the history');
      assert.ok(times.includes(2) && times.includes(1), `topped up after the cache (${times.join(' ')})`);
    } finally {
      await hub.close();
    }
  });

  it('a second chart of a series held reads nothing; opened again after the series was let go, with more bars, one read as deep as asked', async () => {
    await cacheMinutes(30, 1);
    const client = new FakeClient();
    const hub = new MarketHub({ clients: fakeLookup(client), clock: { now: () => T0 + 1 }, historyBars: 20, log: silentLogger, cacheDir: dir });
    try {
      const first = await snapshotOf(hub);
      assert.equal(reads.length, 1);
      const second = await snapshotOf(hub);
      assert.equal(reads.length, 1, 'the held series answers with its snapshot');
      first.leave();
      second.leave();
      const deeper = await snapshotOf(hub, 40);
      assert.equal(reads.length, 2, 'a new start: one read again');
      const snapshot = deeper.events.find((e) => e.type === 'snapshot');
      assert.equal(snapshot?.type === 'snapshot' && snapshot.candles.filter((c) => c.time < T0).length, 30, 'all 30 cached bars, as deep as asked');
    } finally {
      await hub.close();
    }
  });
});
