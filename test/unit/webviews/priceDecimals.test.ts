import * as assert from 'node:assert/strict';
import { priceDecimals } from '../../../src/webviews/shared/format';

describe("webviews/format priceDecimals: a market's prices at its tick's decimals", () => {
  it("the tick's decimals, whatever the prices end in (a tape of whole-dollar trades on a market priced in cents)", () => {
    assert.equal(priceDecimals(0.01, [60000, 60001, 59999]), 2);
    assert.equal(priceDecimals(0.5, [100, 101]), 1);
    assert.equal(priceDecimals(1e-8, [0.00001234]), 8);
    assert.equal(priceDecimals(10, [60000]), 0);
  });

  it('more where a price shown has more, at most `max`; inferred from the prices with no usable tick', () => {
    assert.equal(priceDecimals(0.1, [100.25]), 2);
    assert.equal(priceDecimals(1e-12, [1]), 8, 'capped');
    for (const bad of [undefined, 0, -0.01, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(priceDecimals(bad, [60000.5, 60000]), 1, String(bad));
  });
});
