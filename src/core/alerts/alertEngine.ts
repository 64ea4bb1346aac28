/**
 * The live alert engine. setRules() derives the hub subscriptions the rules need — one candles subscription per
 * (exchange, symbol, timeframe) deep enough for every indicator's warm-up, one trades subscription per market for
 * last-price and CVD rules, one ticker subscription per market for bid/ask and spread rules — and on a config
 * change adds and removes exactly what changed: unchanged rules keep their runtime and state, shared
 * subscriptions stay open. Each data batch is handed to the rules on it (O(1) per trade per rule for trade
 * rules); fires go to onAlert listeners, status changes to onStatus listeners.
 */
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import type { AlertEvent } from './alertEvent';
import type { AlertHub } from './alertHub';
import type { AlertStateStore } from './alertState';
import { RuleRunner } from './eval/ruleRunner';
import type { Feed, FeedMember } from './feeds/feed';
import { FeedPool } from './feeds/feedPool';
import { feedId, feedSpecOf } from './feeds/feedSpec';
import { ruleFingerprint } from './ruleIdentity';
import type { AlertRule } from './rules';
import { freshState, rearmState, type RuleState } from './ruleState';
import { deriveStatus, needsData, nextStatusChange, sameStatus, type RuleStatus, type RuleStatusEntry, type StatusInput } from './ruleStatus';
import type { Evaluator } from './eval/evaluator';
import type { EvaluatorGroup } from './eval/evaluatorGroup';
import { evaluatorKey } from './eval/evaluatorKey';
import { createEvaluator } from './eval/createEvaluator';
import { StatusUpkeep } from './statusUpkeep';
import { StatusWakeup, systemTimers, type ScheduleTimer } from './statusWakeup';

export interface AlertEngineOptions {
  readonly hub: AlertHub;
  /** Loaded state (AlertStateStore.open); the engine updates it, its owner flushes / closes it. */
  readonly state: AlertStateStore;
  readonly clock?: Clock;
  /** Wakes the engine when a status changes by time alone, on a quiet feed too (default: Node's timers). */
  readonly timers?: ScheduleTimer;
  readonly log?: Logger;
  /** The state of a rule no longer configured is forgotten this long after its last change (default 30 days). */
  readonly forgetRemovedAfterMs?: number;
  /**
   * Candle subscriptions ask for at least this many bars (default 500, the hub's default). A candle series is
   * seeded once, for its first consumer: set this to the charts' history setting so that a chart opened later on
   * a market an alert already watches still gets its full history.
   */
  readonly minHistoryBars?: number;
}

const DAY = 86_400_000;

/** One configured rule: its runner, the feed and evaluator group it is attached to, its last published status. */
class RuleRuntime implements FeedMember {
  feed: Feed | undefined;
  group: EvaluatorGroup | undefined;
  status: RuleStatus | undefined;
  /** Removed or replaced by a config reload. */
  retired = false;

  constructor(
    readonly rule: AlertRule,
    readonly fingerprint: string,
    /** The whole rule, `enabled` included: any difference replaces the runtime. */
    readonly identity: string,
    readonly evaluatorKey: string,
    /** An evaluator of the rule's series that never sees data: its input kind, warm-up depth and wording. */
    readonly template: Evaluator,
    readonly runner: RuleRunner,
  ) {}

  /** The evaluator the rule reads: its group's while attached. */
  get evaluator(): Evaluator {
    return this.group?.evaluator ?? this.template;
  }
}

export class AlertEngine implements Disposable {
  private readonly store: AlertStateStore;
  private readonly clock: Clock;
  private readonly log: Logger;
  private runtimes = new Map<string, RuleRuntime>();
  private readonly feeds: FeedPool;
  private readonly upkeep: StatusUpkeep;
  private readonly wakeup: StatusWakeup;
  private readonly alerts = new Emitter<[AlertEvent]>((err) => this.log.error(`an alert listener threw: ${errorMessage(err)}`));
  private readonly statusChanges = new Emitter<[RuleStatusEntry]>((err) => this.log.error(`an alert status listener threw: ${errorMessage(err)}`));
  private readonly forgetAfterMs: number;
  /** Evaluations of runtimes replaced or removed by a reload, so counts per rule id only grow. */
  private readonly retiredEvaluations = new Map<string, number>();
  /** A replay seeked back (see rewound). */
  private readonly rewinds: Disposable | undefined;
  private disposed = false;

  constructor(opts: AlertEngineOptions) {
    this.forgetAfterMs = opts.forgetRemovedAfterMs ?? 30 * DAY;
    this.store = opts.state;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.wakeup = new StatusWakeup(this.clock, opts.timers ?? systemTimers, () => this.refreshAll());
    this.upkeep = new StatusUpkeep(this.clock, (m, now) => (m instanceof RuleRuntime && !m.retired ? this.refresh(m, now) : Infinity));
    const feedContext = {
      hub: opts.hub,
      clock: this.clock,
      log: this.log,
      onChange: (feed: Feed) => {
        if (!this.disposed) this.upkeep.afterChange(feed);
      },
    };
    this.feeds = new FeedPool(feedContext, opts.minHistoryBars ?? 500);
    this.rewinds = opts.hub.onDidRewind?.((exchange) => this.rewound(exchange));
  }

  // ------------------------------------------------------------------ configuration

  /** Applies a (re)loaded configuration; see the class comment. Duplicate ids: the first one wins. */
  setRules(rules: readonly AlertRule[]): void {
    if (this.disposed) throw new Error('AlertEngine.setRules after dispose()');
    const next = new Map<string, AlertRule>();
    for (const rule of rules) {
      if (next.has(rule.id)) this.log.warn(`alert rule id "${rule.id}" appears twice; the second one is ignored`);
      else next.set(rule.id, rule);
    }
    const previous = this.runtimes;
    const current = new Map<string, RuleRuntime>();
    const retired: RuleRuntime[] = [];
    const created: RuleRuntime[] = [];
    for (const rule of next.values()) {
      const existing = previous.get(rule.id);
      if (existing && existing.identity === identityOf(rule)) {
        current.set(rule.id, existing);
        continue;
      }
      if (existing) retired.push(existing);
      const rt = this.createRuntime(rule);
      current.set(rule.id, rt);
      created.push(rt);
    }
    for (const [id, rt] of previous) if (!next.has(id)) retired.push(rt);
    this.runtimes = current;

    // New subscriptions first (sized for all their rules), then releases: a subscription shared by a kept or
    // re-created rule is never closed and reopened.
    const depths = new Map<string, number>();
    for (const rt of created) {
      const ev = rt.template;
      if (ev.input !== 'candles') continue;
      const id = feedId(feedSpecOf(rt.rule));
      depths.set(id, Math.max(depths.get(id) ?? 0, ev.warmupBars));
    }
    const now = this.clock.now();
    for (const rt of created) this.refresh(rt, now, depths);
    for (const rt of retired) {
      rt.retired = true;
      this.retiredEvaluations.set(rt.rule.id, (this.retiredEvaluations.get(rt.rule.id) ?? 0) + rt.runner.evaluations);
      this.detach(rt);
    }
    this.store.prune(new Set(current.keys()), this.clock.now() - this.forgetAfterMs);
    if (created.length > 0 || retired.length > 0) {
      this.log.info(`alert rules: ${current.size} configured (${created.length} new or changed, ${retired.length} removed or replaced), ${this.feeds.size} subscriptions`);
    }
  }

  rules(): AlertRule[] {
    return [...this.runtimes.values()].map((rt) => rt.rule);
  }

  // ------------------------------------------------------------------ listeners and status

  onAlert(listener: (event: AlertEvent) => void): Disposable {
    return this.alerts.event(listener);
  }

  /** Called with a rule's entry whenever its status changes (and once when the rule is added). */
  onStatus(listener: (entry: RuleStatusEntry) => void): Disposable {
    return this.statusChanges.event(listener);
  }

  /**
   * Every configured rule in config order, with its status as of now. A query: it never attaches or releases a
   * subscription (the feeds' upkeep and the user actions do); a status that changed with time alone (a cooldown
   * or snooze that ended) is published to onStatus listeners as it is found.
   */
  statuses(): RuleStatusEntry[] {
    const now = this.clock.now();
    return [...this.runtimes.values()].map((rt) => this.current(rt, now));
  }

  status(ruleId: string): RuleStatusEntry | undefined {
    const rt = this.runtimes.get(ruleId);
    return rt ? this.current(rt, this.clock.now()) : undefined;
  }

  /**
   * Readings compared with each rule's condition so far, by rule id (monotonic: a reloaded or removed rule keeps
   * its count). For metrics; O(rules).
   */
  evaluationCounts(): Map<string, number> {
    const counts = new Map(this.retiredEvaluations);
    for (const rt of this.runtimes.values()) counts.set(rt.rule.id, (counts.get(rt.rule.id) ?? 0) + rt.runner.evaluations);
    return counts;
  }

  // ------------------------------------------------------------------ user actions

  /** Suppresses the rule's fires for `ms` of wall-clock time (0 or less: ends a snooze). */
  snooze(ruleId: string, ms: number): void {
    this.update(ruleId, (s) => ({ ...s, snoozedUntil: ms > 0 ? this.clock.now() + ms : undefined }));
  }

  /** Overrides the config's `enabled` until the config value changes; enabling also resumes an auto-paused rule. */
  setEnabled(ruleId: string, enabled: boolean): void {
    this.update(ruleId, (s, rule) => ({
      ...s,
      enabledOverride: { enabled, configEnabled: rule.enabled },
      ...(enabled ? { paused: undefined, recentFires: [] } : {}),
    }));
  }

  /** Clears once-done, pause and cooldown: the rule fires again at the next match. */
  rearm(ruleId: string): void {
    this.update(ruleId, (s, rule) => ({
      ...rearmState(s, ruleFingerprint(rule), this.clock.now()),
      ...(s.enabledOverride ? { enabledOverride: s.enabledOverride } : {}),
      ...(s.snoozedUntil !== undefined ? { snoozedUntil: s.snoozedUntil } : {}),
    }));
  }

  /** Releases every subscription; the state store stays open (its owner closes it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.wakeup.dispose();
    this.rewinds?.dispose();
    this.feeds.dispose();
    for (const rt of this.runtimes.values()) rt.feed = undefined;
    this.runtimes.clear();
    this.alerts.dispose();
    this.statusChanges.dispose();
  }

  /** Subscriptions held, for diagnostics ("trades binance BTC/USDT", "1m candles binance BTC/USDT"). */
  subscriptions(): string[] {
    return this.feeds.descriptions();
  }

  // ------------------------------------------------------------------ internals

  private createRuntime(rule: AlertRule): RuleRuntime {
    const fingerprint = ruleFingerprint(rule);
    const now = this.clock.now();
    const saved = this.store.get(rule.id);
    // Same definition as saved: keep everything (a restart, or enabled toggled). Edited: re-arm.
    let state = saved && saved.fingerprint === fingerprint ? { ...saved, touchedAt: now } : rearmState(saved, fingerprint, now);
    // The config's `enabled` changed since the user's override: the config wins from now on.
    if (state.enabledOverride && state.enabledOverride.configEnabled !== rule.enabled) state = { ...state, enabledOverride: undefined };
    this.store.set(rule.id, state);
    const template = createEvaluator(rule, this.clock);
    let rt: RuleRuntime | undefined;
    const runner = new RuleRunner(
      rule,
      {
        clock: this.clock,
        getState: () => this.store.get(rule.id) ?? freshState(fingerprint, this.clock.now()),
        setState: (s) => {
          this.store.set(rule.id, s);
          this.stateChanged(rt);
        },
        onFire: (event) => this.emitAlert(event),
        onPause: (reason) => this.log.warn(`alert rule "${rule.name}" ${reason}`),
      },
      template,
    );
    rt = new RuleRuntime(rule, fingerprint, identityOf(rule), evaluatorKey(rule), template, runner);
    return rt;
  }

  private update(ruleId: string, change: (s: RuleState, rule: AlertRule) => RuleState): void {
    const rt = this.runtimes.get(ruleId);
    if (!rt) throw new Error(`no alert rule with id "${ruleId}"`);
    const state = this.store.get(ruleId) ?? freshState(rt.fingerprint, this.clock.now());
    this.store.set(ruleId, { ...change(state, rt.rule), touchedAt: this.clock.now() });
    this.stateChanged(rt);
    this.refresh(rt);
  }

  /** A rule's state was set: its feed's next upkeep is a full pass (see StatusUpkeep). */
  private stateChanged(rt: RuleRuntime | undefined): void {
    if (rt?.feed) this.upkeep.invalidate(rt.feed);
  }

  /**
   * Re-derives the rule's status, attaches / detaches its feed accordingly and publishes a change. A feed created
   * now asks for the history `depths` gives its id (the deepest warm-up of the rules a reload adds to it). Returns
   * when the status may next change by time alone.
   */
  private refresh(rt: RuleRuntime, now = this.clock.now(), depths?: ReadonlyMap<string, number>): number {
    if (this.disposed) return Infinity;
    let input = this.statusInput(rt, now);
    let status = deriveStatus(input);
    const wanted = needsData(status);
    if (wanted && !rt.feed) {
      this.attach(rt, depths);
      input = this.statusInput(rt, now);
      status = deriveStatus(input);
    } else if (!wanted && rt.feed) this.detach(rt);
    this.publish(rt, status);
    const next = nextStatusChange(input);
    this.wakeup.request(next);
    return next;
  }

  /** A status threshold was reached: every rule's status re-derived, feeds attached or released accordingly. */
  private refreshAll(): void {
    const now = this.clock.now();
    for (const rt of this.runtimes.values()) {
      if (rt.feed) this.upkeep.invalidate(rt.feed);
      this.refresh(rt, now);
    }
  }

  /** The rule's entry as of `now`, its status re-derived and published if it changed; subscriptions untouched. */
  private current(rt: RuleRuntime, now: number): RuleStatusEntry {
    if (!this.disposed) this.publish(rt, deriveStatus(this.statusInput(rt, now)));
    return this.entryOf(rt);
  }

  private publish(rt: RuleRuntime, status: RuleStatus): void {
    if (rt.status !== undefined && sameStatus(rt.status, status)) return;
    rt.status = status;
    this.statusChanges.fire(this.entryOf(rt));
  }

  private statusInput(rt: RuleRuntime, now = this.clock.now()): StatusInput {
    return {
      rule: rt.rule,
      state: this.store.get(rt.rule.id),
      trouble: rt.feed?.trouble,
      // The group's: it says why its windows started over, when they did (EvaluatorGroup.holeLost).
      progress: rt.group ?? rt.evaluator,
      lastDataTime: rt.runner.lastDataTime === -Infinity ? undefined : rt.runner.lastDataTime,
      now,
    };
  }

  private entryOf(rt: RuleRuntime): RuleStatusEntry {
    const s = this.store.get(rt.rule.id);
    const { rule } = rt;
    return {
      ruleId: rule.id,
      ruleName: rule.name,
      ruleType: rule.type,
      exchange: rule.exchange,
      symbol: rule.symbol,
      timeframe: rule.timeframe,
      status: rt.status ?? deriveStatus(this.statusInput(rt)),
      fireCount: s?.fireCount ?? 0,
      ...(s?.lastFiredAt !== undefined ? { lastFiredAt: s.lastFiredAt } : {}),
      ...(s?.lastValue !== undefined ? { lastValue: s.lastValue } : {}),
    };
  }

  private attach(rt: RuleRuntime, depths?: ReadonlyMap<string, number>): void {
    const spec = feedSpecOf(rt.rule);
    const ev = rt.template;
    const historyBars = Math.max(depths?.get(feedId(spec)) ?? 0, ev.input === 'candles' ? ev.warmupBars : 1);
    rt.feed = this.feeds.attach(rt, spec, historyBars);
    this.upkeep.invalidate(rt.feed); // the memo does not know the new rule's thresholds
  }

  /** Leaves the feed; the last rule leaving releases the subscription (after the current event is handled). */
  private detach(rt: RuleRuntime): void {
    const feed = rt.feed;
    if (!feed) return;
    rt.feed = undefined;
    this.feeds.detach(rt, feed);
  }

  /**
   * A replay of `exchange` seeked back. Each rule's state is rebuilt from the data, as on a replay opened at the
   * new position (bar rules from the bars before it, tick rules from the ticks after it), silently up to the newest
   * point the rule already judged: a fire is never repeated, and the rule fires again only beyond that point.
   * What the rule did up to there (fires, cooldown, once-per-bar) is kept as it was.
   */
  private rewound(exchange: string): void {
    for (const rt of this.runtimes.values()) if (rt.rule.exchange === exchange) rt.runner.rewound();
    this.feeds.rewound(exchange);
  }

  private emitAlert(event: AlertEvent): void {
    this.log.info(`alert ${event.ruleId}: ${event.message}`);
    this.alerts.fire(event);
  }
}

function identityOf(rule: AlertRule): string {
  return `${ruleFingerprint(rule)}|${rule.enabled}`;
}
