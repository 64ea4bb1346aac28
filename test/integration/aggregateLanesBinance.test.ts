/**
 * An aggregate chart's lanes with a Binance USDⓈ-M perpetual leg (real ccxt, emulator fapi/fstream): liquidations
 * per bar split into longs and shorts as the emulator logged them (Binance's forceOrder names the order's side, the
 * opposite of Bybit's), and the polled open interest and funding the emulator served.
 */
import * as assert from 'node:assert/strict';
import { AggregateLanes } from '../../src/core/aggregate/aggregateLanes';
import type { AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import { bucketStart } from '../../src/core/timeframes';
import { Rig } from '../helpers/emulatorHub';
import { whenChanged } from '../helpers/whenChanged';

const SYMBOL = 'BTC/USDT:USDT';
const PERP: AggregateDefinition = { name: 'BTC perp (binance)', legs: [{ exchange: 'binance', symbol: SYMBOL }], price: { kind: 'vwap' }, usdtIsUsd: false };

describe('aggregate lanes with a Binance perpetual leg (real ccxt, emulator)', function () {
  this.timeout(45_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('each 1s bar holds the liquidations forceOrder pushed in it, longs and shorts as logged, and the open interest and funding polled', async () => {
    rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 0, depthIntervalMs: 0, liquidationsPerTrade: 0 }, { derivativesPollMs: 50, derivativesPollSpacingMs: 20, exchangeOptions: { fetchMarkets: { types: ['spot', 'linear'] } } });
    const { changed, until } = whenChanged();
    const polledFrom = Date.now(); // the lanes' first poll comes after this (t0 below may be a minute later)
    const lanes = new AggregateLanes(rig.hub, PERP, '1s', () => changed(), { log: rig.log });
    try {
      await lanes.ready;
      await rig.emulator.waitForStats((st) => (st.subscriptions['fstream:btcusdt@forceOrder'] ?? 0) >= 1, 20_000);
      const t0 = Date.now();
      const price = rig.emulator.trades(SYMBOL).at(-1)!.price;
      const liquidated = () => lanes.snapshot().reduce((n, b) => n + b.longs + b.shorts, 0);
      // One at a time (forceOrder pushes only the latest of each second): a long, a short, a long.
      let want = 0;
      for (const [side, amount] of [['buy', 1.5], ['sell', 0.25], ['buy', 2]] as const) {
        const [l] = rig.emulator.injectLiquidations(SYMBOL, [{ side, price, amount }]);
        want += l!.amount;
        await until(() => liquidated() >= want - 1e-9, `the ${side} liquidation in the lanes`);
      }
      await until(() => lanes.snapshot().filter((b) => b.openInterest !== undefined && b.fundingRate !== undefined).length >= 2, 'two bars with open interest and funding');
      const bars = lanes.snapshot();
      const truth = new Map<number, { longs: number; shorts: number }>();
      for (const l of rig.emulator.liquidations(SYMBOL, t0)) {
        const b = truth.get(bucketStart('1s', l.timestamp)) ?? { longs: 0, shorts: 0 };
        if (l.side === 'buy') b.longs += l.amount;
        else b.shorts += l.amount;
        truth.set(bucketStart('1s', l.timestamp), b);
      }
      const got = bars.filter((b) => b.longs + b.shorts > 0).map((b) => [b.time, b.longs, b.shorts]);
      assert.deepEqual(got, [...truth].sort(([a], [b]) => a - b).map(([time, w]) => [time, w.longs, w.shorts]));
      assert.equal(got.reduce((n, [, longs]) => n + (longs as number), 0), 3.5, 'the two longs');
      const served = rig.emulator.derivatives(SYMBOL);
      // The open interest of every minute the polls ran in (their first may be in the minute before t0's).
      const minutes = new Set<number>();
      for (let m = Math.floor(polledFrom / 60_000); m <= Math.floor(Date.now() / 60_000); m++) minutes.add(rig.emulator.openInterestAt(SYMBOL, m * 60_000));
      for (const b of bars.filter((x) => x.openInterest !== undefined)) {
        assert.ok(minutes.has(b.openInterest as number), `bar ${b.time}: open interest ${b.openInterest} is not one of ${[...minutes].join(', ')}`);
      }
      // Open interest and funding are separate polls, so a bar may hold the first before the second has answered;
      // once funding is known every later bar the polls reached holds it (a bar only a liquidation made holds neither),
      // and it is the rate served.
      const firstFunded = bars.findIndex((b) => b.fundingRate !== undefined);
      assert.ok(firstFunded >= 0, 'a bar with funding');
      for (const b of bars.slice(firstFunded).filter((x) => x.openInterest !== undefined || x.fundingRate !== undefined)) {
        assert.ok(b.fundingRate !== undefined && Math.abs(b.fundingRate - served.fundingRate) < 1e-12, `bar ${b.time}: funding ${b.fundingRate} vs ${served.fundingRate}`);
      }
    } finally {
      lanes.dispose();
    }
    await rig.hub.whenStreamsIdle();
    assert.deepEqual(rig.hub.activeStreams(), []);
    assert.equal(rig.hub.derivativesPollCount, 0, 'the polls stopped with the lanes');
  });
});
