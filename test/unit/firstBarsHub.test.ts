/**
 * The hub's side of a chart's first bars asked without ccxt: they go out as `cached` before the exchange's client is
 * used at all, and are withdrawn once the markets name the market by another id than the one they were asked under
 * (the id is derived from the symbol by the exchange's convention; ccxt may map a currency code).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { binanceFirstBars } from '../../src/core/exchange/firstBars/binanceFirstBars';
import { CandleCache } from '../../src/core/history/candleCache';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { CandleEvent } from '../../src/core/hub/requests';
import { FakeClient, fakeLookup, waitForEvent } from '../helpers/fakeClient';
import { captureLog } from '../helpers/emulatorHub';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);

describe('MarketHub: first bars before the markets (fake client, a klines server)', () => {
  let server: http.Server;
  let base: string;
  const asked: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      const rows = [3, 2, 1, 0].map((k) => [T0 - k * MIN, '100', '101', '99', '100.5', '2', T0 - k * MIN + MIN - 1]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(rows));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  /** Closed 1m bars on disk for the minutes `from`..`to` before T0's (the bar in progress). */
  async function cacheMinutes(from: number, to: number): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-first-'));
    const bars: Candle[] = [];
    for (let k = from; k >= to; k--) bars.push({ time: T0 - k * MIN, open: 50, high: 51, low: 49, close: 50, volume: 1 });
    await new CandleCache(dir, silentLogger).merge({ exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' }, bars);
    return dir;
  }

  /** A hub on a fake client whose markets give BTC/USDT the id `marketId`; `uses` records what was shown before each use of the client. */
  async function open(marketId: string, cacheDir?: string) {
    const client = Object.assign(new FakeClient(), { marketId: async () => marketId });
    for (let i = 0; i < 10; i++) client.trade({ id: `t${i}`, timestamp: T0 - 10 * MIN + i * MIN + 5, price: 100, amount: 1, side: 'buy' }, false);
    const events: CandleEvent[] = [];
    const uses: number[] = [];
    const lookup = { ...fakeLookup(client), get: async () => (uses.push(events.length), client), firstBars: () => binanceFirstBars(base) };
    const log = captureLog();
    const hub = new MarketHub({ clients: lookup, clock: { now: () => T0 + 1 }, historyBars: 50, log, ...(cacheDir !== undefined ? { cacheDir } : {}) });
    const listeners = new Set<(e: CandleEvent) => void>();
    hub.subscribe({ kind: 'candles', exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' }, (e) => {
      events.push(e);
      for (const l of listeners) l(e);
    });
    await waitForEvent<CandleEvent>((cb) => listeners.add(cb), (e) => e.type === 'snapshot', 'the snapshot');
    await hub.close();
    if (cacheDir !== undefined) await fs.rm(cacheDir, { recursive: true, force: true });
    return { events: events.filter((e) => e.type !== 'state'), uses, log };
  }

  it('the same id: the closed bars go out first, before the client is used; the snapshot follows', async () => {
    asked.length = 0;
    const { events, uses } = await open('BTCUSDT');
    assert.deepEqual(
      events.map((e) => (e.type === 'cached' ? `cached ${e.candles.length}` : e.type)),
      ['cached 3', 'snapshot'],
    );
    assert.deepEqual(asked, ['/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=51']);
    assert.ok(uses.length > 0 && Math.min(...uses) >= 1, `the client was used only after the first bars went out (events before each use: ${uses.join(', ')})`);
  });

  it('another id in the markets: the bars are withdrawn (cached with none) before the snapshot, and the log says why', async () => {
    const { events, log } = await open('XBTUSDT');
    assert.deepEqual(
      events.map((e) => (e.type === 'cached' ? `cached ${e.candles.length}` : e.type)),
      ['cached 3', 'cached 0', 'snapshot'],
    );
    assert.match(await log.line(/withdrawn/), /warn fake BTC\/USDT: the newest bars shown before the markets loaded were asked as BTCUSDT, but the exchange's id of the market is XBTUSDT: withdrawn until its history loads/);
  });

  /** The first bars event: its bar times as minutes before T0, and whether it came from the exchange. */
  const firstShown = (events: readonly CandleEvent[]) => {
    const e = events[0];
    return e?.type === 'cached' ? { minutes: e.candles.map((c) => (T0 - c.time) / MIN), fromExchange: e.fromExchange === true } : undefined;
  };

  it("a cache of last night's (it stops before the last closed bar): the exchange's newest page joined to it where it reaches back to it", async () => {
    asked.length = 0;
    const { events } = await open('BTCUSDT', await cacheMinutes(10, 4));
    assert.deepEqual(firstShown(events), { minutes: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1], fromExchange: true });
    assert.equal(asked.length, 1);
  });

  it('a hole between the cache and the newest page: only the page (the hole would be drawn as if there were none)', async () => {
    const { events } = await open('BTCUSDT', await cacheMinutes(10, 6));
    assert.deepEqual(firstShown(events), { minutes: [3, 2, 1], fromExchange: true });
  });

  it('a cache up to the last closed bar: its bars, and nothing asked', async () => {
    asked.length = 0;
    const { events } = await open('BTCUSDT', await cacheMinutes(5, 1));
    assert.deepEqual(firstShown(events), { minutes: [5, 4, 3, 2, 1], fromExchange: false });
    assert.deepEqual(asked, []);
  });

  it("another id in the markets with a cache joined: only the exchange's bars are withdrawn, the cached ones stay", async () => {
    const { events } = await open('XBTUSDT', await cacheMinutes(10, 4));
    assert.deepEqual(
      events.map((e) => (e.type === 'cached' ? `cached ${e.candles.length}${e.fromExchange ? ' from the exchange' : ''}` : e.type)),
      ['cached 10 from the exchange', 'cached 7', 'snapshot'],
    );
  });
});
