/** The aggregate's one state from its legs', and a leg's catching up after a reconnect (LegCatchUp). */
import * as assert from 'node:assert/strict';
import { aggregateState, LegCatchUp } from '../../../src/core/aggregate/aggregateState';
import type { LegCoverage } from '../../../src/core/aggregate/aggregateSeries';
import type { StreamState } from '../../../src/core/types';

const A = { exchange: 'binance', symbol: 'BTC/USDT' };
const B = { exchange: 'okx', symbol: 'BTC/USDT:USDT' };
const live: StreamState = { status: 'live', since: 5 };
const down: StreamState = { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 };
const whole: LegCoverage = { holes: [], coveredUntil: 10 };
const filling: LegCoverage = { holes: [{ from: 10, until: 20, settled: false }], coveredUntil: undefined };
const leftPartial: LegCoverage = { holes: [{ from: 10, until: 20, settled: true }], coveredUntil: 30 };

describe('aggregateState', () => {
  it('is live catching up while every leg is live and some leg catches up; degraded while a leg is down', () => {
    assert.deepEqual(aggregateState([{ market: A, state: live }, { market: B, state: { ...live, since: 7, catchingUp: true } }]), { status: 'live', since: 7, catchingUp: true });
    assert.deepEqual(aggregateState([{ market: A, state: live }, { market: B, state: live }]), { status: 'live', since: 5 });
    assert.equal(aggregateState([{ market: A, state: { ...live, catchingUp: true } }, { market: B, state: down }]).status, 'degraded');
  });

  it('degraded: the reason names each leg not live, the brief (a badge) counts them by state', () => {
    const C = { exchange: 'coinbase', symbol: 'BTC/USD' };
    assert.deepEqual(aggregateState([{ market: A, state: live }, { market: B, state: down }]), { status: 'degraded', reason: 'okx BTC/USDT:USDT reconnecting (1)', brief: '1 leg reconnecting' });
    assert.deepEqual(aggregateState([{ market: A, state: down }, { market: B, state: down }, { market: C, state: { status: 'failed', reason: 'gone' } }]), {
      status: 'degraded',
      reason: 'binance BTC/USDT reconnecting (1), okx BTC/USDT:USDT reconnecting (1), coinbase BTC/USD failed: gone',
      brief: '2 legs reconnecting, 1 failed',
    });
  });
});

describe('LegCatchUp', () => {
  it('a leg live again after a reconnect catches up until no hole waits for a fill (filled, or left partial)', () => {
    const leg = new LegCatchUp();
    assert.deepEqual(leg.shown(live, filling), live, 'the first hole, from the start, is not a catch-up');
    assert.deepEqual(leg.shown(down, filling), down);
    assert.deepEqual(leg.shown(live, filling), { ...live, catchingUp: true });
    assert.deepEqual(leg.shown(live, whole), live, 'filled');
    leg.shown(down, whole);
    assert.deepEqual(leg.shown(live, filling), { ...live, catchingUp: true });
    assert.deepEqual(leg.shown(live, leftPartial), live, 'left partial for good: its bars say so');
  });

  it('a drop before the leg was ever live is a fresh start, not a catch-up', () => {
    const leg = new LegCatchUp();
    leg.shown({ status: 'connecting' }, filling);
    leg.shown(down, filling);
    assert.deepEqual(leg.shown(live, filling), live);
  });
});
