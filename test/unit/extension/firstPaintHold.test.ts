import * as assert from 'node:assert/strict';
import { FirstPaintHold } from '../../../src/extension/panels/firstPaintHold';
import { trackTimers } from '../../helpers/timerTracker';

describe('FirstPaintHold: a chart feed waits for its page to paint, bounded', () => {
  it('ends when released, and its deadline timer goes with it', async () => {
    const timers = trackTimers();
    try {
      const ends: string[] = [];
      const hold = new FirstPaintHold(60_000, (by) => ends.push(by));
      assert.equal(timers.pending(), 1);
      let ended = false;
      void hold.ended.then(() => (ended = true));
      await Promise.resolve();
      assert.equal(ended, false, 'not before the release');
      hold.release('painted');
      await hold.ended;
      assert.equal(timers.pending(), 0, 'no timer outlives the release');
      hold.release('closed'); // the panel closed after the paint: the first end is the one reported
      assert.deepEqual(ends, ['painted']);
    } finally {
      timers.restore();
    }
  });

  it('ends by itself at its deadline when nothing releases it', async () => {
    const timers = trackTimers();
    try {
      let by: string | undefined;
      const hold = new FirstPaintHold(5, (b) => (by = b));
      await hold.ended;
      assert.equal(by, 'deadline');
      assert.equal(timers.pending(), 0);
    } finally {
      timers.restore();
    }
  });
});
