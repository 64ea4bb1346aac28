import * as assert from 'node:assert/strict';
import { DomLadder, suggestMultiple } from '../../../src/extension/panels/domLadder';
import type { OrderBook } from '../../../src/core/types';

const book: OrderBook = { timestamp: 0, bids: [[100, 1], [99, 2], [98, 3]], asks: [[101, 1.5], [102, 2.5], [103, 1]] };

describe('DOM ladder model', () => {
  it('suggests a grouping matching the book level spacing', () => {
    assert.equal(suggestMultiple(book, 0.01, [1, 2, 5, 10, 25, 50, 100, 250]), 100);
    assert.equal(suggestMultiple(book, 1, [1, 2, 5]), 1);
    assert.equal(suggestMultiple(undefined, 0.01, [1, 2]), 1);
  });

  it('lays out a continuous ladder centred on the last trade, with size and traded volume per row', () => {
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
      { price: 102, bid: 0, ask: 4, traded: 0 },
      { price: 100, bid: 1, ask: 0, traded: 1 },
      { price: 98, bid: 5, ask: 0, traded: 0 },
    ]);
  });
});
