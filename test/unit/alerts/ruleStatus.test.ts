/** The status basis: when re-deriving a rule's status can be skipped (see AlertEngine.upkeep / refresh). */
import * as assert from 'node:assert/strict';
import { deriveStatus, statusBasisHolds, statusBasisOf, type StatusInput } from '../../../src/core/alerts/ruleStatus';
import { freshState } from '../../../src/core/alerts/ruleState';
import { mkRule } from './helpers';

const rule = mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 100 }], expires: 50_000 });
const ready = { ready: true, warmupDetail: () => '' };

function input(over: Partial<StatusInput>): StatusInput {
  return { rule, state: freshState('f', 0), error: undefined, progress: ready, lastDataTime: undefined, now: 1000, ...over };
}

describe('status basis', () => {
  it('holds while nothing a status depends on changed, and fails on each input that can change it', () => {
    const state = { ...freshState('f', 0), cooldownUntil: 20_000 };
    const i = input({ state, lastDataTime: 10_000 });
    assert.equal(deriveStatus(i).kind, 'cooling');
    const basis = statusBasisOf(i);
    assert.deepEqual([basis.from, basis.until], [10_000, 20_000], 'the next threshold is the end of the cooldown, before the expiry');
    assert.equal(statusBasisHolds(basis, undefined, ready, 19_999), true);
    assert.equal(statusBasisHolds(basis, undefined, ready, 20_000), false, 'cooldown over');
    assert.equal(statusBasisHolds(basis, 'stream failed', ready, 15_000), false, 'an error');
    assert.equal(statusBasisHolds(basis, undefined, { ready: false, warmupDetail: () => 'x' }, 15_000), false, 'no longer ready');
    assert.equal(statusBasisHolds(basis, undefined, ready, 9_999), false, 'time went back');
    const after = input({ state, lastDataTime: 20_000 });
    assert.equal(deriveStatus(after).kind, 'armed');
    assert.equal(statusBasisOf(after).until, 50_000, 'then the expiry');
  });

  it('while warming up, holds only for the same progress detail', () => {
    let detail = 'needs 3 bars, has 1';
    const progress = { ready: false, warmupDetail: () => detail };
    const basis = statusBasisOf(input({ progress }));
    assert.equal(statusBasisHolds(basis, undefined, progress, 1000), true);
    detail = 'needs 3 bars, has 2';
    assert.equal(statusBasisHolds(basis, undefined, progress, 1000), false);
  });

  it('a snooze ends in wall-clock time: data ahead of the clock does not let the basis outlive it', () => {
    const state = { ...freshState('f', 0), snoozedUntil: 5_000 };
    const i = input({ state, now: 1000, lastDataTime: 8_000 });
    assert.equal(deriveStatus(i).kind, 'snoozed', 'the wall clock is still before the snooze end');
    const basis = statusBasisOf(i);
    assert.equal(statusBasisHolds(basis, undefined, ready, 8_000), false, 're-derived until the wall clock passes the snooze end');
    const later = input({ state, now: 5_000, lastDataTime: 8_000 });
    assert.equal(deriveStatus(later).kind, 'armed');
    assert.equal(statusBasisHolds(statusBasisOf(later), undefined, ready, 8_000), true);
  });
});
