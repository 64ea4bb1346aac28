/** A replayed trade stream's mailbox: releases held while the watcher is busy come as one batch, in order, none changed. */
import * as assert from 'node:assert/strict';
import { appendBatch, ReplayMailbox } from '../../../src/core/replay/replayMailbox';

describe('replay mailbox of trade batches', () => {
  it('what is released while the watcher is busy comes as one batch in release order; the released arrays are left as they were', async () => {
    const box = new ReplayMailbox<number[]>(appendBatch);
    const first = box.take(); // the watcher is now there, waiting
    const releases = [[1, 2], [3], [4, 5, 6]];
    box.put(releases[0]!);
    box.deliver();
    assert.deepEqual(await first, [1, 2]);
    box.put(releases[1]!);
    box.put(releases[2]!);
    box.put([]);
    assert.deepEqual(await box.take(), [3, 4, 5, 6]);
    assert.deepEqual(releases, [[1, 2], [3], [4, 5, 6]], 'no release array appended to');
  });

  it('holds ten thousand releases as one batch of all their items', async () => {
    const box = new ReplayMailbox<number[]>(appendBatch);
    const first = box.take();
    box.put([0]);
    box.deliver();
    await first;
    for (let i = 1; i <= 10_000; i++) box.put([i, -i]);
    const held = await box.take();
    assert.equal(held.length, 20_000);
    assert.deepEqual([held[0], held[1], held.at(-2), held.at(-1)], [1, -1, 10_000, -10_000]);
  });
});
