/**
 * An aggregate opening (its chart's AggregateMarket, its tape's AggregateTrades, its liquidations): connecting while a leg awaits its
 * first data, degraded only once the wait for it is over (or a leg fails, or reconnects after it was live); the
 * wait is cancelled on dispose, and once every leg delivered.
 */
import * as assert from 'node:assert/strict';
import { AggregateMarket, type AggregateEvent, type AggregateSource } from '../../../src/core/aggregate/aggregateMarket';
import { AggregateLiquidations, type LiquidationsSource } from '../../../src/core/aggregate/aggregateLiquidations';
import { AggregateTrades } from '../../../src/core/aggregate/aggregateTrades';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import { FIRST_DATA_WAIT_MS } from '../../../src/core/aggregate/aggregateState';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { LiquidationsEvent, TradesEvent } from '../../../src/core/hub/requests';
import type { StreamState } from '../../../src/core/types';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const MARKETS: Record<string, MarketInfo[]> = {
  binance: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }],
  bybit: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } }],
  okx: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 0.01 } }],
};
const DEF: AggregateDefinition = { name: 'agg', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'okx', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' }, usdtIsUsd: false };
const LIVE: StreamState = { status: 'live', since: T0 };
const DROPPED: StreamState = { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 };

/** Trade streams the test pushes states to; REST has nothing. */
function source(): AggregateSource & { state(exchange: string, s: StreamState): void } {
  const consumers = new Map<string, (e: TradesEvent) => void>();
  return {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => {
      consumers.set(req.exchange, consumer);
      return { ready: Promise.resolve(), dispose: () => void consumers.delete(req.exchange) };
    },
    tradesSince: () => Promise.resolve({ trades: [], complete: true }),
    state: (exchange, state) => consumers.get(exchange)?.({ type: 'state', state }),
  };
}

/** Liquidation streams the test pushes states to. */
function liquidationsSource(): LiquidationsSource & { state(exchange: string, s: StreamState): void; readonly open: ReadonlySet<string> } {
  const consumers = new Map<string, (e: LiquidationsEvent) => void>();
  return {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => {
      consumers.set(req.exchange, consumer);
      return { ready: Promise.resolve(), dispose: () => void consumers.delete(req.exchange) };
    },
    state: (exchange, state) => consumers.get(exchange)?.({ type: 'state', state }),
    get open() {
      return new Set(consumers.keys());
    },
  };
}

/** Two derivatives legs (and a spot leg, which has no liquidations). */
const PERPS: AggregateDefinition = { ...DEF, legs: [...DEF.legs, { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }] };

/** A schedule the test fires: each wait asked, and whether it was cancelled. */
function timers() {
  const waits: Array<{ readonly delayMs: number; readonly fire: () => void; cancelled: boolean }> = [];
  const schedule = (fire: () => void, delayMs: number) => {
    const wait = { delayMs, fire, cancelled: false };
    waits.push(wait);
    return () => void (wait.cancelled = true);
  };
  return { waits, schedule };
}

function lastState(events: readonly AggregateEvent[]): StreamState | undefined {
  const e = events.filter((x) => x.type === 'state').at(-1);
  return e?.type === 'state' ? e.state : undefined;
}

/** An aggregate opened on a schedule the test fires: `first` delivers, `late` keeps it opening (BTC/USDT:USDT on both). */
interface Opening {
  readonly waits: ReturnType<typeof timers>['waits'];
  readonly first: string;
  readonly late: string;
  state(exchange: string, s: StreamState): void;
  last(): StreamState | undefined;
  dispose(): void;
}

/** The chart's AggregateMarket over binance and okx. */
async function chartOpening(): Promise<Opening & { readonly agg: AggregateMarket }> {
  const src = source();
  const { waits, schedule } = timers();
  const events: AggregateEvent[] = [];
  const agg = new AggregateMarket(src, DEF, { timeframes: ['1m'], since: T0, schedule }, (e) => events.push(e));
  await agg.ready.catch((error: unknown) => {
    agg.dispose();
    throw error;
  });
  return { agg, waits, first: 'binance', late: 'okx', state: src.state, last: () => lastState(events), dispose: () => agg.dispose() };
}

/** The liquidations over okx and bybit (binance, spot, has none). */
async function liquidationsOpening(): Promise<Opening & { readonly states: readonly StreamState[] }> {
  const src = liquidationsSource();
  const { waits, schedule } = timers();
  const states: StreamState[] = [];
  const liquidations = new AggregateLiquidations(src, PERPS, (e) => void (e.type === 'state' && states.push(e.state)), { schedule });
  await liquidations.ready.catch((error: unknown) => {
    liquidations.dispose();
    throw error;
  });
  return { states, waits, first: 'okx', late: 'bybit', state: src.state, last: () => states.at(-1), dispose: () => liquidations.dispose() };
}

/**
 * Connecting while `late` awaits its first data, also after a drop (then `whileWaiting` checks more); degraded when the
 * wait ends; live once it delivers; degraded on a reconnect after it was live.
 */
function expectOpening(o: Opening, whileWaiting: () => void): void {
  assert.deepEqual(o.waits.map((w) => w.delayMs), [FIRST_DATA_WAIT_MS], 'one wait, from the start');
  o.state(o.first, LIVE);
  assert.deepEqual(o.last(), { status: 'connecting', reason: `waiting for the first data of ${o.late} BTC/USDT:USDT`, brief: 'waiting for 1 leg' });
  o.state(o.late, DROPPED);
  assert.equal(o.last()?.status, 'connecting', 'a drop before its first data is still opening');
  whileWaiting();

  o.waits[0]!.fire();
  assert.deepEqual(o.last(), { status: 'degraded', reason: `${o.late} BTC/USDT:USDT no data in ${FIRST_DATA_WAIT_MS / 1000} s (reconnecting (1))`, brief: '1 leg without data' });

  o.state(o.late, LIVE);
  assert.equal(o.last()?.status, 'live');
  o.state(o.late, DROPPED);
  assert.deepEqual(o.last(), { status: 'degraded', reason: `${o.late} BTC/USDT:USDT reconnecting (1)`, brief: '1 leg reconnecting' }, 'a reconnect after it was live');
}

/** `late` failing within the wait makes it degraded at once. */
function expectFailedLegDegraded(o: Opening): void {
  o.state(o.first, LIVE);
  o.state(o.late, { status: 'failed', reason: 'not listed' });
  assert.deepEqual(o.last(), { status: 'degraded', reason: `${o.late} BTC/USDT:USDT failed: not listed`, brief: '1 leg failed' });
}

/** `check` on a new opening, disposed after it, pass or fail. */
async function onOpening<O extends Opening>(open: () => Promise<O>, check: (opening: O) => void): Promise<void> {
  const opening = await open();
  try {
    check(opening);
  } finally {
    opening.dispose();
  }
}

describe('aggregate opening', () => {
  it('the chart: connecting while a leg awaits its first data, degraded when the wait ends, live once it delivers', () => onOpening(chartOpening, (o) => expectOpening(o, () => assert.deepEqual(o.agg.legStatuses().map((l) => l.opening), [undefined, 'waiting']))));

  it('the chart: a failed leg makes it degraded within the wait', () => onOpening(chartOpening, expectFailedLegDegraded));

  it('the wait is cancelled once every leg delivered, and on dispose', async () => {
    const src = source();
    const first = timers();
    const agg = new AggregateMarket(src, DEF, { timeframes: ['1m'], since: T0, schedule: first.schedule }, () => undefined);
    await agg.ready;
    src.state('binance', LIVE);
    assert.equal(first.waits[0]!.cancelled, false, 'okx has not delivered');
    src.state('okx', LIVE);
    assert.equal(first.waits[0]!.cancelled, true, 'every leg delivered');
    agg.dispose();

    const second = timers();
    const other = new AggregateMarket(source(), DEF, { timeframes: ['1m'], since: T0, schedule: second.schedule }, () => undefined);
    await other.ready;
    other.dispose();
    assert.deepEqual(second.waits.map((w) => w.cancelled), [true]);
  });

  it('the tape: a leg dropping before its first data is no reconnect of the stream (connecting); after it was live, it is', async () => {
    const src = source();
    const { waits, schedule } = timers();
    const states: StreamState[] = [];
    const trades = new AggregateTrades(src, DEF, { since: T0, schedule, prices: 'own' }, (e) => {
      if (e.type === 'state') states.push(e.state);
    });
    try {
      await trades.ready;
      src.state('binance', LIVE);
      src.state('okx', DROPPED);
      assert.deepEqual(states.at(-1), { status: 'connecting', reason: 'waiting for the first data of okx BTC/USDT:USDT (reconnecting (1))', brief: 'waiting for 1 leg' });
      waits[0]!.fire();
      assert.equal(states.at(-1)?.status, 'degraded', 'still without data past the wait');
      src.state('okx', LIVE);
      assert.equal(states.at(-1)?.status, 'live');
      src.state('okx', DROPPED);
      assert.deepEqual(states.at(-1), { status: 'reconnecting', attempt: 1, reason: 'okx BTC/USDT:USDT: socket closed', retryInMs: 0 });
      assert.ok(!states.slice(0, -1).some((s) => s.status === 'reconnecting'), 'no reconnect before okx was live');
    } finally {
      trades.dispose();
    }
  });

  it('the liquidations: connecting while a leg awaits its first data, degraded when the wait ends or a leg fails, or on a reconnect after it was live', () => onOpening(liquidationsOpening, (o) => expectOpening(o, () => assert.ok(!o.states.some((s) => s.status === 'degraded'), 'never degraded within the wait'))));

  it('the liquidations: a failed leg makes them degraded within the wait', () => onOpening(liquidationsOpening, expectFailedLegDegraded));

  it('the liquidations: the wait is cancelled once every leg delivered, and on dispose with the streams', async () => {
    const src = liquidationsSource();
    const first = timers();
    const liquidations = new AggregateLiquidations(src, PERPS, () => undefined, { schedule: first.schedule });
    await liquidations.ready;
    assert.deepEqual([...src.open].sort(), ['bybit', 'okx'], 'the derivatives legs only');
    src.state('okx', LIVE);
    assert.equal(first.waits[0]!.cancelled, false, 'bybit has not delivered');
    src.state('bybit', LIVE);
    assert.equal(first.waits[0]!.cancelled, true, 'every leg delivered');
    liquidations.dispose();
    assert.equal(src.open.size, 0, 'every stream given back');

    const second = timers();
    const other = new AggregateLiquidations(liquidationsSource(), PERPS, () => undefined, { schedule: second.schedule });
    await other.ready;
    other.dispose();
    assert.deepEqual(second.waits.map((w) => w.cancelled), [true]);
  });
});
