import type { HistoryService } from '../history/historyService';
import { describeMarket, type MarketKey } from '../keys';
import { bucketStart, type Timeframe } from '../timeframes';
import type { TradesSince } from '../history/seamTrades';
import type { Candle, StreamState, Trade } from '../types';
import type { LostHole } from '../hub/requests';
import type { Clock } from '../util/clock';
import type { Disposable } from '../../shared/util/disposable';
import { errorMessage, type Logger } from '../util/log';
import type { BackoffPolicy } from '../streams/backoff';
import { responseFacts } from '../streams/errorKind';
import { historyTrouble, type Trouble } from '../history/historyTrouble';
import { FactoryOutput } from './factoryOutput';
import { SeamGuard } from './seamGuard';
import { HoleSender } from './holeSender';
import { SeedRequests, type SeedResult } from './seedRequests';
import { seamCut, seamMinuteOf } from './seamCut';
import { assertNever } from '../util/assertNever';
import { SeedRepair } from './seedRepair';
import { settleIfClosed, type SettleHost } from './settleBars';
import { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';
import { QUIET_SEAM_CHECK_MS, SeamCheck, type RestReach, type SeamHold } from './seamCheck';
import type { BackfillEvent, FactoryEvent } from './factoryEvent';
import { oldestTime } from './tradeTimes';
import { diskBars, isLive, mergeModes, newTimeframeState, type SeedMode, type TimeframeState } from './timeframeState';

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
  /** A gap backfill fetched trades of a reconnect's hole the stream never sent (StreamHoles): each once, in REST's order. */
  readonly holeTrades?: (trades: readonly Trade[]) => void;
  /**
   * A reconnect's hole whose trades will not be sent after all: its gap backfill failed (or could not rebuild the
   * bars), the request for its trades before the seam minute failed, REST's trades do not reach back to it, or the
   * factory was disposed first. Its subscribers' windows stop waiting for it (HoleTrades.lost).
   */
  readonly holeLost?: (hole: LostHole) => void;
}

const MINUTE = 60_000;
const NO_TRADES: readonly Trade[] = [];

/** The timeframes one seeding job serves, each with what it seeds. */
type SeedBatch = ReadonlyArray<{ tf: Timeframe; mode: SeedMode }>;

/**
 * One per (exchange, symbol), fed by the market's single trade stream, serving any number of timeframes. Each
 * timeframe is seeded from REST history, then extended by live trades; the REST/live seam is exact (see seed()).
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
  /** What a seed asks of REST. */
  private readonly requests: SeedRequests;
  private readonly abort = new AbortController();
  /** Trades received while a seeding job runs, in arrival order. */
  private buffer: Trade[] = [];
  private jobRunning = false;
  /** The batch `ingest` is applying, and its trades without one seam guard's copies (see tradesFor). */
  private readonly view: { batch: readonly Trade[]; oldest: number; guard: SeamGuard | undefined; trades: readonly Trade[] } = { batch: NO_TRADES, oldest: Infinity, guard: undefined, trades: NO_TRADES };
  private lastTradeTs: number | undefined;
  /**
   * The newest trade time the series may hold: ingested trades (a batch need not be in order) and the REST trades a
   * seam installed, which can be ahead of the stream (Coinbase pushes its trades in 250 ms batches).
   */
  private newestTradeTs: number | undefined;
  private wasLive = false;
  /** Counts the stream's turns live (each start after a break): a seed tells whether it stayed live while it ran. */
  private liveTurns = 0;
  private readonly seams: SeamCheck<TimeframeState>;
  private readonly settling: SettleHost;
  /** A batch without `guard`'s copies: what the first seam's check asks of each batch. */
  private readonly freshTrades = (guard: SeamGuard | undefined): readonly Trade[] => this.tradesFor(guard);
  private gapSince: number | undefined;
  /** A reconnect's gap backfill is queued: the seed that runs it meets the stream's first read after the drop. */
  private firstReadAfterDrop = false;
  /** The reconnects' holes this factory's gap backfills owe the stream's consumers (the rules). */
  private readonly holes: HoleSender;
  /** The earliest seam minute of the seeds installed: every timeframe's REST history is known up to there at least. */
  private seededUpTo: number | undefined;
  private readonly timer: NodeJS.Timeout;
  private lastPersist: number;
  private disposed = false;
  /** How long the exchange's klines may lag its trades (its capabilities, read by each seed): no kline younger is final. */
  private klineLagMs = 0;

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
    this.requests = new SeedRequests({ market, log: opts.log, history: opts.history, timeframe: (tf) => this.timeframes.get(tf) });
    this.lastPersist = opts.clock.now();
    this.timer = setInterval(() => this.tick(), opts.tickMs);
    this.timer.unref?.();
    this.holes = new HoleSender({ market, log: opts.log, history: opts.history, signal: this.abort.signal, holeTrades: opts.holeTrades, holeLost: opts.holeLost });
    this.seams = new SeamCheck<TimeframeState>({
      market,
      log: opts.log,
      history: opts.history,
      signal: this.abort.signal,
      timers: opts.timers ?? systemTimers,
      quietMs: opts.quietSeamCheckMs ?? QUIET_SEAM_CHECK_MS,
      disposed: () => this.disposed,
      liveTurn: () => (this.wasLive ? this.liveTurns : undefined),
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
      klineLagMs: () => this.klineLagMs,
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
      buffer: () => this.buffer,
      klineLagMs: () => this.klineLagMs,
      requeued: () => {
        this.refreshLive();
        void this.runJobs();
      },
    });
  }

  /** A drop's hole is pending for its gap backfill, which sends its trades on (`holeTrades`): no one else need fetch it. */
  get fetchesHole(): boolean {
    return this.holes.holding;
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
    return state.pending !== undefined || state.inJob || this.gapSince !== undefined || state.seamHole !== undefined || (this.seams.waiting && this.wasLive);
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
    void this.runJobs();
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
    const buffering = this.jobRunning;
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
    let newest = this.newestTradeTs ?? -Infinity;
    for (const t of batch) if (t.timestamp > newest) newest = t.timestamp;
    this.newestTradeTs = newest;
    this.holes.streamed(batch);
    if (buffering) for (let i = 0; i < batch.length; i++) this.buffer.push(batch[i]!);
    this.lastTradeTs = batch[batch.length - 1]!.timestamp;
    this.flush();
    askSeam?.();
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
    void this.runJobs();
  }

  /** Every timeframe is backfilled from `since` (the first seam's check found trades missing, or could not tell). */
  private backfillAllFrom(since: number): void {
    for (const [tf, s] of this.timeframes) {
      this.requeue(s, { kind: 'gap', since });
      this.output.emit({ type: 'catching up', timeframe: tf });
    }
    this.refreshLive();
    void this.runJobs();
  }

  /** A reconnect leaves a gap: when the stream is live again, every timeframe is re-seeded from the gap on. */
  onStreamState(state: StreamState): void {
    // Live again (or never), the quiet spell's wait starts over with the next live (SeamCheck.onLive).
    if (state.status !== 'live') this.seams.onNotLive();
    // Consumers read a reconnect as a fresh start of the history (the backfill is queued again with the gap).
    if (state.status === 'reconnecting') for (const s of this.timeframes.values()) s.trouble = undefined;
    if (state.status === 'reconnecting' && this.wasLive) {
      this.wasLive = false;
      this.holes.dropped();
      // Nothing streamed yet: the hole begins where the seed's REST trades end (its bar would stay partial for good
      // if the backfill began later, in a bucket after it), or the earliest seam minute where one had none (the
      // weaker seam; another timeframe's REST trades are not its own): the stream may have lost what it had not
      // pushed yet, so not from now.
      const known = Math.min(this.newestTradeTs ?? Infinity, this.seededUpTo ?? Infinity);
      this.gapSince ??= this.lastTradeTs ?? (Number.isFinite(known) ? known : this.opts.clock.now());
      // The gap's backfill, the stream live throughout, covers what the first seam's check would have asked about.
      this.seams.coveredFrom(this.gapSince);
    } else if (state.status === 'live') {
      if (!this.wasLive) this.liveTurns++;
      this.wasLive = true;
      this.seams.onLive();
      const since = this.gapSince;
      if (since !== undefined) {
        this.gapSince = undefined;
        this.firstReadAfterDrop = true;
        // Trades buffered before the drop are not the start of what follows it: the next seed's seam needs those after.
        this.buffer = [];
        for (const s of this.timeframes.values()) this.requeue(s, { kind: 'gap', since });
        this.refreshLive();
        void this.runJobs();
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    this.seams.dispose();
    this.abort.abort();
    this.holes.dispose();
    for (const [tf, state] of this.timeframes) {
      this.output.persist(tf, state);
      if (state.repair) clearTimeout(state.repair.timer);
    }
    this.timeframes.clear();
    this.output.dispose();
    this.live = [];
    this.buffer = [];
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
      } else if (this.live.includes(s)) s.heldUpTo = this.newestTradeTs;
    }
    this.live = live;
    this.liveRestUpTo = restUpTo;
  }

  private async runJobs(): Promise<void> {
    if (this.jobRunning) return;
    this.jobRunning = true;
    try {
      for (;;) {
        const batch = [...this.timeframes].filter(([, s]) => s.pending).map(([tf, s]) => ({ tf, mode: s.pending! }));
        if (batch.length === 0 || this.disposed) break;
        for (const [, s] of this.timeframes) {
          if (s.pending) s.inJob = true;
          s.pending = undefined;
        }
        await this.seed(batch);
      }
    } catch (err) {
      // A bug here must not become an unhandled rejection (the bot would die): it fails these timeframes visibly.
      if (!this.disposed) for (const tf of this.timeframes.keys()) this.failOnBug(tf, `seeding failed: ${errorMessage(err)}`);
      this.refreshLive();
    } finally {
      this.jobRunning = false;
      this.buffer = [];
    }
  }

  /**
   * The seam. Live trades are buffered from the moment the job starts. M is the minute holding the first buffered
   * trade (or now). Every trade before M is covered by closed REST bars: history for whole buckets, and the
   * finer-bar ladder for the part of the current bucket before M. Trades from M up to the first buffered trade
   * come from REST; from there on, only live trades count. No trade is lost or counted twice.
   */
  private async seed(batch: SeedBatch): Promise<void> {
    const { history, clock, log } = this.opts;
    const signal = this.abort.signal;
    // Not awaited: the seed's requests and seam timing stay as they were; the preview goes out when the file is read.
    this.showCached(batch).catch((err: unknown) => log.warn(`${describeMarket(this.market)}: cached bars not shown: ${errorMessage(err)}`));
    let served: readonly Timeframe[];
    let lagMinutes: number;
    const holeMark = this.holes.mark();
    // A gap's, or a first seed's that a drop re-queued (it stays a first seed): the rules saw trades before that drop.
    const owesHoles = batch.some((item) => item.mode.kind === 'gap') || this.holes.holding;
    let aheadMs: number;
    try {
      const caps = await this.requests.capabilities();
      served = caps.served;
      aheadMs = caps.aheadMs;
      // Klines that may still miss their latest trades are not trusted for the last minutes of any seed: the seam
      // moves that many minutes back, so those minutes are built from REST trades. A gap backfill too: the trades
      // made during a drop are in no bar the chart held, so a lagging kline's lack of them would go unseen.
      lagMinutes = caps.lagMinutes;
      this.klineLagMs = caps.lagMinutes * MINUTE;
    } catch (err) {
      // The exchange could not be asked (network…): that is the error to report, not a rebuild that cannot be exact.
      if (!signal.aborted) this.failJob(batch, historyTrouble(err), responseFacts(err).retryAfterMs, owesHoles ? holeMark : undefined);
      return;
    }
    /** Seeding at the live minute after all: its klines' last `unsureMs` may lack trades (partial until settled). */
    let unsureMs = 0;
    // The stream's first read after a drop may lack trades at the hole's end (ccxt's cache mixing the old socket's
    // last trades with the new one's): checked as a first seed's is, though the stream was live throughout.
    const afterDrop = this.firstReadAfterDrop;
    this.firstReadAfterDrop = false;
    // Not our clock: 90 s behind the exchange's it put the seam a minute before the exchange's, and REST trades that
    // reached back to the exchange's minute but not to ours made the weaker seam, whose bars lost the minute between.
    const exchangeNow = (): number => clock.now() + aheadMs;
    for (let attempt = 0; attempt < 3; attempt++) {
      // Live since before REST is asked: every trade after its answer comes on the stream (buffered, or the next).
      const liveTurn = this.wasLive ? this.liveTurns : undefined;
      const seamMinute = seamMinuteOf(oldestTime(this.buffer), exchangeNow(), lagMinutes);
      let results: SeedResult[];
      let rest: TradesSince;
      // Every request is awaited, failed or not: a rejection left pending while another is awaited would be unhandled.
      const [trades, ...fetched] = await Promise.allSettled([
        history.tradesSince(this.market, seamMinute, { signal }),
        ...batch.map((item) => this.requests.bars(item.tf, item.mode, seamMinute, served, signal)),
      ]);
      const failure = [trades, ...fetched].find((r) => r.status === 'rejected');
      if (failure === undefined) {
        const got = (trades as PromiseFulfilledResult<TradesSince>).value;
        // Cut short by the page budget (a very busy minute): the trades after the last one given are in neither
        // answer, so the seam is the weaker one, as where REST does not reach back.
        rest = got.truncated === true ? { trades: got.trades, complete: false } : got;
        results = fetched.map((r) => (r as PromiseFulfilledResult<SeedResult>).value);
      } else {
        if (signal.aborted) return;
        this.failJob(batch, historyTrouble(failure.reason), responseFacts(failure.reason).retryAfterMs, owesHoles ? holeMark : undefined);
        return;
      }
      if (signal.aborted) return;
      const firstLive = oldestTime(this.buffer);
      const streamCovered = liveTurn !== undefined && this.wasLive && this.liveTurns === liveTurn;
      const cut = seamCut({ seamMinute, lagMinutes, restComplete: rest.complete, firstLive, streamCovered, exchangeNow });
      switch (cut.kind) {
        case 'live minute':
          log.debug(`${describeMarket(this.market)}: ${cut.why}`);
          unsureMs = cut.unsureMs;
          lagMinutes = 0;
          continue;
        case 'again':
          log.debug(`${describeMarket(this.market)}: ${cut.why}`);
          continue;
        case 'cut':
          break;
        default:
          assertNever(cut);
      }
      const { weak } = cut;
      const checkRead = !streamCovered || afterDrop;
      const seamBar = weak ? await this.requests.seamKline(seamMinute, served, signal) : undefined;
      // The seam kline holds the exchange's trades up to its answer: a gap's rebuild must count those as held.
      const seamBarUpTo = seamBar && seamBar.volume > 0 ? exchangeNow() : undefined;
      if (signal.aborted) return;
      if (weak) log.info(`${describeMarket(this.market)}: REST trades do not reach ${new Date(seamMinute).toISOString()}; the bar in progress is partial until it closes`);
      // A reconnect that resent trades the bars held (Coinbase's snapshot): REST holds them all, and the guard tells
      // the stream's copies of them, those buffered and those still to come. Cut at the stream's first trade, the bars
      // would lack the trades after it until the stream had sent them again, and count twice those it sent already.
      const resent = firstLive !== undefined && batch.some(({ tf }) => firstLive <= (this.timeframes.get(tf)?.heldUpTo ?? -Infinity));
      const fromRest = weak ? [] : firstLive === undefined || resent ? rest.trades : rest.trades.filter((t) => t.timestamp < firstLive);
      const lastRest = fromRest[fromRest.length - 1];
      // The stream may still push copies of REST's trades, in this batch or a later one (out of time order).
      const guard = lastRest && new SeamGuard(lastRest.timestamp, fromRest);
      // A stream not live since before REST was asked (not yet, or first live meanwhile) may have begun after REST's
      // answer: the trades between would be in neither, for good and unflagged. Its first trades are checked against
      // REST (seamCheck.ts): at once if already buffered, else when they come. The weaker seam too: its bars hold the
      // newest REST trades (in its kline). A read REST's answer reaches into (served after the stream began, or after a
      // drop) is checked all the same: the trades taken from REST end before it, and its own span is no proof of an
      // unbroken run (not a resend of trades the bars held: REST's trades were taken whole, up to its last).
      const known = weak ? rest.trades : fromRest;
      const checkedFrom = known[known.length - 1]?.timestamp ?? seamMinute - 1;
      // Checked at once: the bars from REST's last trade to the stream's first go out partial, as a check's hold.
      const hold: SeamHold | undefined = checkRead && firstLive !== undefined && checkedFrom < firstLive ? { from: checkedFrom, firstStreamed: firstLive } : undefined;
      let installed = false;
      let unbuilt: string | undefined;
      for (const r of results) {
        const state = this.timeframes.get(r.tf);
        if (!state) continue; // removed while we were fetching
        if (state.pending) {
          // Re-queued while we were fetching: the next job does this one's work too (a first seed stays a first seed).
          state.pending = mergeModes(state.pending, r.mode);
          continue;
        }
        state.inJob = false;
        if ('error' in r) {
          unbuilt ??= r.error;
          this.repair.failed(r.tf, state, r.mode, { message: r.error, reason: r.error }, undefined, false);
        } else {
          this.repair.install(r.tf, state, r.mode, r.history, r.ladder, fromRest, guard, seamMinute, weak ? { bar: seamBar } : undefined, unsureMs, hold);
          state.seamGuard = guard;
          installed = true;
        }
      }
      if (installed && lastRest && lastRest.timestamp > (this.newestTradeTs ?? -Infinity)) this.newestTradeTs = lastRest.timestamp;
      if (installed && seamBarUpTo !== undefined && seamBarUpTo > (this.newestTradeTs ?? -Infinity)) this.newestTradeTs = seamBarUpTo;
      if (installed) this.seededUpTo = Math.min(this.seededUpTo ?? Infinity, seamMinute);
      // Taken from the buffer before it is reset below.
      if (installed && owesHoles) this.holes.installed(holeMark, this.buffer, fromRest, seamMinute, weak ? rest.trades : undefined);
      if (!installed && owesHoles && unbuilt !== undefined) this.holes.failed(holeMark, unbuilt, this.jobFollows());
      // A drop during this job dated its gap at the drop, but a weaker seam's bars hold no trade after its minute.
      if (installed && weak && this.gapSince !== undefined) this.gapSince = Math.min(this.gapSince, seamMinute);
      if (installed && checkRead) {
        const ts = checkedFrom;
        const reach: RestReach = { ts, ids: new Set(known.filter((t) => t.timestamp === ts).map((t) => t.id)), guard };
        // After the seed's own `done`: its consumers read catching up until the check settles.
        if (hold) this.seams.checkNow(reach, hold, this.buffer);
        // After a drop, a read still to come is after REST's answer, asked once the stream was live: REST took the
        // hole's end whole, and the stream has what followed it.
        else if (firstLive === undefined && !streamCovered) this.seams.awaitFirstTrade(reach);
      }
      this.buffer = [];
      this.refreshLive();
      return;
    }
    const seam = 'could not find a stable seam between REST history and live trades';
    this.failJob(batch, { message: seam, reason: 'history and live trades did not meet' }, undefined, owesHoles ? holeMark : undefined);
  }

  /** The job failed (see failBatch); the holes it owed (up to `holeMark`) are lost, unless a job queued meanwhile follows at once. */
  private failJob(batch: SeedBatch, trouble: Trouble, retryAfterMs: number | undefined, holeMark: number | undefined): void {
    this.failBatch(batch, trouble, retryAfterMs);
    if (holeMark !== undefined) this.holes.failed(holeMark, trouble.reason, this.jobFollows());
  }

  /** A job queued while this one ran follows at once (it takes the holes this one owed). */
  private jobFollows(): boolean {
    for (const state of this.timeframes.values()) if (state.pending) return true;
    return false;
  }

  /** Paint first: the cached bars of each timeframe seeding for the first time go out before any REST request. */
  private async showCached(batch: SeedBatch): Promise<void> {
    const until = bucketStart('1m', this.opts.clock.now());
    for (const { tf, mode } of batch) {
      const state = this.timeframes.get(tf);
      if (mode.kind !== 'initial' || state?.status !== 'seeding' || state.cached) continue;
      const read = diskBars(state, mode.depth);
      const bars = read ? [...read] : await this.opts.history.cachedBars({ ...this.market, timeframe: tf }, bucketStart(tf, until), mode.depth);
      if (this.disposed || this.timeframes.get(tf) !== state || state.status !== 'seeding' || bars.length === 0) continue;
      state.cached = bars;
      this.output.emit({ type: 'cached', timeframe: tf, candles: bars });
    }
  }

  /** The job's requests failed: each timeframe keeps what it held, and its seed or backfill is tried again later. */
  private failBatch(batch: SeedBatch, trouble: Trouble, retryAfterMs: number | undefined): void {
    for (const { tf, mode } of batch) {
      const state = this.timeframes.get(tf);
      if (!state) continue;
      if (state.pending) {
        state.pending = mergeModes(state.pending, mode); // re-queued while we were fetching: that job covers this one
        continue;
      }
      this.repair.failed(tf, state, mode, trouble, retryAfterMs, trouble.final !== true);
    }
    this.buffer = [];
    this.refreshLive();
  }

  /** A bug in a seeding job (runJobs' catch): the timeframe gives up visibly instead of the job dying unhandled. */
  private failOnBug(tf: Timeframe, message: string): void {
    this.opts.log.error(`${describeMarket(this.market)} ${tf}: ${message}`);
    const state = this.timeframes.get(tf);
    if (state) {
      state.inJob = false;
      state.pending = undefined;
    }
    this.output.emit({ type: 'backfill', timeframe: tf, outcome: 'gave up', message, reason: message });
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
