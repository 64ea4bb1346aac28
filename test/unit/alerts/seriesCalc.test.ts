/** Indicators computed incrementally, with the bar in progress replaced many times, equal a fresh computation. */
import * as assert from 'node:assert/strict';
import { createSeriesCalc } from '../../../src/core/alerts/eval/seriesCalc';
import type { SeriesSpec } from '../../../src/core/alerts/rules';
import type { Candle } from '../../../src/core/types';

function walk(n: number, seed = 7): number[] {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let p = 100;
  return Array.from({ length: n }, () => (p *= 1 + (rnd() - 0.5) * 0.02));
}

const bar = (time: number, close: number): Candle => ({ time, open: close, high: close * 1.01, low: close * 0.99, close, volume: 1 });

const specs: SeriesSpec[] = [
  { kind: 'sma', period: 5, source: 'close' },
  { kind: 'ema', period: 5, source: 'close' },
  { kind: 'rsi', period: 5, source: 'close' },
  { kind: 'macd', fast: 3, slow: 6, signal: 4, line: 'macd', source: 'close' },
  { kind: 'macd', fast: 3, slow: 6, signal: 4, line: 'signal', source: 'close' },
  { kind: 'macd', fast: 3, slow: 6, signal: 4, line: 'histogram', source: 'close' },
  { kind: 'bollinger', period: 5, stddev: 2, line: 'upper', source: 'close' },
  { kind: 'bollinger', period: 5, stddev: 2, line: 'lower', source: 'high' },
];

describe('indicator series (trading-signals, add + replace)', () => {
  for (const spec of specs) {
    it(`${spec.kind}${'line' in spec ? ` ${spec.line}` : ''}: replacing the bar in progress leaves the same values as adding final bars`, () => {
      const closes = walk(60);
      const incremental = createSeriesCalc(spec);
      const fresh = createSeriesCalc(spec);
      let values = 0;
      closes.forEach((close, i) => {
        // three intermediate values of the bar in progress, then its final close
        incremental.update(bar(i, close * 1.003), false);
        incremental.update(bar(i, close * 0.996), true);
        incremental.update(bar(i, close * 1.001), true);
        const a = incremental.update(bar(i, close), true);
        const b = fresh.update(bar(i, close), false);
        assert.equal(a, b, `bar ${i}`);
        if (a !== undefined) values++;
      });
      assert.ok(values > 40, `values once warmed up (${values})`);
    });
  }

  it('SMA values are the plain averages, from the period-th bar on', () => {
    const calc = createSeriesCalc({ kind: 'sma', period: 3, source: 'close' });
    const got = [1, 2, 3, 4, 10].map((c, i) => calc.update(bar(i, c), false));
    assert.deepEqual(got, [undefined, undefined, 2, 3, 17 / 3]);
  });
});
