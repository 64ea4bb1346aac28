/**
 * The hub's side of a chart's first bars asked without ccxt: they go out as `cached` before the exchange's client is
 * used at all, and are withdrawn once the markets name the market by another id than the one they were asked under
 * (the id is derived from the symbol by the exchange's convention; ccxt may map a currency code).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { binanceFirstBars } from '../../src/core/exchange/firstBars/binanceFirstBars';
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

  /** A hub on a fake client whose markets give BTC/USDT the id `marketId`; `uses` records what was shown before each use of the client. */
  async function open(marketId: string) {
    const client = Object.assign(new FakeClient(), { marketId: async () => marketId });
    for (let i = 0; i < 10; i++) client.trade({ id: `t${i}`, timestamp: T0 - 10 * MIN + i * MIN + 5, price: 100, amount: 1, side: 'buy' }, false);
    const events: CandleEvent[] = [];
    const uses: number[] = [];
    const lookup = { ...fakeLookup(client), get: async () => (uses.push(events.length), client), firstBars: () => binanceFirstBars(base) };
    const log = captureLog();
    const hub = new MarketHub({ clients: lookup, clock: { now: () => T0 + 1 }, historyBars: 50, log });
    const listeners = new Set<(e: CandleEvent) => void>();
    hub.subscribe({ kind: 'candles', exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' }, (e) => {
      events.push(e);
      for (const l of listeners) l(e);
    });
    await waitForEvent<CandleEvent>((cb) => listeners.add(cb), (e) => e.type === 'snapshot', 'the snapshot');
    await hub.close();
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
    assert.match(await log.line(/withdrawn/), /warn fake BTC\/USDT: the bars shown before the markets loaded were asked as BTCUSDT, but the exchange's id of the market is XBTUSDT: withdrawn until its history loads/);
  });
});
