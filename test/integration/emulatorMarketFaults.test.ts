/**
 * The emulator's per-market fault knobs on every protocol, driven through the HTTP control API: a REST fault, a
 * dropped or silenced connection and malformed frames aimed at one market leave the other markets' requests and streams alone.
 */
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { ExchangeEmulator } from '../../src/emulator';
import type { ExchangeId } from '../../src/emulator/types';
import { RawClient } from '../helpers/rawClient';

/** Per exchange: a REST request for one market's recent trades, and a raw stream of one market's trades. */
interface Wire {
  readonly exchange: ExchangeId;
  readonly markets: readonly [string, string];
  tradesPath(id: string): string;
  /** Opens a connection subscribed to the trades of market `id`; resolves once the emulator counts the subscription. */
  stream(emu: ExchangeEmulator<ExchangeId>, id: string): Promise<RawClient>;
}

const openWith = async (url: string, subscribe: unknown): Promise<RawClient> => {
  const client = new RawClient(url);
  await client.open();
  if (subscribe !== undefined) client.send(subscribe);
  return client;
};

const WIRES: readonly Wire[] = [
  {
    exchange: 'binance',
    markets: ['BTC/USDT', 'ETH/USDT'],
    tradesPath: (id) => `/api/v3/aggTrades?symbol=${id}&limit=1`,
    stream: (emu, id) => openWith(`${emu.url.replace('http', 'ws')}/ws/${id.toLowerCase()}@aggTrade`, undefined),
  },
  {
    exchange: 'coinbase',
    markets: ['BTC/USD', 'ETH/USD'],
    tradesPath: (id) => `/api/v3/brokerage/market/products/${id}/ticker?limit=1`,
    stream: (emu, id) => openWith((emu as ExchangeEmulator<'coinbase'>).ccxtUrls().api.ws, { type: 'subscribe', product_ids: [id], channel: 'market_trades' }),
  },
  {
    exchange: 'bybit',
    markets: ['BTC/USDT:USDT', 'ETH/USDT:USDT'],
    tradesPath: (id) => `/v5/market/recent-trade?category=linear&symbol=${id}&limit=1`,
    stream: (emu, id) => openWith((emu as ExchangeEmulator<'bybit'>).ccxtUrls().api.ws.public.linear, { req_id: 's', op: 'subscribe', args: [`publicTrade.${id}`] }),
  },
];

describe('emulator: fault knobs aimed at one market (control API, every protocol)', function () {
  this.timeout(20_000);
  for (const wire of WIRES) {
    describe(wire.exchange, () => {
      let emu: ExchangeEmulator<ExchangeId>;
      const clients: RawClient[] = [];
      const post = (path: string, body: unknown) => fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
      const [a, b] = wire.markets;
      before(async () => {
        emu = await ExchangeEmulator.start({ exchange: wire.exchange, seed: 3, tradesPerSecond: 0, historyMinutes: 5 });
      });
      afterEach(async () => {
        await Promise.all(clients.splice(0).map((c) => c.close()));
        emu.clearFaults();
      });
      after(async () => {
        await emu.close();
      });

      it('a REST fault with a symbol fails only requests naming that market', async () => {
        const queued = await post('fault/rest', { status: 503, count: 2, symbol: a });
        assert.deepEqual(((await queued.json()) as { queued: unknown }).queued, { status: 503, count: 2, path: null, symbol: a });
        const status = async (symbol: string) => (await fetch(`${emu.url}${wire.tradesPath(emu.marketId(symbol))}`)).status;
        assert.equal(await status(b), 200, 'the other market is served');
        assert.equal(await status(a), 503);
        assert.equal(await status(b), 200);
        assert.equal(await status(a), 503);
        assert.equal(await status(a), 200, 'the two faults are used up');
        const bad = await post('fault/rest', { status: 503, symbol: 'NOPE/USDT' });
        assert.equal(bad.status, 400);
        assert.match(((await bad.json()) as { error: string }).error, /unknown emulator symbol/);
      });

      it('a drop with a symbol closes only the connections carrying that market', async () => {
        const [onA, onB] = [await wire.stream(emu, emu.marketId(a)), await wire.stream(emu, emu.marketId(b))];
        clients.push(onA, onB);
        await emu.waitForStats((s) => s.openSockets === 2 && Object.keys(s.subscriptions).filter((t) => /trade/i.test(t)).length === 2);
        const closed = once(onA.ws, 'close');
        const res = await post('fault/drop', { symbol: a });
        assert.deepEqual(await res.json(), { dropped: 1 });
        await closed;
        assert.equal(onB.ws.readyState, onB.ws.OPEN, 'the other market\'s connection stays open');
        assert.equal(emu.stats().openSockets, 1);
      });

      it('a silenced market\'s connection stays open but goes quiet (no frame, no pong), the other market\'s is served', async () => {
        const [onA, onB] = [await wire.stream(emu, emu.marketId(a)), await wire.stream(emu, emu.marketId(b))];
        clients.push(onB);
        await emu.waitForStats((s) => s.openSockets === 2 && Object.keys(s.subscriptions).filter((t) => /trade/i.test(t)).length === 2);
        try {
          const res = await post('fault/silence', { symbol: a });
          assert.deepEqual(await res.json(), { silenced: 1 });
          const heardByA: string[] = [];
          onA.ws.on('message', (data) => heardByA.push(String(data)));
          let pongsOfA = 0;
          onA.ws.on('pong', () => pongsOfA++);
          emu.injectTrades(a, [{ price: 1000, amount: 1, side: 'buy' }]);
          onA.ws.ping();
          emu.injectTrades(b, [{ price: 1000, amount: 1, side: 'buy' }]);
          const toB = new Promise<void>((resolve) => onB.ws.on('message', (data) => /"?1000(\.0+)?"?/.test(String(data)) && resolve()));
          await toB;
          // Two round trips on the other connection: what the silenced one would have had, it would have had by now.
          for (let i = 0; i < 2; i++) {
            const pong = once(onB.ws, 'pong');
            onB.ws.ping();
            await pong;
          }
          assert.deepEqual(heardByA, [], 'the silenced connection received nothing');
          assert.equal(pongsOfA, 0, 'its ping was not answered');
          assert.equal(onA.ws.readyState, onA.ws.OPEN, 'it is still open: no close was seen');
          assert.equal(emu.stats().openSockets, 2, 'the emulator still holds it');
          const res2 = await post('fault/silence', { symbol: a });
          assert.deepEqual(await res2.json(), { silenced: 0 }, 'a silenced connection is not counted again');
        } finally {
          onA.ws.terminate();
          emu.dropConnections(a); // a paused socket would not see the client go
        }
      });

      it('malformed frames with a symbol go only to that market\'s subscribers', async () => {
        const [onA, onB] = [await wire.stream(emu, emu.marketId(a)), await wire.stream(emu, emu.marketId(b))];
        clients.push(onA, onB);
        await emu.waitForStats((s) => s.openSockets === 2 && Object.keys(s.subscriptions).filter((t) => /trade/i.test(t)).length === 2);
        /** The texts a client receives, and a promise of the first one matching `marker`. */
        const collect = (client: RawClient, marker: RegExp) => {
          const got: string[] = [];
          const seen = new Promise<void>((resolve) =>
            client.ws.on('message', (data) => {
              got.push(String(data));
              if (marker.test(String(data))) resolve();
            }),
          );
          return { got, seen };
        };
        const marker = /"?1000(\.0+)?"?/;
        const [toA, toB] = [collect(onA, marker), collect(onB, marker)];
        const res = await post('fault/malformed', { kind: 'bad-fields', symbol: a });
        assert.deepEqual(await res.json(), { sent: 1 });
        // A trade after the broken frame on both connections: frames on one connection keep their order.
        emu.injectTrades(a, [{ price: 1000, amount: 1, side: 'buy' }]);
        emu.injectTrades(b, [{ price: 1000, amount: 1, side: 'buy' }]);
        await Promise.all([toA.seen, toB.seen]);
        const [gotA, gotB] = [toA.got, toB.got];
        assert.ok(gotA.some((t) => /not-a-number|NaN/.test(t)), 'the market aimed at got the broken frame');
        assert.ok(!gotB.some((t) => /not-a-number|NaN/.test(t)), `the other market got none: ${gotB.join('\n')}`);
      });
    });
  }
});
