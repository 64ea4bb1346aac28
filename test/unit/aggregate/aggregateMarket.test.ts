import * as assert from 'node:assert/strict';
import { AggregateMarket, type AggregateEvent, type AggregateSource } from '../../../src/core/aggregate/aggregateMarket';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { TradesEvent } from '../../../src/core/hub/requests';
import type { Trade } from '../../../src/core/types';

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

  it("our clock ahead of the exchange's, opened just after a bucket's start by it: the trades the exchange makes before that start after the history was fetched are in that history bar", async () => {
    const AHEAD = 3000;
    const since = T0 + 60_000; // our clock reads since + 1 s: the exchange's, since - 2 s
    let exchangeNow = since - 2000;
    const log: Trade[] = [{ id: '1', timestamp: T0 + 20_000, price: 100, amount: 1, side: 'buy' }];
    const consumers = new Map<string, (e: TradesEvent) => void>();
    const klines: number[] = [];
    const src: AggregateSource = {
      markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
      subscribe: (req, consumer) => {
        consumers.set(req.exchange, consumer);
        return { ready: Promise.resolve(), dispose: () => void consumers.delete(req.exchange) };
      },
      tradesSince: (_m, from) => Promise.resolve({ trades: log.filter((t) => t.timestamp >= from), complete: true }),
      // The exchange's klines as they are at its now: the bucket in progress holds the trades made so far.
      candlesBetween: (_m, _tf, from, until) => {
        klines.push(exchangeNow);
        const ts = log.filter((t) => t.timestamp >= from && t.timestamp < until && t.timestamp <= exchangeNow);
        const bucket = Math.floor((ts[0]?.timestamp ?? 0) / 60_000) * 60_000;
        return Promise.resolve(ts.length === 0 ? [] : [{ time: bucket, open: ts[0]!.price, high: Math.max(...ts.map((t) => t.price)), low: Math.min(...ts.map((t) => t.price)), close: ts.at(-1)!.price, volume: ts.reduce((v, t) => v + t.amount, 0) }]);
      },
    };
    const agg = new AggregateMarket(src, def([['binance', 'BTC/USDT']]), { timeframes: ['1m'], historyBars: 1, clock: { now: () => exchangeNow + AHEAD } }, () => undefined);
    await agg.ready;
    assert.equal(agg.since, since, "bars from our clock's bucket");
    const happen = (t: Trade): void => {
      exchangeNow = t.timestamp;
      log.push(t);
      consumers.get('binance')?.({ type: 'trades', trades: [t] });
    };
    consumers.get('binance')?.({ type: 'state', state: { status: 'live', since: exchangeNow } });
    happen({ id: '2', timestamp: since - 1000, price: 104, amount: 2, side: 'buy' });
    happen({ id: '3', timestamp: since + 500, price: 102, amount: 1, side: 'sell' });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const [history, live] = agg.bars('1m');
    assert.equal(history?.history, true);
    // Trade 2 is in neither the klines as they were at the start nor the live bars (before `since`): the bar must have it.
    assert.deepEqual([history?.open, history?.high, history?.close, history?.volume, history?.partial], [100, 104, 104, 3, undefined], 'the history bar has every trade of its bucket');
    assert.deepEqual([live?.open, live?.volume], [102, 1]);
    agg.dispose();
    assert.equal(consumers.size, 0, 'the stream given back');
  });

  it('refuses a definition that does not fit the markets, naming each leg; no stream is opened', async () => {
    const src = source();
    const agg = new AggregateMarket(src, def([['binance', 'BTC/USDT'], ['kraken', 'ETH/USDT']], { kind: 'leg', leg: 4 }), { timeframes: ['1m'], since: T0 }, () => undefined);
    await assert.rejects(agg.ready, /^Error: aggregate agg: kraken ETH\/USDT: base ETH is not BTC \(binance BTC\/USDT\); price: there is no leg 5$/);
    assert.deepEqual(src.subscribed, []);
    agg.dispose();
  });
});
