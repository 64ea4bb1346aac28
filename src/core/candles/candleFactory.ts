import type { HistoryService } from '../history/historyService';
import { describeMarket, type MarketKey } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Candle, StreamState, Trade } from '../types';
import type { LostHole } from '../hub/requests';
import type { Clock } from '../util/clock';
import type { Disposable } from '../../shared/util/disposable';
import type { Logger } from '../util/log';
import type { BackoffPolicy } from '../streams/backoff';
import { FactoryOutput } from './factoryOutput';
import { SeamGuard } from './seamGuard';
import { HoleSender } from './holeSender';
import type { HoleCut } from './streamHoles';
import { SeedJobs } from './seedJob';
import { SeedRepair } from './seedRepair';
import { newStreamFacts, type StreamFacts } from './streamFacts';
import { settleIfClosed, type SettleHost } from './settleBars';
import { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';
import { QUIET_SEAM_CHECK_MS, SeamCheck } from './seamCheck';
import type { BackfillEvent, FactoryEvent } from './factoryEvent';
import { oldestTime } from './tradeTimes';
import { isLive, mergeModes, newTimeframeState, type SeedMode, type TimeframeState } from './timeframeState';

export { QUIET_SEAM_CHECK_MS };

export type { FactoryEvent } from './factoryEvent';

/** What a factory asks of the history layer. */
export type FactoryHistory = Pick<HistoryService, 'capabilities' | 'closedHistory' | 'candlesBetween' | 'tradesSince' | 'cachedBars' | 'persist'> &
  /** The hole's trades before a gap's seam minute, for the rules only (without it they get those from the seam minute on). */
  Partial<Pick<HistoryService, 'tradesBetween'>> &
  /** How far the exchange's clock is ahead of ours; without it the exchange's clock is taken to be ours. */
  Partial<Pick<HistoryService, 'exchangeAheadOf'>>;

export interface CandleFactoryOptions {
  readonly history: FactoryHistory;
  /** The market's time: the system's, or a replay's position. */
  readonly clock: Clock;
  readonly log: Logger;
  readonly maxBars: number;
  /** How often closed bars are checked for persisting. */
  readonly tickMs: number;
  readonly persistEveryMs: number;
  /** When a failed seed or backfill is tried again (the server's Retry-After, when longer, wins). */
  readonly repairBackoff: BackoffPolicy;
  /** Failures in a row after which a backfill is given up until the stream's next reconnect. */
  readonly repairMaxAttempts: number;
  /** How long a stream live after a cold start's seed pushes no trade before the first seam's check runs without one (default QUIET_SEAM_CHECK_MS). */
  readonly quietSeamCheckMs?: number;
  /** Schedules that wait (default: Node's timers); injected in tests, whose clocks are not the wall clock. */
  readonly timers?: ScheduleTimer;
  /**
   * A gap backfill fetched trades of a reconnect's hole the stream never sent (StreamHoles): each once, in REST's order;
   * none when it had sent them all (the hole is in all the same).
   */
  readonly holeTrades?: (trades: readonly Trade[]) => void;
  /**
   * A reconnect's hole whose trades will not be sent after all: its gap backfill failed (or could not rebuild the
   * bars), the request for its trades before the seam minute failed, REST's trades do not reach back to it, or the
   * factory was disposed first. Its subscribers' windows stop waiting for it (HoleTrades.lost).
   */
  readonly holeLost?: (hole: LostHole) => void;
  /** A hole told lost (holeLost), handed on to be asked again for the panels (HoleSenderHost.holeRefetch). */
  readonly holeRefetch?: (cut: HoleCut) => void;
}

const NO_TRADES: readonly Trade[] = [];

/**
 * One per (exchange, symbol), fed by the market's single trade stream, serving any number of timeframes. Each
 * timeframe is seeded from REST history, then extended by live trades; the REST/live seam is exact (seedJob.ts).
 * Consumers get deltas only, once per trade batch, and nothing when nothing changed.
 */
export class CandleFactory implements Disposable {
  private readonly timeframes = new Map<Timeframe, TimeframeState>();
  private live: TimeframeState[] = [];
  /** The newest restUpTo of the live timeframes: a streamed trade older than this sends some back to REST. */
  private liveRestUpTo = -Infinity;
  /** Its events and persisting. */
  private readonly output: FactoryOutput;
  /** A seed's end for each timeframe: its bars installed, or kept with a repair scheduled. */
  private readonly repair: SeedRepair;
  private readonly abort = new AbortController();
  /** What it knows of its trade stream, shared with its seed jobs. */
  private readonly facts: StreamFacts = newStreamFacts();
  /** Its seeding jobs, one at a time. */
  private readonly jobs: SeedJobs;
  /** The batch `ingest` is applying, and its trades without one seam guard's copies (see tradesFor). */
  private readonly view: { batch: readonly Trade[]; oldest: number; guard: SeamGuard | undefined; trades: readonly Trade[] } = { batch: NO_TRADES, oldest: Infinity, guard: undefined, trades: NO_TRADES };
  private lastTradeTs: number | undefined;
  private readonly seams: SeamCheck<TimeframeState>;
  private readonly settling: SettleHost;
  /** A batch without `guard`'s copies: what the first seam's check asks of each batch. */
  private readonly freshTrades = (guard: SeamGuard | undefined): readonly Trade[] => this.tradesFor(guard);
  /** The reconnects' holes this factory's gap backfills owe the stream's consumers (the rules). */
  private readonly holes: HoleSender;
  private readonly timer: NodeJS.Timeout;
  private lastPersist: number;
  private disposed = false;

  constructor(
    readonly market: MarketKey,
    private readonly opts: CandleFactoryOptions,
  ) {
    this.output = new FactoryOutput({
      market,
      log: opts.log,
      history: opts.history,
      timeframe: (tf) => this.timeframes.get(tf),
      dataTime: () => this.lastTradeTs,
    });
    this.lastPersist = opts.clock.now();
    this.timer = setInterval(() => this.tick(), opts.tickMs);
    this.timer.unref?.();
    this.holes = new HoleSender({ market, log: opts.log, history: opts.history, signal: this.abort.signal, holeTrades: opts.holeTrades, holeLost: opts.holeLost, holeRefetch: opts.holeRefetch });
    this.seams = new SeamCheck<TimeframeState>({
      market,
      log: opts.log,
      history: opts.history,
      signal: this.abort.signal,
      timers: opts.timers ?? systemTimers,
      quietMs: opts.quietSeamCheckMs ?? QUIET_SEAM_CHECK_MS,
      disposed: () => this.disposed,
      liveTurn: () => (this.facts.wasLive ? this.facts.liveTurns : undefined),
      timeframes: () => this.timeframes.values(),
      live: () => this.live,
      catchingUp: (state) => this.output.emit({ type: 'catching up', timeframe: state.series.timeframe }),
      caughtUp: (state) => {
        const tf = state.series.timeframe;
        if (!this.catchingUp(tf)) this.output.emit(this.backfillTrouble(tf) ?? { type: 'caught up', timeframe: tf });
      },
      publish: (state) => this.output.emitDeltas(state.series.timeframe, state, state.series.drain()),
      backfillFrom: (since) => this.backfillAllFrom(since),
    });
    this.settling = {
      market,
      log: opts.log,
      history: opts.history,
      signal: this.abort.signal,
      clock: opts.clock,
      backoff: opts.repairBackoff,
      maxAttempts: opts.repairMaxAttempts,
      klineLagMs: () => this.facts.klineLagMs,
      holds: (tf, state) => !this.disposed && this.timeframes.get(tf) === state,
      publish: (tf, state) => this.output.emitDeltas(tf, state, state.series.drain()),
    };
    this.repair = new SeedRepair({
      market,
      log: opts.log,
      output: this.output,
      settling: this.settling,
      backoff: opts.repairBackoff,
      maxAttempts: opts.repairMaxAttempts,
      timeframe: (tf) => this.timeframes.get(tf),
      buffer: () => this.facts.buffer,
      klineLagMs: () => this.facts.klineLagMs,
      requeued: () => {
        this.refreshLive();
        void this.jobs.run();
      },
    });
    this.jobs = new SeedJobs({
      market,
      history: opts.history,
      clock: opts.clock,
      log: opts.log,
      signal: this.abort.signal,
      facts: this.facts,
      timeframes: this.timeframes,
      holes: this.holes,
      seams: this.seams,
      repair: this.repair,
      output: this.output,
      disposed: () => this.disposed,
      refreshLive: () => this.refreshLive(),
    });
  }

  /** A drop's hole is pending, or fetched and not sent yet: its `holeTrades` subscribers' windows wait for it. */
  get owesHole(): boolean {
    return this.holes.owes;
  }

  onEvent(listener: (e: FactoryEvent) => void): Disposable {
    return this.output.onEvent(listener);
  }

  hasTimeframe(tf: Timeframe): boolean {
    return this.timeframes.has(tf);
  }

  isReady(tf: Timeframe): boolean {
    return this.timeframes.get(tf)?.status === 'ready';
  }

  snapshot(tf: Timeframe): Candle[] | undefined {
    const state = this.timeframes.get(tf);
    return state?.status === 'ready' ? state.series.snapshot() : undefined;
  }

  /** The cached bars of a timeframe still seeding for the first time, if the cache had any. */
  cachedPreview(tf: Timeframe): readonly Candle[] | undefined {
    const state = this.timeframes.get(tf);
    return state?.status === 'seeding' ? state.cached : undefined;
  }

  /** Whether a ready timeframe lacks its REST history (the first seed failed; a retry is scheduled). */
  historyMissing(tf: Timeframe): boolean {
    return this.timeframes.get(tf)?.historyMissing === true;
  }

  /**
   * The timeframe's backfill trouble now, as the event its consumers were last told (a `failed` one's retry counted
   * from now), or undefined while its history is whole or being fetched after a reconnect. A consumer joining the
   * series gets it, so it names the same state as those there before it (degraded, failed) instead of `live`.
   */
  backfillTrouble(tf: Timeframe): BackfillEvent | undefined {
    const trouble = this.timeframes.get(tf)?.trouble;
    if (!trouble) return undefined;
    const { event, at } = trouble;
    return event.outcome === 'failed' ? { ...event, retryInMs: Math.max(0, event.retryInMs - (Date.now() - at)) } : event;
  }

  /**
   * Whether a ready timeframe's bars are being rebuilt from REST: a backfill queued or running, or a drop's gap waiting
   * for the stream to be live again. A consumer joining now reads its bars as not whole, as those there before it do.
   */
  catchingUp(tf: Timeframe): boolean {
    const state = this.timeframes.get(tf);
    if (state?.status !== 'ready') return false;
    return state.pending !== undefined || state.inJob || this.facts.gapSince !== undefined || state.seamHole !== undefined || (this.seams.waiting && this.facts.wasLive);
  }

  get timeframeCount(): number {
    return this.timeframes.size;
  }

  /** `diskRead`: the disk cache's bars of this timeframe already read with `depth` for this start (TimeframeState.diskRead). */
  addTimeframe(tf: Timeframe, depth: number, diskRead?: readonly Candle[]): void {
    const existing = this.timeframes.get(tf);
    if (existing) {
      if (depth > existing.depth) existing.depth = depth; // serves the next seed; bars already held are kept
      return;
    }
    this.timeframes.set(tf, newTimeframeState(tf, depth, this.opts.maxBars, diskRead));
    this.refreshLive();
    void this.jobs.run();
  }

  removeTimeframe(tf: Timeframe): void {
    const state = this.timeframes.get(tf);
    if (!state) return;
    this.output.persist(tf, state);
    if (state.repair) clearTimeout(state.repair.timer);
    this.timeframes.delete(tf);
    this.refreshLive();
  }

  /**
   * The hot path: O(batch × live timeframes) per batch, no allocation beyond the batch's deltas. Each live timeframe
   * takes the batch without the copies of the REST trades its own seam installed; a running job's buffer takes it
   * whole (the timeframes it seeds start again from REST and the stream).
   */
  ingest(batch: readonly Trade[]): void {
    if (this.disposed || batch.length === 0) return;
    // A running job takes this batch (its seam needs it); a rebuild started by it does not (its REST answer holds it).
    const buffering = this.jobs.running;
    const view = this.view;
    view.batch = view.trades = batch;
    view.oldest = oldestTime(batch) ?? Infinity;
    view.guard = undefined;
    if (view.oldest < this.liveRestUpTo) this.rebuildBehindSeam();
    const askSeam = this.seams.streamed(this.freshTrades);
    const live = this.live;
    for (let j = 0; j < live.length; j++) {
      const state = live[j]!;
      const series = state.series;
      const trades = this.tradesFor(state.seamGuard);
      for (let i = 0; i < trades.length; i++) {
        const t = trades[i]!;
        series.applyTrade(t.timestamp, t.price, t.amount);
      }
    }
    let newest = this.facts.newestTradeTs ?? -Infinity;
    for (const t of batch) if (t.timestamp > newest) newest = t.timestamp;
    this.facts.newestTradeTs = newest;
    this.holes.streamed(batch);
    if (buffering) {
      const buffer = this.facts.buffer;
      for (let i = 0; i < batch.length; i++) buffer.push(batch[i]!);
    }
    this.lastTradeTs = batch[batch.length - 1]!.timestamp;
    // Before the deltas: the first read's bars go out held partial, not whole first.
    askSeam?.();
    this.flush();
    view.batch = view.trades = NO_TRADES; // neither the batch nor a guard is held past its ingest
    view.guard = undefined;
  }

  /** The batch being ingested without the copies of `guard`'s REST trades (filtered once per guard per batch). */
  private tradesFor(guard: SeamGuard | undefined): readonly Trade[] {
    const view = this.view;
    if (!guard) return view.batch;
    if (guard !== view.guard) {
      view.guard = guard;
      // A guard lives as long as its seam: the batch's oldest trade tells, in O(1), that none of it is REST's copy.
      view.trades = view.oldest > guard.upTo ? view.batch : guard.filter(view.batch);
    }
    return view.trades;
  }

  /**
   * Trades from before a live timeframe's seam came after it (an overflowing burst's last message, read after the
   * fill; a trade published late): REST's bars may or may not hold them, so neither adding nor dropping them is
   * safe. Those timeframes are rebuilt from REST from the oldest of them on, asked after this batch arrived.
   */
  private rebuildBehindSeam(): void {
    const behind: Array<{ readonly tf: Timeframe; readonly state: TimeframeState; readonly since: number }> = [];
    for (const [tf, state] of this.timeframes) {
      if (!isLive(state)) continue;
      const since = oldestTime(this.tradesFor(state.seamGuard)) ?? Infinity;
      if (since < state.restUpTo) behind.push({ tf, state, since });
    }
    if (behind.length === 0) return;
    const at = (ms: number): string => new Date(ms).toISOString();
    this.opts.log.info(`${describeMarket(this.market)}: streamed trades came after the seam (${behind.map((b) => `${b.tf}: from ${at(b.since)}, seam ${at(b.state.restUpTo)}`).join('; ')}); rebuilding from REST`);
    for (const { state, since } of behind) this.requeue(state, { kind: 'gap', since });
    for (const { tf } of behind) this.output.emit({ type: 'catching up', timeframe: tf });
    this.refreshLive();
    void this.jobs.run();
  }

  /** Every timeframe is backfilled from `since` (the first seam's check found trades missing, or could not tell). */
  private backfillAllFrom(since: number): void {
    for (const [tf, s] of this.timeframes) {
      this.requeue(s, { kind: 'gap', since });
      this.output.emit({ type: 'catching up', timeframe: tf });
    }
    this.refreshLive();
    void this.jobs.run();
  }

  /** A reconnect leaves a gap: when the stream is live again, every timeframe is re-seeded from the gap on. */
  onStreamState(state: StreamState): void {
    // Live again (or never), the quiet spell's wait starts over with the next live (SeamCheck.onLive).
    if (state.status !== 'live') this.seams.onNotLive();
    // Consumers read a reconnect as a fresh start of the history (the backfill is queued again with the gap).
    if (state.status === 'reconnecting') for (const s of this.timeframes.values()) s.trouble = undefined;
    if (state.status === 'reconnecting' && this.facts.wasLive) {
      this.facts.wasLive = false;
      this.holes.dropped();
      // Nothing streamed yet: the hole begins where the seed's REST trades end (its bar would stay partial for good
      // if the backfill began later, in a bucket after it), or the earliest seam minute where one had none (the
      // weaker seam; another timeframe's REST trades are not its own): the stream may have lost what it had not
      // pushed yet, so not from now.
      const known = Math.min(this.facts.newestTradeTs ?? Infinity, this.facts.seededUpTo ?? Infinity);
      this.facts.gapSince ??= this.lastTradeTs ?? (Number.isFinite(known) ? known : this.opts.clock.now());
      // The gap's backfill, the stream live throughout, covers what the first seam's check would have asked about.
      this.seams.coveredFrom(this.facts.gapSince);
    } else if (state.status === 'live') {
      if (!this.facts.wasLive) this.facts.liveTurns++;
      this.facts.wasLive = true;
      this.seams.onLive();
      const since = this.facts.gapSince;
      if (since !== undefined) {
        this.facts.gapSince = undefined;
        this.facts.firstReadAfterDrop = true;
        // Trades buffered before the drop are not the start of what follows it: the next seed's seam needs those after.
        this.facts.buffer = [];
        for (const s of this.timeframes.values()) this.requeue(s, { kind: 'gap', since });
        this.refreshLive();
        void this.jobs.run();
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.seams.dispose();
    this.abort.abort();
    this.holes.dispose(this.facts.buffer);
    for (const [tf, state] of this.timeframes) {
      this.output.persist(tf, state);
      if (state.repair) clearTimeout(state.repair.timer);
    }
    this.timeframes.clear();
    this.output.dispose();
    this.live = [];
    this.facts.buffer = [];
  }

  /** Queues a (re)seed, merged with one already queued or waiting to be retried (the earlier gap start wins). */
  private requeue(state: TimeframeState, mode: SeedMode): void {
    let merged = mergeModes(state.pending, mode);
    if (state.abandoned) {
      merged = mergeModes(state.abandoned, merged);
      state.abandoned = undefined;
    }
    if (state.repair) {
      clearTimeout(state.repair.timer);
      merged = mergeModes(state.repair.mode, merged);
      state.repair = undefined;
    }
    state.pending = merged;
  }

  private refreshLive(): void {
    const live: TimeframeState[] = [];
    let restUpTo = -Infinity;
    for (const s of this.timeframes.values()) {
      if (isLive(s)) {
        live.push(s);
        restUpTo = Math.max(restUpTo, s.restUpTo);
      } else if (this.live.includes(s)) s.heldUpTo = this.facts.newestTradeTs;
    }
    this.live = live;
    this.liveRestUpTo = restUpTo;
  }

  private tick(): void {
    const now = this.opts.clock.now();
    if (now - this.lastPersist >= this.opts.persistEveryMs) {
      this.lastPersist = now;
      for (const [tf, state] of this.timeframes) this.output.persist(tf, state);
    }
    // Partial bars waiting for the klines' lag to pass settle on a quiet market too, not only on the next trade.
    for (const [tf, state] of this.timeframes) if (state.unsettled && isLive(state)) settleIfClosed(this.settling, tf, state);
  }

  private flush(): void {
    for (const [tf, state] of this.timeframes) {
      if (!isLive(state)) continue;
      this.output.emitDeltas(tf, state, state.series.drain());
      if (state.unsettled) settleIfClosed(this.settling, tf, state);
    }
  }
}
