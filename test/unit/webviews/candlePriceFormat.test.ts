import * as assert from 'node:assert/strict';
import type { BarPrice } from 'lightweight-charts';
import { candlePriceFormat } from '../../../src/webviews/chart/candlePriceFormat';
import { formatPrice } from '../../../src/webviews/shared/format';

const price = (x: number) => x as BarPrice;

describe('candlePriceFormat: the price axis writes prices as the legend does', () => {
  it('with thousands separators and the market’s decimals: 59,603.79, not 59603.79', () => {
    const format = candlePriceFormat(2);
    assert.equal(format.type, 'custom');
    assert.equal(format.formatter(price(59603.79)), '59,603.79');
    assert.equal(format.formatter(price(59825)), '59,825.00', 'a scale mark');
    assert.equal(format.formatter(price(-1234.5)), '-1,234.50');
    for (const x of [0.5, 999.999, 1_234_567.891]) assert.equal(format.formatter(price(x)), formatPrice(x, 2), `${x} as the legend writes it`);
  });

  it('follows the decimals when the market’s tick is learnt, with the step the axis moves by', () => {
    const before = candlePriceFormat(2);
    const after = candlePriceFormat(5);
    assert.equal(after.formatter(price(3000.12345)), '3,000.12345');
    assert.equal(before.formatter(price(3000.12345)), '3,000.12');
    assert.deepEqual([before.minMove, after.minMove, candlePriceFormat(0).minMove], [0.01, 0.00001, 1]);
    assert.equal(candlePriceFormat(0).formatter(price(59603.79)), '59,604');
  });
});
