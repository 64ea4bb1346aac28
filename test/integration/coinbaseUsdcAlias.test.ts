// A Coinbase -USDC market through the hub and the real ccxt. Coinbase merged its USD and USDC books: "-USDC product
// IDs other than USDT-USDC and EURC-USDC return the same data as the matching -USD product" on the market data feed
// (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-endpoints), so a subscribe to BTC-USDC
// is answered with messages naming BTC-USD. The emulator does the same (emulatorCoinbase.test.ts). How the feed keeps
// a subscribe naming the alias is not documented (its developer forum reports the stream twice with both subscribed):
// the hub serves a -USDC market from its -USD book, one subscription for both names, so one name's consumer leaving
// never ends the other's, whichever way the emulator keeps it (coinbaseAliasSubscriptions 'own' or 'shared').
import * as assert from 'node:assert/strict';
import type { EmulatorStats, EmulatorTrade } from '../../src/emulator';
import type { Subscription } from '../../src/core/hub/requests';
import type { StreamState } from '../../src/core/types';
import { MarketTickers } from '../../src/extension/markets/marketTickers';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, Rig } from '../helpers/emulatorHub';
import type { CandleReq } from '../helpers/threeExchanges';

type Request = { kind: 'trades'; exchange: 'coinbase'; symbol: string };
type BookRequest = { kind: 'orderbook'; exchange: 'coinbase'; symbol: string };
const states = (rec: Recorder<Request>): StreamState['status'][] => rec.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
/** A consumer of `kind` under each name of the one book, BTC/USD then BTC/USDC. */
function underBothNames<R extends Request | BookRequest>(rig: Rig<'coinbase'>, kind: R['kind']): Array<{ rec: Recorder<R>; sub: Subscription }> {
  return ['BTC/USD', 'BTC/USDC'].map((symbol) => {
    const rec = new Recorder<R>();
    return { rec, sub: rig.hub.subscribe({ kind, exchange: 'coinbase', symbol } as R, rec.consume) };
  });
}
/** Every feed subscription the emulator holds from now on (its stats as they change), for a check at the end. */
function everSubscribed(rig: Rig<'coinbase'>): Set<string> {
  const seen = new Set<string>();
  const note = (stats: EmulatorStats) => Object.keys(stats.subscriptions).forEach((t) => seen.add(t));
  note(rig.emulator.stats());
  rig.emulator.on('stats', note);
  return seen;
}
const aliasTopics = (seen: ReadonlySet<string>): string[] => [...seen].filter((t) => t.includes('-USDC'));
/** The feed's subscriptions of `channel` (topic → connections), as the emulator holds them. */
const feedTopics = (rig: Rig<'coinbase'>, channel: string): string[] => Object.keys(rig.emulator.stats().subscriptions).filter((t) => t.startsWith(`${channel}:`)).sort();
const isLive = (e: { type: string; state?: StreamState }): boolean => e.type === 'state' && e.state?.status === 'live';
/** How many times each of `trades` reached `rec` (by id). */
const countsOf = (rec: Recorder<Request>, trades: readonly EmulatorTrade[]): number[] => {
  const got = rec.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
  return trades.map((t) => got.filter((id) => id === String(t.id)).length);
};
/** Resolves once every one of `trades` (the emulator's log of them) reached `rec`. */
const received = (rec: Recorder<Request>, trades: readonly EmulatorTrade[], what: string): Promise<unknown> =>
  countsOf(rec, trades).every((n) => n > 0) ? Promise.resolve() : rec.upcoming(() => countsOf(rec, trades).every((n) => n > 0), `${what}: trades ${trades.map((t) => t.id).join(', ')}`, 15_000);

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

  it("a BTC/USDC chart draws BTC-USD's bars (history and live), shares BTC/USD's series, and asks nothing of BTC-USDC", async () => {
    const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 4, historyMinutes: 20 });
    const seen = everSubscribed(rig);
    try {
      const usdc = new Recorder<CandleReq>();
      const usd = new Recorder<CandleReq>();
      const subs = [rig.hub.subscribe({ kind: 'candles', exchange: 'coinbase', symbol: 'BTC/USDC', timeframe: '1m' }, usdc.consume)];
      await usdc.next((e) => e.type === 'snapshot' && e.candles.length > 0, 'the BTC/USDC snapshot', 20_000);
      subs.push(rig.hub.subscribe({ kind: 'candles', exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1m' }, usd.consume));
      await usd.next((e) => e.type === 'snapshot' && e.candles.length > 0, 'the BTC/USD snapshot', 20_000);
      assert.equal(rig.hub.candleFactoryCount, 1, 'one series for both names');
      assert.deepEqual(rig.hub.snapshot({ exchange: 'coinbase', symbol: 'BTC/USDC', timeframe: '1m' }), rig.hub.snapshot({ exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1m' }));
      // Every bar, from REST history and from the live trades alike, is BTC-USD's (the emulator's log of its trades).
      await expectEveryBarTrue(rig, 'BTC/USD', new Map([['1m', usdc]]), '1m');
      const asked = rig.emulator.restLog().map((r) => r.path).filter((p) => p.includes('BTC-USDC'));
      assert.deepEqual(asked, [], 'no REST request named BTC-USDC');
      assert.deepEqual(feedTopics(rig, 'market_trades'), ['market_trades:BTC-USD']);
      assert.deepEqual(aliasTopics(seen), [], 'BTC-USDC was never subscribed');
      for (const sub of subs) sub.dispose();
    } finally {
      await rig.close();
    }
  });

  it('an aggregate given BTC/USD and BTC/USDC (one book under two names) is refused naming both legs, and opens no stream', async () => {
    const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 5 });
    try {
      const events: string[] = [];
      const legs = [
        { exchange: 'coinbase', symbol: 'BTC/USD' },
        { exchange: 'coinbase', symbol: 'BTC/USDC' },
      ];
      const sub = rig.hub.subscribeAggregate({ name: 'BTC (both names)', legs, price: { kind: 'vwap' }, usdtIsUsd: false }, '1m', (e) => events.push(e.type));
      await assert.rejects(sub.ready, (err: Error) => {
        assert.equal(
          err.message,
          'aggregate BTC (both names): leg 2 (coinbase BTC/USDC): the same order book as leg 1 (coinbase BTC/USD): coinbase lists BTC/USDC as another name of BTC/USD, so every trade would count twice; keep one of them',
        );
        return true;
      });
      sub.dispose();
      assert.deepEqual(events, [], 'no bars, no leg state');
      assert.deepEqual(rig.hub.activeStreams(), []);
      assert.deepEqual(feedTopics(rig, 'market_trades'), []);
    } finally {
      await rig.close();
    }
  });

  // How Coinbase keeps a subscribe naming an alias is not documented: the client must hold up whichever way it does.
  for (const mode of ['own', 'shared'] as const) {
    describe(`the feed keeping an alias's subscription ${mode === 'own' ? 'as its own (two copies of each message)' : "as the -USD product's (one for both)"}`, () => {
      it('BTC/USD and BTC/USDC open at once: each gets every BTC-USD trade once, and closing BTC/USDC leaves BTC/USD streaming', async () => {
        const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 0, coinbaseAliasSubscriptions: mode });
        const seen = everSubscribed(rig);
        try {
          const [{ rec: usd, sub: usdSub }, { rec: usdc, sub: usdcSub }] = underBothNames<Request>(rig, 'trades');
          await Promise.all([usd.next(isLive, 'BTC/USD live', 15_000), usdc.next(isLive, 'BTC/USDC live', 15_000)]);
          const first = rig.emulator.injectTrades('BTC/USD', [61_000, 61_001, 61_002].map((price) => ({ price, amount: 0.1, side: 'buy' as const })));
          await Promise.all([received(usd, first, 'BTC/USD'), received(usdc, first, 'BTC/USDC')]);
          for (const [name, rec] of [['BTC/USD', usd], ['BTC/USDC', usdc]] as const) {
            assert.deepEqual(countsOf(rec, first), first.map(() => 1), `${name} got each trade once`);
          }

          usdcSub.dispose();
          await rig.hub.whenStreamsIdle(); // whatever closing it sends has gone out
          const after = rig.emulator.injectTrades('BTC/USD', [61_010, 61_011].map((price) => ({ price, amount: 0.1, side: 'sell' as const })));
          await received(usd, after, 'BTC/USD after BTC/USDC closed');
          assert.deepEqual(countsOf(usd, after), after.map(() => 1));
          assert.deepEqual(feedTopics(rig, 'market_trades'), ['market_trades:BTC-USD'], 'BTC-USD is still subscribed');
          assert.deepEqual(aliasTopics(seen), [], 'one subscription served both names: BTC-USDC was never subscribed');
          assert.ok(!states(usd).slice(1).some((s) => s !== 'live'), `BTC/USD never left live: ${JSON.stringify(states(usd))}`);
          usdSub.dispose();
        } finally {
          await rig.close();
        }
      });

      it("the Markets tree: the USDC group's rows show BTC-USD's prices, and closing the USDC group leaves the USD group's prices live", async () => {
        const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'ETH/USD', 'BTC/USDC', 'ETH/USDC'], tradesPerSecond: 0, tickerBatchMs: 200, coinbaseAliasSubscriptions: mode });
        const seen = everSubscribed(rig);
        const waiters = new Set<() => void>();
        let tickers: MarketTickers | undefined;
        /** Resolves once `pred` holds of the tree's rows, checked at every change. */
        const until = (pred: (t: MarketTickers) => boolean, what: string): Promise<void> =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`timed out waiting for ${what}`))), 15_000);
            const check = () => {
              if (tickers === undefined || !pred(tickers)) return;
              clearTimeout(timer);
              waiters.delete(check);
              resolve();
            };
            waiters.add(check);
            check();
          });
        try {
          const markets = await rig.hub.markets('coinbase');
          const usdGroup = { exchange: 'coinbase', markets: markets.filter((m) => m.quote === 'USD') };
          const usdcGroup = { exchange: 'coinbase', markets: markets.filter((m) => m.quote === 'USDC') };
          const t = (tickers = new MarketTickers({ hub: rig.hub }, () => [...waiters].forEach((w) => w())));
          const last = (symbol: string) => t.row('coinbase', symbol).ticker?.last;
          t.sync([], [usdGroup, usdcGroup]);
          await rig.emulator.waitForStats((st) => st.subscriptions['ticker_batch:BTC-USD'] === 1, 10_000);
          rig.emulator.injectTrades('BTC/USD', [{ price: 62_000, amount: 0.1, side: 'buy' }]);
          await until(() => last('BTC/USD') === 62_000 && last('BTC/USDC') === 62_000, 'both rows at the BTC-USD trade');

          t.sync([], [usdGroup]); // the USDC group collapsed
          await rig.hub.whenStreamsIdle();
          rig.emulator.injectTrades('BTC/USD', [{ price: 62_500, amount: 0.1, side: 'sell' }]);
          await until(() => last('BTC/USD') === 62_500, "the USD group's BTC/USD row at the later trade");
          assert.deepEqual(feedTopics(rig, 'ticker_batch'), ['ticker_batch:BTC-USD', 'ticker_batch:ETH-USD'], 'the -USD products stay subscribed');
          assert.deepEqual(aliasTopics(seen), [], 'one subscription per book served both groups: no -USDC product was ever subscribed');
          t.sync([], []);
        } finally {
          tickers?.dispose();
          await rig.close();
        }
      });

      it("BTC/USD's order book keeps streaming after a BTC/USDC book on the same socket closes", async () => {
        const rig = await Rig.start({ exchange: 'coinbase', symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 0, coinbaseAliasSubscriptions: mode });
        const seen = everSubscribed(rig);
        try {
          const [{ rec: usd, sub: usdSub }, { rec: usdc, sub: usdcSub }] = underBothNames<BookRequest>(rig, 'orderbook');
          await Promise.all([usd.next((e) => e.type === 'orderbook', 'a BTC/USD book', 15_000), usdc.next((e) => e.type === 'orderbook', 'a BTC/USDC book', 15_000)]);
          usdcSub.dispose();
          await rig.hub.whenStreamsIdle(); // whatever closing it sends has been answered
          const closedAt = Date.now();
          // The emulator steps the book every 100 ms (depthIntervalMs): a book sent after the close is one of those steps.
          await usd.upcoming((e) => e.type === 'orderbook' && e.book.timestamp > closedAt, 'a BTC/USD book sent after BTC/USDC closed', 15_000);
          assert.deepEqual(feedTopics(rig, 'level2'), ['level2:BTC-USD'], "BTC-USD's book is still subscribed");
          assert.deepEqual(aliasTopics(seen), [], "one subscription served both names: BTC-USDC's book was never subscribed");
          usdSub.dispose();
        } finally {
          await rig.close();
        }
      });
    });
  }

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
