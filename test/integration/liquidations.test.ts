/** Liquidations from Bybit's allLiquidation topic through the hub (real ccxt, emulator): every one the emulator pushed, in base units. */
import * as assert from 'node:assert/strict';
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
});
