/**
 * An aggregate's liquidation lanes over a leg's dropped liquidation stream (hand-driven streams and clock): the bars
 * over the outage are partial, made where they had no value, and those before and after are not.
 */
import * as assert from 'node:assert/strict';
import { AggregateLanes, type LaneBar, type LanesSource } from '../../../src/core/aggregate/aggregateLanes';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { LiquidationsEvent, TickerEvent } from '../../../src/core/hub/requests';

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

/** The hub's part the lanes use: liquidation and ticker streams the test drives (polls none). */
function source(opts: { refuse?: string } = {}) {
  const liquidations = new Map<string, (e: LiquidationsEvent) => void>();
  const tickers = new Map<string, (e: TickerEvent) => void>();
  const disposed: string[] = [];
  const src: LanesSource = {
    markets: (exchange) => Promise.resolve(MARKETS[exchange] ?? []),
    subscribe: (req, consumer) => {
      if (req.kind === 'liquidations') liquidations.set(req.exchange, consumer as (e: LiquidationsEvent) => void);
      else tickers.set(req.exchange, consumer as (e: TickerEvent) => void);
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
  const pushTicker = (exchange: string, e: TickerEvent) => {
    const consumer = tickers.get(exchange);
    assert.ok(consumer, `a ticker stream of ${exchange}`);
    consumer(e);
  };
  return { src, push, pushTicker, disposed };
}

/** Each bar held as [minutes after T0, partial]. */
const partialByMinute = (lanes: AggregateLanes) => lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.partial === true]);
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
      partialByMinute(lanes),
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

  it('while the only leg with lane data is down, each new bar is made partial as it starts; the wakes stop once it is back, and with dispose', async () => {
    const { src, push } = source();
    const wakes: Array<{ run: () => void; at: number; cancelled: boolean }> = [];
    const schedule = (run: () => void, delayMs: number) => {
      const wake = { run, at: now + delayMs, cancelled: false };
      wakes.push(wake);
      return () => void (wake.cancelled = true);
    };
    const pending = () => wakes.filter((w) => !w.cancelled);
    /** The clock moves to the next wake and runs it. */
    const wakeNext = () => {
      const wake = pending()[0];
      assert.ok(wake, 'a wake is pending');
      wakes.splice(wakes.indexOf(wake), 1);
      now = wake.at;
      wake.run();
    };
    const changes: LaneBar[][] = [];
    const lanes = new AggregateLanes(src, { ...DEF, legs: [DEF.legs[0]!] }, '1m', (bars) => changes.push([...bars]), { ...clock, sourceOf: () => 'poll', schedule });
    await lanes.ready;
    push('bybit', { type: 'state', state: { status: 'live', since: T0 } });
    push('bybit', liquidation(T0 + 10_000, 1));
    assert.equal(pending().length, 0, 'no wake while every leg is up');
    // Dropped at 12:00:59.3, just before a bar starts: no liquidation or figure comes while it is down.
    now = T0 + 59_300;
    push('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    assert.equal(pending().length, 1);
    assert.equal(pending()[0]?.at, T0 + MINUTE, 'woken at the next bar');
    wakeNext();
    assert.deepEqual(changes.at(-1), [{ time: T0 + MINUTE, longs: 0, shorts: 0, partial: true }], 'the bar that started while the leg is down is made, partial');
    wakeNext();
    assert.deepEqual(changes.at(-1), [{ time: T0 + 2 * MINUTE, longs: 0, shorts: 0, partial: true }]);
    assert.equal(pending().length, 1, 'one wake at a time');
    now = T0 + 2 * MINUTE + 30_000;
    push('bybit', { type: 'state', state: { status: 'live', since: now } });
    assert.equal(pending().length, 0, 'back: no more wakes');
    push('bybit', liquidation(now, 2));
    now = T0 + 3 * MINUTE + 1_000;
    push('bybit', liquidation(now, 1));
    assert.deepEqual(
      partialByMinute(lanes),
      [
        [0, true],
        [1, true],
        [2, true],
        [3, false],
      ],
    );
    push('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    assert.equal(pending().length, 1);
    lanes.dispose();
    assert.equal(pending().length, 0, 'dispose cancels the wake');
  });

  it("a month's bars while a leg is down: the wait for the next bar is a day at most (a timer cannot wait a month), and a wake before it makes nothing", async () => {
    const { src, push } = source();
    const delays: number[] = [];
    let wake: (() => void) | undefined;
    const schedule = (run: () => void, delayMs: number) => {
      delays.push(delayMs);
      wake = run;
      return () => void (wake = undefined);
    };
    const changes: LaneBar[][] = [];
    const lanes = new AggregateLanes(src, { ...DEF, legs: [DEF.legs[0]!] }, '1M', (bars) => changes.push([...bars]), { ...clock, sourceOf: () => 'poll', schedule });
    await lanes.ready;
    push('bybit', { type: 'state', state: { status: 'live', since: T0 } });
    push('bybit', liquidation(T0, 1));
    push('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    const made = changes.length;
    assert.equal(delays.at(-1), 86_400_000, 'a day, not the month to February');
    now = T0 + 86_400_000;
    wake?.();
    assert.equal(changes.length, made, 'the month has not ended: no bar made');
    assert.equal(delays.at(-1), 86_400_000, 'it waits again');
    now = Date.UTC(2026, 1, 1);
    wake?.();
    assert.deepEqual(changes.at(-1), [{ time: Date.UTC(2026, 1, 1), longs: 0, shorts: 0, partial: true }], "February's bar, made partial as it starts");
    lanes.dispose();
    assert.equal(wake, undefined);
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
      partialByMinute(lanes),
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
      partialByMinute(lanes),
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
      partialByMinute(single),
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
      partialByMinute(lanes),
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

describe("AggregateLanes: a streamed leg's open interest and funding while its ticker is down", () => {
  let now = T0;
  const clock = { now: () => now };
  beforeEach(() => (now = T0));

  const ticker = (timestamp: number, openInterest: number, fundingRate: number): TickerEvent => ({
    type: 'ticker',
    ticker: { timestamp, last: 60_000, bid: undefined, ask: undefined, change24hPercent: undefined, derivatives: { markPrice: 60_000, indexPrice: undefined, fundingRate, nextFundingTime: undefined, openInterest } },
  });

  it('the note says since when the figures are (the last ticker) while the ticker is down, and goes once a ticker comes again; the figures stay in the bars of their time', async () => {
    const { src, push, pushTicker } = source();
    const notes: Array<string | undefined> = [];
    const changes: LaneBar[][] = [];
    const lanes = new AggregateLanes(src, { ...DEF, legs: [DEF.legs[0]!] }, '1m', (bars) => changes.push([...bars]), { ...clock, sourceOf: () => 'stream', schedule: () => () => undefined, onFiguresNote: (n) => notes.push(n) });
    await lanes.ready;
    pushTicker('bybit', { type: 'state', state: { status: 'live', since: T0 } });
    pushTicker('bybit', ticker(T0 + 5_000, 100, 0.0001));
    assert.deepEqual(notes, [], 'no note while the ticker is live');
    assert.equal(lanes.figuresNote, undefined);
    // Bybit goes away just before the next bar: its figures are the last ticker's, 12:00:05, for as long as it is away.
    now = T0 + 59_300;
    pushTicker('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    push('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    assert.equal(lanes.figuresNote, 'open interest and funding: bybit BTC/USDT:USDT: as of 12:00:05 UTC, its ticker retrying (1), socket closed');
    assert.deepEqual(notes, [lanes.figuresNote], 'told at once');
    now = T0 + MINUTE + 10_000;
    pushTicker('bybit', { type: 'state', state: { status: 'reconnecting', attempt: 2, reason: 'connection refused', retryInMs: 2000 } });
    assert.equal(lanes.figuresNote, 'open interest and funding: bybit BTC/USDT:USDT: as of 12:00:05 UTC, its ticker retrying (2), connection refused');
    // Live again: the figures are still the old ones until a ticker brings new ones.
    pushTicker('bybit', { type: 'state', state: { status: 'live', since: now } });
    assert.match(lanes.figuresNote ?? '', /as of 12:00:05 UTC/);
    pushTicker('bybit', ticker(now, 101, 0.0002));
    assert.equal(lanes.figuresNote, undefined, 'fresh figures: no note');
    assert.equal(notes.at(-1), undefined);
    assert.deepEqual(
      lanes.snapshot().map((b) => [(b.time - T0) / MINUTE, b.openInterest, b.fundingRate]),
      [
        [0, 100, 0.0001],
        [1, 101, 0.0002],
      ],
    );
    lanes.dispose();
  });

  it('a ticker down before any figure came says it has none yet; its restart (connecting after live) is a drop, its first connecting is not', async () => {
    const { src, pushTicker } = source();
    const lanes = new AggregateLanes(src, { ...DEF, legs: [DEF.legs[0]!] }, '1m', () => undefined, { ...clock, sourceOf: () => 'stream', schedule: () => () => undefined });
    await lanes.ready;
    pushTicker('bybit', { type: 'state', state: { status: 'connecting' } });
    assert.equal(lanes.figuresNote, undefined, 'opening is not an outage');
    pushTicker('bybit', { type: 'state', state: { status: 'failed', reason: 'bybit is down' } });
    assert.equal(lanes.figuresNote, 'open interest and funding: bybit BTC/USDT:USDT: none yet, its ticker failed, bybit is down');
    pushTicker('bybit', { type: 'state', state: { status: 'live', since: now } });
    pushTicker('bybit', ticker(T0 + 1_000, 100, 0.0001));
    assert.equal(lanes.figuresNote, undefined);
    pushTicker('bybit', { type: 'state', state: { status: 'connecting' } });
    assert.equal(lanes.figuresNote, 'open interest and funding: bybit BTC/USDT:USDT: as of 12:00:01 UTC, its ticker connecting');
    lanes.dispose();
  });
});
