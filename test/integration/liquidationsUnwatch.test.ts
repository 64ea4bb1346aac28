/**
 * A liquidation stream's last consumer leaving unsubscribes its topic on the exchange while other streams keep the
 * client alive (ccxt has no unWatchLiquidations: the topic kept streaming, and Binance's forceOrder socket stayed
 * open), and a consumer coming back subscribes again and gets what the exchange pushes. Bybit's allLiquidation and
 * Binance USDⓈ-M's forceOrder, real ccxt, emulators; the server's subscriptions and sockets read from the emulator.
 */
import * as assert from 'node:assert/strict';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';

const PERP = 'BTC/USDT:USDT';
const OTHER = 'ETH/USDT:USDT';
const CASES: ReadonlyArray<{ exchange: ExchangeId; topic: string; other: string; hub: { exchangeOptions?: Record<string, unknown> } }> = [
  { exchange: 'bybit', topic: 'allLiquidation.BTCUSDT', other: 'publicTrade.ETHUSDT', hub: {} },
  { exchange: 'binance', topic: 'fstream:btcusdt@forceOrder', other: 'fstream:ethusdt@aggTrade', hub: { exchangeOptions: { fetchMarkets: { types: ['spot', 'linear'] } } } },
];

describe('a liquidation stream ends on the exchange with its last consumer (real ccxt, emulators)', function () {
  this.timeout(45_000);

  for (const { exchange, topic, other, hub } of CASES) {
    it(`${exchange}: ${topic} is unsubscribed while ${other} stays; a new consumer subscribes again and receives`, async () => {
      const rig = await Rig.start({ exchange, tradesPerSecond: 10, liquidationsPerTrade: 0 }, hub);
      try {
        const tradesReq = { kind: 'trades', exchange, symbol: OTHER } as const;
        const trades = new Recorder<typeof tradesReq>();
        const tradesSub = rig.hub.subscribe(tradesReq, trades.consume);
        const liqReq = { kind: 'liquidations', exchange, symbol: PERP } as const;
        const first = rig.hub.subscribe(liqReq, () => undefined);
        const both = await rig.emulator.waitForStats((s) => s.subscriptions[topic] === 1 && s.subscriptions[other] === 1, 20_000);
        await trades.next((e) => e.type === 'trades', 'trades', 20_000);

        first.dispose();
        // Binance streams liquidations on a socket of their own: it closes; Bybit's is shared with the trades.
        const sockets = exchange === 'binance' ? both.openSockets - 1 : both.openSockets;
        const after = await rig.emulator.waitForStats((s) => s.subscriptions[topic] === undefined && s.openSockets === sockets, 5000);
        assert.deepEqual(Object.keys(after.subscriptions), [other]);
        await trades.upcoming((e) => e.type === 'trades', 'trades after the liquidations left');

        const again = new Recorder<typeof liqReq>();
        const second = rig.hub.subscribe(liqReq, again.consume);
        await rig.emulator.waitForStats((s) => s.subscriptions[topic] === 1, 20_000);
        const price = rig.emulator.trades(PERP).at(-1)!.price;
        const [pushed] = rig.emulator.injectLiquidations(PERP, [{ side: 'sell', price, amount: 1.5 }]);
        const got = await again.next((e) => e.type === 'liquidations' && e.liquidations.some((l) => l.timestamp === pushed!.timestamp), 'the liquidation pushed after subscribing again', 20_000);
        assert.ok(got.type === 'liquidations');
        second.dispose();
        tradesSub.dispose();
        await rig.emulator.waitForStats((s) => s.openSockets === 0 && Object.keys(s.subscriptions).length === 0, 5000);
      } finally {
        await rig.close();
      }
    });
  }
});
