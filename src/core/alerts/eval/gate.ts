/**
 * Whether a reading whose condition holds may fire, given the rule's frequency, cooldown, expiry, snooze and
 * auto-pause — and the state after firing. Pure: market time comes from the reading, wall-clock time (for snooze
 * only) from the caller.
 */
import { assertNever } from '../../util/assertNever';
import { formatDuration } from '../duration';
import type { AlertRule } from '../rules';
import { isEnabled, type RuleState } from '../ruleState';
import type { Reading } from './reading';

export type SkipReason = 'disabled' | 'expired' | 'paused' | 'done' | 'snoozed' | 'same_bar' | 'cooldown';

export type GateOutcome =
  | { readonly kind: 'fire'; readonly state: RuleState }
  | { readonly kind: 'pause'; readonly state: RuleState; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: SkipReason };

export function gate(rule: AlertRule, state: RuleState, reading: Reading, wallNow: number): GateOutcome {
  const t = reading.time;
  if (!isEnabled(rule, state)) return skip('disabled');
  if (rule.expires !== undefined && t >= rule.expires) return skip('expired');
  if (state.paused) return skip('paused');
  if (state.onceDone) return skip('done');
  if (state.snoozedUntil !== undefined && wallNow < state.snoozedUntil) return skip('snoozed');
  if (perBar(rule) && state.lastFiredBar === reading.barTime) return skip('same_bar');
  if (state.cooldownUntil !== undefined && t < state.cooldownUntil) return skip('cooldown');
  const limit = rule.autoPause;
  const recent = limit ? state.recentFires.filter((f) => f > t - limit.windowMs) : [];
  if (limit && recent.length >= limit.maxFires) {
    const reason = `fired more than ${limit.maxFires} times within ${formatDuration(limit.windowMs)}: auto-paused (re-enable or edit the rule to resume)`;
    return { kind: 'pause', reason, state: { ...state, paused: { reason, at: t }, recentFires: recent, touchedAt: wallNow } };
  }
  return {
    kind: 'fire',
    state: {
      ...state,
      fireCount: state.fireCount + 1,
      lastFiredAt: t,
      lastFiredBar: reading.barTime,
      lastValue: reading.value,
      ...(rule.cooldownMs > 0 ? { cooldownUntil: t + rule.cooldownMs } : { cooldownUntil: undefined }),
      recentFires: limit ? [...recent, t] : [],
      ...(rule.frequency === 'once' ? { onceDone: true } : {}),
      touchedAt: wallNow,
    },
  };
}

function perBar(rule: AlertRule): boolean {
  switch (rule.frequency) {
    case 'once_per_bar':
    case 'once_per_bar_close':
      return true;
    case 'once':
    case 'every_time':
      return false;
    default:
      return assertNever(rule.frequency);
  }
}

const skip = (reason: SkipReason): GateOutcome => ({ kind: 'skip', reason });
