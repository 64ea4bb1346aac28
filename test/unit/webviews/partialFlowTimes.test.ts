/** An aggregate chart's flow panes: which bars to hatch (their candle partial: a leg's trades may be missing). */
import * as assert from 'node:assert/strict';
import { PartialFlowTimes } from '../../../src/webviews/chart/partialFlowTimes';
import type { CandleWire } from '../../../src/shared/protocol';

const candle = (time: number, partial = false): CandleWire => (partial ? [time, 1, 1, 1, 1, 1, true] : [time, 1, 1, 1, 1, 1]);

describe('webviews/chart PartialFlowTimes (the hatching over an aggregate’s delta and CVD panes)', () => {
  it('holds the partial candles’ times as they come and go; those with no flow (history, before the first point) are not hatched', () => {
    const p = new PartialFlowTimes();
    assert.equal(p.apply([candle(1_000, true), candle(2_000), candle(3_000, true)], true), true);
    assert.deepEqual(p.from(2_000), [3_000], 'a partial bar of the history (no taker split) is not hatched');
    assert.deepEqual(p.from(0), [1_000, 3_000]);
    // A leg down: the bars that start meanwhile come partial; a change that leaves the set as it was says so.
    assert.equal(p.apply([candle(4_000, true), candle(5_000, true)], false), true);
    assert.equal(p.apply([candle(5_000, true)], false), false, 'nothing changed');
    assert.deepEqual(p.from(2_000), [3_000, 4_000, 5_000]);
    // Back and filled: whole again.
    assert.equal(p.apply([candle(3_000), candle(4_000), candle(5_000)], false), true);
    assert.deepEqual(p.from(0), [1_000]);
    assert.equal(p.size, 1);
    // A snapshot replaces them all.
    assert.equal(p.apply([candle(9_000)], true), true);
    assert.deepEqual(p.from(0), []);
    assert.equal(p.apply([], true), false, 'already empty');
  });
});
