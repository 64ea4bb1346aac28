import * as assert from 'node:assert/strict';
import type { AggregateEvent, AggregateSource } from '../../../src/core/aggregate/aggregateMarket';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import { SharedAggregates } from '../../../src/core/aggregate/sharedAggregates';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { TradesEvent } from '../../../src/core/hub/requests';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const MARKETS: Record<string, MarketInfo[]> = {
  binance: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }],
  okx: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 0.01 } }],
};

/** Leg streams the test pushes to every consumer of a market; each subscribe and dispose is counted. */
function source(): AggregateSource & { push(exchange: string, e: TradesEvent): void; open: () => string[]; subscribes: number } {
  const consumers = new Map<string, Set<(e: TradesEvent) => void>>();
  const src = {
    subscribes: 0,
    markets: (exchange: string) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req: { exchange: string }, consumer: (e: TradesEvent) => void) => {
      src.subscribes++;
      const set = consumers.get(req.exchange) ?? new Set();
      consumers.set(req.exchange, set.add(consumer));
      return { ready: Promise.resolve(), dispose: () => void set.delete(consumer) };
    },
    tradesSince: () => Promise.resolve({ trades: [], complete: true }),
    push: (exchange: string, e: TradesEvent) => consumers.get(exchange)?.forEach((c) => c(e)),
    open: () => [...consumers].filter(([, s]) => s.size > 0).map(([ex, s]) => `${ex}×${s.size}`),
  };
  return src;
}

const DEF: AggregateDefinition = { name: 'agg', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'okx', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' }, usdtIsUsd: false };
const settle = () => new Promise((r) => setImmediate(r));

describe('SharedAggregates', () => {
  it('two consumers of one aggregate and timeframe share one market and one set of leg streams; the last to leave ends them', async () => {
    const src = source();
    const shared = new SharedAggregates(src);
    const a: AggregateEvent[] = [];
    const b: AggregateEvent[] = [];
    const first = shared.subscribe(DEF, '1m', (e) => a.push(e));
    const second = shared.subscribe(DEF, '1m', (e) => b.push(e));
    await Promise.all([first.ready, second.ready]);
    assert.equal(shared.size, 1);
    assert.deepEqual([src.subscribes, src.open()], [2, ['binance×1', 'okx×1']], 'one stream per leg, not one per consumer');
    for (const ex of ['binance', 'okx']) src.push(ex, { type: 'state', state: { status: 'live', since: T0 } });
    src.push('binance', { type: 'trades', trades: [{ id: '1', timestamp: Date.now(), price: 100, amount: 2, side: 'buy' }] });
    await settle();
    const deltas = (evs: AggregateEvent[]) => evs.flatMap((e) => (e.type === 'deltas' ? e.deltas.map((d) => d.bar.volume) : []));
    // okx is live with no trade: its hole is filled at once (REST: none), and the bar is sent again, whole.
    assert.deepEqual(deltas(a), [2, 2]);
    assert.deepEqual(a.flatMap((e) => (e.type === 'deltas' ? e.deltas.map((d) => d.bar.partial ?? false) : [])), [true, false]);
    assert.deepEqual(deltas(b), deltas(a), 'both consumers see the same bars');
    assert.deepEqual(second.bars(), first.bars());

    first.dispose();
    first.dispose();
    assert.deepEqual([shared.size, src.open()], [1, ['binance×1', 'okx×1']], 'still held by the second consumer');
    second.dispose();
    assert.deepEqual([shared.size, src.open()], [0, []], 'nothing left after the last consumer');
  });

  it('a consumer joining late is told the legs and the state, then reads the bars held', async () => {
    const src = source();
    const shared = new SharedAggregates(src);
    const first = shared.subscribe(DEF, '1m', () => undefined);
    await first.ready;
    for (const ex of ['binance', 'okx']) src.push(ex, { type: 'state', state: { status: 'live', since: T0 } });
    src.push('okx', { type: 'trades', trades: [{ id: 'a', timestamp: Date.now(), price: 100, amount: 300, side: 'sell' }] });
    await settle();
    const late: AggregateEvent[] = [];
    const second = shared.subscribe(DEF, '1m', (e) => late.push(e));
    assert.equal(late.length, 0, 'told only after subscribe() returned');
    await settle();
    assert.deepEqual(late.map((e) => e.type), ['resolved', 'state']);
    const state = late[1];
    assert.equal(state?.type === 'state' && state.state.status, 'live');
    assert.deepEqual(second.bars().map((bar) => bar.volume), [3]);
    assert.equal(src.subscribes, 2);
    first.dispose();
    second.dispose();
    assert.deepEqual(src.open(), []);
  });

  it('another timeframe or definition is another market; dispose() ends them all', async () => {
    const src = source();
    const shared = new SharedAggregates(src);
    const subs = [shared.subscribe(DEF, '1m', () => undefined), shared.subscribe(DEF, '5m', () => undefined), shared.subscribe({ ...DEF, usdtIsUsd: true }, '1m', () => undefined)];
    await Promise.all(subs.map((s) => s.ready));
    assert.equal(shared.size, 3);
    shared.dispose();
    assert.deepEqual([shared.size, src.open()], [0, []]);
  });

  it('a definition that does not fit its markets rejects every consumer, and leaving after that ends it', async () => {
    const src = source();
    const shared = new SharedAggregates(src);
    const bad = { ...DEF, legs: [...DEF.legs, { exchange: 'binance', symbol: 'ETH/USDT' }] };
    const subs = [shared.subscribe(bad, '1m', () => undefined), shared.subscribe(bad, '1m', () => undefined)];
    for (const s of subs) await assert.rejects(s.ready, /binance has no market ETH\/USDT/);
    for (const s of subs) s.dispose();
    assert.equal(shared.size, 0);
  });
});
