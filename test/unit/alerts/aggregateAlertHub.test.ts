/** AggregateAlertHub: rules' requests on `exchange: aggregate` routed to the aggregate, a redefinition restarts them, refusals name the aggregate. */
import * as assert from 'node:assert/strict';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { AggregateSource } from '../../../src/core/aggregate/aggregateMarket';
import { SharedAggregates } from '../../../src/core/aggregate/sharedAggregates';
import { AggregateAlertHub, type AggregateMarketsHub } from '../../../src/core/alerts/aggregateAlertHub';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { CandleEvent, HubEvent, Subscription, TradesEvent } from '../../../src/core/hub/requests';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import type { Candle } from '../../../src/core/types';
import { captureLog } from '../../helpers/emulatorHub';

const MARKETS: Record<string, MarketInfo[]> = {
  binance: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }],
  okx: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 0.01 } }],
};
const DEF: AggregateDefinition = { name: 'agg', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'okx', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' }, usdtIsUsd: false };
const settle = () => new Promise((r) => setImmediate(r));

/** A hub whose streams the test pushes to; open subscriptions are listed as "kind exchange×n". */
function fakeHub(): AggregateMarketsHub & { push(exchange: string, e: TradesEvent): void; open(): string[] } {
  const consumers = new Map<string, Set<(e: HubEvent) => void>>();
  const source: AggregateSource = {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => subscribe(req, consumer as (e: HubEvent) => void),
    tradesSince: () => Promise.resolve({ trades: [], complete: true }),
  };
  const subscribe = (req: { kind: string; exchange: string }, consumer: (e: HubEvent) => void): Subscription => {
    const key = `${req.kind} ${req.exchange}`;
    const set = consumers.get(key) ?? new Set();
    consumers.set(key, set.add(consumer));
    return { ready: Promise.resolve(), dispose: () => void set.delete(consumer) };
  };
  const shared = new SharedAggregates(source);
  return {
    ...source,
    subscribe: (req: { kind: string; exchange: string }, consumer: (e: never) => void) => subscribe(req, consumer as (e: HubEvent) => void),
    candlesBetween: () => Promise.reject(new Error('not asked of the hub for an aggregate')),
    subscribeAggregate: (def, tf, consumer) => shared.subscribe(def, tf, consumer),
    push: (exchange, e) => consumers.get(`trades ${exchange}`)?.forEach((c) => c(e)),
    open: () => [...consumers].filter(([, s]) => s.size > 0).map(([k, s]) => `${k}×${s.size}`),
  };
}

describe('AggregateAlertHub', () => {
  it("passes every other exchange through to the hub, and the hub's clocks and rewinds (replays) with it", async () => {
    const hub = fakeHub();
    assert.equal(new AggregateAlertHub(hub).onDidRewind, undefined, 'a hub without rewinds has none');
    const rewinds: string[] = [];
    const clock = { now: () => 42 };
    const routed = new AggregateAlertHub({ ...hub, clockOf: () => clock, onDidRewind: (l) => (l('replay:x'), { dispose: () => undefined }) }, [DEF]);
    routed.onDidRewind?.((ex) => rewinds.push(ex));
    assert.deepEqual([rewinds, routed.clockOf?.('binance')], [['replay:x'], clock]);
    const sub = routed.subscribe({ kind: 'ticker', exchange: 'binance', symbol: 'BTC/USDT' }, () => undefined);
    await sub.ready;
    assert.deepEqual(hub.open(), ['ticker binance×1']);
    sub.dispose();
    assert.deepEqual(hub.open(), []);
  });

  it('trades of an aggregate run on its legs; a redefinition restarts them as a gap, a removal ends them failed, dispose leaves nothing', async () => {
    const hub = fakeHub();
    const routed = new AggregateAlertHub(hub, [DEF]);
    const events: TradesEvent[] = [];
    const sub = routed.subscribe({ kind: 'trades', exchange: 'aggregate', symbol: 'agg' }, (e) => events.push(e));
    await sub.ready;
    await settle();
    assert.deepEqual(hub.open(), ['trades binance×1', 'trades okx×1']);
    routed.setAggregates([DEF]);
    assert.ok(!events.some((e) => e.type === 'state' && e.state.status === 'reconnecting'), 'the same definition again changes nothing');
    routed.setAggregates([{ ...DEF, legs: [DEF.legs[1]!, DEF.legs[0]!] }]);
    assert.ok(events.some((e) => e.type === 'state' && e.state.status === 'reconnecting' && /agg was redefined/.test(e.state.reason)));
    await settle();
    assert.deepEqual(hub.open(), ['trades binance×1', 'trades okx×1'], 'the old legs given back, the new ones held');
    routed.setAggregates([]);
    await settle();
    const last = events.at(-1);
    assert.deepEqual(last, { type: 'state', state: { status: 'failed', reason: 'unknown aggregate "agg" (no aggregate is defined: add it under "aggregates:" or, in VS Code, to tradesuite.aggregates)' } });
    assert.deepEqual(hub.open(), []);
    sub.dispose();
    assert.deepEqual(hub.open(), []);
  });

  it("candles of an aggregate are its bars (a snapshot, then deltas); there is no ticker, order book or history to ask for", async () => {
    const hub = fakeHub();
    const routed = new AggregateAlertHub(hub, [DEF]);
    const events: CandleEvent[] = [];
    const sub = routed.subscribe({ kind: 'candles', exchange: 'aggregate', symbol: 'agg', timeframe: '1m' }, (e) => events.push(e));
    await sub.ready;
    await settle();
    assert.deepEqual(events.filter((e) => e.type === 'snapshot'), [{ type: 'snapshot', candles: [] }]);
    for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'state', state: { status: 'live', since: Date.now() } });
    hub.push('okx', { type: 'trades', trades: [{ id: '1', timestamp: Date.now(), price: 100, amount: 300, side: 'buy' }] });
    await settle();
    const volumes = events.flatMap((e) => (e.type === 'deltas' ? e.deltas.map((d) => [d.kind, d.candle.close, d.candle.volume]) : []));
    // okx's trade, then the quiet binance leg's hole filled at once (REST: none): the same bar again, now whole.
    assert.deepEqual(volumes, [['updated', 100, 3], ['updated', 100, 3]], '300 contracts of 0.01 BTC');
    sub.dispose();
    assert.deepEqual(hub.open(), []);
    assert.deepEqual(await routed.candlesBetween({ exchange: 'aggregate', symbol: 'agg' }, '1m', 0, Date.now()), []);
    await assert.rejects(routed.subscribe({ kind: 'ticker', exchange: 'aggregate', symbol: 'agg' }, () => undefined).ready, /^Error: aggregate agg has no bid\/ask ticker: bid\/ask and spread rules need one exchange's market$/);
  });

  describe("a rule on an aggregate whose history is confirmed (the seed's newest klines fetched again once every leg traded past its start)", () => {
    const M = 60_000;
    const SINCE = Date.UTC(2026, 0, 1, 12, 0);
    const RULES = 'rules:\n  - { id: pc, name: pc, type: percentage_change, exchange: aggregate, symbol: agg, timeframe: 1m, lookback: 2, above: 50 }\n';

    /**
     * The legs' klines as each exchange answers (its `table`, changed by the test between the two requests; no bar
     * from the start on, so the seed's newest is confirmed); the engine's log once the bar before the start is whole.
     */
    async function confirmed(change: (table: Map<string, Candle[]>) => void): Promise<string[]> {
      const kline = (time: number, volume: number): Candle => ({ time, open: 100, high: 100, low: 100, close: 100, volume });
      const table = new Map<string, Candle[]>(['binance', 'okx'].map((ex) => [ex, [1, 2, 3].map((n) => kline(SINCE - n * M, 1))]));
      let asked = 0;
      const consumers = new Map<string, (e: HubEvent) => void>();
      const source: AggregateSource = {
        markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
        subscribe: (req, consumer) => {
          consumers.set(req.exchange, consumer as (e: HubEvent) => void);
          return { ready: Promise.resolve(), dispose: () => void consumers.delete(req.exchange) };
        },
        tradesSince: () => Promise.resolve({ trades: [], complete: true }),
        candlesBetween: (market, _tf, from, until) => {
          if (++asked === 3) change(table);
          return Promise.resolve((table.get(market.exchange) ?? []).filter((c) => c.time >= from && c.time < until));
        },
      };
      const clock = { now: () => SINCE + 30_000 };
      const shared = new SharedAggregates(source, { clock, historyBars: 3 });
      const hub: AggregateMarketsHub = {
        ...source,
        subscribe: () => ({ ready: Promise.reject(new Error('only the aggregate is asked for')), dispose: () => undefined }),
        candlesBetween: () => Promise.resolve([]),
        subscribeAggregate: (def, tf, consumer) => shared.subscribe(def, tf, consumer),
      };
      const log = captureLog();
      const engine = new AlertEngine({ hub: new AggregateAlertHub(hub, [DEF]), state: AlertStateStore.inMemory(), clock, log, minHistoryBars: 1 });
      engine.setRules(parseAlertsConfig(RULES).rules);
      const whole = shared.subscribe(DEF, '1m', () => undefined);
      await whole.ready;
      for (let i = 0; i < 20 && consumers.size < 2; i++) await settle();
      assert.equal(whole.bars().find((b) => b.time === SINCE - M)?.partial, true, 'the bar before the start waits for its confirmation');
      for (const ex of ['binance', 'okx']) {
        consumers.get(ex)?.({ type: 'state', state: { status: 'live', since: SINCE } });
        consumers.get(ex)?.({ type: 'trades', trades: [{ id: '1', timestamp: SINCE + 1000, price: 100, amount: ex === 'okx' ? 100 : 1, side: 'buy' }] });
      }
      for (let i = 0; i < 50 && whole.bars().some((b) => b.partial); i++) await settle();
      assert.deepEqual(whole.bars().map((b) => [(b.time - SINCE) / M, b.partial]), [-3, -2, -1, 0].map((n) => [n, undefined]), 'every bar whole');
      assert.equal(asked, 4, 'each leg asked twice: its answer held no bar from the start on');
      whole.dispose();
      engine.dispose();
      return log.lines.filter((l) => /revised/.test(l));
    }

    it('one that changes nothing is no revision: nothing is logged', async () => {
      assert.deepEqual(await confirmed(() => undefined), []);
    });

    it('one that changes a closed bar (a leg traded after its klines were first fetched) is logged, naming that bar', async () => {
      const warned = await confirmed((table) => table.set('binance', [...table.get('binance')!.slice(0, 2), { time: SINCE - M, open: 100, high: 104, low: 100, close: 104, volume: 3 }]));
      assert.equal(warned.length, 1, warned.join('\n'));
      assert.match(warned[0]!, new RegExp(`the closed ${new Date(SINCE - M).toISOString()} bar was revised after its close`));
    });
  });
});

describe('a rule on an aggregate defined only after it started (the rule saved before its aggregate)', () => {
  it('reads failed while the aggregate is unknown, then runs on it once defined: its status follows the stream, and it fires', async () => {
    const hub = fakeHub();
    const routed = new AggregateAlertHub(hub, []);
    const engine = new AlertEngine({ hub: routed, state: AlertStateStore.inMemory() });
    const fired: string[] = [];
    engine.onAlert((e) => fired.push(e.message));
    engine.setRules(parseAlertsConfig('rules:\n  - { id: px, name: px, type: price_level, exchange: aggregate, symbol: agg, above: 50, frequency: every_time, autoPause: false }\n').rules);
    await settle();
    assert.match(JSON.stringify(engine.status('px')?.status), /"kind":"failed".*unknown aggregate/);
    routed.setAggregates([DEF]);
    await settle();
    const t = Date.now() + 1000;
    for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'state', state: { status: 'live', since: t - 1000 } });
    for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'trades', trades: [{ id: '1', timestamp: t, price: 100, amount: 1, side: 'buy' }] });
    for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'trades', trades: [{ id: '2', timestamp: t + 5000, price: 100, amount: 1, side: 'buy' }] });
    for (let i = 0; i < 20 && fired.length === 0; i++) await settle();
    assert.ok(fired.length > 0, 'the rule reads the aggregate once it is defined');
    assert.equal(engine.status('px')?.status.kind, 'armed', JSON.stringify(engine.status('px')?.status));
    engine.dispose();
  });
});
