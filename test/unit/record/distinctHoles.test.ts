/** distinctHoles: the holes a reader gives (replay, the Recordings node), apart within each kind whatever was stored. */
import * as assert from 'node:assert/strict';
import { distinctHoles } from '../../../src/core/record/storedHoles';
import type { HoleKind, RecordingHole } from '../../../src/core/record/recordTypes';

const h = (from: number, until: number, reason: string, kind: HoleKind = 'trades'): RecordingHole => ({ kind, from, until, reason });
const spans = (holes: readonly RecordingHole[]) => holes.map((x) => [x.from, x.until, x.reason, x.kind]);

describe('distinctHoles', () => {
  it('holes of one kind and other reasons that overlap (as a recording made before they were clipped stored them) read apart: the first to start keeps the span', () => {
    const got = distinctHoles([h(50, 150, 'dropped'), h(0, 100, 'reconnect'), h(120, 130, 'held'), h(140, 200, 'reconnect')]);
    assert.deepEqual(spans(got), [
      [0, 100, 'reconnect', 'trades'],
      [100, 150, 'dropped', 'trades'],
      [150, 200, 'reconnect', 'trades'],
    ]);
    const covered = got.reduce((sum, x) => sum + (x.until - x.from), 0);
    assert.equal(covered, 200, 'no span counted twice');
  });

  it('one kind and reason overlapping or touching is one hole; other kinds are apart from trades', () => {
    assert.deepEqual(spans(distinctHoles([h(10, 20, 'r'), h(15, 30, 'r'), h(30, 35, 'r'), h(12, 40, 'r', 'book'), h(0, 5, 'x', 'book')])), [
      [0, 5, 'x', 'book'],
      [10, 35, 'r', 'trades'],
      [12, 40, 'r', 'book'],
    ]);
  });
});
