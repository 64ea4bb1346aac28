import * as assert from 'node:assert/strict';
import { loadOnceAfterQueuedTimers } from '../../src/core/util/afterQueuedTimers';

describe('loadOnceAfterQueuedTimers', () => {
  it('runs the load after the timers queued before its first call (a message flush goes before a long require)', async () => {
    const order: string[] = [];
    const load = loadOnceAfterQueuedTimers(async () => {
      order.push('load');
      return 42;
    });
    setTimeout(() => order.push('queued timer'), 0);
    const value = await load();
    assert.equal(value, 42);
    assert.deepEqual(order, ['queued timer', 'load']);
  });

  it('loads once for callers at the same time and after', async () => {
    let loads = 0;
    const load = loadOnceAfterQueuedTimers(async () => ++loads);
    assert.deepEqual(await Promise.all([load(), load(), load()]), [1, 1, 1]);
    assert.equal(await load(), 1);
    assert.equal(loads, 1);
  });

  it('a failed load is the answer for every caller (it is not retried behind their backs)', async () => {
    let loads = 0;
    const load = loadOnceAfterQueuedTimers(async () => {
      loads++;
      throw new Error('the bundle did not load');
    });
    await assert.rejects(load(), /the bundle did not load/);
    await assert.rejects(load(), /the bundle did not load/);
    assert.equal(loads, 1);
  });
});
