/**
 * A market the exchange halts or delists while its streams run (real ccxt, Binance emulator): its socket just goes
 * quiet. Once the markets are downloaded again (here Refresh Markets) and list it as not trading, its chart, book,
 * trades and ticker fail naming why instead of going stale; the other markets stream on; listed as trading again,
 * its streams come back by themselves and it can be opened again.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import type { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { captureLog, Recorder, Rig } from '../helpers/emulatorHub';

const SOL = 'SOL/USDT';
const REASON = `binance no longer trades ${SOL}: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.`;

describe('a market halted while its streams run (real ccxt, Binance emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('its streams fail naming why once the markets downloaded again list it as not trading; BTC/USDT streams on; trading again, its streams come back and it opens again', async () => {
    rig = await Rig.start({ seed: 9, tradesPerSecond: 40, historyMinutes: 30 }, { historyBars: 50 });
    const { hub, emulator } = rig;
    const btc = { kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' } as const;
    const btcTrades = new Recorder<typeof btc>();
    hub.subscribe(btc, btcTrades.consume);
    const streams = (['candles', 'orderbook', 'trades', 'ticker'] as const).map((kind) => {
      const request = { kind, exchange: 'binance', symbol: SOL, timeframe: '1m' } as SubscriptionRequest;
      const rec = new Recorder<typeof request>();
      hub.subscribe(request, rec.consume);
      return { kind, rec };
    });
    // Each answers first: the streams are live and past their first message.
    for (const { kind, rec } of streams) await rec.next((e) => e.type !== 'state', `${kind}: data`, 20_000);
    emulator.setMarketStatus(SOL, 'halted');
    await hub.reloadMarkets('binance');
    for (const { kind, rec } of streams) {
      const failed = await rec.next((e) => e.type === 'state' && e.state.status === 'failed', `${kind}: failed`, 15_000);
      assert.equal(failed.type === 'state' && failed.state.status === 'failed' && failed.state.reason, REASON, kind);
    }
    const before = btcTrades.events.length;
    await btcTrades.upcoming((e) => e.type === 'trades', 'BTC/USDT trades after', 15_000);
    assert.ok(btcTrades.events.length > before);
    assert.ok(!btcTrades.events.some((e) => e.type === 'state' && e.state.status !== 'live' && e.state.status !== 'connecting'), 'BTC/USDT never left live');
    // A new chart of it is refused while it does not trade.
    const again = { kind: 'trades', exchange: 'binance', symbol: SOL } as const;
    await assert.rejects(hub.subscribe(again, () => undefined).ready, /SOL\/USDT/);
    // The markets change again (ETH/USDT halted too) while SOL/USDT still does not trade: its failed streams are left
    // as they are, not started again only to fail the same way (a badge blinking connecting → failed).
    const eth = { kind: 'trades', exchange: 'binance', symbol: 'ETH/USDT' } as const;
    const ethTrades = new Recorder<typeof eth>();
    hub.subscribe(eth, ethTrades.consume);
    await ethTrades.next((e) => e.type === 'trades', 'ETH/USDT trades', 20_000);
    const seen = streams.map(({ rec }) => rec.events.length);
    emulator.setMarketStatus('ETH/USDT', 'halted');
    await hub.reloadMarkets('binance');
    await ethTrades.upcoming((e) => e.type === 'state' && e.state.status === 'failed', 'ETH/USDT: failed', 15_000);
    streams.forEach(({ kind, rec }, i) => assert.deepEqual(rec.events.slice(seen[i]).filter((e) => e.type === 'state'), [], `${kind}: no new state`));
    emulator.setMarketStatus('ETH/USDT', 'trading');
    // Trading again: the panels still open come back by themselves, and a new one opens.
    emulator.setMarketStatus(SOL, 'trading');
    const live = streams.map(({ kind, rec }) => rec.upcoming((e) => e.type === 'state' && e.state.status === 'live', `${kind}: live again`, 20_000));
    await hub.reloadMarkets('binance');
    await Promise.all(live);
    const back = new Recorder<typeof again>();
    hub.subscribe(again, back.consume);
    await back.next((e) => e.type === 'trades', 'SOL/USDT trades again', 20_000);
  });

  it('nobody asks: while streams run, the markets are downloaded again at the refresh age and the halted market\'s streams fail naming why', async () => {
    const emulator = await ExchangeEmulator.start({ exchange: 'binance', seed: 9, tradesPerSecond: 40, historyMinutes: 30 });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-halted-'));
    const log = captureLog();
    const registry = new ExchangeRegistry([{ id: 'binance', endpoint: emulator.url }], { log, marketsCacheDir: path.join(dir, 'markets'), marketsCacheTiming: { refreshAfterMs: 500, saveDelayMs: 0 } });
    const hub = new MarketHub({ clients: registry, cacheDir: path.join(dir, 'candles'), log, historyBars: 50, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 } });
    try {
      const request = { kind: 'ticker', exchange: 'binance', symbol: SOL } as const;
      const rec = new Recorder<typeof request>();
      const sub = hub.subscribe(request, rec.consume);
      await rec.next((e) => e.type === 'ticker', 'a first ticker', 20_000);
      const downloads = () => emulator.restLog().filter((e) => e.path.endsWith('/exchangeInfo')).length;
      const before = downloads();
      emulator.setMarketStatus(SOL, 'delisted');
      const failed = await rec.upcoming((e) => e.type === 'state' && e.state.status === 'failed', 'the ticker failed', 15_000);
      assert.equal(failed.type === 'state' && failed.state.status === 'failed' && failed.state.reason, REASON);
      assert.ok(downloads() > before, 'downloaded again by the client itself');
      const client = (await registry.get('binance')) as CcxtMarketDataClient;
      assert.equal(client.followsListing, true);
      sub.dispose();
      await hub.whenStreamsIdle();
      assert.equal(client.followsListing, false, 'the last stream gone, its timer with it');
    } finally {
      await hub.close();
      await registry.closeAll();
      await emulator.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
