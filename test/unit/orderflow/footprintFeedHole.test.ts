/** FootprintFeed's holes on a hand-driven trade stream: a drop across a bar boundary whose fill fails. */
import * as assert from 'node:assert/strict';
import { FootprintFeed, type FootprintFeedEvent } from '../../../src/core/orderflow/footprintFeed';
import type { FootprintBar } from '../../../src/core/orderflow/footprintBar';
import { priceBuckets } from '../../../src/core/orderflow/priceBuckets';
import type { TradesSince } from '../../../src/core/history/seamTrades';
import type { Trade } from '../../../src/core/types';
import { HandTradesHub } from '../../helpers/handTradesHub';

const T0 = Date.UTC(2026, 10, 30, 12, 0);
const MIN = 60_000;
const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

let nextId = 0;
const trade = (timestamp: number, price = 100): Trade => ({ id: String(++nextId), timestamp, price, amount: 1, side: 'buy' });

async function feedWithHole(history: (from: number) => Promise<TradesSince>, maxFillAttempts: number) {
  const hub = new HandTradesHub();
  const bars = new Map<number, FootprintBar>();
  const events: FootprintFeedEvent[] = [];
  const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, maxFillAttempts, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 } });
  feed.onEvent((e) => {
    events.push(e);
    if (e.type === 'snapshot') for (const b of e.bars) bars.set(b.time, b);
    if (e.type === 'bars') for (const b of e.bars) bars.set(b.time, { ...b, cells: bars.get(b.time)?.cells ?? b.cells });
  });
  feed.start();
  hub.send({ type: 'state', state: { status: 'live', since: T0 } });
  await feed.settled();
  hub.send({ type: 'trades', trades: [trade(T0 + 10_000), trade(T0 + 50_000)] });
  // The socket drops at T0 + 50 s and comes back after the bar boundary: the next bar's first trades are missed.
  hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
  hub.send({ type: 'trades', trades: [trade(T0 + MIN + 20_000), trade(T0 + MIN + 30_000)] });
  await feed.settled();
  return { feed, bars, events };
}

/** A trade with an id that is no sequence number (Bybit's UUIDs). */
const uuid = (id: string, timestamp: number, price: number): Trade => ({ id, timestamp, price, amount: 1, side: 'buy' });
const drop = { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } } as const;

/** A 1m feed whose first history has nothing before, whose first drop's fill fails for good, and whose later fills find nothing in the hole. */
function feedWhoseFirstFillFails(hub: HandTradesHub): FootprintFeed {
  let asked = 0;
  const history = (): Promise<TradesSince> => (++asked === 2 ? Promise.reject(new Error('HTTP 503')) : Promise.resolve({ trades: [], complete: true }));
  return new FootprintFeed({ hub, history, market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, maxFillAttempts: 1 });
}

/** The socket drops and is live again from `since`. */
function reconnect(hub: HandTradesHub, since: number): void {
  hub.send(drop);
  hub.send({ type: 'state', state: { status: 'live', since } });
}

/** The feed started, its stream live from T0, its history in. */
async function startLive(feed: FootprintFeed, hub: HandTradesHub): Promise<void> {
  feed.start();
  hub.send({ type: 'state', state: { status: 'live', since: T0 } });
  await feed.settled();
}

/** The 1m bar of the minute after T0's, once the feed has settled. */
async function barAfterT0(feed: FootprintFeed) {
  await feed.settled();
  return feed.snapshot('1m')?.bars.find((b) => b.time === T0 + MIN);
}

describe('FootprintFeed holes', () => {
  it('a bar that begins inside a hole whose fill failed is partial, though its first trade came after the hole was marked', async () => {
    const { feed, bars, events } = await feedWithHole(() => Promise.reject(new Error('REST down')), 1);
    try {
      const hole = events.find((e) => e.type === 'hole');
      assert.deepEqual(hole && [hole.from, hole.until, hole.retrying], [T0 + 50_000, T0 + MIN + 20_000, false]);
      assert.equal(bars.get(T0)?.partial, true, 'the bar the drop began in');
      assert.equal(bars.get(T0 + MIN)?.partial, true, 'the bar the stream resumed in');
      assert.equal(feed.snapshot('1m')?.bars.find((b) => b.time === T0 + MIN)?.partial, true, 'and so in a snapshot');
    } finally {
      feed.dispose();
    }
  });

  it('the same bar is whole once a retried fill fetched the hole', async () => {
    let calls = 0;
    const history = (from: number): Promise<TradesSince> => {
      calls++;
      if (calls === 1) return Promise.resolve({ trades: [], complete: true }); // the first history: nothing before
      if (calls === 2) return Promise.reject(new Error('REST down'));
      return Promise.resolve({ trades: [trade(from + 20_000), trade(T0 + MIN + 5_000)], complete: true });
    };
    const { feed, bars, events } = await feedWithHole(history, 2);
    try {
      assert.deepEqual(events.filter((e) => e.type === 'hole' || e.type === 'filled').map((e) => e.type), ['hole', 'filled']);
      assert.equal(bars.get(T0)?.partial, undefined, 'the bar the drop began in is whole');
      assert.equal(bars.get(T0 + MIN)?.partial, undefined, 'the bar the stream resumed in is whole');
      assert.equal(bars.get(T0 + MIN)?.buyVolume, 4, 'with the two fetched trades');
    } finally {
      feed.dispose();
    }
  });

  it('a trade out of order is counted in its bar, older or current, as the candles count it; sent twice, once', async () => {
    const hub = new HandTradesHub();
    const feed = new FootprintFeed({ hub, history: () => Promise.resolve({ trades: [], complete: true }), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    try {
      await startLive(feed, hub);
      const inFirstBar = trade(T0 + 20_000, 90);
      const inSecondBar = trade(T0 + MIN + 10_000, 101);
      hub.send({ type: 'trades', trades: [trade(T0 + 10_000), trade(T0 + MIN + 20_000, 102)] });
      hub.send({ type: 'trades', trades: [inFirstBar, inSecondBar] });
      hub.send({ type: 'trades', trades: [inFirstBar, inSecondBar] });
      const bars = feed.snapshot('1m')?.bars ?? [];
      const first = bars.find((b) => b.time === T0);
      const second = bars.find((b) => b.time === T0 + MIN);
      assert.deepEqual([first?.buyVolume, first?.low], [2, 90], 'the older bar took its late trade');
      assert.deepEqual([second?.buyVolume, second?.low, second?.high], [2, 101, 102], 'the current bar took its late trade');
    } finally {
      feed.dispose();
    }
  });

  it("a connection's late trades of one millisecond in two messages, ids not sequence numbers (Bybit's UUIDs): the bar opens with the first sent and closes with the last", async () => {
    const hub = new HandTradesHub();
    const feed = new FootprintFeed({ hub, history: () => Promise.resolve({ trades: [], complete: true }), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: [uuid('u-1', T0 + 10_000, 100), uuid('u-3', T0 + 2 * MIN, 100)] });
      // A lagging socket's trades of the bar before, older than the newest taken: one message each.
      hub.send({ type: 'trades', trades: [uuid('u-a', T0 + MIN + 5_000, 101)] });
      hub.send({ type: 'trades', trades: [uuid('u-b', T0 + MIN + 5_000, 102)] });
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0 + MIN);
      assert.deepEqual([bar?.open, bar?.close, bar?.buyVolume], [101, 102, 2]);
    } finally {
      feed.dispose();
    }
  });

  it("a reconnect's resend lists a trade the socket had skipped before a repeat of one of that millisecond it gave, ids not sequence numbers: it goes before that one, not as the newest (as LegFeed's, aggregate property seed 1417)", async () => {
    const hub = new HandTradesHub();
    const feed = feedWhoseFirstFillFails(hub);
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: [uuid('u-1', T0 + 10_000, 100)] });
      reconnect(hub, T0 + MIN + 5_000);
      // The socket's first trade is u-b; the exchange had u-a before it in that millisecond.
      hub.send({ type: 'trades', trades: [uuid('u-b', T0 + MIN + 5_000, 102)] });
      await feed.settled();
      reconnect(hub, T0 + 2 * MIN);
      hub.send({ type: 'trades', trades: [uuid('u-0', T0 + 30_000, 99), uuid('u-a', T0 + MIN + 5_000, 101), uuid('u-b', T0 + MIN + 5_000, 102), uuid('u-c', T0 + 2 * MIN + 1_000, 103)] });
      const bar = await barAfterT0(feed);
      assert.deepEqual([bar?.open, bar?.close, bar?.buyVolume], [101, 102, 2], 'u-a opens, u-b still closes');
    } finally {
      feed.dispose();
    }
  });

  it("a resend's late trade listed after a repeat of a trade another connection gave, ids not sequence numbers: it goes after that one, as listed", async () => {
    const hub = new HandTradesHub();
    const feed = feedWhoseFirstFillFails(hub);
    try {
      await startLive(feed, hub);
      // The first connection gives u-h and drops; the exchange has u-x after it in that millisecond.
      hub.send({ type: 'trades', trades: [uuid('u-h', T0 + MIN + 5_000, 101)] });
      reconnect(hub, T0 + 2 * MIN);
      hub.send({ type: 'trades', trades: [uuid('u-y', T0 + 2 * MIN + 1_000, 103)] }); // the hole's fill fails: u-x is missed
      await feed.settled();
      reconnect(hub, T0 + 3 * MIN);
      // The third resends from u-h on, over two messages: u-x is late (older than u-y), listed after u-h.
      hub.send({ type: 'trades', trades: [uuid('u-h', T0 + MIN + 5_000, 101)] });
      await feed.settled();
      hub.send({ type: 'trades', trades: [uuid('u-x', T0 + MIN + 5_000, 102), uuid('u-y', T0 + 2 * MIN + 1_000, 103), uuid('u-z', T0 + 2 * MIN + 2_000, 104)] });
      const bar = await barAfterT0(feed);
      assert.deepEqual([bar?.open, bar?.close, bar?.buyVolume], [101, 102, 2], 'u-h opens, u-x closes');
    } finally {
      feed.dispose();
    }
  });

  it('a drop while the history loads, the stream back only after it is in: the trades missed are fetched, not skipped', async () => {
    const hub = new HandTradesHub();
    const log = [trade(T0 + 5_000), trade(T0 + 10_000), trade(T0 + 20_000), trade(T0 + 30_000), trade(T0 + 40_000)];
    let answerFirst: (got: TradesSince) => void = () => assert.fail('the history was not asked');
    const asked: number[] = [];
    const history = (from: number): Promise<TradesSince> => {
      asked.push(from);
      if (asked.length === 1) return new Promise((resolve) => (answerFirst = resolve));
      return Promise.resolve({ trades: log.filter((t) => t.timestamp >= from), complete: true });
    };
    const events: FootprintFeedEvent[] = [];
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    feed.onEvent((e) => events.push(e));
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      hub.send({ type: 'trades', trades: [log[1]!] }); // waits for the history
      // The socket drops while the history loads; it is back, with its next trade, only once the history is in.
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      answerFirst({ trades: log.slice(0, 2), complete: true });
      await feed.settled();
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 35_000 } });
      hub.send({ type: 'trades', trades: [log[4]!] });
      await feed.settled();
      assert.deepEqual(asked, [T0, T0 + 10_000], 'the history, then the trades missed from the last one taken');
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0);
      assert.deepEqual([bar?.buyVolume, bar?.partial], [5, undefined], 'every trade of the log, once');
      assert.deepEqual(events.filter((e) => e.type === 'hole'), []);
    } finally {
      feed.dispose();
    }
  });

  it('a second drop while the first hole is fetched: its trades are fetched as the next hole, none is lost', async () => {
    const hub = new HandTradesHub();
    const log = Array.from({ length: 26 }, (_, i) => trade(T0 + (i + 1) * 1_000));
    const at = (n: number) => log[n - 1]!; // the n-th trade, at T0 + n s
    const span = (a: number, b: number) => log.slice(a - 1, b);
    const asked: number[] = [];
    let release: () => void = () => assert.fail('no fill was asked');
    const released = new Promise<void>((resolve) => (release = resolve));
    const history = async (from: number): Promise<TradesSince> => {
      asked.push(from);
      if (asked.length > 1) await released;
      return { trades: log.filter((t) => t.timestamp >= from && asked.length > 1), complete: true };
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    const holes: FootprintFeedEvent[] = [];
    feed.onEvent((e) => e.type === 'hole' && holes.push(e));
    const reconnect = () => {
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
    };
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: span(1, 6) });
      reconnect();
      hub.send({ type: 'trades', trades: span(10, 12) }); // its fill (7–9) waits for REST
      reconnect(); // 13–19 are missed too
      hub.send({ type: 'trades', trades: span(20, 22) });
      reconnect(); // and 23–24
      hub.send({ type: 'trades', trades: span(25, 26) });
      release();
      await feed.settled();
      assert.deepEqual(asked, [T0, at(6).timestamp, at(12).timestamp, at(22).timestamp], 'the history, then three holes one after the other');
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0);
      assert.deepEqual([bar?.buyVolume, bar?.partial], [26, undefined], 'every trade of the log, once');
      assert.deepEqual(holes, []);
    } finally {
      feed.dispose();
    }
  });

  it('two drops while the history loads: both holes are fetched', async () => {
    const hub = new HandTradesHub();
    const log = Array.from({ length: 12 }, (_, i) => trade(T0 + (i + 1) * 1_000));
    const span = (a: number, b: number) => log.slice(a - 1, b);
    const asked: number[] = [];
    let answerFirst: (got: TradesSince) => void = () => assert.fail('the history was not asked');
    const history = (from: number): Promise<TradesSince> => {
      asked.push(from);
      if (asked.length === 1) return new Promise((resolve) => (answerFirst = resolve));
      return Promise.resolve({ trades: log.filter((t) => t.timestamp >= from), complete: true });
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      hub.send({ type: 'trades', trades: span(3, 4) });
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      hub.send({ type: 'trades', trades: span(7, 8) }); // 5–6 missed
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      hub.send({ type: 'trades', trades: span(11, 12) }); // 9–10 missed
      answerFirst({ trades: span(1, 3), complete: true });
      await feed.settled();
      assert.deepEqual(asked.map((t) => (t - T0) / 1_000), [0, 4, 8], 'the history, then the holes from the last trade before each drop');
      assert.equal(feed.snapshot('1m')?.bars.find((b) => b.time === T0)?.buyVolume, 12, 'every trade of the log, once');
    } finally {
      feed.dispose();
    }
  });

  /** A REST history whose answers stop after `perAnswer` trades (the page budget), `truncated` when more follow. */
  const budgeted = (log: readonly Trade[], perAnswer: number) => (from: number): TradesSince => {
    const rest = log.filter((t) => t.timestamp >= from);
    return rest.length > perAnswer ? { trades: rest.slice(0, perAnswer), complete: true, truncated: true } : { trades: rest, complete: true };
  };

  it('a history cut short by the page budget before any live trade came is asked again up to its end, not joined to the live trades', async () => {
    const hub = new HandTradesHub();
    const log = Array.from({ length: 10 }, (_, i) => trade(T0 + (i + 1) * 1_000));
    const asked: number[] = [];
    const history = budgeted(log, 4);
    const feed = new FootprintFeed({ hub, history: (_m, from) => (asked.push(from), Promise.resolve(history(from))), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    const holes: FootprintFeedEvent[] = [];
    const loading: Array<number | undefined> = [];
    feed.onEvent((e) => {
      if (e.type === 'hole') holes.push(e);
      if (e.type === 'loading') loading.push(e.reached === undefined ? undefined : (e.reached.time - T0) / 1_000);
    });
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: [trade(T0 + 11_000)] });
      await feed.settled();
      assert.deepEqual(asked.map((t) => (t - T0) / 1_000), [0, 4, 7], 'asked again from the last trade of each answer cut short');
      assert.deepEqual(loading, [undefined, 4, 7], 'progress: the start, then where each answer reached');
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0);
      assert.deepEqual([bar?.buyVolume, bar?.partial], [11, undefined], 'every REST trade, once, then the live one');
      assert.deepEqual(holes, []);
    } finally {
      feed.dispose();
    }
  });

  it('a history that fails after its first answer, and again when the rest is fetched: a hole, partial until a retry fetches it (it was joined to the live trades unmarked)', async () => {
    const hub = new HandTradesHub();
    const log = Array.from({ length: 10 }, (_, i) => trade(T0 + (i + 1) * 1_000));
    const asked: number[] = [];
    const history = budgeted(log, 4);
    const feed = new FootprintFeed({
      hub,
      history: (_m, from) => {
        asked.push(from);
        return asked.length === 2 || asked.length === 3 ? Promise.reject(new Error('REST down')) : Promise.resolve(history(from));
      },
      market: MARKET,
      timeframes: ['1m'],
      buckets: priceBuckets(1, 1),
      historyFrom: T0,
      backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    });
    const events: FootprintFeedEvent[] = [];
    const partialSeen: Array<boolean | undefined> = [];
    feed.onEvent((e) => {
      events.push(e);
      if (e.type === 'snapshot' || e.type === 'bars') for (const b of e.bars) if (b.time === T0) partialSeen.push(b.partial);
    });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      hub.send({ type: 'trades', trades: [trade(T0 + 11_000)] });
      await feed.settled();
      const marks = events.filter((e) => e.type === 'hole' || e.type === 'filled');
      assert.deepEqual(marks.map((e) => [e.type, (e as { from: number }).from - T0]), [['hole', 4_000], ['filled', 4_000]], 'a hole from the last REST trade, then filled');
      assert.ok(partialSeen.includes(true), 'the bar was partial while the hole was open');
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0);
      assert.deepEqual([bar?.buyVolume, bar?.partial], [11, undefined], 'every trade once, whole again');
    } finally {
      feed.dispose();
    }
  });

  it('a history that fails after its first answer with no live trade yet (a quiet market): its bars are partial at once, not with the next trade (seed 9 of the property test)', async () => {
    const hub = new HandTradesHub();
    const log = Array.from({ length: 10 }, (_, i) => trade(T0 + (i + 1) * 1_000));
    const history = budgeted(log, 4);
    let asked = 0;
    const feed = new FootprintFeed({ hub, history: (_m, from) => (++asked === 2 ? Promise.reject(new Error('REST down')) : Promise.resolve(history(from))), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    try {
      await startLive(feed, hub);
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => [b.buyVolume, b.partial]), [[4, true]], 'the REST trades it has, partial');
      hub.send({ type: 'trades', trades: [trade(T0 + 11_000)] });
      await feed.settled();
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => [b.buyVolume, b.partial]), [[11, undefined]], 'fetched with the next trade: whole');
    } finally {
      feed.dispose();
    }
  });

  it('a fill whose answers add nothing though cut short: stopped there, a hole', async () => {
    const hub = new HandTradesHub();
    const stuck = Array.from({ length: 5 }, () => trade(T0 + 2_000)); // more at one millisecond than an answer holds
    let calls = 0;
    const history = (from: number): Promise<TradesSince> => (++calls === 1 ? Promise.resolve({ trades: [], complete: true }) : Promise.resolve(budgeted(stuck, 2)(from)));
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    const holes: FootprintFeedEvent[] = [];
    feed.onEvent((e) => e.type === 'hole' && holes.push(e));
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: [trade(T0 + 1_000)] });
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      hub.send({ type: 'trades', trades: [trade(T0 + 9_000)] });
      await feed.settled();
      assert.deepEqual(holes.map((e) => (e.type === 'hole' ? [(e.from - T0) / 1_000, (e.until - T0) / 1_000] : [])), [[2, 9]]);
    } finally {
      feed.dispose();
    }
  });

  it('a retried fill whose answers stay cut short past the rounds: the rest is a hole of its own, and the first is not called filled', async () => {
    const hub = new HandTradesHub();
    const inHole = Array.from({ length: 30 }, (_, i) => trade(T0 + (i + 2) * 1_000));
    let calls = 0;
    const history = (from: number): Promise<TradesSince> => {
      calls++;
      if (calls === 1) return Promise.resolve({ trades: [], complete: true });
      if (calls === 2) return Promise.reject(new Error('REST down'));
      return Promise.resolve(budgeted(inHole, 2)(from)); // one new trade per answer after the first
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, maxFillAttempts: 2, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 } });
    const marks: FootprintFeedEvent[] = [];
    feed.onEvent((e) => (e.type === 'hole' || e.type === 'filled') && marks.push(e));
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: [trade(T0 + 1_000)] });
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      hub.send({ type: 'trades', trades: [trade(T0 + 50_000)] });
      await feed.settled();
      const seen = marks.map((e) => (e.type === 'hole' ? ['hole', (e.from - T0) / 1_000, (e.until - T0) / 1_000, e.retrying] : ['filled']));
      assert.deepEqual(seen, [
        ['hole', 1, 50, true],
        ['hole', 22, 50, false], // two trades, then one more in each of 19 answers
      ]);
      assert.equal(feed.snapshot('1m')?.bars.find((b) => b.time === T0)?.partial, true, 'the bar over the part not given stays partial');
    } finally {
      feed.dispose();
    }
  });

  it('live again with no trade after a drop (a trade-cache overflow on a healthy socket): the hole is fetched at once, not with the next trade', async () => {
    const hub = new HandTradesHub();
    const exchange: Trade[] = [trade(T0 + 5_000)];
    const asked: number[] = [];
    const history = (from: number): Promise<TradesSince> => {
      asked.push(from);
      return Promise.resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true });
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    try {
      await startLive(feed, hub);
      const seen = trade(T0 + 10_000);
      exchange.push(seen);
      hub.send({ type: 'trades', trades: [seen] });
      exchange.push(trade(T0 + 20_000)); // dropped by the overflow; no trade comes after it
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: "one update filled ccxt's trade cache", retryInMs: 0 } });
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 21_000 } });
      await feed.settled();
      assert.deepEqual(asked, [T0, T0 + 10_000], 'the history, then the hole from the last trade taken');
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0);
      assert.deepEqual([bar?.buyVolume, bar?.partial], [3, undefined], 'every trade of the exchange, once');
    } finally {
      feed.dispose();
    }
  });
  it('live again with no trade and that open-ended fill fails in a quiet market: the bars from the drop on are partial at once, not with the next trade, and whole again once it is fetched', async () => {
    const hub = new HandTradesHub();
    const exchange: Trade[] = [];
    let failing = false;
    const history = (from: number): Promise<TradesSince> => (failing ? Promise.reject(new Error('HTTP 503')) : Promise.resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true }));
    const bars = new Map<number, FootprintBar>();
    const events: FootprintFeedEvent[] = [];
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0 });
    feed.onEvent((e) => {
      events.push(e);
      if (e.type === 'snapshot') for (const b of e.bars) bars.set(b.time, b);
      if (e.type === 'bars') for (const b of e.bars) bars.set(b.time, { ...b, cells: bars.get(b.time)?.cells ?? b.cells });
    });
    try {
      await startLive(feed, hub);
      const seen = [trade(T0 + 10_000), trade(T0 + 20_000)];
      exchange.push(...seen);
      hub.send({ type: 'trades', trades: seen });
      exchange.push(trade(T0 + 30_000)); // lost with the overflow
      failing = true;
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: "one update filled ccxt's trade cache", retryInMs: 0 } });
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 31_000 } });
      await feed.settled();
      assert.equal(bars.get(T0)?.partial, true, 'the bar the hole began in says partial while the market is quiet');
      assert.equal(feed.snapshot('1m')?.bars.find((b) => b.time === T0)?.partial, true, 'and so in a snapshot');
      assert.deepEqual(events.filter((e) => e.type === 'hole'), [], 'no banner: it is fetched again with the next trade');
      failing = false;
      const next = trade(T0 + MIN + 5_000);
      exchange.push(next);
      hub.send({ type: 'trades', trades: [next] });
      await feed.settled();
      assert.deepEqual([bars.get(T0)?.buyVolume, bars.get(T0)?.partial], [3, undefined], 'fetched: whole, with the lost trade');
      assert.deepEqual([bars.get(T0 + MIN)?.buyVolume, bars.get(T0 + MIN)?.partial], [1, undefined], 'the next bar, made while the hole was open, whole too');
    } finally {
      feed.dispose();
    }
  });

  it('the same, and the fill with the next trade fails too: partial over the hole only, to that trade', async () => {
    const hub = new HandTradesHub();
    let failing = false;
    const history = (): Promise<TradesSince> => (failing ? Promise.reject(new Error('HTTP 503')) : Promise.resolve({ trades: [], complete: true }));
    const events: FootprintFeedEvent[] = [];
    const feed = new FootprintFeed({ hub, history: () => history(), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, maxFillAttempts: 1 });
    feed.onEvent((e) => void events.push(e));
    try {
      await startLive(feed, hub);
      hub.send({ type: 'trades', trades: [trade(T0 + 10_000)] });
      failing = true;
      hub.send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 31_000 } });
      await feed.settled();
      hub.send({ type: 'trades', trades: [trade(T0 + 2 * MIN + 5_000)] });
      await feed.settled();
      hub.send({ type: 'trades', trades: [trade(T0 + 3 * MIN + 5_000)] });
      const partial = feed.snapshot('1m')?.bars.map((b) => [b.time - T0, b.partial ?? false]);
      assert.deepEqual(partial, [[0, true], [2 * MIN, true], [3 * MIN, false]]);
      assert.deepEqual(events.flatMap((e) => (e.type === 'hole' ? [[e.from - T0, e.until - T0, e.retrying]] : [])), [[10_000, 2 * MIN + 5_000, false]]);
    } finally {
      feed.dispose();
    }
  });
});
