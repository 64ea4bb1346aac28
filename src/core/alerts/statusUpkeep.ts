/**
 * Keeps rule statuses current after each feed batch at O(groups) per batch instead of O(rules): when none of a
 * feed's rules had its state set, the feed's named state (trouble) is the same and no threshold (cooldown end, snooze
 * end, expiry) was reached since the last full pass, only warm-up progress can have changed, so only the rules of
 * groups whose progress changed are refreshed. Otherwise every rule of the feed is.
 */
import type { Clock } from '../util/clock';
import type { EvaluatorGroup } from './eval/evaluatorGroup';
import type { Feed, FeedMember } from './feeds/feed';
import type { FeedTrouble } from './ruleStatus';

/** What the last full pass over a feed saw; dropped when a rule's state is set or a rule joins. */
interface UpkeepMemo {
  readonly trouble: FeedTrouble | undefined;
  readonly from: number;
  /** The earliest status threshold of its rules after `from`. */
  readonly until: number;
  /** Groups warming up, with the warm-up detail their rules' statuses show. */
  readonly unready: Map<EvaluatorGroup, string>;
}

export class StatusUpkeep {
  private readonly memos = new WeakMap<Feed, UpkeepMemo>();

  constructor(
    private readonly clock: Clock,
    /** Re-derives and publishes a member's status; returns when it may next change by time alone. */
    private readonly refresh: (member: FeedMember, now: number) => number,
  ) {}

  /** The feed's next upkeep is a full pass (a rule's state was set, or a rule joined with its own thresholds). */
  invalidate(feed: Feed): void {
    this.memos.delete(feed);
  }

  /** After a feed's batch (or error, or state change): refreshes the statuses that may have changed. */
  afterChange(feed: Feed): void {
    const now = this.clock.now();
    const t = Math.max(now, feed.lastReadingTime);
    const memo = this.memos.get(feed);
    const trouble = feed.trouble;
    if (memo && memo.trouble === trouble && t >= memo.from && t < memo.until) {
      this.refreshProgress(feed, memo.unready, now);
      return;
    }
    let until = Infinity;
    for (const m of feed.rules) until = Math.min(until, this.refresh(m, now));
    const unready = new Map<EvaluatorGroup, string>();
    for (const group of feed.unreadyGroups()) unready.set(group, group.warmupDetail());
    this.memos.set(feed, { trouble, from: t, until, unready });
  }

  /** Refreshes the rules of groups whose progress changed since the last pass: ready now, or a new warm-up detail. */
  private refreshProgress(feed: Feed, unready: Map<EvaluatorGroup, string>, now: number): void {
    const changed: EvaluatorGroup[] = [];
    for (const [group, detail] of unready) {
      if (group.ready) unready.delete(group);
      else {
        const d = group.warmupDetail();
        if (d === detail) continue;
        unready.set(group, d);
      }
      changed.push(group);
    }
    for (const group of feed.unreadyGroups()) {
      if (unready.has(group)) continue;
      unready.set(group, group.warmupDetail());
      changed.push(group);
    }
    for (const group of changed) for (const m of feed.membersOf(group)) this.refresh(m, now);
  }
}
