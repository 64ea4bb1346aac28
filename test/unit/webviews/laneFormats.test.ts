import * as assert from 'node:assert/strict';
import { steppedLabels } from '../../../src/webviews/chart/axisLabels';
import { FUNDING_FORMAT, formatOpenInterest, openInterestTicks } from '../../../src/webviews/chart/laneFormats';
import type { BarPrice } from 'lightweight-charts';

describe('webviews/chart lane formats', () => {
  it("open interest's axis labels tell every tick apart ('volume' read 46.08K three times)", () => {
    assert.deepEqual(openInterestTicks([46_080, 46_081, 46_082, 46_083]), ['46,080', '46,081', '46,082', '46,083']);
    assert.deepEqual(openInterestTicks([46_080.5, 46_081, 46_081.5]), ['46,080.5', '46,081.0', '46,081.5']);
    assert.deepEqual(openInterestTicks([12.25, 12.5, 12.75]), ['12.25', '12.50', '12.75']);
    assert.deepEqual(openInterestTicks([355_000, 360_000, 365_000]), ['355K', '360K', '365K']);
    assert.deepEqual(openInterestTicks([357_600, 357_700, 357_800]), ['357.6K', '357.7K', '357.8K']);
    assert.deepEqual(openInterestTicks([46_080_000, 46_081_000, 46_082_000]), ['46.080M', '46.081M', '46.082M']);
    assert.deepEqual(openInterestTicks([46_080_000, 46_080_500, 46_081_000]), ['46,080,000', '46,080,500', '46,081,000'], 'finer than three decimals of a million: whole numbers');
    assert.deepEqual(openInterestTicks([1.2e9, 1.4e9]), ['1.2B', '1.4B']);
    for (const ticks of [[46_080, 46_081, 46_082], [0.001, 0.002], [99_999, 100_000, 100_001], [2_000_000.1, 2_000_000.2]]) {
      const labels = openInterestTicks(ticks);
      assert.equal(new Set(labels).size, ticks.length, `${labels.join(' ')}: each label once`);
    }
  });

  it('one open interest (its tag, the crosshair) to four significant digits or more', () => {
    assert.equal(formatOpenInterest(46_081.23), '46,081');
    assert.equal(formatOpenInterest(357_712), '357.7K');
    assert.equal(formatOpenInterest(46_081_234), '46.08M');
    assert.equal(formatOpenInterest(4_600_000_000), '4.600B');
    assert.equal(formatOpenInterest(12.3456), '12.35');
    assert.equal(formatOpenInterest(0), '0');
    assert.equal(formatOpenInterest(Number.NaN), '—');
  });

  it('the funding tag reads as the legend: the rate in percent to four decimals', () => {
    assert.equal(FUNDING_FORMAT.formatter(0.01 as BarPrice), '0.0100%');
    assert.equal(FUNDING_FORMAT.formatter(0.0098 as BarPrice), '0.0098%');
    assert.equal(FUNDING_FORMAT.formatter(-0.0125 as BarPrice), '-0.0125%');
  });

  it('an axis of one tick labels it as the tag does; of none, with nothing', () => {
    assert.deepEqual(openInterestTicks([46_081.23]), [formatOpenInterest(46_081.23)]);
    assert.deepEqual(steppedLabels([], 1), []);
  });
});
