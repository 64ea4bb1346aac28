import * as assert from 'node:assert/strict';
import { ALL_TIMES, firstAtOrAfter, inSpan, needsMove, shiftedRange, sliceSpan, spanOf, windowFor, type BarWindow } from '../../../src/webviews/chart/seriesWindow';

const size = { bars: 1000, margin: 200 };

describe('webviews/chart series window', () => {
  it('holds every bar while there are no more than a window of them', () => {
    assert.deepEqual(windowFor(0, 100, 800, false, size), { start: 0, end: 800 });
    assert.deepEqual(windowFor(700, 799, 1000, true, size), { start: 0, end: 1000 });
  });

  it('a live chart holds the newest bars; a view far back holds the bars around it, neither edge of the bars', () => {
    assert.deepEqual(windowFor(49_899, 49_999, 50_000, true, size), { start: 49_000, end: 50_000 });
    const back = windowFor(20_000, 20_150, 50_000, false, size);
    assert.deepEqual(back, { start: 19_575, end: 20_575 });
    assert.ok(back.start <= 20_000 - size.margin && back.end >= 20_150 + size.margin, 'a margin either side of the view');
  });

  it('reaches the first bar when it would come within a margin of it (older bars are asked for at the true edge)', () => {
    assert.deepEqual(windowFor(250, 350, 50_000, false, size), { start: 0, end: 1000 });
    assert.equal(windowFor(600, 700, 50_000, false, size).start, 0, '150 bars short of the first: the first is held');
  });

  it('reaches the newest bar when it would come within a margin of it (live updates are drawn)', () => {
    assert.deepEqual(windowFor(49_500, 49_600, 50_000, false, size), { start: 49_000, end: 50_000 });
  });

  it('is wider than the bars in view when zoomed out, with a margin either side', () => {
    const w = windowFor(10_000, 14_000, 50_000, false, size);
    assert.equal(w.end - w.start, 4000 + 2 * size.margin);
    assert.ok(w.start <= 10_000 - size.margin && w.end >= 14_000 + size.margin);
  });

  it('moves only when the view nears an edge of it that is not an edge of the bars, or it grew to twice what the view needs', () => {
    const w: BarWindow = { start: 19_575, end: 20_575 };
    assert.equal(needsMove(w, 20_000, 20_150, 50_000, false, size), false, 'the view it was made for');
    assert.equal(needsMove(w, 19_900, 20_050, 50_000, false, size), false, 'a little scroll stays inside');
    assert.equal(needsMove(w, 19_700, 19_850, 50_000, false, size), true, 'within a margin of its start');
    assert.equal(needsMove(w, 20_300, 20_450, 50_000, false, size), true, 'within a margin of its end');
    assert.equal(needsMove({ start: 0, end: 1000 }, -50, 100, 50_000, false, size), false, 'at the first bar: the edge of history, nothing to move');
    assert.equal(needsMove({ start: 49_000, end: 50_000 }, 49_900, 50_004, 50_000, false, size), false, 'at the newest bar');
    assert.equal(needsMove({ start: 47_000, end: 50_000 }, 49_900, 50_004, 50_000, false, size), true, 'a live window grown by 2,000 appended bars');
    assert.equal(needsMove({ start: 49_000, end: 49_999 }, 49_900, 50_004, 50_000, true, size), true, 'live, but the newest bar is not held');
    assert.equal(needsMove({ start: 0, end: 60_000 }, 100, 200, 50_000, false, size), true, 'bars were taken away (a smaller snapshot)');
  });

  it('a window made for a view does not need to move for that view (no loop of moves)', () => {
    for (const [from, to, total, live] of [
      [20_000, 20_150, 50_000, false],
      [250, 350, 50_000, false],
      [49_899, 50_003, 50_000, true],
      [10_000, 14_000, 50_000, false],
      [-30, 90, 1_500, false],
    ] as const) {
      const w = windowFor(from, to, total, live, size);
      assert.equal(needsMove(w, from, to, total, live, size), false, `${from}..${to} of ${total}`);
    }
  });

  it('keeps the same bars in view when the window moves: the logical range shifts by the start moved', () => {
    const before: BarWindow = { start: 19_575, end: 20_575 };
    const after: BarWindow = { start: 19_000, end: 20_000 };
    const range = { from: 100.5, to: 250.5 }; // bars 19,675.5 .. 19,825.5
    const shifted = shiftedRange(range, before, after);
    assert.deepEqual(shifted, { from: 675.5, to: 825.5 });
    assert.equal(shifted.from + after.start, range.from + before.start, 'the same bar at the left of the view');
    assert.equal(shifted.to - shifted.from, range.to - range.from, 'the same zoom');
  });

  it('slices points by time', () => {
    const points = [{ time: 10 }, { time: 20 }, { time: 30 }];
    assert.equal(firstAtOrAfter(points, 5), 0);
    assert.equal(firstAtOrAfter(points, 20), 1);
    assert.equal(firstAtOrAfter(points, 21), 2);
    assert.equal(firstAtOrAfter(points, 31), 3);
  });

  it("gives the layers the window's times, open at an edge of the window that is an edge of the bars", () => {
    const timeMsAt = (i: number) => (i >= 0 && i < 50_000 ? 1_000_000 + i * 60_000 : undefined);
    assert.deepEqual(spanOf({ start: 19_575, end: 20_575 }, 50_000, timeMsAt), { from: timeMsAt(19_575), to: timeMsAt(20_574) }, 'a window far back: its first and last bar');
    const live = spanOf({ start: 49_000, end: 50_000 }, 50_000, timeMsAt);
    assert.deepEqual(live, { from: timeMsAt(49_000), to: Number.POSITIVE_INFINITY }, 'a live window: a bar newer than the newest candle is held');
    assert.equal(inSpan(live, 9e15), true);
    assert.equal(inSpan(live, (timeMsAt(49_000) ?? 0) - 1), false);
    assert.deepEqual(spanOf({ start: 0, end: 800 }, 800, timeMsAt), ALL_TIMES, 'every bar held: every point too');
    assert.deepEqual(spanOf({ start: 0, end: 1000 }, 50_000, timeMsAt), { from: Number.NEGATIVE_INFINITY, to: timeMsAt(999) });
  });

  it("slices points to a span by bisection, both ends inclusive, as a copy", () => {
    const points = [{ time: 10 }, { time: 20 }, { time: 20.5 }, { time: 30 }, { time: 40 }];
    const times = (span: { from: number; to: number }) => sliceSpan(points, span, (p) => p.time).map((p) => p.time);
    assert.deepEqual(times({ from: 20, to: 30 }), [20, 20.5, 30]);
    assert.deepEqual(times({ from: 15, to: 35 }), [20, 20.5, 30]);
    assert.deepEqual(times({ from: 41, to: 50 }), []);
    assert.deepEqual(times({ from: Number.NEGATIVE_INFINITY, to: 20 }), [10, 20]);
    assert.deepEqual(times({ from: 30, to: Number.POSITIVE_INFINITY }), [30, 40]);
    const all = sliceSpan(points, ALL_TIMES, (p) => p.time);
    assert.deepEqual(all, points);
    assert.notEqual(all, points, 'the series may keep what it is given');
  });
});
