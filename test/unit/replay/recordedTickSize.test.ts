/** A replayed market's tick size from its recorded prices. */
import * as assert from 'node:assert/strict';
import { tickFromPrices } from '../../../src/core/replay/recordedTickSize';

describe('core/replay tick size from recorded prices', () => {
  it('is the step of the most decimals a price needs, ignoring binary float noise', () => {
    assert.equal(tickFromPrices([2976.82, 2976.8, 2977]), 0.01);
    assert.equal(tickFromPrices([0.1 + 0.2, 1]), 0.1);
    assert.equal(tickFromPrices([0.00001234]), 1e-8);
    assert.equal(tickFromPrices([1e-12]), 1e-8, 'capped at 8 decimals');
    assert.equal(tickFromPrices([60000, 60001]), 1, 'whole-number prices: a tick of 1');
  });

  it('is undefined with no usable price (a bad value is skipped, not taken)', () => {
    assert.equal(tickFromPrices([]), undefined);
    assert.equal(tickFromPrices([Number.NaN, -1, 0, Number.POSITIVE_INFINITY]), undefined);
    assert.equal(tickFromPrices([Number.NaN, 12.5]), 0.1);
  });
});
