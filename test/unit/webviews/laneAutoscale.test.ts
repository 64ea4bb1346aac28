import * as assert from 'node:assert/strict';
import type { AutoscaleInfo } from 'lightweight-charts';
import { leastRangeAutoscale, widenedToLeast } from '../../../src/webviews/chart/laneAutoscale';
import { formatOpenInterest, fundingLeastRange, openInterestLeastRange, openInterestTicks } from '../../../src/webviews/chart/laneFormats';

const info = (minValue: number, maxValue: number): AutoscaleInfo => ({ priceRange: { minValue, maxValue }, margins: { above: 4, below: 4 } });

describe('webviews/chart lane autoscale', () => {
  it('widens a range narrower than the least about its middle, keeping the margins', () => {
    assert.deepEqual(widenedToLeast(info(9, 11), () => 10), info(5, 15));
    assert.deepEqual(widenedToLeast(info(7, 7), () => 4), info(5, 9), 'a flat series');
  });

  it('leaves a range as wide as the least or wider, and no range, as they are', () => {
    const wide = info(0, 10);
    assert.equal(widenedToLeast(wide, () => 10), wide);
    assert.equal(widenedToLeast(null, () => 10), null);
    const empty: AutoscaleInfo = { priceRange: null };
    assert.equal(widenedToLeast(empty, () => 10), empty);
  });

  it("the provider widens lightweight-charts' own autoscale", () => {
    assert.deepEqual(leastRangeAutoscale(() => 2)(() => info(1, 1)), info(0, 2));
    assert.equal(leastRangeAutoscale(() => 2)(() => null), null);
  });

  it("a flat open interest's axis reads no finer than its tag (49,489.305 / .300 / .295 beside a 49,489 tag)", () => {
    const widened = widenedToLeast(info(49_489.295, 49_489.305), openInterestLeastRange)?.priceRange;
    assert.ok(widened);
    const range = widened.maxValue - widened.minValue;
    assert.equal(range, 100);
    // Ten ticks at most over the lane: a step of a tenth of the range or more; lightweight-charts' steps are 1, 2, 2.5 or 5 × 10ⁿ.
    const step = 10;
    assert.ok(step >= range / 10);
    const ticks: number[] = [];
    for (let t = Math.ceil(widened.minValue / step) * step; t <= widened.maxValue; t += step) ticks.push(t);
    const labels = openInterestTicks(ticks);
    assert.equal(new Set(labels).size, ticks.length, `${labels.join(' ')}: each label once`);
    for (const label of labels) assert.match(label, /^\d{2},\d{3}$/, `${label}: the tag's digits (${formatOpenInterest(49_489.3)})`);
  });

  it('the least ranges: ten of the open-interest tag’s steps; a hundredth of a percent of funding', () => {
    assert.equal(openInterestLeastRange(49_489.3), 100);
    assert.equal(openInterestLeastRange(357_712), 1_000);
    assert.equal(openInterestLeastRange(12.35), 0.1);
    assert.equal(openInterestLeastRange(0), 10, 'an open interest of zero still has a range');
    assert.equal(fundingLeastRange(), 0.01);
  });
});
