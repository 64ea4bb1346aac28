import * as assert from 'node:assert/strict';
import {
  changePercent,
  formatAmount,
  formatCount,
  formatNotional,
  formatSignedAmount,
  withoutTrailingZeros,
  formatPercent,
  formatPrice,
  formatSmallPercent,
  inferDecimals,
} from '../../../src/webviews/shared/format';
import { decimalsOf } from '../../../src/shared/util/decimals';

describe('webviews/format', () => {
  it('decimalsOf ignores float noise and handles exponents', () => {
    assert.equal(decimalsOf(0.01), 2);
    assert.equal(decimalsOf(0.1 + 0.2), 1);
    assert.equal(decimalsOf(1e-8), 8);
    assert.equal(decimalsOf(2.5e-7), 8);
    assert.equal(decimalsOf(65000), 0);
    assert.equal(decimalsOf(65432.15), 2);
    assert.equal(decimalsOf(Number.NaN), 0);
  });

  it('inferDecimals takes the most decimals, capped', () => {
    assert.equal(inferDecimals([65000, 65000.5, 65000.25]), 2);
    assert.equal(inferDecimals([]), 0);
    assert.equal(inferDecimals([0.123456789012], 8), 8);
  });

  it('formatPrice uses fixed decimals and grouping', () => {
    assert.equal(formatPrice(65432.1, 2), '65,432.10');
    assert.equal(formatPrice(0.000123, 6), '0.000123');
    assert.equal(formatPrice(1234, 0), '1,234');
    assert.equal(formatPrice(Number.POSITIVE_INFINITY, 2), '—');
    assert.equal(formatPrice(-1234567.891, 2), '-1,234,567.89');
    assert.equal(formatPrice(999.995, 2), '1,000.00', 'rounding carries into a new group');
    assert.equal(formatPrice(100, 0), '100');
    assert.equal(formatPrice(1.5e-7, 8), '0.00000015');
    assert.equal(formatPrice(-2e21, 2), '-2e+21', 'beyond any market: the exponent form, not a grouped mess');
  });

  it('formatPrice and formatAmount read exactly as en-US Intl.NumberFormat would, without building one', () => {
    // A seeded walk over magnitudes, signs, decimals and the exact halves both round away from zero.
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const values = [0, 0.5, 1.005, 2.675, 999.5, 1000, 9999.95, 99999.5, 0.125, -0.125, -999.995, 1e15 + 0.5];
    for (let i = 0; i < 2000; i++) values.push((next() - 0.3) * 10 ** Math.floor(next() * 13 - 4));
    const intlWith = [0, 1, 2, 5, 8].map((d) => [d, new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d, useGrouping: true })] as const);
    for (const v of values) {
      for (const [d, intlFormat] of intlWith) {
        const intl = intlFormat.format(v);
        assert.equal(formatPrice(v, d), intl, `formatPrice(${v}, ${d})`);
      }
      const a = Math.abs(v);
      // The rounded value's magnitude: 9,999.95 reads 10,000 as 10,000 does, 99,999.5 100.0K as 100,000 does.
      const rounded = (d: number) => Math.abs(Number((intlWith.find(([n]) => n === d)?.[1] as Intl.NumberFormat).format(v).replace(/,/g, '')));
      if (a >= 1e3 && a < 1e5 && rounded(0) < 1e5) {
        const d = a >= 1e4 || rounded(1) >= 1e4 ? 0 : 1;
        assert.equal(formatAmount(v), (intlWith.find(([n]) => n === d)?.[1] as Intl.NumberFormat).format(v), `formatAmount(${v})`);
      }
    }
  });

  it('formatAmount is compact per magnitude', () => {
    assert.equal(formatAmount(0), '0');
    assert.equal(formatAmount(0.001234), '0.001234');
    assert.equal(formatAmount(0.5), '0.5000');
    assert.equal(formatAmount(12.3456), '12.346');
    assert.equal(formatAmount(123.456), '123.46');
    assert.equal(formatAmount(1234.56), '1,234.6');
    assert.equal(formatAmount(12345.6), '12,346');
    assert.equal(formatAmount(123456), '123.5K');
    assert.equal(formatAmount(1_234_567), '1.23M');
    assert.equal(formatAmount(4_560_000_000), '4.56B');
    // Rounded up to the next unit's bound: that unit, never 1000.0K or 1000.00M.
    assert.equal(formatAmount(999_949), '999.9K');
    assert.equal(formatAmount(999_960), '1.00M');
    assert.equal(formatAmount(-999_999), '-1.00M');
    assert.equal(formatAmount(999_994_999), '999.99M');
    assert.equal(formatAmount(999_996_000), '1.00B');
    assert.equal(formatSignedAmount(999_960), '+1.00M');
    assert.equal(formatAmount(-2.5), '-2.500');
    assert.equal(formatAmount(Number.NaN), '—');
    // Fewer significant digits below 1, for a footprint cell's narrow half.
    assert.equal(formatAmount(0.00937, 2), '0.0094');
    assert.equal(formatAmount(0.5, 1), '0.5');
  });

  it('formatAmount: a value rounded up to the next magnitude reads with that magnitude\'s decimals', () => {
    assert.equal(formatAmount(0.99996), '1.000', 'as 1 reads, not 1.0000');
    assert.equal(formatAmount(1), '1.000');
    assert.equal(formatAmount(-0.99996), '-1.000');
    assert.equal(formatAmount(99.9996), '100.00', 'as 100 reads, not 100.000');
    assert.equal(formatAmount(999.996), '1,000.0');
    assert.equal(formatAmount(9_999.96), '10,000');
    assert.equal(formatAmount(99_999.6), '100.0K');
    assert.equal(formatAmount(0.0099996), '0.01000', 'as 0.01 reads, not 0.010000');
    assert.equal(formatAmount(0.99996, undefined, 0.001), '1.000');
    assert.equal(formatAmount(0.9999), '0.9999', 'not rounded up: its own magnitude');
  });

  it('formatAmount: a non-zero amount finer than the decimals shown never reads as zero', () => {
    assert.equal(formatAmount(1e-9), '<0.00000001');
    assert.equal(formatAmount(-1e-9), '-<0.00000001');
    assert.equal(formatAmount(4e-9), '<0.00000001');
    assert.equal(formatAmount(5e-9), '0.00000001', 'rounded to the smallest shown: not zero');
    assert.equal(formatAmount(0.0004, undefined, 0.001), '<0.001', "the market's lot step bounds the decimals");
    assert.equal(formatAmount(0.3, undefined, 1), '<1');
    assert.equal(formatSignedAmount(1e-9), '+<0.00000001');
  });

  it("formatAmount with the market's lot step shows no more decimals than the step has", () => {
    assert.equal(formatAmount(0.007, undefined, 0.001), '0.007', 'not 0.007000');
    assert.equal(formatAmount(0.5, undefined, 0.1), '0.5');
    assert.equal(formatAmount(2.5, undefined, 0.001), '2.500', 'a column of one market lines up at the step');
    assert.equal(formatAmount(12.34, undefined, 0.01), '12.34');
    assert.equal(formatAmount(1234, undefined, 1), '1,234');
    assert.equal(formatAmount(0.00012346, undefined, 0.00000001), '0.0001235', 'a fine step keeps the four significant digits');
    assert.equal(formatAmount(0.007, undefined, 0), '0.007000', 'no usable step: per magnitude');
    assert.equal(formatAmount(0.007, undefined, Number.NaN), '0.007000');
  });

  it("withoutTrailingZeros: the legend's delta, spot and perp as the footprint's labels write them", () => {
    assert.equal(withoutTrailingZeros('1.220'), '1.22');
    assert.equal(withoutTrailingZeros('2.000'), '2');
    assert.equal(withoutTrailingZeros('12,340'), '12,340', 'no point: whole, zeros kept');
    assert.equal(withoutTrailingZeros('150.0K'), '150.0K', 'a compact value keeps its digit');
  });

  it("formatSignedAmount: a footprint bar's delta with a sign and formatAmount's digits, no trailing zeros", () => {
    // The deltas of one footprint screenshot, which read -0.005360, +1.157 and +1.220.
    assert.equal(formatSignedAmount(-0.00536), '-0.00536');
    assert.equal(formatSignedAmount(1.157), '+1.157');
    assert.equal(formatSignedAmount(1.22), '+1.22');
    assert.equal(formatSignedAmount(0.06952), '+0.06952');
    assert.equal(formatSignedAmount(-6.288), '-6.288');
    assert.equal(formatSignedAmount(1234.04), '+1,234', 'the zero after the point goes, and the point');
    assert.equal(formatSignedAmount(12_340), '+12,340', 'a whole number keeps its zeros');
    assert.equal(formatSignedAmount(-150_000), '-150.0K', 'a compact one keeps its unit and its digit');
    assert.equal(formatSignedAmount(0), '+0');
    assert.equal(formatSignedAmount(Number.NaN), '—');
  });

  it("formatNotional: a tape row's value in whole quote units up to 100,000, then K, M, B; cents below 10", () => {
    // The values of the tape's screenshots, which formatAmount showed as 751.96, 1,713.0, 5,366.9 and 357.7K.
    assert.equal(formatNotional(751.96), '752');
    assert.equal(formatNotional(1713.04), '1,713');
    assert.equal(formatNotional(5366.9), '5,367');
    assert.equal(formatNotional(357_712), '357.7K');
    assert.equal(formatNotional(1_249_600), '1.25M');
    assert.equal(formatNotional(4_560_000_000), '4.56B');
    assert.equal(formatNotional(7.534), '7.53', 'cents below 10: a small trade does not read as 8');
    assert.equal(formatNotional(0.4), '0.40');
    assert.equal(formatNotional(12.5), '13');
    assert.equal(formatNotional(99_999.4), '99,999');
    // At a bound the rounded value decides, so no column shows 10.00, 100,000 or 1000.0K.
    assert.equal(formatNotional(9.996), '10');
    assert.equal(formatNotional(99_999.7), '100.0K');
    assert.equal(formatNotional(999_960), '1.00M');
    assert.equal(formatNotional(999_996_000), '1.00B');
    assert.equal(formatNotional(-1713), '-1,713');
    assert.equal(formatNotional(Number.POSITIVE_INFINITY), '—');
  });

  it("formatCount: a count grouped as the prices beside it (the tape's 1,414 trades a minute, not 1414)", () => {
    assert.equal(formatCount(1414), '1,414');
    assert.equal(formatCount(171), '171');
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(1_234_567), '1,234,567');
    assert.equal(formatCount(Number.NaN), '—');
  });

  it('changePercent and formatPercent', () => {
    assert.equal(changePercent(100, 101.5), 1.5);
    assert.equal(changePercent(0, 5), null);
    assert.equal(formatPercent(1.234), '+1.23%');
    assert.equal(formatPercent(-0.4), '-0.40%');
    assert.equal(formatPercent(-0.001), '0.00%');
    assert.equal(formatPercent(null), '—');
  });

  it('formatSmallPercent keeps tight spreads visible', () => {
    assert.equal(formatSmallPercent(1.5), '1.50%');
    assert.equal(formatSmallPercent(0.0123), '0.012%');
    assert.equal(formatSmallPercent((0.01 / 65000) * 100), '0.000015%');
    assert.equal(formatSmallPercent(0), '0%');
    assert.equal(formatSmallPercent(null), '—');
  });
});
