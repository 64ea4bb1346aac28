/**
 * FootprintFeed at the millisecond a reconnect's hole ends: the socket may resume inside a millisecond (trades of it
 * before the first one it sends were missed), or be live again with no trade while trades of that very millisecond
 * came before it. REST gives them; they must be counted, once.
 */
import * as assert from 'node:assert/strict';
import { FootprintFeed } from '../../../src/core/orderflow/footprintFeed';
import { priceBuckets } from '../../../src/core/orderflow/priceBuckets';
import type { TradesSince } from '../../../src/core/history/seamTrades';
import { MAX_TRADE_ROUNDS } from '../../../src/core/history/tradesUntil';
import type { Trade } from '../../../src/core/types';
import { HandTradesHub } from '../../helpers/handTradesHub';

const T0 = Date.UTC(2026, 10, 30, 12, 0);
const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

let nextId = 0;
const trade = (timestamp: number): Trade => ({ id: String(++nextId), timestamp, price: 100, amount: 1, side: 'buy' });

/** A feed over an exchange whose REST trades are its log (failing the first `failures` fills), on a clock at `now`. */
async function runningFeed(exchange: Trade[], now: () => number, failures = 0) {
  const hub = new HandTradesHub();
  let fills = 0;
  const history = (from: number): Promise<TradesSince> => {
    if (from > T0 && fills++ < failures) return Promise.reject(new Error('HTTP 503'));
    return Promise.resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true });
  };
  const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now }, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 } });
  feed.start();
  hub.send({ type: 'state', state: { status: 'live', since: T0 } });
  await feed.settled();
  return { hub, feed };
}

const volume = (feed: FootprintFeed) => {
  const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0);
  return [bar?.buyVolume, bar?.partial];
};
const drop = { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } } as const;

/** An id that says no order (UUID-like). */
const uuid = (n: number) => `0c6f${n}e2a-91d4-4b7e-a3f0-5d2c8e1b7f${n}0`;

/**
 * A running feed (its first fill failing once) whose socket takes `taken` and drops; the exchange lists `listed`
 * meanwhile; the socket resumes in the next bar at T0 + 65 s with `first`. The feed is the caller's to dispose.
 */
async function droppedAcrossTheBar(taken: Trade, listed: readonly Trade[], first: Trade): Promise<{ hub: HandTradesHub; feed: FootprintFeed }> {
  const exchange = [taken];
  const { hub, feed } = await runningFeed(exchange, () => T0 + 70_000, 1);
  try {
    hub.send({ type: 'trades', trades: [taken] });
    hub.send(drop);
    exchange.push(...listed);
    hub.send({ type: 'state', state: { status: 'live', since: T0 + 65_000 } });
    hub.send({ type: 'trades', trades: [first] });
    await feed.settled();
  } catch (err) {
    feed.dispose();
    throw err;
  }
  return { hub, feed };
}

describe('FootprintFeed: the millisecond a hole ends', () => {
  it('the socket resumes inside a millisecond: the trades of it before its first are fetched, none twice', async () => {
    const exchange = [trade(T0 + 1_000)];
    const { hub, feed } = await runningFeed(exchange, () => T0 + 10_000);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      const missed = trade(T0 + 5_000);
      const first = trade(T0 + 5_000); // the same millisecond, after the one the socket missed
      exchange.push(missed, first);
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 5_000 } });
      hub.send({ type: 'trades', trades: [first] });
      await feed.settled();
      assert.deepEqual(volume(feed), [3, undefined]);
    } finally {
      feed.dispose();
    }
  });

  it('live again with no trade, a trade at that very millisecond before it: fetched', async () => {
    const exchange = [trade(T0 + 1_000)];
    const { hub, feed } = await runningFeed(exchange, () => T0 + 5_000);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      exchange.push(trade(T0 + 5_000)); // stamped at the clock's now, before the socket was back
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 5_000 } });
      await feed.settled();
      assert.deepEqual(volume(feed), [2, undefined]);
    } finally {
      feed.dispose();
    }
  });

  it('the same with the first fill failing: the retry fetches them, none twice', async () => {
    const exchange = [trade(T0 + 1_000)];
    const { hub, feed } = await runningFeed(exchange, () => T0 + 10_000, 1);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      const missed = trade(T0 + 5_000);
      const first = trade(T0 + 5_000);
      const next = trade(T0 + 5_000); // in the socket's next batch, after the failed fill
      exchange.push(missed, first, next);
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 5_000 } });
      hub.send({ type: 'trades', trades: [first] });
      await Promise.resolve();
      hub.send({ type: 'trades', trades: [next] });
      await feed.settled();
      assert.deepEqual(volume(feed), [4, undefined]);
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: the order of a hole’s last millisecond', () => {
  const priced = (timestamp: number, price: number, id = String(++nextId)): Trade => ({ id, timestamp, price, amount: 1, side: 'buy' });
  const bar0 = (feed: FootprintFeed) => feed.snapshot('1m')?.bars.find((b) => b.time === T0);

  it('an answer cut by the page budget inside the hole’s last millisecond is asked again: the trades of it after the cut are not lost (seed 176)', async () => {
    const hub = new HandTradesHub();
    const exchange = [trade(T0 + 1_000)];
    // The fill's first answer ends inside the millisecond the socket resumed in (Binance's page budget).
    const history = (from: number): Promise<TradesSince> => {
      const since = exchange.filter((t) => t.timestamp >= from);
      return Promise.resolve(from === T0 + 1_000 ? { trades: since.slice(0, 2), complete: true, truncated: true } : { trades: since, complete: true });
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + 10_000 } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      await feed.settled();
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      const first = trade(T0 + 5_000);
      exchange.push(trade(T0 + 5_000), trade(T0 + 5_000), first); // two missed, then the socket's first: the cut falls between the missed
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 5_000 } });
      hub.send({ type: 'trades', trades: [first] });
      await feed.settled();
      assert.deepEqual(volume(feed), [4, undefined]);
    } finally {
      feed.dispose();
    }
  });

  it('a retried fill’s trade sharing the newest millisecond with a streamed one: the close stays the later by id (seed 846)', async () => {
    const exchange = [priced(T0 + 1_000, 100)];
    const { hub, feed } = await runningFeed(exchange, () => T0 + 10_000, 1);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      const missed = priced(T0 + 5_000, 90);
      const first = priced(T0 + 5_000, 110); // after the missed one in the exchange's log: the close
      exchange.push(missed, first);
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 5_000 } });
      hub.send({ type: 'trades', trades: [first] }); // the fill fails: the retry brings the missed one late
      await feed.settled();
      assert.deepEqual([bar0(feed)?.open, bar0(feed)?.close, bar0(feed)?.buyVolume, bar0(feed)?.partial], [100, 110, 3, undefined]);
    } finally {
      feed.dispose();
    }
  });

  it('ids that say no order (UUID-like): a late trade of the hole’s last millisecond goes before the streamed ones, of its first after those taken', async () => {
    // The drop falls inside a bar's last millisecond: the trade missed there follows the one taken.
    const taken = priced(T0 + 1_000, 100, uuid(1));
    const missedAtFrom = priced(T0 + 1_000, 95, uuid(2));
    // The socket resumes inside a millisecond of the next bar: the trade missed there precedes its first.
    const missedAtEnd = priced(T0 + 65_000, 90, uuid(3));
    const first = priced(T0 + 65_000, 110, uuid(4));
    const { feed } = await droppedAcrossTheBar(taken, [missedAtFrom, missedAtEnd, first], first);
    try {
      const bars = feed.snapshot('1m')?.bars.map((b) => [(b.time - T0) / 60_000, b.open, b.close, b.buyVolume, b.partial]);
      assert.deepEqual(bars, [
        [0, 100, 95, 2, undefined],
        [1, 90, 110, 2, undefined],
      ]);
    } finally {
      feed.dispose();
    }
  });

  it("ids that say no order: a retried fill's trade of the hole's last millisecond that the exchange lists after the socket's first there (a lagging socket had not sent it yet) comes after it, as LegFeed's", async () => {
    const taken = priced(T0 + 1_000, 100, uuid(1));
    const first = priced(T0 + 65_000, 110, uuid(4));
    // Listed after the socket's first of that millisecond: the close, though the socket has not sent it yet.
    const unsent = priced(T0 + 65_000, 120, uuid(5));
    const { hub, feed } = await droppedAcrossTheBar(taken, [first, unsent], first); // the fill fails: the retry brings `unsent`
    try {
      hub.send({ type: 'trades', trades: [unsent] }); // the lagging socket's copy: counted once
      const bar = feed.snapshot('1m')?.bars.find((b) => b.time === T0 + 60_000);
      assert.deepEqual([bar?.open, bar?.close, bar?.buyVolume, bar?.partial], [110, 120, 2, undefined]);
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: live again with no trade, our clock off the exchange’s', () => {
  /** A feed whose REST answers when told, on a clock `skew` ms off the exchange's `now`. */
  async function skewedFeed(exchange: Trade[], skew: number, exchangeNow: () => number) {
    const hub = new HandTradesHub();
    const asked: Array<{ from: number; answer: (fail?: true) => void }> = [];
    const history = (from: number): Promise<TradesSince> =>
      new Promise((resolve, reject) => asked.push({ from, answer: (fail) => (fail ? reject(new Error('HTTP 503')) : resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true })) }));
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => exchangeNow() + skew }, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 } });
    feed.start();
    hub.send({ type: 'state', state: { status: 'live', since: T0 } });
    asked[0]!.answer();
    await feed.settled();
    const answered = async (n: number, fail?: true): Promise<void> => {
      while (asked.length < n) await new Promise((resolve) => setImmediate(resolve));
      asked[n - 1]!.answer(fail);
    };
    return { hub, feed, answered };
  }

  it('our clock 4 s behind: the trades missed just before the socket came back are fetched (the hole was cut at our now)', async () => {
    let now = T0 + 1_000;
    const exchange = [trade(now)];
    const { hub, feed, answered } = await skewedFeed(exchange, -4_000, () => now);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      exchange.push(trade(T0 + 8_000)); // missed: after our clock's now when the socket is back
      now = T0 + 9_000;
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      await answered(2);
      await feed.settled();
      assert.deepEqual(volume(feed), [2, undefined]);
    } finally {
      feed.dispose();
    }
  });

  it('our clock 4 s ahead and that fill failing: a later drop’s hole does not begin at our clock’s now, past trades it missed', async () => {
    let now = T0 + 1_000;
    const exchange = [trade(now)];
    const { hub, feed, answered } = await skewedFeed(exchange, 4_000, () => now);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      exchange.push(trade(T0 + 8_000)); // missed
      now = T0 + 9_000;
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      await answered(2, true);
      now = T0 + 10_000;
      const streamed = trade(now);
      exchange.push(streamed);
      hub.send({ type: 'trades', trades: [streamed] });
      await answered(3); // the hole fetched again
      hub.send(drop);
      exchange.push(trade(T0 + 11_000)); // missed by the next drop, before our clock's now at the first live
      now = T0 + 15_000;
      const back = trade(now);
      exchange.push(back);
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      hub.send({ type: 'trades', trades: [back] });
      await answered(4);
      await feed.settled();
      assert.deepEqual(volume(feed), [5, undefined], 'every trade of the exchange, once');
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: an open-ended fill cut by the page budget', () => {
  it('takes what REST gave and fetches the rest up to the stream’s next trade, none lost or twice', async () => {
    const hub = new HandTradesHub();
    const exchange = [trade(T0 + 1_000)];
    const asked: number[] = [];
    let pageBudget = false;
    // With the budget on, every answer is two trades, cut short (each round adds one): the open-ended fill stops after
    // MAX_TRADE_ROUNDS, at the 20th missed trade.
    const history = (from: number): Promise<TradesSince> => {
      asked.push(from);
      const since = exchange.filter((t) => t.timestamp >= from);
      return Promise.resolve(pageBudget && since.length > 2 ? { trades: since.slice(0, 2), complete: true, truncated: true } : { trades: since, complete: true });
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + 50_000 } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      await feed.settled();
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      for (let i = 1; i <= 40; i++) exchange.push(trade(T0 + 1_000 + i * 1_000)); // missed
      pageBudget = true;
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 41_500 } }); // no trade
      await feed.settled();
      assert.equal(asked.length, 1 + MAX_TRADE_ROUNDS, 'the open-ended fill');
      pageBudget = false;
      const next = trade(T0 + 45_000);
      exchange.push(next);
      hub.send({ type: 'trades', trades: [next] });
      await feed.settled();
      assert.deepEqual(volume(feed), [42, undefined]);
      assert.equal(asked.length, 2 + MAX_TRADE_ROUNDS, 'the rest, from where REST stopped');
      assert.equal(asked.at(-1), exchange[MAX_TRADE_ROUNDS]!.timestamp);
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: a retried fill of many trades', () => {
  it('more than 4,096 of them: those the socket sent meanwhile are still told apart by id, none counted twice', async () => {
    const exchange = [trade(T0 + 1_000)];
    const { hub, feed } = await runningFeed(exchange, () => T0 + 58_000, 1);
    try {
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      for (let i = 0; i < 5_000; i++) exchange.push(trade(T0 + 2_000 + i * 10)); // missed
      const missed = trade(T0 + 55_000);
      const first = trade(T0 + 55_000); // the socket resumed inside this millisecond
      const next = trade(T0 + 56_000);
      exchange.push(missed, first, next);
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 55_000 } });
      hub.send({ type: 'trades', trades: [first, next] }); // the fill fails: the retry gives all 5,002 of the hole
      await feed.settled();
      assert.deepEqual(volume(feed), [5_004, undefined]);
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: a drop while a hole is fetched', () => {
  it('live again with no trade starts an open-ended fill; a drop right after it leaves a hole of its own, fetched too', async () => {
    const hub = new HandTradesHub();
    const exchange: Trade[] = [];
    let now = T0 + 10_000;
    const asked: Array<{ from: number; answer: () => void }> = [];
    const history = (from: number): Promise<TradesSince> =>
      new Promise((resolve) => asked.push({ from, answer: () => resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true }) }));
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => now } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      asked[0]!.answer();
      await feed.settled();
      const first = trade(T0 + 11_000);
      exchange.push(first);
      hub.send({ type: 'trades', trades: [first] });
      hub.send(drop);
      now = T0 + 20_000;
      hub.send({ type: 'state', state: { status: 'live', since: now } }); // no trade: every trade REST has from the hole's start
      while (asked.length < 2) await new Promise((resolve) => setImmediate(resolve));
      hub.send(drop); // and the socket goes again before the answer
      exchange.push(trade(T0 + 25_000), trade(T0 + 30_000)); // missed
      now = T0 + 40_000;
      const back = trade(T0 + 40_000);
      exchange.push(back);
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      hub.send({ type: 'trades', trades: [back] });
      let answered = 1;
      const answerAll = async (): Promise<void> => {
        for (;;) {
          while (answered < asked.length) asked[answered++]!.answer();
          await new Promise((resolve) => setImmediate(resolve));
          if (answered === asked.length) return;
        }
      };
      await answerAll();
      await feed.settled();
      assert.deepEqual(volume(feed), [4, undefined], 'every trade of the exchange, once');
      // Answered once the exchange had every trade: the open-ended fill took them all, so the hole after the drop is
      // asked from the last of them (its copy the socket sent is dropped by id).
      assert.deepEqual(asked.slice(1).map((a) => (a.from - T0) / 1_000), [11, 40], 'the hole from the first live, then the one after the drop (from the last trade taken)');
    } finally {
      feed.dispose();
    }
  });
  it('a fill that fails after such a drop: the hole it leaves and the next one do not overlap, no trade is counted twice', async () => {
    const hub = new HandTradesHub();
    const exchange: Trade[] = [];
    let now = T0 + 10_000;
    const asked: Array<{ from: number; answer: (fail?: true) => void }> = [];
    let answerAtOnce = false;
    const history = (from: number): Promise<TradesSince> =>
      new Promise((resolve, reject) => {
        const answer = (fail?: true) => (fail ? reject(new Error('HTTP 503')) : resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true }));
        asked.push({ from, answer });
        if (answerAtOnce) answer();
      });
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => now }, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 } });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      asked[0]!.answer();
      await feed.settled();
      const first = trade(T0 + 11_000);
      exchange.push(first);
      hub.send({ type: 'trades', trades: [first] });
      hub.send(drop);
      exchange.push(trade(T0 + 15_000)); // missed
      now = T0 + 20_000;
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      while (asked.length < 2) await turn();
      hub.send(drop);
      exchange.push(trade(T0 + 25_000)); // missed too
      now = T0 + 30_000;
      const back = trade(T0 + 30_000);
      exchange.push(back);
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      hub.send({ type: 'trades', trades: [back] });
      answerAtOnce = true;
      asked[1]!.answer(true); // the first hole's fill fails: retried, and the next hole fetched
      await feed.settled();
      assert.deepEqual(volume(feed), [4, undefined], 'every trade of the exchange, once');
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: the depth', () => {
  it('no REST trades at all: a lagging stream’s trade from before the depth makes a bar that says partial, not one that looks whole', async () => {
    const hub = new HandTradesHub();
    const MIN = 60_000;
    const feed = new FootprintFeed({ hub, history: () => Promise.reject(new Error('HTTP 503')), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + MIN + 100 } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 + MIN + 100 } });
      await feed.settled();
      assert.equal(feed.depth, T0 + MIN + 101, 'from the clock, after its millisecond (a trade of it may have come before the socket was live): no trade came');
      hub.send({ type: 'trades', trades: [trade(T0 + MIN - 50), trade(T0 + MIN + 200)] }); // the first, stamped before, arrives now
      const bars = feed.snapshot('1m')?.bars ?? [];
      assert.deepEqual(bars.map((b) => [(b.time - T0) / MIN, b.partial]), [[0, true], [1, true]], 'both bars start before the depth');
    } finally {
      feed.dispose();
    }
  });

  it('no REST trades, our clock behind the exchange’s: the stream’s first trade places the depth, a bar before it says partial', async () => {
    const hub = new HandTradesHub();
    const MIN = 60_000;
    const feed = new FootprintFeed({ hub, history: () => Promise.reject(new Error('HTTP 503')), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + MIN - 3_000 } });
    const depths: number[] = [];
    feed.onEvent((e) => void (e.type === 'snapshot' && depths.push(e.depth)));
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 + MIN + 1_000 } }); // the exchange's time: 4 s ahead of ours
      await feed.settled();
      // A trade at T0 + MIN + 500 came before the socket was live: neither REST nor the stream gave it.
      hub.send({ type: 'trades', trades: [trade(T0 + MIN + 2_000)] });
      assert.equal(feed.depth, T0 + MIN + 2_001);
      assert.deepEqual(depths, [T0 + MIN - 2_999, T0 + MIN + 2_001], 'a snapshot says where the depth moved');
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => [(b.time - T0) / MIN, b.partial]), [[1, true]]);
    } finally {
      feed.dispose();
    }
  });

  it('REST gives only its newest trades, the oldest of them at a bar’s first millisecond: that bar is partial (the cut may fall inside that millisecond)', async () => {
    const hub = new HandTradesHub();
    const MIN = 60_000;
    const cut = trade(T0 + MIN); // its twin at that millisecond was cut off
    const feed = new FootprintFeed({ hub, history: () => Promise.resolve({ trades: [cut, trade(T0 + MIN + 500)], complete: false }), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + MIN + 1_000 } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 + MIN + 1_000 } });
      await feed.settled();
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => [(b.time - T0) / MIN, b.buyVolume, b.partial]), [[1, 2, true]]);
      assert.equal(feed.depth, T0 + MIN + 1, 'every trade is counted only after that millisecond');
    } finally {
      feed.dispose();
    }
  });

  it('no REST trades, the stream resumed inside a bar’s first millisecond: that bar is partial', async () => {
    const hub = new HandTradesHub();
    const MIN = 60_000;
    const feed = new FootprintFeed({ hub, history: () => Promise.reject(new Error('HTTP 503')), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + MIN + 1_000 } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 + MIN } });
      hub.send({ type: 'trades', trades: [trade(T0 + MIN), trade(T0 + MIN + 500)] });
      await feed.settled();
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => [(b.time - T0) / MIN, b.buyVolume, b.partial]), [[1, 2, true]]);
    } finally {
      feed.dispose();
    }
  });

  it('no REST trades, a drop while the first hole is fetched and no trade taken yet: the next hole begins at the depth, not the clock (seed 860)', async () => {
    const hub = new HandTradesHub();
    const MIN = 60_000;
    let now = T0 + MIN + 100;
    const exchange: Trade[] = [];
    const asked: Array<{ from: number; answer: () => void }> = [];
    const history = (from: number): Promise<TradesSince> =>
      new Promise((resolve, reject) => asked.push({ from, answer: () => (asked.length === 1 ? reject(new Error('HTTP 503')) : resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true })) }));
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => now } });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      asked[0]!.answer();
      await feed.settled();
      const depth = feed.depth as number;
      hub.send(drop);
      now += 1_000;
      hub.send({ type: 'state', state: { status: 'live', since: now } }); // no trade: the hole from the depth is fetched
      while (asked.length < 2) await turn();
      hub.send(drop); // and the socket goes again before the answer
      asked[1]!.answer(); // nothing yet
      await turn();
      const missed = trade(depth + 2_000);
      now = depth + 5_000;
      const back = trade(now);
      exchange.push(missed, back);
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      hub.send({ type: 'trades', trades: [back] });
      while (asked.length < 3) await turn();
      assert.equal(asked[2]!.from, depth, 'from the depth');
      asked[2]!.answer();
      await feed.settled();
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => b.buyVolume), [2], 'the trade missed during the second drop, and the one after');
    } finally {
      feed.dispose();
    }
  });

  it('no REST trades, then a drop before the lagging stream sent any: the hole is fetched from the depth, not from the clock', async () => {
    const hub = new HandTradesHub();
    const MIN = 60_000;
    let now = T0 + MIN + 100;
    const exchange: Trade[] = [];
    let calls = 0;
    const history = (from: number): Promise<TradesSince> => (++calls === 1 ? Promise.reject(new Error('HTTP 503')) : Promise.resolve({ trades: exchange.filter((t) => t.timestamp >= from), complete: true }));
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => now } });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      await feed.settled();
      exchange.push(trade(T0 + MIN + 500)); // the stream lags: not sent before it drops
      now = T0 + MIN + 3_000;
      hub.send(drop);
      now = T0 + MIN + 5_000;
      const back = trade(now);
      exchange.push(back);
      hub.send({ type: 'state', state: { status: 'live', since: now } });
      hub.send({ type: 'trades', trades: [back] });
      await feed.settled();
      assert.deepEqual(feed.snapshot('1m')?.bars.map((b) => b.buyVolume), [2], 'the trade between the depth and the drop, and the one after');
    } finally {
      feed.dispose();
    }
  });
});

describe('FootprintFeed: a fill whose later REST answer is not whole', () => {
  it('the hole says why the REST trades stopped (not the page budget), and its bars are partial', async () => {
    const hub = new HandTradesHub();
    const exchange = [trade(T0 + 1_000)];
    let fill = false;
    let round = 0;
    // The fill's first answer is cut short by the page budget; the next one says it is not whole (trades may be left out).
    const history = (from: number): Promise<TradesSince> => {
      const since = exchange.filter((t) => t.timestamp >= from);
      if (!fill) return Promise.resolve({ trades: since, complete: true });
      return Promise.resolve(round++ === 0 ? { trades: since.slice(0, 2), complete: true, truncated: true } : { trades: since.slice(-1), complete: false });
    };
    const feed = new FootprintFeed({ hub, history: (_m, from) => history(from), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, clock: { now: () => T0 + 50_000 } });
    const holes: string[] = [];
    const sub = feed.onEvent((e) => {
      if (e.type === 'hole') holes.push(e.reason);
    });
    try {
      feed.start();
      hub.send({ type: 'state', state: { status: 'live', since: T0 } });
      await feed.settled();
      hub.send({ type: 'trades', trades: [exchange[0]!] });
      hub.send(drop);
      for (let i = 1; i <= 5; i++) exchange.push(trade(T0 + 1_000 + i * 1_000)); // missed
      fill = true;
      const first = trade(T0 + 10_000);
      exchange.push(first);
      hub.send({ type: 'state', state: { status: 'live', since: T0 + 10_000 } });
      hub.send({ type: 'trades', trades: [first] });
      await feed.settled();
      assert.deepEqual(holes, ['a later REST answer was not whole, so the REST trades stopped']);
      assert.equal(volume(feed)[1], true, 'the bar is partial');
    } finally {
      sub.dispose();
      feed.dispose();
    }
  });
});
