/** A dropped book's next watch waits for the drop; one drop of a market at a time. */
import * as assert from 'node:assert/strict';
import { BookDrops } from '../../src/core/exchange/bookDrops';

describe('BookDrops', () => {
  it('settles at once with no drop, after the drop under way with one; a second start meanwhile starts nothing', async () => {
    const drops = new BookDrops();
    let answer: () => void = () => assert.fail('no unwatch started');
    let started = 0;
    const unwatch = () =>
      new Promise<void>((resolve) => {
        started++;
        answer = resolve;
      });
    await drops.settled('BTC/USDT');
    drops.start('BTC/USDT', unwatch);
    drops.start('BTC/USDT', unwatch);
    assert.equal(started, 1);
    let settled = false;
    const waiting = drops.settled('BTC/USDT').then(() => (settled = true));
    await drops.settled('ETH/USDT');
    await Promise.resolve();
    assert.equal(settled, false, 'still waiting for the answer to the unsubscribe');
    answer();
    await waiting;
    drops.start('BTC/USDT', unwatch);
    assert.equal(started, 2, 'a drop after the last one ended starts again');
    answer();
    await drops.settled('BTC/USDT');
  });
});
