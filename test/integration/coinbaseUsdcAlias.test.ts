// A Coinbase -USDC market through the hub and the real ccxt. Coinbase merged its USD and USDC books: "-USDC product
// IDs other than USDT-USDC and EURC-USDC return the same data as the matching -USD product" on the market data feed
// (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-endpoints), so a subscribe to BTC-USDC
// is answered with messages naming BTC-USD. The emulator does the same (emulatorCoinbase.test.ts).
import * as assert from 'node:assert/strict';
import type { StreamState } from '../../src/core/types';
import { MarketTickers } from '../../src/extension/markets/marketTickers';
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

  it("the Markets tree's USDC group: every row gets its price (the feed's tickers name the -USD products)", async () => {
    const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'ETH/USD', 'BTC/USDC', 'ETH/USDC'], tradesPerSecond: 10, tickerIntervalMs: 200 });
    let tickers: MarketTickers | undefined;
    try {
      const group = (await rig.hub.markets('coinbase')).filter((m) => m.quote === 'USDC');
      assert.deepEqual(group.map((m) => m.symbol).sort(), ['BTC/USDC', 'ETH/USDC']);
      const priced = (t: MarketTickers): boolean => group.every((m) => t.row('coinbase', m.symbol).ticker !== undefined);
      let done: () => void = () => undefined;
      const reached = new Promise<void>((resolve) => (done = resolve));
      const t = (tickers = new MarketTickers({ hub: rig.hub }, () => tickers !== undefined && priced(tickers) && done()));
      t.sync([], [{ exchange: 'coinbase', markets: group }]);
      await rig.emulator.waitForStats((st) => st.subscriptions['ticker_batch:BTC-USD'] === 1 && st.subscriptions['ticker_batch:ETH-USD'] === 1, 10_000);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, 20_000)));
      await Promise.race([reached, late]).finally(() => clearTimeout(timer));
      assert.deepEqual(
        group.map((m) => [m.symbol, t.row('coinbase', m.symbol).ticker?.last !== undefined, t.row('coinbase', m.symbol).error]),
        group.map((m) => [m.symbol, true, undefined]),
        'every USDC row priced, none in error',
      );
      t.sync([], []);
    } finally {
      tickers?.dispose();
      await rig.close();
    }
  });
});
