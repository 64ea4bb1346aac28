/** CandleSubscriptionState: the named state of a candles subscription, its stream's overlaid with its history's health. */
import * as assert from 'node:assert/strict';
import type { FactoryEvent } from '../../src/core/candles/candleFactory';
import { CandleSubscriptionState } from '../../src/core/hub/candleSubscriptionState';
import type { StreamState } from '../../src/core/types';

const live: StreamState = { status: 'live', since: 1 };
const reconnecting: StreamState = { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 50 };
const done: FactoryEvent = { type: 'backfill', timeframe: '1m', outcome: 'done' };
const catchingUp: FactoryEvent = { type: 'catching up', timeframe: '1m' };
const caughtUp: FactoryEvent = { type: 'caught up', timeframe: '1m' };
const failed: FactoryEvent = { type: 'backfill', timeframe: '1m', outcome: 'failed', message: 'HTTP 503 Service unavailable', reason: 'history unavailable (HTTP 503)', attempt: 1, retryInMs: 2_000 };

/** Every state shown, in order, after the steps (`joinedCatchingUp`: joined while the series' gap was being backfilled). */
function shown(steps: ReadonlyArray<StreamState | FactoryEvent>, joinedCatchingUp = false): StreamState[] {
  const s = new CandleSubscriptionState(() => 1_000);
  if (joinedCatchingUp) s.joinedCatchingUp();
  const out: StreamState[] = [];
  for (const step of steps) {
    const next = 'status' in step ? s.onStream(step) : s.onFactory(step);
    if (next) out.push(next);
  }
  return out;
}

describe('CandleSubscriptionState', () => {
  it('after a reconnect: live and catching up until the gap backfill is done, then live', () => {
    assert.deepEqual(shown([{ status: 'connecting' }, live, done, reconnecting, live, done]), [{ status: 'connecting' }, live, reconnecting, { ...live, catchingUp: true }, live]);
  });

  it('a backfill failing while catching up reads degraded, then live once it is done', () => {
    assert.deepEqual(shown([live, reconnecting, live, failed, done]), [live, reconnecting, { ...live, catchingUp: true }, { status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 3_000 }, live]);
  });

  it('a backfill from before the drop ending while reconnecting does not end the catching up; the first start is not catching up', () => {
    assert.deepEqual(shown([live, reconnecting, done, live, done]), [live, reconnecting, { ...live, catchingUp: true }, live]);
    assert.deepEqual(shown([{ status: 'connecting' }, reconnecting, live]), [{ status: 'connecting' }, reconnecting, live], 'never live before: no gap to fetch');
  });

  it('a backfill from before the drop failing, then done, while reconnecting still leaves the gap to catch up (alertSeams seed 12)', () => {
    assert.deepEqual(shown([live, reconnecting, failed, done, live, done]), [live, reconnecting, { ...live, catchingUp: true }, live]);
  });

  it('joined while the series is catching up: live and catching up until the backfill is done, also when it joined while reconnecting', () => {
    assert.deepEqual(shown([live, done], true), [{ ...live, catchingUp: true }, live]);
    assert.deepEqual(shown([reconnecting, done, live, done], true), [reconnecting, { ...live, catchingUp: true }, live]);
    assert.deepEqual(shown([live, failed, done], true), [{ ...live, catchingUp: true }, { status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 3_000 }, live]);
  });

  it("the factory's own REST work (the first seam's check): catching up from its event until caught up or its backfill's outcome", () => {
    assert.deepEqual(shown([{ status: 'connecting' }, catchingUp, live, caughtUp]), [{ status: 'connecting' }, { ...live, catchingUp: true }, live], 'told before the stream reads live');
    assert.deepEqual(shown([live, catchingUp, done]), [live, { ...live, catchingUp: true }, live], 'its backfill done');
    assert.deepEqual(shown([live, catchingUp, failed]), [live, { ...live, catchingUp: true }, { status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 3_000 }]);
    assert.deepEqual(shown([live, catchingUp, reconnecting, caughtUp, live, done]), [live, { ...live, catchingUp: true }, reconnecting, { ...live, catchingUp: true }, live], 'a check settling while reconnecting leaves the gap to catch up');
    assert.deepEqual(shown([live, caughtUp]), [live], 'caught up without catching up changes nothing');
  });

  it("a seed's done that the first seam's check holds reads catching up at once, from degraded too, until caught up", () => {
    const heldDone: FactoryEvent = { type: 'backfill', timeframe: '1m', outcome: 'done', catchingUp: true };
    assert.deepEqual(shown([live, failed, heldDone, catchingUp, caughtUp]), [live, { status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 3_000 }, { ...live, catchingUp: true }, live]);
    assert.deepEqual(shown([live, heldDone, catchingUp, done]), [live, { ...live, catchingUp: true }, live], "the check's backfill done");
  });
});
