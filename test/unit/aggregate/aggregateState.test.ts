/** The aggregate's one state from its legs', a leg's opening (LegOpening) and its catching up after a reconnect (LegCatchUp). */
import * as assert from 'node:assert/strict';
import { aggregateState, FIRST_DATA_WAIT_MS, LegCatchUp, LegOpening } from '../../../src/core/aggregate/aggregateState';
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
  describe('opening', () => {
    const connecting: StreamState = { status: 'connecting' };
    const C = { exchange: 'coinbase', symbol: 'BTC/USD' };

    it('is connecting, not degraded, while the legs that are not live only await their first data: the brief counts them, the reason names them', () => {
      assert.deepEqual(aggregateState([{ market: A, state: live }, { market: B, state: connecting, opening: 'waiting' }]), {
        status: 'connecting',
        reason: 'waiting for the first data of okx BTC/USDT:USDT',
        brief: 'waiting for 1 leg',
      });
      assert.deepEqual(aggregateState([{ market: A, state: connecting, opening: 'waiting' }, { market: B, state: down, opening: 'waiting' }, { market: C, state: live }]), {
        status: 'connecting',
        reason: 'waiting for the first data of binance BTC/USDT, okx BTC/USDT:USDT (reconnecting (1))',
        brief: 'waiting for 2 legs',
      });
    });

    it('is degraded on a failed leg, a leg reconnecting after it was live, or a leg without data past the wait', () => {
      const waiting = { market: B, state: connecting, opening: 'waiting' } as const;
      assert.deepEqual(aggregateState([{ market: A, state: live }, waiting, { market: C, state: { status: 'failed', reason: 'gone' } }]), {
        status: 'degraded',
        reason: 'okx BTC/USDT:USDT waiting for its first data, coinbase BTC/USD failed: gone',
        brief: '1 leg waiting, 1 failed',
      });
      assert.deepEqual(aggregateState([{ market: A, state: live }, waiting, { market: C, state: down }]), {
        status: 'degraded',
        reason: 'okx BTC/USDT:USDT waiting for its first data, coinbase BTC/USD reconnecting (1)',
        brief: '1 leg waiting, 1 reconnecting',
      });
      assert.deepEqual(aggregateState([{ market: A, state: live }, { market: B, state: connecting, opening: 'overdue' }]), {
        status: 'degraded',
        reason: `okx BTC/USDT:USDT no data in ${FIRST_DATA_WAIT_MS / 1000} s (connecting)`,
        brief: '1 leg without data',
      });
    });

    it('with no leg live: connecting while every leg awaits its first data; past the wait, the legs’ own', () => {
      assert.deepEqual(aggregateState([{ market: A, state: connecting, opening: 'waiting' }, { market: B, state: connecting, opening: 'waiting' }]), {
        status: 'connecting',
        reason: 'waiting for the first data of binance BTC/USDT, okx BTC/USDT:USDT',
        brief: 'waiting for 2 legs',
      });
      assert.deepEqual(aggregateState([{ market: A, state: connecting, opening: 'overdue' }, { market: B, state: connecting, opening: 'overdue' }]), connecting);
    });
  });
});

describe('LegOpening', () => {
  it('waits until the leg’s stream is live once; a reconnect after that is not opening again', () => {
    const leg = new LegOpening();
    assert.equal(leg.of({ status: 'connecting' }, false), 'waiting');
    assert.equal(leg.of(down, false), 'waiting', 'a drop before any data is still opening');
    assert.equal(leg.delivered, false);
    assert.equal(leg.of(live, false), undefined);
    assert.equal(leg.delivered, true);
    assert.equal(leg.of(down, true), undefined, 'reconnecting after it was live');
  });

  it('is overdue once the wait is over; a failed or stopped leg is not opening', () => {
    const leg = new LegOpening();
    assert.equal(leg.of({ status: 'connecting' }, true), 'overdue');
    assert.equal(leg.of({ status: 'failed', reason: 'gone' }, false), undefined);
    assert.equal(leg.of({ status: 'stopped' }, true), undefined);
    assert.equal(leg.delivered, false);
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
