import * as assert from 'node:assert/strict';
import { buildBookView, levelChoices, spreadNote } from '../../../src/webviews/orderbook/bookModel';

describe('webviews/orderbook model', () => {
  it('cumulates depth from the best price outwards and scales against the deeper side', () => {
    const v = buildBookView(
      [[100, 1], [99.5, 2], [99, 3]],
      [[100.5, 0.5], [101, 1.5]],
      10,
    );
    assert.deepEqual(v.bids.map((r) => r.total), [1, 3, 6]);
    assert.deepEqual(v.asks.map((r) => r.total), [0.5, 2]);
    assert.equal(v.maxTotal, 6);
    assert.equal(v.bestBid, 100);
    assert.equal(v.bestAsk, 100.5);
    assert.equal(v.spread, 0.5);
    assert.equal(v.mid, 100.25);
    assert.ok(Math.abs(v.spreadPct! - (0.5 / 100.25) * 100) < 1e-12);
    assert.equal(v.priceDecimals, 1);
    assert.equal(v.crossed, false);
  });

  it('caps each side at N levels, sorts unsorted input and skips bad or empty levels', () => {
    const v = buildBookView(
      [[98, 1], [100, 1], [99, 0], ['x', 1], [97, 1], [99.9, Number.NaN]],
      [[103, 1], [101, 2], [102, 3]],
      2,
    );
    assert.deepEqual(v.bids.map((r) => r.price), [100, 98]);
    assert.deepEqual(v.asks.map((r) => [r.price, r.total]), [[101, 2], [102, 5]]);
    assert.equal(v.maxTotal, 5);
  });

  it("prices take the market's tick decimals, whatever the levels shown end in; more where a level has more; inferred without a tick", () => {
    const whole = [[60000, 1], [59999, 2]] as const;
    const asks = [[60001, 1], [60002, 1]] as const;
    assert.equal(buildBookView(whole, asks, 10, 0.01).priceDecimals, 2, 'a market priced in cents: 60,000.00, as its DOM and chart show it');
    assert.equal(buildBookView([[100.125, 1]], [[100.25, 1]], 10, 0.01).priceDecimals, 3, 'a level finer than the tick is not cut');
    assert.equal(buildBookView(whole, asks, 10, 5).priceDecimals, 0);
    assert.equal(buildBookView(whole, asks, 10).priceDecimals, 0, 'tick size not known yet: as the prices need');
  });

  it('the spread row says an empty book is empty, not one-sided, and which side a one-sided book lacks', () => {
    assert.equal(spreadNote(undefined), 'waiting for the book…');
    assert.equal(spreadNote(buildBookView([], [], 10)), 'empty book: no bids or asks');
    assert.equal(spreadNote(buildBookView([[100, 0]], [['x', 1]], 10)), 'empty book: no bids or asks', 'nothing valid on either side');
    assert.equal(spreadNote(buildBookView([[100, 1]], [], 10)), 'one-sided book: no asks');
    assert.equal(spreadNote(buildBookView([], [[101, 1]], 10)), 'one-sided book: no bids');
    assert.equal(spreadNote(buildBookView([[100, 1]], [[101, 1]], 10)), undefined, 'the mid and spread show');
  });

  it('handles one-sided and crossed books', () => {
    const one = buildBookView([[100, 1]], [], 10);
    assert.equal(one.spread, null);
    assert.equal(one.mid, null);
    assert.equal(one.bestAsk, null);
    const crossed = buildBookView([[101, 1]], [[100, 1]], 10);
    assert.equal(crossed.crossed, true);
  });

  it('levelChoices include the current level within 5..100 (the engine keeps 100 levels a side), and nothing deeper', () => {
    assert.deepEqual(levelChoices(20), [10, 20, 50, 100]);
    assert.deepEqual(levelChoices(25), [10, 20, 25, 50, 100]);
    assert.deepEqual(levelChoices(200), [10, 20, 50, 100]);
    assert.deepEqual(levelChoices(1000), [10, 20, 50, 100]);
  });
});
