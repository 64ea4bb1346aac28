/**
 * An aggregate's liquidation lanes over a leg's dropped liquidation stream (hand-driven streams and clock): the bars
 * over the outage are partial, made where they had no value, and those before and after are not.
 */
import * as assert from 'node:assert/strict';
import { AggregateLanes, type LaneBar, type LanesSource } from '../../../src/core/aggregate/aggregateLanes';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { LiquidationsEvent } from '../../../src/core/hub/requests';

const MINUTE = 60_000;
/** A minute boundary: the lanes start exactly on a bar. */
const T0 = Date.UTC(2026, 0, 1, 12, 0);
const MARKETS: Record<string, MarketInfo[]> = {
  bybit: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } }],
  binance: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } }],
};
const DEF: AggregateDefinition = {
  name: 'BTC perps',
  legs: [
    { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
    { exchange: 'binance', symbol: 'BTC/USDT:USDT' },
  ],
  price: { kind: 'vwap' },
  usdtIsUsd: false,
};

/** The hub's part the lanes use: liquidation streams the test drives (tickers none: open interest is polled, never here). */
function source(opts: { refuse?: string } = {}) {
  const liquidations = new Map<string, (e: LiquidationsEvent) => void>();
  const disposed: string[] = [];
  const src: LanesSource = {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => {
      if (req.kind === 'liquidations') liquidations.set(req.exchange, consumer as (e: LiquidationsEvent) => void);
      const refused = req.exchange === opts.refuse;
      const ready = refused ? Promise.reject(new Error(`${req.exchange} refused`)) : Promise.resolve();
      ready.catch(() => undefined);
      return { ready, dispose: () => void disposed.push(`${req.kind} ${req.exchange}`) };
    },
    subscribeDerivatives: () => ({ dispose: () => undefined }),
  };
  const push = (exchange: string, e: LiquidationsEvent) => {
    const consumer = liquidations.get(exchange);
    assert.ok(consumer, `a liquidation stream of ${exchange}`);
    consumer(e);
  };
  return { src, push, disposed };
}

const liquidation = (timestamp: number, amount: number) => ({ type: 'liquidations' as const, liquidations: [{ timestamp, price: 60_000, amount, side: 'buy' as const }] });

describe('AggregateLanes over a dropped liquidation stream', () => {
  let now = T0;
  const clock = { now: () => now };
  beforeEach(() => (now = T0));

  it('marks every bar from the drop until the stream is live again partial (made where it had none), not those before or after', async () => {
    const { src, push } = source();
    const changes: LaneBar[][] = [];
    const lanes = new AggregateLanes(src, DEF, '1m', (bars) => changes.push([...bars]), { ...clock, sourceOf: () => 'poll' });
    await lanes.ready;
    for (const leg of ['bybit', 'binance']) push(leg, { type: 'state', state: { status: 'live', since: T0 } });
    push('bybit', liquidation(T0 + 10_000, 1));
    push('binance', liquidation(T0 + MINUTE + 5_000, 2));
    // binance drops 12:02:30 and is live again with its first liquidation at 12:05:20: its liquidations of the
    // bars 12:02–12:05 may be missing; bybit's keep coming meanwhile.
    now = T0 + 2 * MINUTE + 30_000;
    push('binance', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    assert.deepEqual(changes.at(-1), [{ time: T0 + 2 * MINUTE, longs: 0, shorts: 0, partial: true }], 'the bar of the drop is partial at once');
    now = T0 + 3 * MINUTE + 40_000;
    push('bybit', liquidation(now, 0.5));
    assert.deepEqual(changes.at(-1), [{ time: T0 + 3 * MINUTE, longs: 0.5, shorts: 0, partial: true }], 'a bar made while binance is down is partial');
    now = T0 + 5 * MINUTE + 20_000;
    push('binance', { type: 'state', state: { status: 'live', since: now } });
    push('binance', liquidation(now, 3));
    now = T0 + 6 * MINUTE + 1_000;
    push('bybit', liquidation(now, 4));

    const bars = lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.longs + b.shorts, b.partial === true]);
    assert.deepEqual(bars, [
      [0, 1, false],
      [1, 2, false],
      [2, 0, true],
      [3, 0.5, true],
      [4, 0, true],
      [5, 3, true],
      [6, 4, false],
    ]);
    lanes.dispose();
  });

  it('the hole ends at the first liquidation after it, not at its arrival a bar later: the bar it arrived in is whole', async () => {
    const { src, push } = source();
    const changes: LaneBar[][] = [];
    const lanes = new AggregateLanes(src, DEF, '1m', (bars) => changes.push([...bars]), { ...clock, sourceOf: () => 'poll' });
    await lanes.ready;
    for (const leg of ['bybit', 'binance']) push(leg, { type: 'state', state: { status: 'live', since: T0 } });
    now = T0 + MINUTE + 30_000;
    push('binance', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    // Resubscribed at 12:02:59.9; its first liquidation, of that time, arrives 200 ms later, in the next bar.
    now = T0 + 3 * MINUTE + 100;
    push('binance', { type: 'state', state: { status: 'live', since: now } });
    assert.equal(changes.at(-1)?.find((b) => b.time === T0 + 3 * MINUTE)?.partial, true, 'live at 12:03:00.1: the hole reaches into 12:03 for now');
    push('binance', liquidation(T0 + 3 * MINUTE - 100, 2));
    assert.deepEqual(changes.at(-1), [
      { time: T0 + 2 * MINUTE, longs: 0, shorts: 2, partial: true },
      { time: T0 + 3 * MINUTE, longs: 0, shorts: 0 },
    ], 'the liquidation of 12:02:59.9 ends the hole there: 12:03 is whole again');
    // A later drop whose first liquidation claims a time before the drop (a clock apart) leaves the hole as it arrived.
    now = T0 + 5 * MINUTE + 10_000;
    push('binance', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    now = T0 + 6 * MINUTE + 100;
    push('binance', { type: 'state', state: { status: 'live', since: now } });
    push('binance', liquidation(T0 + 5 * MINUTE, 1));
    push('bybit', liquidation(T0 + 6 * MINUTE + 200, 1));
    // The second liquidation after live changes nothing.
    push('binance', liquidation(T0 + 4 * MINUTE + 30_000, 1));
    assert.deepEqual(
      lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.partial === true]),
      [
        [1, true],
        [2, true],
        [3, false],
        [4, false],
        [5, true],
        [6, true],
      ],
    );
    lanes.dispose();
  });

  it('a stream restarted (connecting again after it was live) is a drop; connecting at the start, before any liquidation, is not', async () => {
    const { src, push } = source();
    const lanes = new AggregateLanes(src, DEF, '1m', () => undefined, { ...clock, sourceOf: () => 'poll' });
    await lanes.ready;
    now = T0 + 30_000;
    push('bybit', { type: 'state', state: { status: 'connecting' } });
    push('bybit', liquidation(T0 + 40_000, 1));
    push('bybit', { type: 'state', state: { status: 'live', since: T0 + 40_000 } });
    now = T0 + MINUTE + 10_000;
    push('bybit', { type: 'state', state: { status: 'connecting' } });
    now = T0 + 3 * MINUTE;
    push('bybit', { type: 'state', state: { status: 'live', since: now } });
    push('bybit', liquidation(now + 1_000, 2));
    assert.deepEqual(
      lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.partial === true]),
      [
        [0, false],
        [1, true],
        [2, true],
        [3, false],
      ],
    );
    lanes.dispose();
  });

  it('the bar the lanes began inside is partial; a leg whose stream cannot be had leaves every bar partial', async () => {
    now = T0 + 20_000;
    const { src, push } = source({ refuse: 'binance' });
    const lanes = new AggregateLanes(src, DEF, '1m', () => undefined, { ...clock, sourceOf: () => 'poll' });
    await lanes.ready;
    await new Promise((r) => setImmediate(r));
    push('bybit', { type: 'state', state: { status: 'live', since: now } });
    push('bybit', liquidation(T0 + 30_000, 1));
    now = T0 + 2 * MINUTE + 5_000;
    push('bybit', liquidation(now, 1));
    assert.deepEqual(
      lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.partial === true]),
      [
        [0, true],
        [1, true],
        [2, true],
      ],
    );
    lanes.dispose();

    now = T0 + 20_000;
    const alone = source();
    const single = new AggregateLanes(alone.src, { ...DEF, legs: [DEF.legs[0]!] }, '1m', () => undefined, { ...clock, sourceOf: () => 'poll' });
    await single.ready;
    alone.push('bybit', { type: 'state', state: { status: 'live', since: now } });
    alone.push('bybit', liquidation(T0 + 30_000, 1));
    now = T0 + MINUTE + 5_000;
    alone.push('bybit', liquidation(now, 1));
    assert.deepEqual(
      single.snapshot().map((b) => [(b.time - T0) / MINUTE, b.partial === true]),
      [
        [0, true],
        [1, false],
      ],
      'only the bar it began inside',
    );
    single.dispose();
  });

  it('an outage longer than the bars kept marks the newest bars only, and the oldest bars are evicted first', async () => {
    const { src, push } = source();
    const lanes = new AggregateLanes(src, DEF, '1m', () => undefined, { ...clock, sourceOf: () => 'poll', maxBars: 5 });
    await lanes.ready;
    push('bybit', { type: 'state', state: { status: 'live', since: T0 } });
    push('bybit', liquidation(T0, 1));
    push('bybit', liquidation(T0 + MINUTE, 1));
    now = T0 + MINUTE + 1_000;
    push('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    now = T0 + 20 * MINUTE + 1_000;
    push('bybit', { type: 'state', state: { status: 'live', since: now } });
    push('bybit', liquidation(now, 1));
    assert.deepEqual(
      lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.partial === true]),
      [16, 17, 18, 19, 20].map((m) => [m, true]),
    );
    now = T0 + 21 * MINUTE;
    push('bybit', liquidation(now, 1));
    assert.deepEqual(
      lanes.snapshot().map((b) => (b.time - T0) / MINUTE),
      [17, 18, 19, 20, 21],
    );
    assert.equal(lanes.snapshot().at(-1)?.partial, undefined, 'the bar after the outage is whole');
    lanes.dispose();
  });
});
