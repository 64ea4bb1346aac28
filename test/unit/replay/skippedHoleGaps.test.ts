/**
 * SkippedHoleGaps at the 1s timeframe (a replay's finest): the quiet bars up to a skipped hole are filled, the bar it
 * begins in and the first after it are partial, none is made inside it; a trade recorded inside it opens its own
 * partial bar with its own prices. (The last two failed before: the bar a hole begins in took the last close as its
 * open when a trade inside the hole came in it; a skipped hole starting inside another got a flat bar there.)
 */
import * as assert from 'node:assert/strict';
import { CandleSeries } from '../../../src/core/candles/candleSeries';
import { SKIP_HOLES_LONGER_THAN_MS } from '../../../src/core/replay/replaySession';
import { SkippedHoleGaps } from '../../../src/core/replay/skippedHoleGaps';
import type { Candle } from '../../../src/core/types';

const T0 = Date.UTC(2026, 11, 1, 12);
const s = (n: number): number => T0 + n * 1000;
/** Each bar as [seconds after T0, open, close, volume, partial]. */
const shape = (bars: readonly Candle[]) => bars.map((b) => [(b.time - T0) / 1000, b.open, b.close, b.volume, b.partial === true]);

describe('SkippedHoleGaps at 1s', () => {
  const LONG = SKIP_HOLES_LONGER_THAN_MS + 60_000;

  it('fills the quiet seconds before the hole, marks the second it begins in and the first after it partial, makes none inside it', () => {
    const series = new CandleSeries('1s', Number.MAX_SAFE_INTEGER);
    const hole = { kind: 'trades' as const, from: s(3) + 500, until: s(3) + 500 + LONG, reason: 'not recording (TradeSuite closed)' };
    const gaps = new SkippedHoleGaps(series, [hole]);
    gaps.applyTrade(s(0) + 100, 100, 1);
    gaps.applyTrade(hole.until + 200, 105, 2);
    gaps.applyTrade(s(1) + hole.until - s(0), 106, 1); // the second after
    const after = (hole.until - (hole.until % 1000) - T0) / 1000;
    assert.deepEqual(shape(series.snapshot()), [
      [0, 100, 100, 1, false],
      [1, 100, 100, 0, false],
      [2, 100, 100, 0, false],
      [3, 100, 100, 0, true], // quiet until the hole began inside it
      [after, 105, 105, 2, true],
      [after + 1, 106, 106, 1, false],
    ]);
  });

  it('a trade recorded inside the second the hole begins in keeps its own prices (no placeholder from before the hole)', () => {
    const series = new CandleSeries('1s', Number.MAX_SAFE_INTEGER);
    const hole = { kind: 'trades' as const, from: s(3) + 200, until: s(3) + 200 + LONG, reason: 'a test hole' };
    const gaps = new SkippedHoleGaps(series, [hole]);
    gaps.applyTrade(s(0), 100, 1);
    gaps.applyTrade(s(3) + 600, 90, 4); // inside the hole, in the second it begins in
    gaps.applyTrade(hole.until, 95, 1);
    const bars = series.snapshot();
    const first = bars.find((b) => b.time === s(3));
    assert.ok(first, 'the bar the hole begins in');
    assert.deepEqual([first.open, first.high, first.low, first.close, first.volume, first.partial], [90, 90, 90, 90, 4, true], 'its prices are its trade\'s');
    assert.deepEqual(bars.filter((b) => b.time > s(3) && b.time < hole.until - 1000).map((b) => b.time), [], 'no bar inside the hole');
  });

  it('two overlapping skipped holes (of two reasons) make no bar inside either: the second\'s start, inside the first, gets no flat bar', () => {
    const series = new CandleSeries('1s', Number.MAX_SAFE_INTEGER);
    const a = { kind: 'trades' as const, from: s(2), until: s(2) + LONG, reason: 'not recording (TradeSuite closed)' };
    const b = { kind: 'trades' as const, from: s(2) + LONG / 2, until: s(2) + 2 * LONG, reason: 'not recording (recording stopped)' };
    const gaps = new SkippedHoleGaps(series, [b, a]);
    gaps.applyTrade(s(0) + 10, 100, 1);
    gaps.applyTrade(b.until + 10, 101, 1);
    const times = series.snapshot().map((c) => c.time);
    assert.deepEqual(times.filter((t) => t > s(2) && t < b.until - 1000), [], 'no bar inside the holes');
    assert.ok(series.snapshot().every((c) => c.time <= s(2) || c.partial === true), 'the bars from the holes on are partial');
  });
});
