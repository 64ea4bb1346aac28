/** The request budget of one exchange: turns at least `spacingMs` apart, first come first served, an aborted wait gives its turn away, and no timer is left once nobody waits. */
import * as assert from 'node:assert/strict';
import { RequestBudget } from '../../../src/core/derivatives/requestBudget';
import { trackTimers } from '../../helpers/timerTracker';

describe('RequestBudget', () => {
  it('grants turns in arrival order, each at least the spacing after the one before', async () => {
    const grants: Array<[number, number]> = [];
    const budget = new RequestBudget('x', 25);
    // The budget's own grant times: a waiter's callback may run late on a loaded machine (a CI run saw 17 ms between
    // two callbacks whose turns were 25 ms apart). Read before any other turn can be granted (that needs a timer).
    await Promise.all([0, 1, 2, 3, 4].map((i) => budget.take().then(() => grants.push([i, budget.lastGrantAt]))));
    assert.deepEqual(grants.map(([i]) => i), [0, 1, 2, 3, 4]);
    for (let i = 1; i < grants.length; i++) {
      const gap = (grants[i]?.[1] ?? 0) - (grants[i - 1]?.[1] ?? 0);
      assert.ok(gap >= 25, `turn ${i} came ${gap} ms after the one before`);
    }
    assert.equal(budget.granted, 5);
  });

  it('the first turn of an idle budget is immediate; the spacing counts from the last turn', async () => {
    let now = 1000;
    const budget = new RequestBudget('x', 100, () => now);
    await budget.take();
    now = 1200; // longer than the spacing since the last turn
    let granted = false;
    const second = budget.take().then(() => (granted = true));
    await Promise.resolve();
    assert.ok(granted, 'granted without waiting');
    await second;
  });

  it("grants no turn while the exchange has asked for quiet (a rate limit's reset)", async () => {
    const until = Date.now() + 60;
    const budget = new RequestBudget('x', 1, Date.now, () => until);
    await budget.take();
    assert.ok(Date.now() >= until, 'granted during the pause');
  });

  it('an aborted wait leaves the queue with its reason, the next waiter gets the turn, and no timer outlives the last waiter', async () => {
    const timers = trackTimers();
    try {
      const budget = new RequestBudget('x', 50);
      await budget.take(); // the next turn is 50 ms away: the others wait on a timer
      const a = new AbortController();
      const b = new AbortController();
      const first = budget.take(a.signal);
      const second = budget.take(b.signal);
      assert.equal(budget.waiting, 2);
      assert.ok(budget.scheduled);
      a.abort(new Error('left'));
      await assert.rejects(first, /left/);
      assert.equal(budget.waiting, 1);
      b.abort();
      await assert.rejects(second, { name: 'AbortError' });
      assert.equal(budget.waiting, 0);
      assert.equal(budget.scheduled, false);
      assert.equal(timers.pending(), 0, 'a timer left behind');
      assert.equal(budget.granted, 1);
      await assert.rejects(budget.take(a.signal), /left/, 'an aborted signal is refused at once');
    } finally {
      timers.restore();
    }
  });
});
