// The Markets tree's ticker subscriptions: one multi-symbol stream per showing exchange, released when none shows.
import * as assert from 'node:assert/strict';
import type { HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import type { MarketHub } from '../../../src/core/hub/marketHub';
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

const ticker = (last: number) => ({ timestamp: 0, last, bid: undefined, ask: undefined, change24hPercent: 1.5 });

describe('Markets tree tickers', () => {
  it('holds one multi-symbol stream per showing exchange, shares it across syncs, and releases it (and its prices) when none shows', () => {
    const { engine, live } = fakeHub();
    const changed: string[][] = [];
    let now = 1000;
    const t = new MarketTickers(engine, (ids) => changed.push([...ids]), () => now);
    t.sync([], ['binance']);
    t.sync([], ['binance']);
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
    assert.deepEqual(t.staleRows(), []);
  });

  it('marks rows stale when their stream is not live, or quiet for too long, and names them for a redraw', () => {
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
    assert.deepEqual(t.staleRows(), ['binance:ETH/USDT']);
    fav.emit({ type: 'state', state: { status: 'live', since: now } });
    assert.equal(t.row('binance', 'ETH/USDT').staleSince, undefined);
    now += 11_000;
    assert.equal(t.row('binance', 'ETH/USDT').staleSince, 1000, 'live but quiet for 11 s');
    t.dispose();
    assert.equal(live().length, 0);
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
});
