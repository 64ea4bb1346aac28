// The Markets tree's ticker subscriptions: one multi-symbol stream per showing exchange, released when none shows.
import * as assert from 'node:assert/strict';
import type { HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import type { MarketHub } from '../../../src/core/hub/marketHub';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { MarketTickers } from '../../../src/extension/markets/marketTickers';

function fakeHub() {
  const open: { req: SubscriptionRequest; emit: (e: HubEvent) => void; disposed: boolean }[] = [];
  const hub = {
    subscribe(req: SubscriptionRequest, emit: (e: HubEvent) => void): Subscription {
      const entry = { req, emit, disposed: false };
      open.push(entry);
      return { ready: Promise.resolve(), dispose: () => (entry.disposed = true) };
    },
  };
  return { engine: { hub: hub as unknown as MarketHub }, open, live: () => open.filter((o) => !o.disposed) };
}

const market = (symbol: string, active = true, contract?: MarketInfo['contract']): MarketInfo => ({ symbol, base: symbol.split('/')[0] ?? '', quote: 'USDT', active, tickSize: 0.01, ...(contract === undefined ? {} : { contract }) });
const ticker = (last: number) => ({ timestamp: 0, last, bid: undefined, ask: undefined, change24hPercent: 1.5 });

describe('Markets tree tickers', () => {
  it('holds one multi-symbol stream per showing exchange, shares it across syncs, and releases it (and its prices) when none shows', () => {
    const { engine, live } = fakeHub();
    const changed: string[][] = [];
    let now = 1000;
    const t = new MarketTickers(engine, (ids) => changed.push([...ids]), () => now);
    t.sync([], [{ exchange: 'binance', markets: [market('BTC/USDT'), market('SOL/USDT')] }]);
    t.sync([], [{ exchange: 'binance', markets: [market('BTC/USDT'), market('SOL/USDT')] }, { exchange: 'binance', markets: [market('ETH/BTC')] }]);
    assert.deepEqual(live().map((o) => o.req), [{ kind: 'tickers', exchange: 'binance', symbol: '*' }]);
    const stream = live()[0]!;
    stream.emit({ type: 'state', state: { status: 'live', since: now } });
    stream.emit({ type: 'tickers', tickers: [{ symbol: 'BTC/USDT', ticker: ticker(60_000) }, { symbol: 'SOL/USDT', ticker: ticker(150) }] });
    assert.deepEqual(changed.at(-1), ['binance:BTC/USDT', 'binance:SOL/USDT']);
    assert.equal(t.row('binance', 'BTC/USDT').ticker?.last, 60_000);
    assert.equal(t.row('binance', 'BTC/USDT').staleSince, undefined);
    t.sync([], []);
    assert.equal(live().length, 0, 'released when no group shows');
    assert.equal(t.row('binance', 'BTC/USDT').ticker, undefined, 'no price that nothing keeps current');
    assert.deepEqual(t.rowsDue(), { ids: [], more: false });
  });

  it("the stream of every market keeps the prices of markets whose group is not shown (its first prices come once), and forgets them with the stream", () => {
    const { engine, live } = fakeHub();
    const t = new MarketTickers(engine, () => undefined);
    const usdt = { exchange: 'binance', markets: [market('BTC/USDT')] };
    const btc = { exchange: 'binance', markets: [{ ...market('DOGE/BTC'), quote: 'BTC' }] };
    t.sync([], [usdt]);
    const stream = live()[0]!;
    stream.emit({ type: 'state', state: { status: 'live', since: 0 } });
    stream.emit({ type: 'tickers', tickers: [{ symbol: 'BTC/USDT', ticker: ticker(60_000) }, { symbol: 'DOGE/BTC', ticker: ticker(0.000002) }] });
    t.sync([], [usdt]); // any later sync (the view shown again, a favourite added) while only USDT shows
    t.sync([], [btc]);
    assert.equal(live().length, 1, 'the same stream');
    assert.equal(t.row('binance', 'DOGE/BTC').ticker?.last, 0.000002, 'a group shown later on the same stream has its prices');
    assert.equal(t.row('binance', 'BTC/USDT').ticker?.last, 60_000);
    t.sync([], []);
    t.sync([], [btc]);
    assert.equal(t.row('binance', 'DOGE/BTC').ticker, undefined, 'a new stream brings its own');
    t.dispose();
  });

  it('marks rows stale when their stream is not live, and names them for a redraw every time', () => {
    const { engine, live } = fakeHub();
    const changed: string[][] = [];
    let now = 1000;
    const t = new MarketTickers(engine, (ids) => changed.push([...ids]), () => now);
    t.sync([{ exchange: 'binance', symbol: 'ETH/USDT' }], []);
    const fav = live()[0]!;
    assert.deepEqual(fav.req, { kind: 'ticker', exchange: 'binance', symbol: 'ETH/USDT' });
    fav.emit({ type: 'state', state: { status: 'live', since: now } });
    fav.emit({ type: 'ticker', ticker: ticker(3000) });
    assert.equal(t.row('binance', 'ETH/USDT').staleSince, undefined);
    fav.emit({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'down', retryInMs: 100 } });
    assert.equal(t.row('binance', 'ETH/USDT').staleSince, 1000);
    assert.deepEqual(changed.at(-1), ['binance:ETH/USDT'], 'the row redraws when its stream goes down');
    assert.deepEqual(t.rowsDue(), { ids: ['binance:ETH/USDT'], more: true });
    assert.deepEqual(t.rowsDue(), { ids: ['binance:ETH/USDT'], more: true }, 'its age moves on: named at every redraw');
    fav.emit({ type: 'state', state: { status: 'live', since: now } });
    assert.equal(t.row('binance', 'ETH/USDT').staleSince, undefined);
    t.dispose();
    assert.equal(live().length, 0);
  });

  it('a live row without updates is quiet, not stale: named for one redraw when it turns quiet, and again after its next quiet spell', () => {
    const { engine, live } = fakeHub();
    let now = 1000;
    const t = new MarketTickers(engine, () => undefined, () => now);
    t.sync([], [{ exchange: 'binance', markets: [market('BTC/USDT'), market('DOGE/USDT')] }]);
    const stream = live()[0]!;
    stream.emit({ type: 'state', state: { status: 'live', since: now } });
    stream.emit({ type: 'tickers', tickers: [{ symbol: 'BTC/USDT', ticker: ticker(60_000) }, { symbol: 'DOGE/USDT', ticker: ticker(0.1) }] });
    assert.deepEqual(t.rowsDue(), { ids: [], more: true }, 'both may turn quiet later');
    now += 10_000;
    stream.emit({ type: 'tickers', tickers: [{ symbol: 'BTC/USDT', ticker: ticker(60_001) }] });
    now += 1;
    assert.deepEqual(t.row('binance', 'DOGE/USDT'), { ticker: ticker(0.1), staleSince: undefined, quietSince: 1000 });
    assert.equal(t.row('binance', 'BTC/USDT').quietSince, undefined);
    assert.deepEqual(t.rowsDue(), { ids: ['binance:DOGE/USDT'], more: true });
    assert.deepEqual(t.rowsDue(), { ids: [], more: true }, 'a quiet row is named once; BTC may still turn quiet');
    now += 10_000;
    assert.deepEqual(t.rowsDue(), { ids: ['binance:BTC/USDT'], more: false }, 'nothing left to turn quiet: no more redraws');
    stream.emit({ type: 'tickers', tickers: [{ symbol: 'DOGE/USDT', ticker: ticker(0.2) }] });
    assert.equal(t.row('binance', 'DOGE/USDT').quietSince, undefined, 'a new price: no longer quiet');
    now += 10_001;
    assert.deepEqual(t.rowsDue(), { ids: ['binance:DOGE/USDT'], more: false }, 'quiet again: named again');
    stream.emit({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'down', retryInMs: 100 } });
    assert.deepEqual(t.row('binance', 'DOGE/USDT').staleSince, now - 10_001, 'a stream down makes it stale, not quiet');
    assert.equal(t.row('binance', 'DOGE/USDT').quietSince, undefined);
    t.dispose();
  });

  it('a favourite whose stream fails for good (a delisted market) shows why, and forgets it when no longer a favourite', () => {
    const { engine, live } = fakeHub();
    const changed: string[][] = [];
    const t = new MarketTickers(engine, (ids) => changed.push([...ids]));
    t.sync([{ exchange: 'binance', symbol: 'OLD/USDT' }], []);
    const message = 'OLD/USDT on binance is not trading: the exchange lists it as inactive (halted or delisted), so it has no live data.';
    live()[0]!.emit({ type: 'error', message });
    assert.deepEqual(changed.at(-1), ['binance:OLD/USDT'], 'the row redraws');
    assert.equal(t.row('binance', 'OLD/USDT').error, message);
    t.sync([], []);
    assert.equal(t.row('binance', 'OLD/USDT').error, undefined);
  });

  it("an exchange whose stream needs the symbols (Bybit) gets streams of the groups' markets, ten at most, one segment each, without markets not trading; they leave with their group", () => {
    const { engine, live } = fakeHub();
    const t = new MarketTickers(engine, () => undefined);
    const perp = (s: string) => market(s, true, { segment: 'perp', settlement: 'linear', contractSize: 1 });
    const perps = Array.from({ length: 12 }, (_, i) => perp(`C${i}/USDT:USDT`));
    t.sync([], [{ exchange: 'bybit', markets: [...perps, market('BTC/USDT'), market('OLD/USDT', false)] }]);
    assert.deepEqual(
      live().map((o) => o.req),
      [
        { kind: 'tickers', exchange: 'bybit', symbol: perps.slice(0, 10).map((m) => m.symbol).join(',') },
        { kind: 'tickers', exchange: 'bybit', symbol: perps.slice(10).map((m) => m.symbol).join(',') },
        { kind: 'tickers', exchange: 'bybit', symbol: 'BTC/USDT' },
      ],
    );
    t.sync([], [{ exchange: 'coinbase', markets: [market('BTC/USD'), market('ETH/USD')] }]);
    assert.deepEqual(live().map((o) => o.req), [{ kind: 'tickers', exchange: 'coinbase', symbol: 'BTC/USD,ETH/USD' }], "bybit's left with its group; Coinbase states no limit");
    t.dispose();
    assert.equal(live().length, 0);
  });

  it("Binance: its spot markets on the one stream of every market, its contracts (which that stream does not carry) named, a hundred at most, without those not trading; a failure of the spot stream is not the contracts'", () => {
    const { engine, live } = fakeHub();
    const t = new MarketTickers(engine, () => undefined);
    const perp = (s: string, active = true) => market(s, active, { segment: 'perp', settlement: 'linear', contractSize: 1 });
    const perps = Array.from({ length: 101 }, (_, i) => perp(`C${i}/USDT:USDT`));
    t.sync([], [{ exchange: 'binance', markets: [market('BTC/USDT'), ...perps, perp('OLD/USDT:USDT', false)] }]);
    assert.deepEqual(
      live().map((o) => o.req),
      [
        { kind: 'tickers', exchange: 'binance', symbol: '*' },
        { kind: 'tickers', exchange: 'binance', symbol: perps.slice(0, 100).map((m) => m.symbol).join(',') },
        { kind: 'tickers', exchange: 'binance', symbol: 'C100/USDT:USDT' },
      ],
    );
    live()[0]!.emit({ type: 'state', state: { status: 'failed', reason: 'spot down' } });
    assert.match(t.row('binance', 'BTC/USDT').error ?? '', /spot down/);
    assert.equal(t.row('binance', 'C0/USDT:USDT').error, undefined, 'a contract row follows its own stream');
    t.dispose();
    assert.equal(live().length, 0);
  });

  it("a group stream that fails names why on every row it covers; one that retries says so on the rows without a price", () => {
    const { engine, live } = fakeHub();
    const changed: string[][] = [];
    const t = new MarketTickers(engine, (ids) => changed.push([...ids]));
    t.sync([], [{ exchange: 'bybit', markets: [market('BTC/USDT:USDT'), market('ETH/USDT:USDT')] }]);
    const stream = live()[0]!;
    stream.emit({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 100 } });
    assert.deepEqual(changed.at(-1), ['bybit:BTC/USDT:USDT', 'bybit:ETH/USDT:USDT'], 'rows without a price redraw too');
    assert.deepEqual(t.row('bybit', 'ETH/USDT:USDT'), { ticker: undefined, staleSince: undefined, retrying: 'socket closed' });
    stream.emit({ type: 'state', state: { status: 'failed', reason: 'bybit watchTickers() requires a symbols argument' } });
    assert.equal(t.row('bybit', 'BTC/USDT:USDT').error, 'Prices unavailable: bybit watchTickers() requires a symbols argument');
    assert.deepEqual(changed.at(-1), ['bybit:BTC/USDT:USDT', 'bybit:ETH/USDT:USDT']);
    stream.emit({ type: 'error', message: 'unknown symbol NOPE/USDT' });
    assert.equal(t.row('bybit', 'ETH/USDT:USDT').error, 'Prices unavailable: unknown symbol NOPE/USDT');
    t.sync([], []);
    assert.deepEqual(t.row('bybit', 'ETH/USDT:USDT'), { ticker: undefined, staleSince: undefined }, 'no stream, no state');
  });
});
