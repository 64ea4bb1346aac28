/**
 * Liquidations from Bybit's allLiquidation topic through the hub (real ccxt, emulator): every one the emulator pushed,
 * in base units; and the `liquidations` alert rule fires where the rolling notional over the emulator's log says.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import { Recorder, Rig } from '../helpers/emulatorHub';
import type { Liquidation } from '../../src/core/types';

const SYMBOL = 'BTC/USDT:USDT';

describe('liquidations stream (Bybit perpetual, real ccxt, emulator)', function () {
  this.timeout(30_000);
  let rig: Rig<'bybit'> | undefined;
  afterEach(() => rig?.close());

  it('delivers every liquidation of a pushed batch (ccxt resolves its watch with the first only), equal to what the emulator sent', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 20, liquidationsPerTrade: 0.5 });
    const req = { kind: 'liquidations', exchange: 'bybit', symbol: SYMBOL } as const;
    const rec = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, rec.consume);
    await rec.next((e) => e.type === 'state' && e.state.status === 'live', 'the stream live', 15_000);
    rig.emulator.setTradesPerSecond(0);
    const price = rig.emulator.liquidations(SYMBOL).at(-1)?.price ?? rig.emulator.trades(SYMBOL).at(-1)!.price;
    const injected = rig.emulator.injectLiquidations(SYMBOL, [
      { side: 'sell', price, amount: 1.5 },
      { side: 'buy', price: price + 10, amount: 0.25 },
      { side: 'sell', price: price - 10, amount: 3 },
    ]);
    const from = injected[0]!.timestamp;
    const received = () => rec.events.flatMap((e) => (e.type === 'liquidations' ? e.liquidations : [])).filter((l) => l.timestamp >= from);
    await rec.next(() => received().length >= injected.length, 'the injected batch', 10_000);
    const truth: Liquidation[] = rig.emulator.liquidations(SYMBOL, from).map((l) => ({ timestamp: l.timestamp, price: l.price, amount: l.amount, side: l.side }));
    assert.deepEqual(received(), truth);
    assert.equal(truth.length, 3);
    sub.dispose();
    await rig.hub.whenStreamsIdle();
    assert.deepEqual(rig.hub.activeStreams(), []);
  });

  it('a spot market has no liquidations: the subscription is refused, naming the market, and ends failed', async () => {
    const spot = await Rig.start({ exchange: 'binance', tradesPerSecond: 5 });
    try {
      const req = { kind: 'liquidations', exchange: 'binance', symbol: 'BTC/USDT' } as const;
      const rec = new Recorder<typeof req>();
      const sub = spot.hub.subscribe(req, rec.consume);
      await assert.rejects(sub.ready, /^UnsupportedStreamError: binance offers no liquidations on BTC\/USDT: it is a spot market\.$/);
      assert.ok(rec.events.some((e) => e.type === 'state' && e.state.status === 'failed'));
      sub.dispose();
    } finally {
      await spot.close();
    }
  });

  it('a liquidations rule fires at each liquidation where the notional of its window, computed from the emulator log, is above the level', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0 });
    const price = rig.emulator.trades(SYMBOL).at(-1)!.price;
    const level = 2.5 * price;
    const cfg = parseAlertsConfig(`rules:
  - { id: liq, name: liq, type: liquidations, exchange: bybit, symbol: "${SYMBOL}", window: 10s, above: ${level}, frequency: every_time, autoPause: false }
`);
    assert.deepEqual(cfg.diagnostics, []);
    const engine = new AlertEngine({ hub: rig.hub, state: AlertStateStore.inMemory(), log: rig.log });
    try {
      const alerts: AlertEvent[] = [];
      engine.onAlert((a) => alerts.push(a));
      engine.setRules(cfg.rules);
      await rig.emulator.waitForStats((st) => (st.subscriptions['allLiquidation.BTCUSDT'] ?? 0) >= 1, 20_000);
      // Seconds apart and amounts around the level: the window's sum goes above, below (older ones leave) and above again.
      const t0 = Date.now();
      const script: Array<[number, number]> = [[0, 1], [2000, 1], [4000, 1], [12_500, 0.5], [13_000, 2.5], [30_000, 0.2], [31_000, 3]];
      const injected = rig.emulator.injectLiquidations(SYMBOL, script.map(([dt, amount], i) => ({ side: i % 2 === 0 ? 'sell' : 'buy', price, amount, timestamp: t0 + dt })));
      const truth = rig.emulator.liquidations(SYMBOL, t0);
      assert.deepEqual(truth.map((l) => l.timestamp), injected.map((l) => l.timestamp));
      const expected = truth.flatMap((l) => {
        const sum = truth.filter((o) => o.timestamp > l.timestamp - 10_000 && o.timestamp <= l.timestamp).reduce((n, o) => n + o.amount * o.price, 0);
        return sum > level ? [{ firedAt: l.timestamp, value: sum }] : [];
      });
      assert.deepEqual(expected.map((e) => e.firedAt - t0), [4000, 13_000, 31_000], 'the script crosses the level three times');
      await new Promise<void>((resolve) => {
        const check = () => (alerts.length >= expected.length ? resolve() : undefined);
        engine.onAlert(check);
        check();
      });
      assert.deepEqual(
        alerts.map((a) => a.firedAt),
        expected.map((e) => e.firedAt),
      );
      alerts.forEach((a, i) => assert.ok(Math.abs(a.value - expected[i]!.value) <= 1e-6 * level, `fire ${i}: ${a.value} vs ${expected[i]!.value}`));
      assert.match(alerts[0]!.message, /BTC\/USDT:USDT liquidations over 10s/);
    } finally {
      engine.dispose();
    }
  });
});
