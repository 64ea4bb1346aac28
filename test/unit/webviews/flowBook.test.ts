import * as assert from 'node:assert/strict';
import { FlowBook, type SplitLegend } from '../../../src/webviews/chart/flowBook';

describe('FlowBook: an aggregate chart’s delta, CVD (whole, spot, perp) and per-leg shares', () => {
  it('gives the delta, its spot and perp parts and each leg’s share of the bar at a time; the newest row of a bar wins; nothing for a plain chart', () => {
    const book = new FlowBook();
    // [time, buy, sell, spot buy, spot sell, leg volumes…]
    book.reset(['binance BTC/USDT', 'coinbase BTC/USD', 'bybit BTC/USDT:USDT'], [[60_000, 3, 1, 2, 0, 1, 1, 2]]);
    assert.deepEqual(book.legendAt(60_000), {
      kind: 'split',
      delta: 2,
      spotDelta: 2,
      perpDelta: 0,
      legs: [
        { label: 'binance BTC/USDT', pct: 25 },
        { label: 'coinbase BTC/USD', pct: 25 },
        { label: 'bybit BTC/USDT:USDT', pct: 50 },
      ],
    });
    book.apply([[60_000, 1, 3, 0, 4, 0, 4, 0], [120_000, 0, 0, 0, 0, 0, 0, 0]]);
    const split = (time: number) => {
      const legend = book.legendAt(time);
      assert.equal(legend?.kind, 'split', `the bar at ${time}`);
      return legend as SplitLegend;
    };
    assert.deepEqual(split(60_000).legs.map((l) => l.pct), [0, 100, 0]);
    assert.equal(split(60_000).delta, -2);
    assert.equal(split(60_000).perpDelta, 2);
    assert.deepEqual(split(120_000).legs.map((l) => l.pct), [null, null, null], 'no volume: no share');
    book.reset([], []);
    assert.equal(book.legendAt(60_000), null);
  });

  it('says a bar the host sent no flow for (from history: klines have no taker split) has no split, rather than nothing or a delta of 0', () => {
    const book = new FlowBook();
    // The snapshot's bars from the legs' klines come without a flow (chartMessages.flowWires); live bars with one.
    book.reset(['binance BTC/USDT', 'bybit BTC/USDT:USDT'], [[180_000, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]);
    assert.deepEqual(book.legendAt(60_000), { kind: 'no split' }, 'a history bar');
    assert.deepEqual(book.legendAt(120_000), { kind: 'no split' }, 'an older page of history');
    assert.equal(book.legendAt(180_000)?.kind, 'split', 'a bar built from trades, its delta 0');
    assert.equal((book.legendAt(180_000) as SplitLegend).delta, 0);
    assert.deepEqual(book.points.map((p) => p.time), [180_000], 'the CVD starts at the first bar with a split');
    book.reset([], []);
    assert.equal(book.legendAt(60_000), null, 'a chart of one market has no flow row at all');
  });

  it('sums the CVD in bar order, and again only from the oldest bar that changed; a bar put between two is placed in time order', () => {
    const book = new FlowBook();
    book.reset(['spot', 'perp'], [
      [0, 5, 1, 3, 1, 4, 2],
      [60_000, 1, 4, 1, 0, 1, 4],
    ]);
    assert.deepEqual(book.points, [
      { time: 0, delta: 4, cvd: 4, spotCvd: 2, perpCvd: 2 },
      { time: 60_000, delta: -3, cvd: 1, spotCvd: 3, perpCvd: -2 },
    ]);
    assert.deepEqual(book.apply([[60_000, 2, 0, 2, 0, 2, 0]]), { from: 1, inserted: false }, 'the newest bar replaced');
    assert.deepEqual(book.points[1], { time: 60_000, delta: 2, cvd: 6, spotCvd: 4, perpCvd: 2 });
    assert.deepEqual(book.apply([[180_000, 0, 1, 0, 0, 0, 1]]), { from: 2, inserted: false }, 'appended');
    assert.deepEqual(book.apply([[120_000, 1, 0, 0, 0, 0, 1]]), { from: 2, inserted: true }, 'put between');
    assert.deepEqual(
      book.points.map((p) => [p.time, p.cvd]),
      [[0, 4], [60_000, 6], [120_000, 7], [180_000, 6]],
    );
    assert.deepEqual(book.apply([]), { from: -1, inserted: false });
  });

  it('keeps at most 5000 bars, dropping the oldest, and the CVD of those left as it was', () => {
    const book = new FlowBook();
    book.reset(['a', 'b'], Array.from({ length: 5000 }, (_, i) => [i * 60_000, 1, 0, 1, 0, 1, 0]));
    book.apply(Array.from({ length: 3 }, (_, i) => [(5000 + i) * 60_000, 1, 0, 1, 0, 1, 0]));
    assert.equal(book.legendAt(0)?.kind, 'no split');
    assert.equal(book.legendAt(2 * 60_000)?.kind, 'no split');
    assert.equal(book.legendAt(3 * 60_000)?.kind, 'split');
    assert.equal(book.legendAt(5002 * 60_000)?.kind, 'split');
    assert.equal(book.points.length, 5000);
    assert.equal(book.points[0]?.cvd, 4, 'the CVD runs on from the bars dropped');
    book.apply([[5003 * 60_000, 1, 0, 1, 0, 1, 0]]);
    assert.equal(book.points.at(-1)?.cvd, 5004);
  });
});
