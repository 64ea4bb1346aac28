import * as assert from 'node:assert/strict';
import { DomLadder, initialMultiple, MAX_LADDER_ROWS, SPREAD_ROWS_AT_MOST } from '../../../src/extension/panels/domLadder';
import type { OrderBook } from '../../../src/core/types';

const MULTIPLES = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];
const shifted = (b: OrderBook, by: number): OrderBook => ({ timestamp: 0, bids: b.bids.map(([p, a]) => [p + by, a]), asks: b.asks.map(([p, a]) => [p + by, a]) });

const book: OrderBook = { timestamp: 0, bids: [[100, 1], [99, 2], [98, 3]], asks: [[101, 1.5], [102, 2.5], [103, 1]] };

/**
 * Runs `fn` counting Array#push (the ladder pushes each row it builds) and throwing past `budget`, so an unbounded loop
 * fails the test instead of hanging it. Synchronous: nothing else runs while push is replaced.
 */
function pushesWithin<T>(budget: number, fn: () => T): { result: T; pushes: number } {
  const push = Array.prototype.push;
  let pushes = 0;
  Array.prototype.push = function (this: unknown[], ...items: unknown[]): number {
    if (++pushes > budget) throw new Error(`more than ${budget} pushes: work not bounded by the rows`);
    return push.apply(this, items);
  };
  try {
    const result = fn();
    return { result, pushes };
  } finally {
    Array.prototype.push = push;
  }
}

describe('DOM ladder model', () => {
  it('starts with a grouping of about a fifth of a basis point of the price, from the tick size and price alone', () => {
    assert.equal(initialMultiple(0.01, 60_000, MULTIPLES), 250); // step 2.50 (1.20 wanted)
    assert.equal(initialMultiple(0.01, 3_000, MULTIPLES), 10); // step 0.10 (0.06 wanted)
    assert.equal(initialMultiple(0.01, 150, MULTIPLES), 1); // step 0.01
    assert.equal(initialMultiple(1, 100, MULTIPLES), 1);
    assert.equal(initialMultiple(0.01, Number.NaN, MULTIPLES), 1);
    assert.equal(initialMultiple(0.0001, 1e9, MULTIPLES), 1000, 'capped at the largest multiple');
  });

  it("takes the first book's spread into the start grouping: at most SPREAD_ROWS_AT_MOST rows between the best bid and ask, so a thin market's ladder shows both", () => {
    assert.equal(initialMultiple(0.01, 150, MULTIPLES, 0.01), 1, 'a tight spread changes nothing');
    assert.equal(initialMultiple(0.01, 60_000, MULTIPLES, 0.01), 250);
    assert.equal(initialMultiple(0.01, 150, MULTIPLES, 0.5), 5, '50 ticks over 24 rows: at least 2.1 a row');
    assert.equal(initialMultiple(0.01, 60_000, MULTIPLES, 80), 500, '8,000 ticks over 24 rows: at least 334 a row');
    assert.equal(initialMultiple(0.01, 60_000, MULTIPLES, 1e6), 1000, 'capped at the largest multiple');
    for (const bad of [Number.NaN, -1, 0, Number.POSITIVE_INFINITY]) assert.equal(initialMultiple(0.01, 150, MULTIPLES, bad), 1, `a spread of ${bad} is left out`);
    // Bid 100.00, ask 103.00: 300 ticks, wider than a 121-row window of one tick.
    const thin: OrderBook = { timestamp: 0, bids: [[100, 1], [99.5, 2]], asks: [[103, 1], [103.5, 2]] };
    const sides = (rows: readonly { bid: number; ask: number }[]) => [rows.some((r) => r.bid > 0), rows.some((r) => r.ask > 0)];
    assert.deepEqual(sides(new DomLadder(0.01).rows(thin, 1, 121)), [false, false], 'one tick a row: the window lies inside the spread');
    const multiple = initialMultiple(0.01, 101.5, MULTIPLES, 3);
    assert.equal(multiple, 25);
    assert.ok(300 / multiple <= SPREAD_ROWS_AT_MOST);
    assert.deepEqual(sides(new DomLadder(0.01).rows(thin, multiple, 121)), [true, true], 'at the start grouping: both sides');
  });

  it('keeps its window while the spread stays well inside it, and re-centres on the spread when it nears an edge', () => {
    const ladder = new DomLadder(1);
    const first = ladder.rows(book, 1, 21).map((r) => r.price);
    assert.equal(first[0], 111, 'centred on the spread (100 / 101)');
    assert.deepEqual(ladder.rows(shifted(book, 3), 1, 21).map((r) => r.price), first, 'a small move keeps every row in place');
    const moved = ladder.rows(shifted(book, 8), 1, 21);
    const bestAsk = moved.findIndex((r) => r.price === 109);
    const bestBid = moved.findIndex((r) => r.price === 108);
    assert.ok(moved[0]!.price > first[0]!, 'the window moved up with the spread');
    assert.ok(bestAsk >= 4 && bestBid <= 16, `both sides well inside the window (rows ${bestAsk} and ${bestBid})`);
  });

  it('a tick of 2.5e-7 (a memecoin) gives rows at exact tick multiples, not rounded to 7 decimals', () => {
    const tick = 2.5e-7;
    const small: OrderBook = { timestamp: 0, bids: [[4 * tick, 10]], asks: [[5 * tick, 10]] };
    const rows = new DomLadder(tick).rows(small, 1, 9);
    assert.ok(rows.length > 0);
    for (const r of rows) assert.equal(Math.abs(r.price / tick - Math.round(r.price / tick)) < 1e-6, true, `${r.price} is a multiple of ${tick}`);
    assert.ok(rows.some((r) => r.price === 1.25e-6 && r.ask === 10), `the best ask 1.25e-6 has its own row: ${rows.map((r) => r.price).join(', ')}`);
  });

  it('an absurd price (a trade or a level at 1e14 on a 0.01 tick) never hangs the ladder: its work is bounded by the rows it may build', () => {
    // Before the iteration cap this looped forever (b-- is a no-op past 2^53), pushing a row each time. Counted, work
    // past the budget fails the test where it would have hung it.
    const budget = 3 * MAX_LADDER_ROWS;
    const { result: [a, b, c], pushes } = pushesWithin(budget, () => {
      const ladder = new DomLadder(0.01);
      ladder.addTrades([{ id: '1', timestamp: 1, price: 1e14, amount: 1, side: 'buy' }]);
      return [
        ladder.rows(undefined, 1, 41).length,
        ladder.rows({ timestamp: 0, bids: [[1e14, 1]], asks: [[1e14 + 1, 1]] }, 1, 41).length,
        new DomLadder(0.01).rows({ timestamp: 0, bids: [[100, 1]], asks: [[101, 1]] }, 1, 1e9).length,
      ];
    });
    assert.ok(a! <= 41 && b! <= 41, `bounded rows (${a}, ${b})`);
    assert.equal(c, MAX_LADDER_ROWS, 'a request for a billion rows gets the cap');
    assert.ok(pushes <= budget, `${pushes} pushes`);
  });

  it('lays out a continuous ladder around the spread, with size and traded volume per row', () => {
    const ladder = new DomLadder(1);
    ladder.addTrades([
      { id: '1', timestamp: 1, price: 100, amount: 0.5, side: 'sell' },
      { id: '2', timestamp: 2, price: 101, amount: 0.25, side: 'buy' },
      { id: '3', timestamp: 3, price: 101, amount: 0.25, side: 'buy' },
    ]);
    const rows = ladder.rows(book, 1, 7);
    assert.deepEqual(rows.map((r) => r.price), [104, 103, 102, 101, 100, 99, 98]);
    assert.deepEqual(rows.find((r) => r.price === 101), { price: 101, bid: 0, ask: 1.5, traded: 0.5 });
    assert.deepEqual(rows.find((r) => r.price === 100), { price: 100, bid: 1, ask: 0, traded: 0.5 });
    assert.equal(ladder.lastPrice, 101);
  });

  it('groups rows by a multiple of the tick', () => {
    const ladder = new DomLadder(1);
    ladder.addTrades([{ id: '1', timestamp: 1, price: 100, amount: 1, side: 'buy' }]);
    const rows = ladder.rows(book, 2, 3);
    assert.deepEqual(rows, [
      { price: 104, bid: 0, ask: 1, traded: 0 },
      { price: 102, bid: 0, ask: 4, traded: 0 },
      { price: 100, bid: 1, ask: 0, traded: 1 },
    ]);
  });

  it("an aggregate's rows name the legs whose trades are in their volume (a bit per leg, grouped rows taking every leg of theirs); one market's name none", () => {
    const ladder = new DomLadder(1);
    const legOf = (t: { id: string }) => Number(t.id.split(':')[0]);
    ladder.addTrades(
      [
        { id: '0:a', timestamp: 1, price: 100, amount: 0.00941, side: 'sell' },
        { id: '2:b', timestamp: 2, price: 100, amount: 0.031, side: 'buy' },
        { id: '1:c', timestamp: 3, price: 101, amount: 0.00746512, side: 'buy' },
      ],
      legOf,
    );
    const rows = ladder.rows(book, 1, 7);
    assert.equal(rows.find((r) => r.price === 100)?.tradedLegs, 0b101, 'legs 0 and 2 traded at 100');
    assert.equal(rows.find((r) => r.price === 101)?.tradedLegs, 0b010);
    assert.equal(rows.find((r) => r.price === 102)?.tradedLegs, undefined, 'no trade, no leg');
    assert.equal(ladder.rows(book, 2, 3).find((r) => r.price === 100)?.tradedLegs, 0b111, '100 and 101 in one row of 2');
    ladder.addTrades([{ id: 'x', timestamp: 4, price: 103, amount: 1, side: 'buy' }], () => undefined);
    assert.equal(ladder.rows(book, 1, 7).find((r) => r.price === 103)?.tradedLegs, undefined, 'a trade of no known leg names none');
    const single = new DomLadder(1);
    single.addTrades([{ id: '1', timestamp: 1, price: 100, amount: 1, side: 'buy' }]);
    assert.ok(single.rows(book, 1, 7).every((r) => !('tradedLegs' in r)));
  });
});
