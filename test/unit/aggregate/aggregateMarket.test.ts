import * as assert from 'node:assert/strict';
import { AggregateMarket, type AggregateEvent, type AggregateSource } from '../../../src/core/aggregate/aggregateMarket';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { TradesEvent } from '../../../src/core/hub/requests';
import type { Candle, Trade } from '../../../src/core/types';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const MARKETS: Record<string, MarketInfo[]> = {
  binance: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }],
  okx: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 0.01 } }],
  kraken: [{ symbol: 'ETH/USDT', base: 'ETH', quote: 'USDT', active: true, tickSize: 0.01 }],
};

/** The hub's part an aggregate uses: markets (one exchange unreachable), trade streams the test pushes, REST that has nothing. */
function source(): AggregateSource & { push(exchange: string, e: TradesEvent): void; subscribed: string[]; disposed: string[] } {
  const consumers = new Map<string, (e: TradesEvent) => void>();
  const subscribed: string[] = [];
  const disposed: string[] = [];
  return {
    subscribed,
    disposed,
    markets: (exchange) => (MARKETS[exchange] ? Promise.resolve(MARKETS[exchange]) : Promise.reject(new Error('HTTP 503'))),
    subscribe: (req, consumer) => {
      consumers.set(req.exchange, consumer);
      subscribed.push(`${req.exchange} ${req.symbol}`);
      return { ready: Promise.resolve(), dispose: () => void disposed.push(req.exchange) };
    },
    tradesSince: () => Promise.resolve({ trades: [], complete: true }),
    push: (exchange, e) => consumers.get(exchange)?.(e),
  };
}

/**
 * One exchange whose clock the test moves (`happen`): its trade stream, its REST trades, and its klines as they are at
 * its now (the bucket in progress holds the trades made so far; a page holds bars past the range asked, as
 * exchanges' do, which the history service reports). `klines`: the exchange's time at each klines request.
 */
function exchange(start: number, log: Trade[]) {
  let now = start;
  const consumers = new Map<string, (e: TradesEvent) => void>();
  const klines: number[] = [];
  const bar = (ts: readonly Trade[]): Candle => ({ time: Math.floor(ts[0]!.timestamp / 60_000) * 60_000, open: ts[0]!.price, high: Math.max(...ts.map((t) => t.price)), low: Math.min(...ts.map((t) => t.price)), close: ts.at(-1)!.price, volume: ts.reduce((v, t) => v + t.amount, 0) });
  const source: AggregateSource = {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => {
      consumers.set(req.exchange, consumer);
      return { ready: Promise.resolve(), dispose: () => void consumers.delete(req.exchange) };
    },
    tradesSince: (_m, from) => Promise.resolve({ trades: log.filter((t) => t.timestamp >= from && t.timestamp <= now), complete: true }),
    candlesBetween: (_m, _tf, from, until, ctx) => {
      klines.push(now);
      const buckets = new Map<number, Trade[]>();
      for (const t of log) if (t.timestamp >= from && t.timestamp <= now) buckets.set(Math.floor(t.timestamp / 60_000), [...(buckets.get(Math.floor(t.timestamp / 60_000)) ?? []), t]);
      const page = [...buckets.values()].map(bar);
      for (const c of page) if (c.time >= until) ctx?.onBarPastUntil?.(c.time);
      return Promise.resolve(page.filter((c) => c.time < until));
    },
  };
  return {
    source,
    consumers,
    klines,
    now: () => now,
    live: () => consumers.get('binance')?.({ type: 'state', state: { status: 'live', since: now } }),
    happen: (t: Trade): void => {
      now = t.timestamp;
      log.push(t);
      consumers.get('binance')?.({ type: 'trades', trades: [t] });
    },
  };
}

const def = (legs: Array<[string, string]>, price: AggregateDefinition['price'] = { kind: 'vwap' }): AggregateDefinition => ({ name: 'agg', legs: legs.map(([exchange, symbol]) => ({ exchange, symbol })), price, usdtIsUsd: false });

describe('AggregateMarket', () => {
  it('runs on the legs it can reach: an exchange that cannot list its markets is a failed leg and every bar says partial', async () => {
    const src = source();
    const events: AggregateEvent[] = [];
    const agg = new AggregateMarket(src, def([['binance', 'BTC/USDT'], ['bitstamp', 'BTC/USD'], ['okx', 'BTC/USDT:USDT']]), { timeframes: ['1m'], since: T0 }, (e) => events.push(e));
    await agg.ready;
    assert.deepEqual(src.subscribed, ['binance BTC/USDT', 'okx BTC/USDT:USDT']);
    src.push('binance', { type: 'state', state: { status: 'live', since: T0 } });
    src.push('okx', { type: 'state', state: { status: 'live', since: T0 } });
    src.push('binance', { type: 'trades', trades: [{ id: '1', timestamp: T0 + 1000, price: 100, amount: 2, side: 'buy' }] });
    src.push('okx', { type: 'trades', trades: [{ id: 'a', timestamp: T0 + 2000, price: 110, amount: 300, side: 'sell' }] });
    await new Promise((r) => setImmediate(r));
    const [bar] = agg.bars('1m');
    // okx: 300 contracts of 0.01 BTC = 3 BTC.
    assert.deepEqual([bar!.volume, bar!.spot.volume, bar!.perp.volume, bar!.legs.map((l) => l.volume), bar!.partial], [5, 2, 3, [2, 0, 3], true]);
    const state = events.filter((e) => e.type === 'state').at(-1);
    assert.equal(state?.type === 'state' && state.state.status, 'degraded');
    assert.match(state?.type === 'state' && state.state.status === 'degraded' ? state.state.reason : '', /^bitstamp BTC\/USD failed: cannot load its markets \(HTTP 503\)$/);
    agg.dispose();
    assert.deepEqual(src.disposed.sort(), ['binance', 'okx'], 'every leg stream given back');
  });

  it('a failed leg holds no bar open: once the legs that run are past a bar, it closes, partial', async () => {
    const src = source();
    const events: AggregateEvent[] = [];
    const agg = new AggregateMarket(src, def([['binance', 'BTC/USDT'], ['bitstamp', 'BTC/USD'], ['okx', 'BTC/USDT:USDT']]), { timeframes: ['1m'], since: T0 }, (e) => events.push(e));
    await agg.ready;
    src.push('binance', { type: 'state', state: { status: 'live', since: T0 } });
    src.push('okx', { type: 'state', state: { status: 'live', since: T0 } });
    for (let m = 0; m < 3; m++) {
      src.push('binance', { type: 'trades', trades: [{ id: String(m), timestamp: T0 + m * 60_000 + 1000, price: 100 + m, amount: 2, side: 'buy' }] });
      src.push('okx', { type: 'trades', trades: [{ id: `a${m}`, timestamp: T0 + m * 60_000 + 2000, price: 110 + m, amount: 300, side: 'sell' }] });
    }
    await new Promise((r) => setImmediate(r));
    const closed = events.flatMap((e) => (e.type === 'deltas' ? e.deltas.filter((d) => d.kind === 'closed').map((d) => [d.bar.time, d.bar.volume, d.bar.partial]) : []));
    // Both running legs traded in minutes 1 and 2: minutes 0 and 1 are past for every leg that can still trade.
    assert.deepEqual(closed, [[T0, 5, true], [T0 + 60_000, 5, true]], 'the bars no running leg can add to are closed, partial (the failed leg lacks them)');
    agg.dispose();
  });

  it("our clock ahead of the exchange's, opened just after a bucket's start by it: the trades the exchange makes before that start after the history was fetched are in that history bar", async () => {
    const AHEAD = 3000;
    const since = T0 + 60_000; // our clock reads since + 1 s: the exchange's, since - 2 s
    const x = exchange(since - 2000, [{ id: '1', timestamp: T0 + 20_000, price: 100, amount: 1, side: 'buy' }]);
    const agg = new AggregateMarket(x.source, def([['binance', 'BTC/USDT']]), { timeframes: ['1m'], historyBars: 1, clock: { now: () => x.now() + AHEAD } }, () => undefined);
    await agg.ready;
    assert.equal(agg.since, since, "bars from our clock's bucket");
    x.live();
    x.happen({ id: '2', timestamp: since - 1000, price: 104, amount: 2, side: 'buy' });
    x.happen({ id: '3', timestamp: since + 500, price: 102, amount: 1, side: 'sell' });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const [history, live] = agg.bars('1m');
    assert.equal(history?.history, true);
    // Trade 2 is in neither the klines as they were at the start nor the live bars (before `since`): the bar must have it.
    assert.deepEqual([history?.open, history?.high, history?.close, history?.volume, history?.partial], [100, 104, 104, 3, undefined], 'the history bar has every trade of its bucket');
    assert.deepEqual([live?.open, live?.volume], [102, 1]);
    assert.deepEqual(x.klines, [since - 2000, since + 500], 'asked again once the exchange traded past the start');
    agg.dispose();
    assert.equal(x.consumers.size, 0, 'the stream given back');
  });

  it("the exchange's klines answer holds a bar from the start on (it had passed it): that history is final, asked once, and the live bars close without waiting", async () => {
    const since = T0 + 60_000;
    const x = exchange(since + 400, [
      { id: '1', timestamp: T0 + 20_000, price: 100, amount: 1, side: 'buy' },
      { id: '2', timestamp: since + 300, price: 101, amount: 1, side: 'buy' },
    ]);
    const events: AggregateEvent[] = [];
    const agg = new AggregateMarket(x.source, def([['binance', 'BTC/USDT']]), { timeframes: ['1m'], historyBars: 1, clock: { now: () => x.now() } }, (e) => events.push(e));
    await agg.ready;
    assert.equal(agg.since, since);
    assert.deepEqual(agg.bars('1m').map((b) => [b.time, b.volume, b.history, b.partial]), [[T0, 1, true, undefined]], 'the bar before the start, whole at once');
    x.live();
    x.happen({ id: '3', timestamp: since + 60_500, price: 102, amount: 1, side: 'sell' });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const closed = events.flatMap((e) => (e.type === 'deltas' ? e.deltas.filter((d) => d.kind === 'closed').map((d) => d.bar.time) : []));
    assert.deepEqual(closed, [since], 'the first live bar closed');
    assert.deepEqual(x.klines, [since + 400], 'no second klines request');
    agg.dispose();
  });

  it('refuses a definition that does not fit the markets, naming each leg; no stream is opened', async () => {
    const src = source();
    const agg = new AggregateMarket(src, def([['binance', 'BTC/USDT'], ['kraken', 'ETH/USDT']], { kind: 'leg', leg: 4 }), { timeframes: ['1m'], since: T0 }, () => undefined);
    await assert.rejects(agg.ready, /^Error: aggregate agg: kraken ETH\/USDT: base ETH is not BTC \(binance BTC\/USDT\); price: there is no leg 5$/);
    assert.deepEqual(src.subscribed, []);
    agg.dispose();
  });
});
