/**
 * A kline row the boundary drops (a negative volume, a high below the open) is a bar the exchange has and we could
 * not read, not a minute without trades. Its bucket was filled like an empty period (flat at the previous close,
 * volume 0) and that invented bar was cached: every later read of the span painted it, and asked nothing again.
 * Real ccxt against the Binance emulator.
 */
import * as assert from 'node:assert/strict';
import type { CandleKey } from '../../src/core/keys';
import type { Candle } from '../../src/core/types';
import type { Json } from '../../src/emulator/json';
import { Rig } from '../helpers/emulatorHub';
import { referenceCandles } from '../helpers/referenceCandles';

const MIN = 60_000;

describe('a kline row the boundary drops (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('is neither invented as a flat bar nor cached as one; a later read has the real bar', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 0, historyMinutes: 60 });
    const emu = rig.emulator;
    const key: CandleKey = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
    const before = Math.floor(Date.now() / MIN) * MIN - 10 * MIN;
    const truth = new Map(referenceCandles(emu.trades(key.symbol), '1m').map((c) => [c.time, c]));
    let spoiled: number | undefined;
    emu.alterNextRest('/klines', (body) => {
      const rows = body as Json[][];
      const row = rows[Math.floor(rows.length / 2)]!;
      spoiled = row[0] as number;
      row[5] = '-1'; // the volume
      return body;
    });
    const written = new Promise<void>((resolve) => rig!.hub.onCacheWritten(() => resolve()));
    const first = await rig.hub.olderBars(key, before, 30);
    assert.ok(spoiled !== undefined && truth.has(spoiled), 'a bar with trades was spoiled');
    assert.ok(rig.log.lines.some((l) => /dropped invalid data from binance 1m candles BTC\/USDT: .*volume -1/.test(l)), 'the dropped row is named');
    await written;
    const flat = (c: Candle | undefined) => c !== undefined && c.volume === 0 && c.time === spoiled;
    assert.ok(!flat(first.candles.find((c) => c.time === spoiled)), 'the first answer invents no flat bar');

    const again = await rig.hub.olderBars(key, before, 30);
    const bar = again.candles.find((c) => c.time === spoiled);
    assert.ok(!flat(bar), `the cache holds no invented flat bar at ${new Date(spoiled).toISOString()}: ${JSON.stringify(bar)}`);
    assert.deepEqual(bar, truth.get(spoiled), 'a later read has the real bar');
  });
});
