import * as assert from 'node:assert/strict';
import { stickyScale } from '../../../src/webviews/shared/scale';

describe('webviews/stickyScale', () => {
  it('grows at once with headroom, holds while the max wobbles, shrinks only on a big drop', () => {
    const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
    let s = stickyScale(0, 100);
    assert.ok(near(s, 115));
    const first = s;
    for (const max of [90, 110, 70, 112]) {
      s = stickyScale(s, max);
      assert.equal(s, first, `max ${max} keeps the scale`);
    }
    s = stickyScale(s, 120);
    assert.ok(near(s, 138));
    s = stickyScale(s, 138 * 0.59);
    assert.ok(Math.abs(s - 138 * 0.59 * 1.15) < 1e-9);
  });

  it('never returns a non-positive scale', () => {
    assert.equal(stickyScale(0, 0), 1);
    assert.equal(stickyScale(50, 0), 50);
    assert.equal(stickyScale(Number.NaN, Number.NaN), 1);
  });
});
