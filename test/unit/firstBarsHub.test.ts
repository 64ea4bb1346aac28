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
  /** Set: the server refuses every request with this status and Retry-After (seconds). */
  let refuse: { status: number; retryAfter: string } | undefined;
  /** When the server first refused (the pause it asks for starts no earlier). */
  let refusedAt: number | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      if (refuse) {
        refusedAt ??= Date.now();
        res.writeHead(refuse.status, { 'content-type': 'application/json', 'retry-after': refuse.retryAfter });
        res.end('{"code":-1003,"msg":"Too many requests"}');
        return;
      }
      const rows = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((k) => [T0 - k * MIN, '100', '101', '99', '100.5', '2', T0 - k * MIN + MIN - 1]);
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
  async function open(marketId: string | Error | Readonly<Record<string, string>>, cacheDir?: string, aliasOf?: string) {
    const fake = new FakeClient('fake', aliasOf === undefined ? ['BTC/USDT', 'ETH/USDT'] : ['BTC/USDT', aliasOf]);
    const listed = fake.loadMarkets.bind(fake);
    const client = Object.assign(fake, {
      marketId: async (symbol: string) => {
        if (marketId instanceof Error) throw marketId;
        return typeof marketId === 'string' ? marketId : marketId[symbol];
      },
      // BTC/USDT listed as another name of `aliasOf`'s book (as Coinbase lists BTC/USDC of BTC/USD).
      loadMarkets: async () => (await listed()).map((m) => (aliasOf !== undefined && m.symbol === 'BTC/USDT' ? { ...m, aliasOf } : m)),
    });
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

  /** The non-state events as `cached N[ from the exchange]` and `snapshot`. */
  const shown = (events: readonly CandleEvent[]) => events.map((e) => (e.type === 'cached' ? `cached ${e.candles.length}${e.fromExchange ? ' from the exchange' : ''}` : e.type));

  it('nothing cached: the closed bars of the newest page go out first, before the client is used; the snapshot follows', async () => {
    asked.length = 0;
    const { events, uses } = await open('BTCUSDT');
    assert.deepEqual(shown(events), ['cached 12 from the exchange', 'snapshot']);
    assert.deepEqual(asked, ['/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=51']);
    assert.ok(uses.length > 0 && Math.min(...uses) >= 1, `the client was used only after the first bars went out (events before each use: ${uses.join(', ')})`);
  });

  it('another id in the markets: the bars are withdrawn (cached with none) before the snapshot, and the log says why', async () => {
    const { events, log } = await open('XBTUSDT');
    assert.deepEqual(shown(events), ['cached 12 from the exchange', 'cached 0', 'snapshot']);
    assert.match(await log.line(/withdrawn/), /warn fake BTC\/USDT: the newest bars shown before the markets loaded were asked as BTCUSDT, but the exchange's id of the market is XBTUSDT: withdrawn until its history loads/);
  });

  it("an alias's bars asked under its own id stay: the exchange answers them with its book's (no withdrawal, no warning)", async () => {
    const { events, log } = await open({ 'BTC/USDT': 'BTCUSDT', 'BTC/USDX': 'BTCUSDX' }, undefined, 'BTC/USDX');
    assert.deepEqual(shown(events), ['cached 12 from the exchange', 'snapshot']);
    assert.equal(log.lines.filter((l) => /withdrawn/.test(l)).length, 0);
  });

  /** The bar times of the `n`th cached event, as minutes before T0. */
  const minutesOf = (events: readonly CandleEvent[], n: number) => {
    const e = events.filter((x) => x.type === 'cached')[n];
    return e?.type === 'cached' ? e.candles.map((c) => (T0 - c.time) / MIN) : undefined;
  };

  it("a cache of last night's (it stops 7 bars short): its bars at once, then the exchange's newest page joined to them where it reaches back to them", async () => {
    asked.length = 0;
    const { events } = await open('BTCUSDT', await cacheMinutes(20, 8));
    assert.deepEqual(shown(events), ['cached 13', 'cached 20 from the exchange', 'snapshot']);
    assert.deepEqual(minutesOf(events, 1), [20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.equal(asked.length, 1);
  });

  it('a hole between the cache and the newest page: the cached bars, then only the page (the hole would be drawn as if there were none)', async () => {
    const { events } = await open('BTCUSDT', await cacheMinutes(30, 14));
    assert.deepEqual(shown(events), ['cached 17', 'cached 12 from the exchange', 'snapshot']);
    assert.deepEqual(minutesOf(events, 1), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('a cache at most 5 bars short of the last closed one: its bars, and nothing asked', async () => {
    asked.length = 0;
    const { events } = await open('BTCUSDT', await cacheMinutes(12, 6));
    assert.deepEqual(shown(events), ['cached 7', 'snapshot']);
    assert.deepEqual(asked, []);
  });

  it("another id in the markets with a cache joined: only the exchange's bars are withdrawn, the cached ones stay", async () => {
    const { events } = await open('XBTUSDT', await cacheMinutes(20, 8));
    assert.deepEqual(shown(events), ['cached 13', 'cached 20 from the exchange', 'cached 13', 'snapshot']);
  });

  it("a check of the id that fails (the markets cannot be read again): the bars stay for the snapshot, the chart does not fail, the log says so", async () => {
    const { events, log } = await open(new Error('markets gone'));
    assert.deepEqual(shown(events), ['cached 12 from the exchange', 'snapshot']);
    assert.match(await log.line(/could not be checked/), /warn fake BTC\/USDT: the id of the market its newest bars were asked under could not be checked: markets gone/);
  });

  it("a rate limit on the newest page pauses the hub's REST for its Retry-After: no other first page is asked, and the history waits for it", async () => {
    asked.length = 0;
    refuse = { status: 429, retryAfter: '1' };
    refusedAt = undefined;
    const client = new FakeClient();
    for (let i = 0; i < 10; i++) client.trade({ id: `t${i}`, timestamp: T0 - 10 * MIN + i * MIN + 5, price: 100, amount: 1, side: 'buy' }, false);
    let firstHistoryAt: number | undefined;
    const fetchCandles = client.fetchCandles.bind(client);
    client.fetchCandles = (...args) => ((firstHistoryAt ??= Date.now()), fetchCandles(...args));
    const log = captureLog();
    const hub = new MarketHub({ clients: { ...fakeLookup(client), firstBars: () => binanceFirstBars(base) }, clock: { now: () => T0 + 1 }, historyBars: 50, log });
    try {
      const shownFor = (symbol: string) => {
        const events: CandleEvent[] = [];
        const snapshot = waitForEvent<CandleEvent>((cb) => hub.subscribe({ kind: 'candles', exchange: 'fake', symbol, timeframe: '1m' }, (e) => (events.push(e), cb(e))), (e) => e.type === 'snapshot', `${symbol}'s snapshot`);
        return { events, snapshot };
      };
      const btc = shownFor('BTC/USDT');
      await log.line(/HTTP 429/);
      const eth = shownFor('ETH/USDT');
      await Promise.all([btc.snapshot, eth.snapshot]);
      assert.deepEqual(asked, ['/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=51'], 'ETH/USDT asked nothing while paused');
      assert.deepEqual([shown(btc.events.filter((e) => e.type !== 'state')), shown(eth.events.filter((e) => e.type !== 'state'))], [['snapshot'], ['snapshot']]);
      assert.ok(refusedAt !== undefined && firstHistoryAt !== undefined && firstHistoryAt >= refusedAt + 1000, `the history waited for the Retry-After (${(firstHistoryAt ?? NaN) - (refusedAt ?? NaN)} ms after the 429)`);
    } finally {
      refuse = undefined;
      await hub.close();
    }
  });
});
