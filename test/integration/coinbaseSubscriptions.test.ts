// Coinbase's subscriptions through the hub and the real ccxt, where ccxt alone fails: two streams leaving at once,
// a stream leaving while others share the socket, and a product the exchange refuses (markets cached before a
// delisting). The server's subscriptions are read from the emulator, so a subscription left streaming shows.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { StreamState } from '../../src/core/types';
import { ExchangeEmulator } from '../../src/emulator';
import { captureLog, Recorder, Rig } from '../helpers/emulatorHub';

type TradesRequest = { kind: 'trades'; exchange: 'coinbase'; symbol: string };
const trades = (symbol: string): TradesRequest => ({ kind: 'trades', exchange: 'coinbase', symbol });
const states = (rec: Recorder<TradesRequest>): StreamState['status'][] => rec.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));

describe('Coinbase subscriptions against the emulator (real ccxt)', function () {
  this.timeout(60_000);

  it('two streams leaving at once are both unsubscribed while a third shares the socket; one joining again is subscribed again', async () => {
    const rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 20 });
    try {
      const recs = new Map(['BTC/USD', 'ETH/USD', 'SOL/USD'].map((s) => [s, new Recorder<TradesRequest>()]));
      const subs = new Map([...recs].map(([s, rec]) => [s, rig.hub.subscribe(trades(s), rec.consume)]));
      for (const [s, rec] of recs) await rec.next((e) => e.type === 'trades', `trades of ${s}`, 20_000);
      await rig.emulator.waitForStats((st) => ['BTC-USD', 'ETH-USD', 'SOL-USD'].every((id) => st.subscriptions[`market_trades:${id}`] === 1));

      subs.get('ETH/USD')!.dispose();
      subs.get('SOL/USD')!.dispose();
      // ccxt alone left SOL-USD subscribed ("another unSubscription is pending") and never finished ETH-USD's.
      // Heartbeats (the client's, one per socket) keep a quiet market's channels open.
      const after = await rig.emulator.waitForStats((st) => Object.keys(st.subscriptions).length === 2, 5000);
      assert.deepEqual(after.subscriptions, { heartbeats: 1, 'market_trades:BTC-USD': 1 });
      assert.equal(after.openSockets, 1);
      const btc = recs.get('BTC/USD')!;
      await btc.upcoming((e) => e.type === 'trades', 'BTC trades after the others left');
      assert.deepEqual(states(btc), ['connecting', 'live'], 'BTC never left live');
      assert.ok(!rig.log.lines.some((l) => /unSubscription is pending|did not confirm/.test(l)), rig.log.lines.join('\n'));

      const eth = new Recorder<TradesRequest>();
      const again = rig.hub.subscribe(trades('ETH/USD'), eth.consume);
      await eth.next((e) => e.type === 'trades', 'ETH trades after joining again', 20_000);
      await rig.emulator.waitForStats((st) => st.subscriptions['market_trades:ETH-USD'] === 1);
      again.dispose();
      subs.get('BTC/USD')!.dispose();
      await rig.emulator.waitForStats((st) => st.openSockets === 0 && Object.keys(st.subscriptions).length === 0, 5000);
      assert.deepEqual(rig.hub.activeStreams(), []);
    } finally {
      await rig.close();
    }
  });

  for (const [wording, refusal, reason] of [
    ['naming the product', 'names-products', /coinbase refused to stream GONE\/USD: .*GONE-USD.*may have been delisted/],
    // The download the refusal starts finds the product gone, which ends its waiting watch (see Delistings).
    ['naming no product', 'generic', /^coinbase no longer trades GONE\/USD: the markets downloaded again do not list it as trading/],
  ] as const) {
    it(`a product the cached markets list but Coinbase refuses, ${wording}, fails by name; the streams sharing its socket stay live; the markets are downloaded again`, async () => {
      const emulator = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 7, tradesPerSecond: 20, coinbaseRefusal: refusal });
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-coinbase-refused-'));
      const open = () => {
        const log = captureLog();
        const registry = new ExchangeRegistry([{ id: 'coinbase', endpoint: emulator.url }], { log, marketsCacheDir: dir });
        const hub = new MarketHub({ clients: registry, cacheDir: dir, log, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 }, historyBars: 100 });
        return { log, registry, hub, close: async () => (await hub.close(), await registry.closeAll()) };
      };
      let app = open();
      try {
        // A day-old cache (within its TTL) listing a product delisted since: a copy of BTC-USD as GONE-USD.
        await app.hub.markets('coinbase');
        await app.close();
        const file = path.join(dir, 'coinbase.json');
        const saved = JSON.parse(await fs.readFile(file, 'utf8')) as { savedAt: number; markets: Array<Record<string, unknown>> };
        saved.savedAt -= 24 * 3600_000;
        const btc = saved.markets.find((m) => m.symbol === 'BTC/USD')!;
        saved.markets.push({ ...btc, id: 'GONE-USD', symbol: 'GONE/USD', base: 'GONE', baseId: 'GONE' });
        await fs.writeFile(file, JSON.stringify(saved));
        app = open();
        assert.ok((await app.hub.markets('coinbase')).some((m) => m.symbol === 'GONE/USD'), 'the cache is in use');

        const live = new Recorder<TradesRequest>();
        const liveSub = app.hub.subscribe(trades('BTC/USD'), live.consume);
        await live.next((e) => e.type === 'trades', 'BTC trades', 20_000);
        const gone = new Recorder<{ kind: 'ticker'; exchange: 'coinbase'; symbol: string }>();
        const goneSub = app.hub.subscribe({ kind: 'ticker', exchange: 'coinbase', symbol: 'GONE/USD' }, gone.consume);
        goneSub.ready.catch(() => undefined);
        const failed = await gone.next((e) => e.type === 'state' && e.state.status === 'failed', 'the refused stream to fail', 10_000);
        assert.ok(failed.type === 'state' && failed.state.status === 'failed');
        assert.match(failed.state.reason, reason);
        assert.deepEqual(gone.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : [])), ['connecting', 'failed'], 'failed at once, not retried');

        await live.upcoming((e) => e.type === 'trades', 'BTC trades after the refusal');
        assert.deepEqual(states(live), ['connecting', 'live'], 'the stream sharing the socket never left live');
        const deadline = Date.now() + 10_000;
        while (!app.log.lines.some((l) => /markets refreshed in the background: 3/.test(l)) && Date.now() < deadline) await live.upcoming((e) => e.type === 'trades', 'trades while the markets refresh');
        assert.ok(!(await app.hub.markets('coinbase')).some((m) => m.symbol === 'GONE/USD'), 'the refreshed markets no longer list GONE/USD');
        goneSub.dispose();
        liveSub.dispose();
        await emulator.waitForStats((st) => st.openSockets === 0 && Object.keys(st.subscriptions).length === 0, 5000);
      } finally {
        await app.close();
        await emulator.close();
      }
    });
  }
});
