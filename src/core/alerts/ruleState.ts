/** What the engine remembers about a rule between fires and across restarts (persisted by AlertStateStore). */
import type { AlertRule } from './rules';

export interface RuleState {
  /** The rule definition this state belongs to (see ruleFingerprint); another one means the rule was edited. */
  readonly fingerprint: string;
  readonly fireCount: number;
  /** Market time of the last fire. */
  readonly lastFiredAt?: number;
  /** Bar (open time, in the rule's timeframe) of the last fire, for once_per_bar. */
  readonly lastFiredBar?: number;
  readonly lastValue?: number;
  /** Market time until which the rule does not fire. */
  readonly cooldownUntil?: number;
  /** Market times of the latest fires within the auto-pause window. */
  readonly recentFires: readonly number[];
  /** Auto-paused (or paused by the user); cleared by re-arming, enabling or editing the rule. */
  readonly paused?: { readonly reason: string; readonly at: number };
  /** A `once` rule that has fired. */
  readonly onceDone?: boolean;
  /** Wall-clock time until which fires are suppressed (the user's "Snooze"). */
  readonly snoozedUntil?: number;
  /** setEnabled() from the UI; it applies while the config's `enabled` is still what it was when it was set. */
  readonly enabledOverride?: { readonly enabled: boolean; readonly configEnabled: boolean };
  /** Wall-clock time of the last change or of the last load with this rule configured (old entries are pruned). */
  readonly touchedAt: number;
}

export function freshState(fingerprint: string, now: number): RuleState {
  return { fingerprint, fireCount: 0, recentFires: [], touchedAt: now };
}

/** The rule was edited (or re-armed): everything that suppresses fires is cleared; statistics are kept. */
export function rearmState(state: RuleState | undefined, fingerprint: string, now: number): RuleState {
  return {
    ...freshState(fingerprint, now),
    fireCount: state?.fireCount ?? 0,
    ...(state?.lastFiredAt !== undefined ? { lastFiredAt: state.lastFiredAt } : {}),
    ...(state?.lastValue !== undefined ? { lastValue: state.lastValue } : {}),
  };
}

export function isEnabled(rule: AlertRule, state: RuleState | undefined): boolean {
  const o = state?.enabledOverride;
  return o !== undefined && o.configEnabled === rule.enabled ? o.enabled : rule.enabled;
}
