/**
 * One hub subscription shared by every rule that needs it. Member rules computing the same series share one
 * evaluator (an EvaluatorGroup per evaluatorKey); data goes to each group, then the engine is told which rules may
 * have changed status. Subclasses handle their event kinds.
 */
import type { Subscription } from '../../hub/requests';
import type { StreamState } from '../../types';
import type { Clock } from '../../util/clock';
import { errorMessage, userMessage, type Logger } from '../../util/log';
import { createEvaluator } from '../eval/createEvaluator';
import { EvaluatorGroup } from '../eval/evaluatorGroup';
import { isCloseOnly } from '../eval/evaluatorKey';
import type { RuleRunner } from '../eval/ruleRunner';
import type { AlertHub } from '../alertHub';
import type { FeedTrouble } from '../ruleStatus';
import { assertNever } from '../../util/assertNever';
import { describeFeed, type FeedSpec } from './feedSpec';

/** A rule attached to a feed. */
export interface FeedMember {
  readonly runner: RuleRunner;
  /** Rules with equal keys share an evaluator (see evaluatorKey). */
  readonly evaluatorKey: string;
  /** The group it reads while attached (set by the feed). */
  group: EvaluatorGroup | undefined;
}

export interface FeedContext {
  readonly hub: AlertHub;
  readonly clock: Clock;
  readonly log: Logger;
  /** The feed's rules may have changed status (after a batch, an error, a state change). */
  onChange(feed: Feed): void;
}

/** One object: the engine compares troubles by identity (see StatusUpkeep). */
const CATCHING_UP: FeedTrouble = { kind: 'catching_up', reason: 'fetching the bars missed while reconnecting' };

export abstract class Feed {
  protected readonly members = new Set<FeedMember>();
  private readonly groups = new Map<string, EvaluatorGroup>();
  /** The groups, as an array for the per-batch loops (replaced, not mutated, on a change). */
  private groupList: readonly EvaluatorGroup[] = [];
  private readonly groupMembers = new Map<EvaluatorGroup, readonly FeedMember[]>();
  protected subscription: Subscription | undefined;
  /** The subscription was refused (unknown exchange or symbol, an aggregate not defined yet …); cleared should it come to life. */
  private fatal: FeedTrouble | undefined;
  /** The subscription's named state when not fine (kept as one object per change: the engine compares identities). */
  private streamTrouble: FeedTrouble | undefined;
  /** An error event; cleared by the next data. */
  protected dataError: FeedTrouble | undefined;
  private wasLive = false;
  private disposed = false;

  constructor(
    readonly spec: FeedSpec,
    protected readonly ctx: FeedContext,
  ) {}

  /** Catching up, retrying, degraded or failed, when the rules' data is not simply flowing. */
  get trouble(): FeedTrouble | undefined {
    return this.fatal ?? this.streamTrouble ?? this.dataError;
  }

  get size(): number {
    return this.members.size;
  }

  get description(): string {
    return describeFeed(this.spec);
  }

  get rules(): ReadonlySet<FeedMember> {
    return this.members;
  }

  /** The groups whose evaluator is not ready (warming up); O(groups). */
  unreadyGroups(): EvaluatorGroup[] {
    const out: EvaluatorGroup[] = [];
    const groups = this.groupList;
    for (let i = 0; i < groups.length; i++) if (!groups[i]!.ready) out.push(groups[i]!);
    return out;
  }

  /** The rules reading `group`. */
  membersOf(group: EvaluatorGroup): readonly FeedMember[] {
    return this.groupMembers.get(group) ?? [];
  }

  /** Market time of the newest reading any group produced; O(groups). */
  get lastReadingTime(): number {
    let t = -Infinity;
    const groups = this.groupList;
    for (let i = 0; i < groups.length; i++) t = Math.max(t, groups[i]!.lastReadingTime);
    return t;
  }

  /** Attaches the rule to the group of its series, creating the group (with a fresh evaluator) if it is the first. */
  add(member: FeedMember): void {
    if (this.members.has(member)) return;
    this.members.add(member);
    const rule = member.runner.rule;
    let group = this.groups.get(member.evaluatorKey);
    const created = group === undefined;
    if (!group) {
      group = new EvaluatorGroup(createEvaluator(rule, this.ctx.clock), isCloseOnly(rule), (runner, err) => this.ruleThrew(runner.rule.id, err));
      this.groups.set(member.evaluatorKey, group);
      this.groupList = [...this.groupList, group];
    }
    group.add(member.runner);
    member.group = group;
    this.groupMembers.set(group, [...(this.groupMembers.get(group) ?? []), member]);
    this.joined(group, created);
  }

  remove(member: FeedMember): void {
    if (!this.members.delete(member)) return;
    const group = member.group;
    member.group = undefined;
    if (!group) return;
    group.remove(member.runner);
    this.groupMembers.set(group, (this.groupMembers.get(group) ?? []).filter((m) => m !== member));
    if (group.size > 0) return;
    this.groupMembers.delete(group);
    this.groups.delete(member.evaluatorKey);
    this.groupList = this.groupList.filter((g) => g !== group);
    this.emptied(group);
  }

  /** A rule joined `group` (`created`: as its first member). */
  protected joined(_group: EvaluatorGroup, _created: boolean): void {}

  /** The last rule left `group`; it is gone. */
  protected emptied(_group: EvaluatorGroup): void {}

  start(): void {
    const sub = this.subscribe();
    this.subscription = sub;
    sub.ready.catch((err: unknown) => {
      if (this.disposed) return;
      this.fatal = { kind: 'failed', reason: userMessage(err) };
      this.ctx.log.warn(`${this.description}: ${this.fatal.reason}`);
      this.changed();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.subscription?.dispose();
    this.subscription = undefined;
    for (const m of this.members) m.group = undefined;
    this.members.clear();
    this.groups.clear();
    this.groupList = [];
    this.groupMembers.clear();
  }

  protected abstract subscribe(): Subscription;

  /**
   * The subscription's named state becomes the rules' (catching up, retrying, degraded, failed); a gap after being live is
   * reported to the rules (see EvaluatorGroup.gap).
   */
  protected onState(state: StreamState): void {
    // A refused subscription that reports a state other than failed came to life after all (an aggregate defined
    // after the rule that names it): its own states are the rules' from now on.
    if (this.fatal !== undefined && state.status !== 'failed' && state.status !== 'stopped') this.fatal = undefined;
    switch (state.status) {
      case 'live':
        this.wasLive = true;
        this.streamTrouble = state.catchingUp ? this.catchingUp() : undefined;
        break;
      case 'reconnecting':
        if (this.wasLive) {
          this.wasLive = false;
          this.onGap();
        }
        this.streamTrouble = { kind: 'retrying', attempt: state.attempt, reason: `reconnecting: ${state.reason}`, at: this.ctx.clock.now() + state.retryInMs };
        break;
      case 'retrying':
        this.streamTrouble = { kind: 'retrying', attempt: state.attempt, reason: state.reason, at: state.retryAt };
        break;
      case 'degraded':
        this.streamTrouble = { kind: 'degraded', reason: state.reason, ...(state.retryAt !== undefined ? { retryAt: state.retryAt } : {}) };
        break;
      case 'failed':
        this.streamTrouble = { kind: 'failed', reason: state.reason };
        break;
      case 'connecting':
        this.streamTrouble = undefined;
        break;
      case 'stopped':
        break;
      default:
        assertNever(state);
    }
    this.changed();
  }

  protected onError(message: string): void {
    if (this.subscription === undefined) return;
    this.dataError = { kind: 'failed', reason: message };
    this.ctx.log.warn(`${this.description}: ${message}`);
    this.changed();
  }

  /**
   * Its market went back in time (a replay seeked back): every group starts over with a fresh evaluator, as on a
   * replay opened at the new position, and is built again from the data that follows.
   */
  rewound(): void {
    for (const [group, members] of this.groupMembers) {
      const first = members[0];
      if (first) group.restart(createEvaluator(first.runner.rule, this.ctx.clock));
    }
  }

  /** What its rules read while its stream is live but catching up after a reconnect (one object: compared by identity). */
  protected catchingUp(): FeedTrouble {
    return CATCHING_UP;
  }

  /** Called after a reconnect gap; tick-based feeds reset windowed rule state. */
  protected onGap(): void {}

  protected changed(): void {
    if (!this.disposed) this.ctx.onChange(this);
  }

  protected forEachGroup(f: (g: EvaluatorGroup) => void): void {
    const groups = this.groupList;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      try {
        f(g);
      } catch (err) {
        this.ruleThrew(g.runners.map((r) => r.rule.id).join(', '), err);
      }
    }
  }

  private ruleThrew(ruleIds: string, err: unknown): void {
    this.ctx.log.error(`alert rule ${ruleIds} threw: ${errorMessage(err)}`);
  }
}
