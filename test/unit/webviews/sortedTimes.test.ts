import * as assert from 'node:assert/strict';
import { SortedTimes } from '../../../src/webviews/chart/sortedTimes';

describe('webviews/chart SortedTimes (which bars have a liquidation, for the lanes’ labels)', () => {
  it('answers whether a time lies in a range, as times come, go and repeat', () => {
    const t = new SortedTimes();
    assert.equal(t.anyBetween(-Infinity, Infinity), false, 'empty');
    for (const time of [300, 100, 200, 200]) t.add(time);
    assert.equal(t.size, 3, 'a time once');
    assert.equal(t.anyBetween(101, 199), false, 'between two');
    assert.equal(t.anyBetween(100, 100), true, 'a range of one time, inclusive');
    assert.equal(t.anyBetween(250, 1_000), true);
    assert.equal(t.anyBetween(301, 1_000), false, 'after the newest');
    assert.equal(t.anyBetween(0, 99), false, 'before the oldest');
    t.delete(300);
    t.delete(999);
    assert.equal(t.anyBetween(250, 1_000), false, 'removed');
    t.clear();
    assert.equal(t.size, 0);
  });

  it('agrees with a scan over random times and ranges', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const t = new SortedTimes();
    const held = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const time = Math.floor(random() * 500);
      if (random() < 0.7) {
        t.add(time);
        held.add(time);
      } else {
        t.delete(time);
        held.delete(time);
      }
      const from = Math.floor(random() * 500);
      const to = from + Math.floor(random() * 30);
      assert.equal(t.anyBetween(from, to), [...held].some((x) => x >= from && x <= to), `[${from}, ${to}]`);
    }
  });
});
