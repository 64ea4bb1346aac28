import * as assert from 'node:assert/strict';
import { pageCandles } from '../../src/core/history/pageCandles';
import { pageTrades } from '../../src/core/history/pageTrades';
import type { TradesSince } from '../../src/core/history/seamTrades';
import { tradesUntil } from '../../src/core/history/tradesUntil';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';

const MIN = 60_000;
const bar = (time: number): Candle => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 1 });

describe('pageCandles', () => {
  const all = Array.from({ length: 25 }, (_, i) => bar(i * MIN));
  const exchange = (since: number, limit: number) => Promise.resolve(all.filter((c) => c.time >= since).slice(0, limit));

  it('pages to the requested range and returns each bar once', async () => {
    const calls: number[] = [];
    const got = await pageCandles((s, l) => (calls.push(s), exchange(s, l)), '1m', 0, 20 * MIN, 10, silentLogger);
    assert.deepEqual(got.map((c) => c.time), all.slice(0, 20).map((c) => c.time));
    assert.deepEqual(calls, [0, 10 * MIN]);
  });

  it('names the bars a page held at or past `until` (the exchange had reached that time), leaving them out', async () => {
    const past: number[] = [];
    const got = await pageCandles(exchange, '1m', 5 * MIN, 8 * MIN, 10, silentLogger, false, (time) => past.push(time));
    assert.deepEqual(got.map((c) => c.time / MIN), [5, 6, 7]);
    assert.deepEqual(past.map((t) => t / MIN), [8, 9, 10, 11, 12, 13, 14]);
  });

  it('stops on a page that does not advance', async () => {
    let calls = 0;
    const stuck = () => (calls++, Promise.resolve([bar(0), bar(MIN)]));
    const got = await pageCandles(stuck, '1m', 0, 100 * MIN, 2, silentLogger);
    assert.equal(got.length, 2);
    assert.equal(calls, 2, 'one page, then one that repeats it, then stop');
  });

  it('stops on an empty page', async () => {
    const got = await pageCandles(() => Promise.resolve([]), '1m', 0, 100 * MIN, 2, silentLogger);
    assert.deepEqual(got, []);
  });
});

describe('pageTrades', () => {
  const t = (id: number, timestamp: number): Trade => ({ id: String(id), timestamp, price: 1, amount: 1, side: 'buy' });
  // Several trades share a millisecond across the page boundary.
  const log = [t(1, 100), t(2, 101), t(3, 101), t(4, 101), t(5, 102), t(6, 105), t(7, 110)];
  const exchange = (since: number, limit: number) => Promise.resolve(log.filter((x) => x.timestamp >= since).slice(0, limit));

  it('neither loses nor repeats trades sharing a millisecond at a page boundary', async () => {
    const got = await pageTrades(exchange, 100, 110, { limit: 3 });
    assert.deepEqual(got.trades.map((x) => x.id), ['1', '2', '3', '4', '5', '6']);
    assert.equal(got.truncated, false);
  });

  it('honours the range', async () => {
    const got = await pageTrades(exchange, 101, 105, { limit: 100 });
    assert.deepEqual(got.trades.map((x) => x.id), ['2', '3', '4', '5']);
  });

  it('says when the page budget ran out before the end', async () => {
    const got = await pageTrades(exchange, 100, 200, { limit: 2, maxPages: 2 });
    assert.deepEqual(got.trades.map((x) => x.id), ['1', '2', '3']);
    assert.equal(got.truncated, true);
  });

  // Binance's aggTrades answers at most an hour from its startTime: an hour with no trades is not the end of them.
  describe('in windows (a request covers at most windowMs)', () => {
    const sparse = [t(1, 5), t(2, 10), t(3, 250), t(4, 250), t(5, 251), t(6, 420)];
    const asked: Array<[number, number | undefined]> = [];
    const windowed = (since: number, limit: number, windowEnd?: number) => {
      asked.push([since, windowEnd]);
      return Promise.resolve(sparse.filter((x) => x.timestamp >= since && (windowEnd === undefined || x.timestamp <= windowEnd)).slice(0, limit));
    };
    beforeEach(() => (asked.length = 0));

    it('goes on past windows that are short or empty, up to the end', async () => {
      const reached: number[] = [];
      const got = await pageTrades(windowed, 0, 500, { limit: 2, windowMs: 100, onPage: (t) => reached.push(t) });
      assert.deepEqual(got.trades.map((x) => x.id), ['1', '2', '3', '4', '5', '6']);
      assert.equal(got.truncated, false);
      assert.deepEqual(reached.slice(0, 2), [10, 110], 'progress: a full page to its last trade, then through the empty window');
      assert.ok(reached.every((t, i) => i === 0 || t >= (reached[i - 1] as number)) && (reached.at(-1) as number) <= 500, `progress only forward: ${reached.join(', ')}`);
      assert.ok(asked.every(([since, end]) => end === since + 100), 'every request names its window');
    });

    it('a trade at the end of a window is neither lost nor repeated', async () => {
      const got = await pageTrades(windowed, 150, 500, { limit: 5, windowMs: 100 });
      assert.deepEqual(got.trades.map((x) => x.id), ['3', '4', '5', '6']);
    });

    it('open-ended, windows go on up to `reach` (our now), and the last is taken whole (the exchange\'s clock may be ahead)', async () => {
      const got = await pageTrades(windowed, 0, Number.MAX_SAFE_INTEGER, { limit: 10, windowMs: 100, reach: 240 });
      assert.deepEqual([got.trades.map((x) => x.id), got.truncated], [['1', '2', '3', '4', '5'], false]);
    });

    it('stops at the end it was given, and says when windows ran out before it', async () => {
      assert.deepEqual((await pageTrades(windowed, 0, 300, { limit: 10, windowMs: 100 })).trades.map((x) => x.id), ['1', '2', '3', '4', '5']);
      const short = await pageTrades(windowed, 0, 500, { limit: 10, windowMs: 100, maxPages: 2 });
      assert.deepEqual([short.trades.map((x) => x.id), short.truncated], [['1', '2'], true]);
    });
  });
});

describe('tradesUntil (answers cut short by the page budget)', () => {
  const t = (id: number, timestamp: number): Trade => ({ id: String(id), timestamp, price: 1, amount: 1, side: 'buy' });
  // Three trades share millisecond 30, across the first answer's end.
  const log = [t(1, 10), t(2, 20), t(3, 30), t(4, 30), t(5, 30), t(6, 40), t(7, 50), t(8, 60)];
  /** Answers of at most `n` trades, `truncated` when more follow. */
  const budget = (n: number, asked: number[]) => (from: number): Promise<TradesSince> => {
    asked.push(from);
    const rest = log.filter((x) => x.timestamp >= from);
    return Promise.resolve(rest.length > n ? { trades: rest.slice(0, n), complete: true, truncated: true } : { trades: rest, complete: true });
  };

  it('asks again from the last trade of each answer cut short, repeating none at that millisecond', async () => {
    const asked: number[] = [];
    const got = await tradesUntil(budget(4, asked), 0, 1_000);
    assert.deepEqual(got.trades.map((x) => x.id), log.map((x) => x.id));
    assert.deepEqual([asked, got.stoppedAt, got.complete], [[0, 30, 40], undefined, true]);
  });

  it('stops once an answer reaches `until`', async () => {
    const asked: number[] = [];
    await tradesUntil(budget(4, asked), 0, 25);
    assert.deepEqual(asked, [0]);
  });

  it('says where the trades stopped when the rounds ran out first', async () => {
    const got = await tradesUntil(budget(2, []), 0, 1_000, 2);
    assert.deepEqual([got.trades.map((x) => x.id), got.stoppedAt, got.stoppedBecause], [['1', '2', '3'], 30, 'rounds']);
  });

  it('stops where a later answer is not complete: the trades it may have left out are said missing', async () => {
    // The second answer (from 30) skips trades 5 and 6 and says so; the first is whole.
    const holey = (from: number): Promise<TradesSince> => {
      if (from === 0) return Promise.resolve({ trades: log.slice(0, 4), complete: true, truncated: true });
      return Promise.resolve({ trades: log.filter((x) => x.timestamp >= from && x.id !== '5' && x.id !== '6'), complete: false });
    };
    const got = await tradesUntil(holey, 0, 1_000);
    assert.deepEqual([got.trades.map((x) => x.id), got.complete, got.stoppedAt, got.stoppedBecause], [['1', '2', '3', '4'], true, 30, 'incomplete']);
  });
});
