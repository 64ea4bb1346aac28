import * as assert from 'node:assert/strict';
import { TrailingThrottle } from '../../../src/extension/panels/trailingThrottle';
import { ManualTime } from '../../helpers/manualTime';

describe('TrailingThrottle: a page’s asks answered at most once per interval', () => {
  it('answers the first ask at once, the asks inside the interval once at its end, and none is lost', () => {
    const time = new ManualTime();
    time.now = 1_000;
    let answers = 0;
    const throttle = new TrailingThrottle(() => answers++, 250, () => time.now, time.schedule);
    throttle.ask();
    assert.equal(answers, 1);
    time.advance(100);
    for (let i = 0; i < 10; i++) throttle.ask();
    assert.equal(answers, 1, 'inside the interval: held');
    assert.equal(time.pending, 1, 'one answer scheduled for them all');
    time.advance(149);
    assert.equal(answers, 1);
    time.advance(1);
    assert.equal(answers, 2, 'answered at the end of the interval');
    assert.equal(throttle.merged, 10);
    time.advance(250);
    throttle.ask();
    assert.equal(answers, 3, 'a later ask, past the interval: at once');
  });

  it('disposed, its scheduled answer goes with it', () => {
    const time = new ManualTime();
    let answers = 0;
    const throttle = new TrailingThrottle(() => answers++, 250, () => time.now, time.schedule);
    throttle.ask();
    throttle.ask();
    throttle.dispose();
    assert.equal(time.pending, 0);
    time.advance(1_000);
    assert.equal(answers, 1);
  });
});
