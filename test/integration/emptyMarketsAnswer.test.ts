/**
 * A markets answer that lists no market at all (an exchange's `{"symbols": []}` under maintenance, a proxy's cut
 * answer) is no listing: taken as one, a download of the markets again (Refresh Markets, the hourly refresh while
 * streams run) replaced the markets in use by none, every running stream failed `no longer listed` for good and every
 * new panel was refused as of an unknown market; a first load answered so refused every market until a restart. It
 * fails now, named, and the markets in use stay (a first load is retried). Real ccxt against the Binance emulator.
 */
import * as assert from 'node:assert/strict';
import type { Json } from '../../src/emulator/json';
import { Recorder, Rig } from '../helpers/emulatorHub';

const noSymbols = (body: Json): Json => ({ ...(body as { [key: string]: Json }), symbols: [] });

describe('a markets answer that lists no market (real ccxt, Binance emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('downloaded again while streams run: the download fails naming why, the markets in use and the streams stay', async () => {
    rig = await Rig.start({ seed: 4, tradesPerSecond: 40, historyMinutes: 10 }, { historyBars: 50 });
    const { hub, emulator } = rig;
    const req = { kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' } as const;
    const trades = new Recorder<typeof req>();
    hub.subscribe(req, trades.consume);
    await trades.next((e) => e.type === 'trades', 'trades', 20_000);

    emulator.alterNextRest('/exchangeInfo', noSymbols);
    await assert.rejects(hub.reloadMarkets('binance'), /binance.*no market/i);
    const before = trades.events.length;
    await trades.upcoming((e) => e.type === 'trades', 'trades after the refresh', 15_000);
    assert.deepEqual(trades.events.slice(before).filter((e) => e.type === 'state'), [], 'the stream never left live');
    const other = { kind: 'trades', exchange: 'binance', symbol: 'ETH/USDT' } as const;
    await hub.subscribe(other, () => undefined).ready;
  });

  it('on the first load: the market load fails and is retried; the panel opens once the markets come', async () => {
    rig = await Rig.start({ seed: 4, tradesPerSecond: 40, historyMinutes: 10 }, { historyBars: 50 });
    rig.emulator.alterNextRest('/exchangeInfo', noSymbols);
    const req = { kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' } as const;
    const trades = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, trades.consume);
    await sub.ready;
    await trades.next((e) => e.type === 'trades', 'trades', 20_000);
  });
});
