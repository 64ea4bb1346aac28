import * as assert from 'node:assert/strict';
import type { HeatmapColumnWire } from '../../../src/shared/protocol';
import { ColumnRing, unitScale } from '../../../src/webviews/heatmap/columnRing';
import { FloatRing } from '../../../src/webviews/heatmap/floatRing';
import { gapThresholdMs, TimeGaps } from '../../../src/webviews/heatmap/timeGaps';
import { formatSpan } from '../../../src/webviews/shared/format';

const col = (t: number, mid = 100, levels = 2): HeatmapColumnWire => [
  t,
  Array.from({ length: levels }, (_, k) => [mid - 0.5 - k, t + k]).flat(),
  Array.from({ length: levels }, (_, k) => [mid + 0.5 + k, 2 * t + k]).flat(),
  [mid + 0.5, t, 0],
];
const times = (s: ColumnRing) => Array.from({ length: s.length }, (_, i) => s.time(s.first + i));
/** A column back as the wire tuple, from the ring's accessors. */
const wire = (s: ColumnRing, seq: number): HeatmapColumnWire => {
  const side = (name: 'bid' | 'ask') => Array.from({ length: s.count(seq, name) }, (_, k) => [s.price(seq, name, k), s.size(seq, name, k)]).flat();
  const trades = Array.from({ length: s.tradeCount(seq) }, (_, k) => [s.tradePrice(seq, k), s.tradeBought(seq, k), s.tradeSold(seq, k)]).flat();
  return [s.time(seq), side('bid'), side('ask'), trades];
};

describe('webviews/heatmap column ring', () => {
  it('a float ring adds records at both ends, drops from the front and keeps every record when it grows', () => {
    const r = new FloatRing(2, 2);
    const back = r.pushBack(3);
    for (let i = 0; i < 3; i++) r.set(back + i, 0, 10 + i);
    assert.equal(r.pushFront(2), -2);
    r.set(-2, 0, 8);
    r.set(-1, 0, 9);
    assert.deepEqual([-2, -1, 0, 1, 2].map((i) => r.get(i, 0)), [8, 9, 10, 11, 12]);
    assert.ok(r.room >= 5);
    r.dropBefore(1);
    assert.equal(r.length, 2);
    const more = r.pushBack(6);
    for (let i = 0; i < 6; i++) r.set(more + i, 0, 20 + i);
    assert.deepEqual([1, 2].map((i) => r.get(i, 0)), [11, 12], 'held records survive growth');
    assert.equal(r.offset(more + 5) - r.offset(more), 5 * 2, 'the records of one push are contiguous');
    assert.equal(r.room, 16, 'grown by doubling until the push fits unwrapped after the 2 held, not to every record ever added');
    const front = r.pushFront(7);
    assert.equal(r.offset(front + 6) - r.offset(front), 6 * 2, 'in front too');
    assert.deepEqual([1, 2, more, more + 5].map((i) => r.get(i, 0)), [11, 12, 20, 25], 'nothing held moved');
  });

  it('holds at most maxColumns, the newest; older history fills only the room left; numbers never change while held', () => {
    const s = new ColumnRing();
    s.reset([col(1), col(2), col(3)], 4);
    const seqOf2 = s.first + 1;
    s.append([col(4), col(5)]);
    assert.deepEqual(times(s), [2, 3, 4, 5]);
    assert.equal(s.first, seqOf2, 'the oldest left; the others kept their numbers');
    assert.equal(s.time(seqOf2), 2);
    const epoch = s.epoch;
    s.reset([col(10)], 3);
    assert.equal(s.epoch, epoch + 1);
    assert.ok(s.first > seqOf2 + 2, 'a snapshot numbers on: nothing drawn before can be taken for it');
    s.prepend([col(7), col(8), col(9)]);
    assert.deepEqual(times(s), [8, 9, 10]);
    assert.equal(s.olderUpTo, s.first + 1, 'the newest column added in front');
    s.prepend([col(1)]);
    assert.equal(s.length, 3, 'full: older history is dropped');
    assert.deepEqual(wire(s, s.first), col(8), 'a column added in front reads back whole');
  });

  it('knows where the samples skip time: a gap is named by the column after it, found again after older history arrives, and forgotten with its columns', () => {
    const s = new ColumnRing();
    const sampleMs = 100;
    assert.equal(gapThresholdMs(sampleMs), 1_000, 'five samples, but at least a second: a late timer tick is no gap');
    assert.equal(gapThresholdMs(500), 2_500);
    s.reset([col(0), col(100), col(250), col(1_250), col(1_350)], 6, sampleMs);
    assert.deepEqual(s.gaps.between(s.first, s.last), [], 'a tick 150 ms late and 1,000 ms exactly are not gaps');
    s.append([col(4_350), col(4_450)]);
    const after = s.last - 1;
    assert.deepEqual(s.gaps.between(s.first, s.last), [{ seq: after, ms: 3_000 }], 'three seconds without samples');
    assert.equal(s.gaps.any(after - 1, after), true);
    assert.equal(s.gaps.any(after, s.last), false, 'only between the two columns around it');
    s.reset([col(50_000), col(50_100)], 10, sampleMs);
    assert.equal(s.gaps.count, 0, 'a snapshot forgets the gaps of what it replaced');
    s.prepend([col(20_000), col(20_100), col(40_000)]);
    assert.deepEqual(s.gaps.between(s.first, s.last).map((g) => [g.seq - s.first, g.ms]), [[2, 19_900], [3, 10_000]], 'older history: gaps in it and at the seam with what was held');
    s.append(Array.from({ length: 7 }, (_, i) => col(50_200 + 100 * i)));
    assert.equal(s.length, 10);
    assert.deepEqual(s.gaps.between(s.first, s.last).map((g) => g.ms), [10_000], 'the gap whose older column left is forgotten');
    s.append([col(50_900)]);
    assert.equal(s.gaps.count, 0, 'and so is the one whose column before it left');
  });

  it('drops many gaps from the front in O(1) each and finds the ones between two columns by binary search', () => {
    const g = new TimeGaps();
    for (let seq = 1; seq <= 1_000; seq += 2) g.addNewest({ seq, ms: seq });
    g.dropThrough(600);
    assert.equal(g.count, 200);
    assert.deepEqual(g.between(700, 706).map((x) => x.seq), [701, 703, 705]);
    g.addOldest({ seq: 600, ms: 1 });
    assert.deepEqual(g.between(598, 602).map((x) => x.seq), [600, 601]);
    assert.equal(g.any(601, 602), false);
    g.clear();
    assert.equal(g.count, 0);
  });

  it('labels a gap as a person reads a span of time', () => {
    assert.deepEqual([4_400, 59_400, 90_000, 45 * 60_000, 2 * 3_600_000, 2 * 3_600_000 + 5 * 60_000].map(formatSpan), ['4s', '59s', '2m', '45m', '2h', '2h 5m']);
  });

  it('columns read back exactly (prices, sizes, trades) across wrapping, growth and eviction, at any price magnitude', () => {
    const s = new ColumnRing();
    s.reset([], 50);
    const made: HeatmapColumnWire[] = [];
    for (let t = 0; t < 400; t++) {
      const mid = [65_432.15, 0.000_012_34, 3.1415, 123_456_789.5][t % 4] ?? 1;
      const tick = [0.01, 1e-8, 0.0001, 0.5][t % 4] ?? 1;
      const c: HeatmapColumnWire = [
        t,
        Array.from({ length: 1 + (t % 7) * 15 }, (_, k) => [Number((mid - tick * (k + 1)).toFixed(8)), 0.001 * (k + 1)]).flat(),
        Array.from({ length: 100 }, (_, k) => [Number((mid + tick * (k + 1)).toFixed(8)), 1.5 * (k + 1)]).flat(),
        t % 3 === 0 ? [] : [mid, 0.25, 0.75, Number((mid + tick).toFixed(8)), 0, 2],
      ];
      made.push(c);
      s.append([c]);
    }
    assert.equal(s.length, 50);
    for (let seq = s.first; seq <= s.last; seq++) {
      const want = made[s.time(seq)]!;
      const got = wire(s, seq);
      assert.deepEqual([got[0], got[1].filter((_, i) => i % 2 === 0), got[2].filter((_, i) => i % 2 === 0)], [want[0], want[1].filter((_, i) => i % 2 === 0), want[2].filter((_, i) => i % 2 === 0)], `prices of column ${seq}`);
      got[1].forEach((v, i) => assert.ok(Math.abs(v - want[1][i]!) <= 1e-6 * Math.abs(want[1][i]!), `bid sizes of column ${seq}`));
      assert.deepEqual(got[3], want[3], `trades of column ${seq}`);
    }
  });

  it('a price step that no power of ten makes whole is kept as a close offset, not dropped', () => {
    assert.equal(unitScale(100, [[[100.25, 1, 99.75, 2], 2]]), 100);
    assert.equal(unitScale(1, [[[1 + Math.PI, 1], 2]]), 0);
    const s = new ColumnRing();
    s.reset([[1, [1, 1, 1 - Math.PI, 2], [2, 3], []]], 4);
    assert.ok(Math.abs(s.price(s.first, 'bid', 1) - (1 - Math.PI)) < 1e-6);
  });
});
