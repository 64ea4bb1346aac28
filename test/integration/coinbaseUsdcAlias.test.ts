// A Coinbase -USDC market through the hub and the real ccxt. Coinbase merged its USD and USDC books: "-USDC product
// IDs other than USDT-USDC and EURC-USDC return the same data as the matching -USD product" on the market data feed
// (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-endpoints), so a subscribe to BTC-USDC
// is answered with messages naming BTC-USD. The emulator does the same (emulatorCoinbase.test.ts).
import * as assert from 'node:assert/strict';
import type { StreamState } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';

type Request = { kind: 'trades'; exchange: 'coinbase'; symbol: string };
type BookRequest = { kind: 'orderbook'; exchange: 'coinbase'; symbol: string };
const states = (rec: Recorder<Request>): StreamState['status'][] => rec.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));

describe('Coinbase -USDC markets (aliases of the -USD ones on the feed) against the emulator (real ccxt)', function () {
  this.timeout(60_000);

  it("BTC/USDC's trades stream: the trades BTC-USD prints, live", async () => {
    const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 0 });
    try {
      const rec = new Recorder<Request>();
      const sub = rig.hub.subscribe({ kind: 'trades', exchange: 'coinbase', symbol: 'BTC/USDC' }, rec.consume);
      await rig.emulator.waitForStats((st) => st.subscriptions['market_trades:BTC-USD'] === 1, 10_000);
      const [trade] = rig.emulator.injectTrades('BTC/USD', [{ price: 61_234.5, amount: 0.25, side: 'buy' }]);
      const got = await rec.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === String(trade?.id)), 'the BTC-USD trade on the BTC/USDC stream', 15_000);
      assert.equal(got.type, 'trades');
      assert.ok(states(rec).includes('live'), JSON.stringify(states(rec)));
      sub.dispose();
    } finally {
      await rig.close();
    }
  });

  it("BTC/USDC's order book streams BTC-USD's book", async () => {
    const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 2 });
    try {
      const rec = new Recorder<BookRequest>();
      const sub = rig.hub.subscribe({ kind: 'orderbook', exchange: 'coinbase', symbol: 'BTC/USDC' }, rec.consume);
      const got = await rec.next((e) => e.type === 'orderbook', 'a BTC/USDC book', 15_000);
      assert.ok(got.type === 'orderbook' && got.book.bids.length > 0 && got.book.asks.length > 0);
      assert.equal(rig.emulator.stats().subscriptions['level2:BTC-USD'], 1, "the feed streams BTC-USD's book for it");
      sub.dispose();
    } finally {
      await rig.close();
    }
  });
});
