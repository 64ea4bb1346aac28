import * as assert from 'node:assert/strict';
import { FlowBook } from '../../../src/webviews/chart/flowBook';

describe('FlowBook: an aggregate chart legend’s delta and per-leg shares', () => {
  it('gives the delta and each leg’s share of the bar at a time; the newest row of a bar wins; nothing for a plain chart', () => {
    const book = new FlowBook();
    book.reset(['binance BTC/USDT', 'coinbase BTC/USD', 'bybit BTC/USDT:USDT'], [[60_000, 3, 1, 1, 1, 2]]);
    assert.deepEqual(book.legendAt(60_000), { delta: 2, legs: [{ label: 'binance BTC/USDT', pct: 25 }, { label: 'coinbase BTC/USD', pct: 25 }, { label: 'bybit BTC/USDT:USDT', pct: 50 }] });
    book.apply([[60_000, 1, 3, 0, 4, 0], [120_000, 0, 0, 0, 0, 0]]);
    assert.deepEqual(book.legendAt(60_000)?.legs.map((l) => l.pct), [0, 100, 0]);
    assert.equal(book.legendAt(60_000)?.delta, -2);
    assert.deepEqual(book.legendAt(120_000)?.legs.map((l) => l.pct), [null, null, null], 'no volume: no share');
    assert.equal(book.legendAt(180_000), null);
    book.reset([], []);
    assert.equal(book.legendAt(60_000), null);
  });

  it('keeps at most 5000 bars, dropping the oldest', () => {
    const book = new FlowBook();
    book.reset(['a', 'b'], Array.from({ length: 5003 }, (_, i) => [i * 60_000, 1, 0, 1, 0]));
    assert.equal(book.legendAt(0), null);
    assert.equal(book.legendAt(2 * 60_000), null);
    assert.notEqual(book.legendAt(3 * 60_000), null);
    assert.notEqual(book.legendAt(5002 * 60_000), null);
  });
});
