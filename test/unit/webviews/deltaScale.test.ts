import * as assert from 'node:assert/strict';
import type { AutoscaleInfo, BarPrice } from 'lightweight-charts';
import { deltaAutoscale, spanInView, widenedFromPoint } from '../../../src/webviews/chart/deltaScale';
import { BLANK_AMOUNT_FORMAT, SIGNED_AMOUNT_FORMAT } from '../../../src/webviews/chart/signedAmountFormat';

const range = (minValue: number, maxValue: number): AutoscaleInfo => ({ priceRange: { minValue, maxValue } });

describe('webviews/chart delta and CVD scales over bars with and without a buy/sell split', () => {
  const span = { first: 600_000, last: 900_000 }; // points from 10:00 to 15:00 (ms)

  it('a view shows the points when it overlaps their span (view in seconds, span in ms), not when every bar in it is older or newer', () => {
    assert.equal(spanInView({ from: 0, to: 300 }, span), false, 'older bars only (history)');
    assert.equal(spanInView({ from: 0, to: 600 }, span), true, 'up to the first point');
    assert.equal(spanInView({ from: 700, to: 800 }, span), true, 'inside');
    assert.equal(spanInView({ from: 900, to: 1_200 }, span), true, 'from the newest point');
    assert.equal(spanInView({ from: 901, to: 1_200 }, span), false);
    assert.equal(spanInView(null, span), false, 'no bars');
    assert.equal(spanInView({ from: 0, to: 1_200 }, undefined), false, 'no points');
  });

  it("over bars with no split the scale gets no range, not the histogram's base alone (which lightweight-charts widened to ±0.00000005)", () => {
    let inView = false;
    let asked = 0;
    // lightweight-charts' own autoscale of a histogram with no bar in view: its base, 0, alone.
    const base = () => {
      asked++;
      return range(0, 0);
    };
    const autoscale = deltaAutoscale(() => inView);
    assert.equal(autoscale(base), null);
    assert.equal(asked, 0);
    inView = true;
    assert.deepEqual(autoscale(() => range(-2.5, 4)), range(-2.5, 4), 'points in view: their own range');
  });

  it('a range of one value (every delta in view 0, a flat CVD) is widened to a readable one, not by 5 × 1e-8', () => {
    assert.deepEqual(widenedFromPoint(range(0, 0)), range(-1, 1));
    assert.deepEqual(widenedFromPoint(range(250, 250)), range(247.5, 252.5));
    assert.deepEqual(widenedFromPoint(range(-0.5, 0.25)), range(-0.5, 0.25), 'a range is left alone');
    assert.equal(widenedFromPoint(null), null);
    const margins = { above: 3, below: 4 };
    assert.deepEqual(widenedFromPoint({ priceRange: { minValue: 2, maxValue: 2 }, margins }), { priceRange: { minValue: 1, maxValue: 3 }, margins });
  });

  it('while no point is in view the panes label nothing (their scale keeps a range nothing in view has)', () => {
    assert.deepEqual(BLANK_AMOUNT_FORMAT.tickmarksFormatter?.([-0.00000005, 0, 0.00000005] as BarPrice[]), ['', '', '']);
    assert.equal(BLANK_AMOUNT_FORMAT.formatter(0.5 as BarPrice), '');
    assert.equal(BLANK_AMOUNT_FORMAT.minMove, SIGNED_AMOUNT_FORMAT.minMove, 'the same scale steps as when labelled');
  });
});
