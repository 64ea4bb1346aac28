import * as assert from 'node:assert/strict';
import { BarStore, legendFor, partialSince, placeMarkers, pricePrecision, toBar, type Bar } from '../../../src/webviews/chart/barStore';
import { EmaTracker, normalizePeriods } from '../../../src/webviews/chart/emaTracker';
import type { CandleWire } from '../../../src/shared/protocol';
import { decimalsOf } from '../../../src/shared/util/decimals';
import { formatClockUtc, partialNote } from '../../../src/webviews/shared/format';

const MIN = 60_000;
const c = (i: number, close: number, open = close): CandleWire => [i * MIN, open, Math.max(open, close) + 1, Math.min(open, close) - 1, close, i + 1];

/** Textbook EMA seeded with the first close (what trading-signals' EMA does), computed from scratch. */
function referenceEma(closes: readonly number[], period: number): number[] {
  const k = 2 / (period + 1);
  const out: number[] = [];
  let prev: number | undefined;
  for (const x of closes) {
    prev = prev === undefined ? x : x * k + prev * (1 - k);
    out.push(prev);
  }
  return out;
}

describe('webviews/chart BarStore', () => {
  it('converts ms to UTC seconds', () => {
    assert.deepEqual(toBar([1_700_000_040_000, 1, 2, 0, 1.5, 9]), { time: 1_700_000_040, open: 1, high: 2, low: 0, close: 1.5, volume: 9 });
  });

  it('classifies updates: replace the in-progress bar, append a new one, revise or insert an older one', () => {
    const s = new BarStore();
    s.reset([c(1, 10), c(2, 11), c(4, 12)]);
    assert.deepEqual([s.apply(c(4, 13)).kind, s.length], ['replace', 3]);
    assert.equal(s.last!.close, 13);
    assert.deepEqual([s.apply(c(5, 14)).kind, s.length], ['append', 4]);
    const revise = s.apply(c(2, 99));
    assert.deepEqual([revise.kind, revise.index, s.at(1)!.close], ['revise', 1, 99]);
    const insert = s.apply(c(3, 50));
    assert.deepEqual([insert.kind, insert.index, s.length], ['insert', 2, 5]);
    assert.deepEqual(s.bars.map((b) => b.time / 60), [1, 2, 3, 4, 5]);
  });

  it('appends to an empty store', () => {
    const s = new BarStore();
    assert.equal(s.apply(c(1, 10)).kind, 'append');
  });

  it('sorts and de-duplicates an unsorted snapshot (last wins)', () => {
    const s = new BarStore();
    s.reset([c(3, 30), c(1, 10), c(3, 31), c(2, 20)]);
    assert.deepEqual(s.bars.map((b) => [b.time / 60, b.close]), [[1, 10], [2, 20], [3, 31]]);
  });

  it('indexAtOrBefore finds the bucket of a time', () => {
    const s = new BarStore();
    s.reset([c(1, 10), c(2, 11), c(4, 12)]);
    assert.equal(s.indexAtOrBefore(60), 0);
    assert.equal(s.indexAtOrBefore(150), 1);
    assert.equal(s.indexAtOrBefore(200), 1);
    assert.equal(s.indexAtOrBefore(10_000), 2);
    assert.equal(s.indexAtOrBefore(59), -1);
  });

  it('legend change is from the previous close (from the open for the first bar)', () => {
    const s = new BarStore();
    s.reset([c(1, 110, 100), c(2, 121, 112)]);
    assert.equal(legendFor(s, 0)!.changePct, 10);
    assert.ok(Math.abs(legendFor(s, 1)!.changePct! - 10) < 1e-9);
    assert.equal(legendFor(s, 1)!.up, true);
    assert.equal(legendFor(s, 5), null);
  });

  it('places markers on the bar containing them and drops those before the data', () => {
    const s = new BarStore();
    s.reset([c(1, 10), c(2, 11), c(3, 12)]);
    const placed = placeMarkers(
      [
        { time: 3 * MIN + 5000, text: 'b', position: 'below' },
        { time: 1 * MIN + 59_000, text: 'a', position: 'above' },
        { time: 0, text: 'old', position: 'above' },
      ],
      s,
    );
    assert.deepEqual(placed, [
      { time: 60, text: 'a', position: 'above' },
      { time: 180, text: 'b', position: 'below' },
    ]);
  });

  it('pricePrecision looks at the OHLC decimals', () => {
    const bars: Bar[] = [toBar([0, 1.5, 2.25, 1, 2, 1]), toBar([MIN, 2, 2.125, 1.5, 2, 1])];
    assert.equal(pricePrecision(bars, decimalsOf), 3);
  });
});

describe('webviews/chart EmaTracker', () => {
  it('matches a from-scratch EMA over the snapshot, emitting points once stable', () => {
    const closes = Array.from({ length: 40 }, (_, i) => 100 + Math.sin(i / 3) * 5 + i * 0.1);
    const bars = closes.map((x, i) => toBar(c(i, x)));
    const t = new EmaTracker([5, 20]);
    const [p5, p20] = t.reset(bars);
    assert.equal(p5!.length, 36);
    assert.equal(p20!.length, 21);
    assert.equal(p5![0]!.time, bars[4]!.time);
    const ref5 = referenceEma(closes, 5);
    const ref20 = referenceEma(closes, 20);
    p5!.forEach((p, j) => assert.ok(Math.abs(p.value - ref5[j + 4]!) < 1e-9));
    assert.ok(Math.abs(p20!.at(-1)!.value - ref20.at(-1)!) < 1e-9);
  });

  it('replaces the in-progress close and adds a new bar, staying equal to a full recomputation', () => {
    const closes = [10, 11, 12, 13, 12, 11, 12, 14];
    const bars = closes.map((x, i) => toBar(c(i, x)));
    const t = new EmaTracker([3]);
    t.reset(bars);
    // The last bar ticks three times, then two new bars start, each ticking.
    const final = [...closes];
    for (const x of [14.5, 13.9, 15]) {
      final[final.length - 1] = x;
      t.update(toBar(c(final.length - 1, x)), false);
    }
    for (const ticks of [[15.2, 15.8], [16, 15.1, 15.5]]) {
      final.push(ticks[0]!);
      t.update(toBar(c(final.length - 1, ticks[0]!)), true);
      for (const x of ticks.slice(1)) {
        final[final.length - 1] = x;
        const [p] = t.update(toBar(c(final.length - 1, x)), false);
        assert.equal(p!.time, (final.length - 1) * 60);
      }
    }
    const ref = referenceEma(final, 3).at(-1)!;
    assert.ok(Math.abs(t.latest()[0]!.value - ref) < 1e-9, `${t.latest()[0]!.value} vs ${ref}`);
  });

  it('emits null until a period has enough closes, also when fed incrementally from empty', () => {
    const t = new EmaTracker([3]);
    t.reset([]);
    assert.deepEqual(t.update(toBar(c(0, 1)), false), [null], 'a replace on an empty EMA counts as the first close');
    assert.deepEqual(t.update(toBar(c(1, 2)), true), [null]);
    const [p] = t.update(toBar(c(2, 3)), true);
    assert.ok(p);
    assert.ok(Math.abs(p.value - referenceEma([1, 2, 3], 3).at(-1)!) < 1e-12);
  });

  it('normalizePeriods keeps whole, in-range, unique periods', () => {
    assert.deepEqual(normalizePeriods([20, 50, 20, 0, 2.5, -1, 5000, 9]), [20, 50, 9]);
  });
});

describe('webviews/chart partial bars', () => {
  const partial = (i: number, close: number): CandleWire => [i * MIN, close, close + 1, close - 1, close, i + 1, true];

  it('keeps the partial flag of a candle, and only when it is set', () => {
    assert.deepEqual(toBar(partial(2, 10)), { time: 120, open: 10, high: 11, low: 9, close: 10, volume: 3, partial: true });
    assert.equal('partial' in toBar([2 * MIN, 10, 11, 9, 10, 3, false]), false);
  });

  it('says since when the newest bars are partial, and nothing once the newest bar is whole', () => {
    const s = new BarStore();
    s.reset([c(1, 10), partial(2, 11), c(3, 12)]);
    assert.equal(partialSince(s), null, 'an older partial bar does not mark the chart');
    assert.equal(partialSince(s, 1), 2 * 60, 'but hovered, it says so');
    assert.equal(partialSince(s, 0), null);
    s.apply(partial(4, 13));
    s.apply(partial(5, 14));
    assert.equal(partialSince(s), 4 * 60, 'the start of the run of partial bars the newest one ends');
    assert.equal(partialNote(partialSince(s), 5 * 60), 'partial since 00:04');
    s.apply(c(5, 14)); // the backfill replaced the newest bar
    assert.equal(partialSince(s), null);
    assert.equal(partialNote(null, 5 * 60), null);
    assert.equal(partialSince(new BarStore()), null);
  });

  it('says the seam inside the first partial bar when the engine sends it (an hourly bar partial since 00:03)', () => {
    const HOUR = 60 * MIN;
    const s = new BarStore();
    s.reset([[0, 10, 11, 9, 10, 1], [HOUR, 10, 11, 9, 10, 1, true, HOUR + 3 * MIN]]);
    assert.equal(s.at(1)?.partialSince, 3600 + 180);
    assert.equal(partialNote(partialSince(s), 3600), 'partial since 01:03');
    s.apply([2 * HOUR, 10, 11, 9, 10, 1, true]);
    assert.equal(partialSince(s), 3600 + 180, 'a run of partial bars: since the seam in its first bar');
  });

  it('dates the note when the partial run began on another UTC day than the bar shown', () => {
    const at = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo, d, h, mi) / 1000;
    const since = at(2026, 11, 4, 7, 56);
    assert.equal(partialNote(since, at(2026, 11, 5, 1, 49)), 'partial since 04 Dec 07:56', 'a 01:49 bar of the next day');
    assert.equal(partialNote(since, at(2026, 11, 4, 23, 59)), 'partial since 07:56', 'the same day: the time alone');
    assert.equal(partialNote(at(2025, 11, 31, 23, 58), at(2026, 0, 1, 0, 1)), "partial since 31 Dec '25 23:58", 'across a new year');
  });

  it('formats the time as the chart axis shows it (UTC)', () => {
    assert.equal(formatClockUtc(Date.UTC(2026, 10, 29, 14, 5, 59) / 1000), '14:05');
  });
});
