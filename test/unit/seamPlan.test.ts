import * as assert from 'node:assert/strict';
import { ladderRanges, mergeBars } from '../../src/core/candles/seamPlan';
import { TIMEFRAMES } from '../../src/core/timeframes';

const H = 3_600_000;
const M = 60_000;

describe('seam ladder', () => {
  const seam = Date.UTC(2024, 2, 14, 15, 37); // Thursday 14 March 2024, 15:37

  it('needs nothing for a minute bar', () => {
    assert.deepEqual(ladderRanges('1m', seam, TIMEFRAMES), []);
  });

  it('covers the current hour with minutes', () => {
    assert.deepEqual(ladderRanges('1h', seam, TIMEFRAMES), [{ timeframe: '1m', from: seam - 37 * M, until: seam }]);
  });

  it('covers a week with days, then hours, then minutes, and nothing twice', () => {
    const ranges = ladderRanges('1w', seam, TIMEFRAMES)!;
    const monday = Date.UTC(2024, 2, 11);
    assert.deepEqual(ranges, [
      { timeframe: '1d', from: monday, until: Date.UTC(2024, 2, 14) },
      { timeframe: '1h', from: Date.UTC(2024, 2, 14), until: Date.UTC(2024, 2, 14, 15) },
      { timeframe: '1m', from: Date.UTC(2024, 2, 14, 15), until: seam },
    ]);
  });

  it('covers every timeframe contiguously from its bucket start to the seam', () => {
    for (const tf of TIMEFRAMES) {
      const ranges = ladderRanges(tf, seam, TIMEFRAMES);
      assert.ok(ranges, tf);
      for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.from, ranges[i - 1]!.until, tf);
      if (ranges.length) assert.equal(ranges[ranges.length - 1]!.until, seam, tf);
    }
  });

  it('says so when the exchange lacks the minute bars to rebuild exactly', () => {
    assert.equal(ladderRanges('1h', seam, ['1h', '1d']), undefined);
    assert.deepEqual(ladderRanges('1h', seam - 37 * M, ['1h']), [], 'at a bucket boundary nothing is needed');
  });

  it('merges bars', () => {
    assert.deepEqual(
      mergeBars(0, [
        { time: 0, open: 5, high: 6, low: 4, close: 5.5, volume: 1 },
        { time: H, open: 5.5, high: 9, low: 5, close: 7, volume: 2 },
      ]),
      { time: 0, open: 5, high: 9, low: 4, close: 7, volume: 3 },
    );
    assert.equal(mergeBars(0, []), undefined);
  });

  it("skips bars without trades, as Binance's wider klines do (issue 10, defect 5)", () => {
    const flat = (time: number, price: number) => ({ time, open: price, high: price, low: price, close: price, volume: 0 });
    assert.deepEqual(
      mergeBars(0, [flat(0, 5), { time: M, open: 6, high: 6.5, low: 5.5, close: 6.2, volume: 2 }, flat(2 * M, 6.2), { time: 3 * M, open: 6.1, high: 7, low: 6, close: 6.9, volume: 1 }]),
      { time: 0, open: 6, high: 7, low: 5.5, close: 6.9, volume: 3 },
    );
    assert.equal(mergeBars(0, [flat(0, 5), flat(M, 5)]), undefined, 'no trade in the span: nothing to fold');
  });
});
