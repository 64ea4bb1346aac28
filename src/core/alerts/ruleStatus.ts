/** What the Alerts view and the CLI show per rule. */
import { assertNever } from '../util/assertNever';
import type { AlertRule, RuleType } from './rules';
import { isEnabled, type RuleState } from './ruleState';

export type RuleStatus =
  | { readonly kind: 'armed' }
  | { readonly kind: 'warming_up'; readonly detail: string }
  | { readonly kind: 'cooling'; readonly until: number }
  | { readonly kind: 'snoozed'; readonly until: number }
  | { readonly kind: 'paused'; readonly reason: string }
  /** A `once` rule that has fired: done until edited or re-armed. */
  | { readonly kind: 'done' }
  | { readonly kind: 'expired'; readonly at: number }
  | { readonly kind: 'disabled' }
  /**
   * Its stream is live again after a reconnect, but the bars it missed meanwhile are still being fetched: the rule
   * reads incomplete bars until they are whole (then `armed`, or `degraded` if the fetch fails).
   */
  | { readonly kind: 'catching_up'; readonly reason: string }
  /** The rule's data is being retried: its stream reconnecting or a request sent again (attempt n, next at `at`). */
  | { readonly kind: 'retrying'; readonly attempt: number; readonly reason: string; readonly at: number }
  /** Data flows but something is missing (history unavailable, REST paused); `retryAt`: the next repair. */
  | { readonly kind: 'degraded'; readonly reason: string; readonly retryAt?: number }
  /** Given up (unknown symbol, a stream that failed, history given up): no alert until it is mended. */
  | { readonly kind: 'failed'; readonly reason: string };

export type RuleStatusKind = RuleStatus['kind'];

/** What a rule's feed can be in besides fine: the named states of its subscription. */
export type FeedTrouble = Extract<RuleStatus, { readonly kind: 'catching_up' | 'retrying' | 'degraded' | 'failed' }>;

export interface RuleStatusEntry {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly ruleType: RuleType;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly status: RuleStatus;
  readonly fireCount: number;
  readonly lastFiredAt?: number;
  readonly lastValue?: number;
}

export interface StatusInput {
  readonly rule: AlertRule;
  readonly state: RuleState | undefined;
  /** The named state of the rule's subscription, when it is not simply fine. */
  readonly trouble: FeedTrouble | undefined;
  /** The rule's evaluator: `warmupDetail()` is called only when not ready (this runs after every data batch). */
  readonly progress: { readonly ready: boolean; warmupDetail(): string };
  /** Market time of the newest data the rule saw. */
  readonly lastDataTime: number | undefined;
  /** Wall-clock time. */
  readonly now: number;
}

export function deriveStatus(i: StatusInput): RuleStatus {
  const { rule, state } = i;
  const t = Math.max(i.now, i.lastDataTime ?? -Infinity);
  if (!isEnabled(rule, state)) return { kind: 'disabled' };
  if (rule.expires !== undefined && t >= rule.expires) return { kind: 'expired', at: rule.expires };
  // Catching-up, retrying and failed rules have no whole data; a degraded one does (live), so its own state may say
  // more (see below).
  if (i.trouble !== undefined && i.trouble.kind !== 'degraded') return i.trouble;
  if (state?.paused) return { kind: 'paused', reason: state.paused.reason };
  if (state?.onceDone) return { kind: 'done' };
  if (state?.snoozedUntil !== undefined && i.now < state.snoozedUntil) return { kind: 'snoozed', until: state.snoozedUntil };
  if (state?.cooldownUntil !== undefined && t < state.cooldownUntil) return { kind: 'cooling', until: state.cooldownUntil };
  if (i.trouble !== undefined) return i.trouble;
  if (!i.progress.ready) return { kind: 'warming_up', detail: i.progress.warmupDetail() };
  return { kind: 'armed' };
}

/**
 * The earliest time at which the status derived from `i` can change with nothing but time passing (expiry, the
 * end of a cooldown or a snooze); Infinity when none. Compare it with max(now, lastDataTime). A snooze ends in
 * wall-clock time, which may lag the data's time, so its end counts until the clock passes it (even when the data's
 * time already has).
 */
export function nextStatusChange(i: StatusInput): number {
  const t = Math.max(i.now, i.lastDataTime ?? -Infinity);
  let next = Infinity;
  for (const threshold of [i.rule.expires, i.state?.cooldownUntil]) {
    if (threshold !== undefined && threshold > t && threshold < next) next = threshold;
  }
  const snooze = i.state?.snoozedUntil;
  if (snooze !== undefined && snooze > i.now) next = Math.min(next, snooze);
  return next;
}

/** Whether a rule in this status needs market data (disabled, expired and done rules hold no subscription). */
export function needsData(status: RuleStatus): boolean {
  switch (status.kind) {
    case 'disabled':
    case 'expired':
    case 'done':
      return false;
    case 'armed':
    case 'warming_up':
    case 'cooling':
    case 'snoozed':
    case 'paused':
    case 'catching_up':
    case 'retrying':
    case 'degraded':
    case 'failed':
      return true;
    default:
      return assertNever(status);
  }
}

/** "armed", "cooling until 12:05:00Z", "paused: fired more than 5 times…" — one line for trees and logs. */
/** A status time as the bot's log writes it: ISO 8601 UTC to the second. */
export const isoSecond = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** `at` formats its times (the Alerts view: the user's local time). */
export function describeStatus(status: RuleStatus, at: (ms: number) => string = isoSecond): string {
  switch (status.kind) {
    case 'armed':
      return 'armed';
    case 'warming_up':
      return `warming up: ${status.detail}`;
    case 'cooling':
      return `cooling until ${at(status.until)}`;
    case 'snoozed':
      return `snoozed until ${at(status.until)}`;
    case 'paused':
      return `paused: ${status.reason}`;
    case 'done':
      return 'done (fired once; edit or re-arm the rule to fire again)';
    case 'expired':
      return `expired at ${at(status.at)}`;
    case 'disabled':
      return 'disabled';
    case 'catching_up':
      return `catching up: ${status.reason}`;
    case 'retrying':
      return `retrying (${status.attempt}) at ${at(status.at)}: ${status.reason}`;
    case 'degraded':
      return `degraded: ${status.reason}${status.retryAt !== undefined ? `, retry at ${at(status.retryAt)}` : ''}`;
    case 'failed':
      return `failed: ${status.reason}`;
    default:
      return assertNever(status);
  }
}

export function sameStatus(a: RuleStatus, b: RuleStatus): boolean {
  switch (a.kind) {
    case 'armed':
    case 'done':
    case 'disabled':
      return b.kind === a.kind;
    case 'warming_up':
      return b.kind === a.kind && b.detail === a.detail;
    case 'cooling':
    case 'snoozed':
      return b.kind === a.kind && b.until === a.until;
    case 'paused':
    case 'catching_up':
      return b.kind === a.kind && b.reason === a.reason;
    case 'expired':
      return b.kind === a.kind && b.at === a.at;
    case 'retrying':
      return b.kind === a.kind && b.attempt === a.attempt && b.reason === a.reason && b.at === a.at;
    case 'degraded':
      return b.kind === a.kind && b.reason === a.reason && b.retryAt === a.retryAt;
    case 'failed':
      return b.kind === a.kind && b.reason === a.reason;
    default:
      return assertNever(a);
  }
}
