import * as assert from 'node:assert/strict';
import { compactUntilUncut, type CompactPlan } from '../../../src/webviews/shared/compactSteps';

/**
 * A toolbar of `room` px: each step gives back `saves` px (a note hidden, the badge in a word); cut while the
 * items are wider than the room.
 */
function toolbar(room: number, width: number, saves: readonly number[]): CompactPlan & { readonly taken: ReadonlySet<number>; room: number } {
  const taken = new Set<number>();
  const used = () => width - [...taken].reduce((sum, i) => sum + (saves[i] ?? 0), 0);
  const bar = {
    taken,
    room,
    reset: () => taken.clear(),
    steps: saves.map((_, i) => ({ take: () => void taken.add(i), undo: () => void taken.delete(i) })),
    cut: () => used() > bar.room,
  };
  return bar;
}

describe('a toolbar compacted in whole steps', () => {
  it('takes no step when everything fits', () => {
    const bar = toolbar(500, 480, [60, 120, 40]);
    assert.deepEqual(compactUntilUncut(bar), []);
    assert.equal(bar.taken.size, 0);
  });

  it('takes the steps in order until nothing is cut', () => {
    const bar = toolbar(500, 560, [40, 30, 40]);
    assert.deepEqual(compactUntilUncut(bar), [0, 1], '40 + 30 leaves it 10 px under the room');
    assert.equal(bar.cut(), false);
  });

  it('undoes an earlier step that a later one left room for (the exchange back beside the badge in a word)', () => {
    const bar = toolbar(500, 600, [60, 150, 30]);
    assert.deepEqual(compactUntilUncut(bar), [1], 'the word saves 150: the note hidden first (60) is not needed');
    assert.equal(bar.cut(), false);
  });

  it('keeps every step taken when even the last leaves it cut', () => {
    const bar = toolbar(300, 600, [60, 100, 40]);
    assert.deepEqual(compactUntilUncut(bar), [0, 1, 2]);
    assert.equal(bar.cut(), true, 'the selects and the symbol shorten then');
  });

  it('starts again from none taken: a wider toolbar gives them back', () => {
    const bar = toolbar(300, 600, [60, 100, 40]);
    compactUntilUncut(bar);
    bar.room = 560;
    assert.deepEqual(compactUntilUncut(bar), [0]);
    assert.deepEqual([...bar.taken], [0]);
  });
});
