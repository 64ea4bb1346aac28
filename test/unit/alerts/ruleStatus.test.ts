/** When a rule's status can next change by time alone (see AlertEngine.upkeep). */
import * as assert from 'node:assert/strict';
import { deriveStatus, describeStatus, needsData, nextStatusChange, sameStatus, type StatusInput } from '../../../src/core/alerts/ruleStatus';
import { freshState } from '../../../src/core/alerts/ruleState';
import { mkRule } from './helpers';

const rule = mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 100 }], expires: 50_000 });
const ready = { ready: true, warmupDetail: () => '' };

function input(over: Partial<StatusInput>): StatusInput {
  return { rule, state: freshState('f', 0), trouble: undefined, progress: ready, lastDataTime: undefined, now: 1000, ...over };
}

describe('nextStatusChange', () => {
  it('is the end of a cooldown, then the expiry, then never', () => {
    const state = { ...freshState('f', 0), cooldownUntil: 20_000 };
    const cooling = input({ state, lastDataTime: 10_000 });
    assert.equal(deriveStatus(cooling).kind, 'cooling');
    assert.equal(nextStatusChange(cooling), 20_000, 'the end of the cooldown comes before the expiry');
    const after = input({ state, lastDataTime: 20_000 });
    assert.equal(deriveStatus(after).kind, 'armed');
    assert.equal(nextStatusChange(after), 50_000, 'then the expiry');
    const expired = input({ state, lastDataTime: 50_000 });
    assert.equal(deriveStatus(expired).kind, 'expired');
    assert.equal(nextStatusChange(expired), Infinity);
  });

  it('a snooze ends in wall-clock time: data ahead of the clock does not make its end pass', () => {
    const state = { ...freshState('f', 0), snoozedUntil: 5_000 };
    const snoozed = input({ state, now: 1000, lastDataTime: 8_000 });
    assert.equal(deriveStatus(snoozed).kind, 'snoozed', 'the wall clock is still before the snooze end');
    assert.equal(nextStatusChange(snoozed), 5_000, 'already ≤ the data time: re-derived until the wall clock passes it');
    const later = input({ state, now: 5_000, lastDataTime: 8_000 });
    assert.equal(deriveStatus(later).kind, 'armed');
    assert.equal(nextStatusChange(later), 50_000);
  });
});

describe('rule status: the named states of its data', () => {
  it('retrying and failed override the rule\'s own state; degraded shows once nothing of the rule\'s own says more', () => {
    const retrying = { kind: 'retrying', attempt: 2, reason: 'reconnecting: socket closed', at: 61_000 } as const;
    assert.deepEqual(deriveStatus(input({ trouble: retrying })), retrying);
    assert.equal(describeStatus(retrying), 'retrying (2) at 1970-01-01T00:01:01Z: reconnecting: socket closed');
    const failed = { kind: 'failed', reason: 'history unavailable (HTTP 503) (gave up after 8 attempts)' } as const;
    assert.equal(describeStatus(deriveStatus(input({ trouble: failed }))), 'failed: history unavailable (HTTP 503) (gave up after 8 attempts)');
    const degraded = { kind: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 2_000 } as const;
    assert.equal(describeStatus(deriveStatus(input({ trouble: degraded }))), 'degraded: history unavailable (HTTP 503), retry at 1970-01-01T00:00:02Z');
    const cooling = input({ trouble: degraded, state: { ...freshState('f', 0), cooldownUntil: 20_000 }, lastDataTime: 10_000 });
    assert.equal(deriveStatus(cooling).kind, 'cooling', 'a cooling rule still says so while degraded');
    assert.ok(needsData(degraded) && needsData(retrying) && needsData(failed), 'a rule in trouble keeps its subscription, to recover');
  });

  it('catching up (live again, the missed bars still being fetched) overrides armed and the rule\'s own state, as retrying does', () => {
    const catchingUp = { kind: 'catching_up', reason: 'fetching the bars missed while reconnecting' } as const;
    assert.deepEqual(deriveStatus(input({ trouble: catchingUp })), catchingUp);
    assert.deepEqual(deriveStatus(input({ trouble: catchingUp, state: { ...freshState('f', 0), cooldownUntil: 20_000 }, lastDataTime: 10_000 })), catchingUp);
    assert.equal(describeStatus(catchingUp), 'catching up: fetching the bars missed while reconnecting');
    assert.ok(needsData(catchingUp));
    assert.ok(sameStatus(catchingUp, { ...catchingUp }) && !sameStatus(catchingUp, { kind: 'armed' }));
  });
});
