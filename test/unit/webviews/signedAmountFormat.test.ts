import * as assert from 'node:assert/strict';
import type { BarPrice } from 'lightweight-charts';
import { formatSignedAmount } from '../../../src/webviews/shared/format';
import { SIGNED_AMOUNT_FORMAT, formatDeltaAmount, signedAmountTicks } from '../../../src/webviews/chart/signedAmountFormat';

describe('webviews/chart delta and CVD formats', () => {
  it('a tag or the crosshair writes a signed amount as the footprint labels its delta (trailing zeros dropped), zero unsigned', () => {
    assert.equal(formatDeltaAmount(0.5), '+0.5');
    assert.equal(formatDeltaAmount(-0.00536), '-0.00536');
    assert.equal(formatDeltaAmount(12), '+12');
    assert.equal(formatDeltaAmount(-1_234.5), '-1,234.5');
    assert.equal(formatDeltaAmount(2_300_000), '+2.30M');
    assert.equal(formatDeltaAmount(0), '0');
    assert.equal(formatDeltaAmount(Number.NaN), '—');
    for (const x of [1.157, -0.00536, 123.45, -98_765]) assert.equal(formatDeltaAmount(x), formatSignedAmount(x), 'as the footprint writes it');
    assert.equal(SIGNED_AMOUNT_FORMAT.formatter(-0.25 as BarPrice), '-0.25');
  });

  it('axis labels read as the tags at typical magnitudes, each tick its own', () => {
    assert.deepEqual(signedAmountTicks([-1, -0.5, 0, 0.5, 1]), ['-1', '-0.5', '0', '+0.5', '+1']);
    assert.deepEqual(signedAmountTicks([10, 12, 14]), ['+10', '+12', '+14']);
    assert.deepEqual(signedAmountTicks([1_000, 1_234, 1_500]), ['+1,000', '+1,234', '+1,500']);
    assert.deepEqual(signedAmountTicks([-2_300_000, 0, 2_300_000]), ['-2.30M', '0', '+2.30M']);
    assert.deepEqual(signedAmountTicks([0.0001, 0.0002, 0.0003]), ['+0.0001', '+0.0002', '+0.0003'], "finer than 'volume' (0.01) allowed");
  });

  it('ticks a tag would write alike get the decimals their gap needs', () => {
    assert.deepEqual(signedAmountTicks([123_400, 123_450, 123_500]), ['+123.40K', '+123.45K', '+123.50K']);
    assert.deepEqual(signedAmountTicks([-2_300_000, -2_299_000, -2_298_000]), ['-2.300M', '-2.299M', '-2.298M']);
    assert.deepEqual(signedAmountTicks([12_345, 12_345.5, 12_346]), ['+12,345.0', '+12,345.5', '+12,346.0']);
    for (const ticks of [[0.5, 12, 1_234, 2_300_000], [-0.00001, 0, 0.00001], [99_999, 100_000, 100_001], [2_000_000.1, 2_000_000.2], [-1e9, -1.000001e9]]) {
      const labels = signedAmountTicks(ticks);
      assert.equal(new Set(labels).size, ticks.length, `${labels.join(' ')}: each label once`);
    }
  });

  it('the axis steps down to a base unit’s finest amount', () => {
    assert.equal(SIGNED_AMOUNT_FORMAT.minMove, 1e-8);
  });
});
