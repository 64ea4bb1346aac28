// A candle factory's seeding jobs: each seeds the timeframes pending, cutting the seam between REST and the stream.
import type { HistoryService } from '../history/historyService';
import { historyTrouble, type Trouble } from '../history/historyTrouble';
import type { TradesSince } from '../history/seamTrades';
import { describeMarket, type MarketKey } from '../keys';
import { responseFacts } from '../streams/errorKind';
import { bucketStart, type Timeframe } from '../timeframes';
import { assertNever } from '../util/assertNever';
import type { Clock } from '../util/clock';
import { errorMessage, userMessage, type Logger } from '../util/log';
import type { FactoryOutput } from './factoryOutput';
import type { HoleSender } from './holeSender';
import type { SeamCheck } from './seamCheck';
import { seamCut, seamMinuteOf } from './seamCut';
import { seamInstall, type ReadCheck } from './seamInstall';
import type { SeedRepair } from './seedRepair';
import { SeedRequests, type SeedResult } from './seedRequests';
import type { StreamFacts } from './streamFacts';
import type { Trade } from '../types';
import { diskBars, mergeModes, type SeedMode, type TimeframeState } from './timeframeState';
import { oldestTime } from './tradeTimes';

const MINUTE = 60_000;

/** The timeframes one seeding job serves, each with what it seeds. */
type SeedBatch = ReadonlyArray<{ tf: Timeframe; mode: SeedMode }>;

/** What the jobs need of their candle factory. */
export interface SeedJobsHost {
  readonly market: MarketKey;
  readonly history: Pick<HistoryService, 'capabilities' | 'closedHistory' | 'candlesBetween' | 'tradesSince' | 'cachedBars'> & Partial<Pick<HistoryService, 'exchangeAheadOf'>>;
  readonly clock: Clock;
  readonly log: Logger;
  /** The factory's: aborted when it is disposed. */
  readonly signal: AbortSignal;
  /** The factory's stream facts, read and updated where they are needed (never a copy across an await). */
  readonly facts: StreamFacts;
  /** The factory's timeframes, read live (one may be removed, or added, while a job awaits). */
  readonly timeframes: ReadonlyMap<Timeframe, TimeframeState>;
  readonly holes: HoleSender;
  readonly seams: SeamCheck<TimeframeState>;
  readonly repair: SeedRepair;
  readonly output: FactoryOutput;
  disposed(): boolean;
  /** The live timeframes may have changed (a seed installed, failed or was re-queued). */
  refreshLive(): void;
}

/** Runs a factory's seeds one job at a time; the stream's trades are buffered while one runs (`running`). */
export class SeedJobs {
  private active = false;
  /** What a seed asks of REST. */
  private readonly requests: SeedRequests;

  constructor(private readonly host: SeedJobsHost) {
    this.requests = new SeedRequests({ market: host.market, log: host.log, history: host.history, timeframe: (tf) => host.timeframes.get(tf) });
  }

  /** A job is running: the stream's trades go to its buffer too. */
  get running(): boolean {
    return this.active;
  }

  /** Runs the timeframes' pending seeds, job after job, until none is pending (one runner at a time). */
  async run(): Promise<void> {
    if (this.active) return;
    this.active = true;
    try {
      for (;;) {
        const batch: Array<{ tf: Timeframe; mode: SeedMode }> = [];
        for (const [tf, s] of this.host.timeframes) if (s.pending) batch.push({ tf, mode: s.pending });
        if (batch.length === 0 || this.host.disposed()) break;
        for (const [, s] of this.host.timeframes) {
          if (s.pending) s.inJob = true;
          s.pending = undefined;
        }
        await this.seed(batch);
      }
    } catch (err) {
      // A bug here must not become an unhandled rejection (the bot would die): it fails these timeframes visibly.
      if (!this.host.disposed()) for (const tf of this.host.timeframes.keys()) this.failOnBug(tf, `seeding failed: ${errorMessage(err)}`);
      this.host.refreshLive();
    } finally {
      this.active = false;
      this.host.facts.buffer = [];
    }
  }

  /**
   * The seam. Live trades are buffered from the moment the job starts. M is the minute holding the first buffered
   * trade (or now). Every trade before M is covered by closed REST bars: history for whole buckets, and the
   * finer-bar ladder for the part of the current bucket before M. Trades from M up to the first buffered trade
   * come from REST; from there on, only live trades count. No trade is lost or counted twice.
   */
  private async seed(batch: SeedBatch): Promise<void> {
    const { history, clock, log } = this.host;
    const signal = this.host.signal;
    // Not awaited: the seed's requests and seam timing stay as they were; the preview goes out when the file is read.
    this.showCached(batch).catch((err: unknown) => log.warn(`${describeMarket(this.host.market)}: cached bars not shown: ${errorMessage(err)}`));
    let served: readonly Timeframe[];
    let lagMinutes: number;
    const holeMark = this.host.holes.mark();
    // A gap's, or a first seed's that a drop re-queued (it stays a first seed): the rules saw trades before that drop.
    const owesHoles = batch.some((item) => item.mode.kind === 'gap') || this.host.holes.holding;
    let aheadMs: number;
    try {
      const caps = await this.requests.capabilities();
      served = caps.served;
      aheadMs = caps.aheadMs;
      // Klines that may still miss their latest trades are not trusted for the last minutes of any seed: the seam
      // moves that many minutes back, so those minutes are built from REST trades. A gap backfill too: the trades
      // made during a drop are in no bar the chart held, so a lagging kline's lack of them would go unseen.
      lagMinutes = caps.lagMinutes;
      this.host.facts.klineLagMs = caps.lagMinutes * MINUTE;
    } catch (err) {
      // The exchange could not be asked (network…): that is the error to report, not a rebuild that cannot be exact.
      if (!signal.aborted) this.failJob(batch, historyTrouble(err), responseFacts(err).retryAfterMs, owesHoles ? holeMark : undefined, userMessage(err));
      return;
    }
    /** Seeding at the live minute after all: its klines' last `unsureMs` may lack trades (partial until settled). */
    let unsureMs = 0;
    // The stream's first read after a drop may lack trades at the hole's end (ccxt's cache mixing the old socket's
    // last trades with the new one's): checked as a first seed's is, though the stream was live throughout.
    const afterDrop = this.host.facts.firstReadAfterDrop;
    this.host.facts.firstReadAfterDrop = false;
    // Not our clock: 90 s behind the exchange's it put the seam a minute before the exchange's, and REST trades that
    // reached back to the exchange's minute but not to ours made the weaker seam, whose bars lost the minute between.
    const exchangeNow = (): number => clock.now() + aheadMs;
    for (let attempt = 0; attempt < 3; attempt++) {
      // Live since before REST is asked: every trade after its answer comes on the stream (buffered, or the next).
      const liveTurn = this.host.facts.wasLive ? this.host.facts.liveTurns : undefined;
      const seamMinute = seamMinuteOf(oldestTime(this.host.facts.buffer), exchangeNow(), lagMinutes);
      let results: SeedResult[];
      let rest: TradesSince;
      // Every request is awaited, failed or not: a rejection left pending while another is awaited would be unhandled.
      const [trades, ...fetched] = await Promise.allSettled([
        history.tradesSince(this.host.market, seamMinute, { signal }),
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
        this.failJob(batch, historyTrouble(failure.reason), responseFacts(failure.reason).retryAfterMs, owesHoles ? holeMark : undefined, userMessage(failure.reason));
        return;
      }
      if (signal.aborted) return;
      const firstLive = oldestTime(this.host.facts.buffer);
      const streamCovered = liveTurn !== undefined && this.host.facts.wasLive && this.host.facts.liveTurns === liveTurn;
      const cut = seamCut({ seamMinute, lagMinutes, restComplete: rest.complete, firstLive, streamCovered, exchangeNow });
      switch (cut.kind) {
        case 'live minute':
          log.debug(`${describeMarket(this.host.market)}: ${cut.why}`);
          unsureMs = cut.unsureMs;
          lagMinutes = 0;
          continue;
        case 'again':
          log.debug(`${describeMarket(this.host.market)}: ${cut.why}`);
          continue;
        case 'cut':
          break;
        default:
          assertNever(cut);
      }
      const { weak } = cut;
      const seamBar = weak ? await this.requests.seamKline(seamMinute, served, signal) : undefined;
      // The seam kline holds the exchange's trades up to its answer: a gap's rebuild must count those as held.
      const seamBarUpTo = seamBar && seamBar.volume > 0 ? exchangeNow() : undefined;
      if (signal.aborted) return;
      if (weak) log.info(`${describeMarket(this.host.market)}: REST trades do not reach ${new Date(seamMinute).toISOString()}; the bar in progress is partial until it closes`);
      let heldUpTo: number | undefined;
      for (const { tf } of batch) heldUpTo = Math.max(heldUpTo ?? -Infinity, this.host.timeframes.get(tf)?.heldUpTo ?? -Infinity);
      const buffer = this.host.facts.buffer;
      const { fromRest, guard, hold, check } = seamInstall({ seamMinute, weak, restTrades: rest.trades, buffer, firstLive, heldUpTo, streamCovered, afterDrop });
      const lastRest = fromRest[fromRest.length - 1];
      let installed = false;
      let unbuilt: string | undefined;
      for (const r of results) {
        const state = this.host.timeframes.get(r.tf);
        if (!state) continue; // removed while we were fetching
        if (state.pending) {
          // Re-queued while we were fetching: the next job does this one's work too (a first seed stays a first seed).
          state.pending = mergeModes(state.pending, r.mode);
          continue;
        }
        state.inJob = false;
        if ('error' in r) {
          unbuilt ??= r.error;
          this.host.repair.failed(r.tf, state, r.mode, { message: r.error, reason: r.error }, undefined, false);
        } else {
          this.host.repair.install(r.tf, state, r.mode, r.history, r.ladder, fromRest, guard, seamMinute, weak ? { bar: seamBar } : undefined, unsureMs, hold);
          state.seamGuard = guard;
          installed = true;
        }
      }
      if (installed && lastRest && lastRest.timestamp > (this.host.facts.newestTradeTs ?? -Infinity)) this.host.facts.newestTradeTs = lastRest.timestamp;
      if (installed && seamBarUpTo !== undefined && seamBarUpTo > (this.host.facts.newestTradeTs ?? -Infinity)) this.host.facts.newestTradeTs = seamBarUpTo;
      if (installed) this.host.facts.seededUpTo = Math.min(this.host.facts.seededUpTo ?? Infinity, seamMinute);
      // Taken from the buffer before it is reset below. The hole's trades are picked out of REST's whole answer, not
      // the bars' share of it: that ends at the stream's oldest buffered trade, which may be one of the hole's own sent
      // after the pick-up, and the hole's trades after it would reach the rules neither late nor live.
      if (installed && owesHoles) this.host.holes.installed(holeMark, buffer, weak ? fromRest : rest.trades, seamMinute, weak ? rest.trades : undefined);
      if (!installed && owesHoles && unbuilt !== undefined) this.host.holes.failed(holeMark, unbuilt, this.jobFollows(), buffer);
      // A drop during this job dated its gap at the drop, but a weaker seam's bars hold no trade after its minute.
      if (installed && weak && this.host.facts.gapSince !== undefined) this.host.facts.gapSince = Math.min(this.host.facts.gapSince, seamMinute);
      if (installed) this.startCheck(check, buffer);
      this.host.facts.buffer = [];
      this.host.refreshLive();
      return;
    }
    const seam = 'could not find a stable seam between REST history and live trades';
    this.failJob(batch, { message: seam, reason: 'history and live trades did not meet' }, undefined, owesHoles ? holeMark : undefined);
  }

  /** The stream's first read is checked against REST (seamCheck.ts), after the seed's own `done`: its consumers read catching up until the check settles. */
  private startCheck(check: ReadCheck, buffer: readonly Trade[]): void {
    switch (check.kind) {
      case 'now':
        this.host.seams.checkNow(check.reach, check.hold, buffer);
        return;
      case 'first trade':
        this.host.seams.awaitFirstTrade(check.reach);
        return;
      case 'none':
        return;
      default:
        assertNever(check);
    }
  }

  /**
   * The job failed (see failBatch); the holes it owed (up to `holeMark`) are lost, unless a job queued meanwhile follows
   * at once. `holeReason`: the failure in the words the hub's own hole fetch gives a lost hole (userMessage), so a
   * panel says one lost hole alike whoever fetched it; the badge keeps the trouble's short reason.
   */
  private failJob(batch: SeedBatch, trouble: Trouble, retryAfterMs: number | undefined, holeMark: number | undefined, holeReason = trouble.reason): void {
    const buffered = this.host.facts.buffer; // failBatch lets it go
    this.failBatch(batch, trouble, retryAfterMs);
    if (holeMark !== undefined) this.host.holes.failed(holeMark, holeReason, this.jobFollows(), buffered);
  }

  /** A job queued while this one ran follows at once (it takes the holes this one owed). */
  private jobFollows(): boolean {
    for (const state of this.host.timeframes.values()) if (state.pending) return true;
    return false;
  }

  /** Paint first: the cached bars of each timeframe seeding for the first time go out before any REST request. */
  private async showCached(batch: SeedBatch): Promise<void> {
    const until = bucketStart('1m', this.host.clock.now());
    for (const { tf, mode } of batch) {
      const state = this.host.timeframes.get(tf);
      if (mode.kind !== 'initial' || state?.status !== 'seeding' || state.cached) continue;
      const read = diskBars(state, mode.depth);
      const bars = read ? [...read] : await this.host.history.cachedBars({ ...this.host.market, timeframe: tf }, bucketStart(tf, until), mode.depth);
      if (this.host.disposed() || this.host.timeframes.get(tf) !== state || state.status !== 'seeding' || bars.length === 0) continue;
      state.cached = bars;
      this.host.output.emit({ type: 'cached', timeframe: tf, candles: bars });
    }
  }

  /** The job's requests failed: each timeframe keeps what it held, and its seed or backfill is tried again later. */
  private failBatch(batch: SeedBatch, trouble: Trouble, retryAfterMs: number | undefined): void {
    for (const { tf, mode } of batch) {
      const state = this.host.timeframes.get(tf);
      if (!state) continue;
      if (state.pending) {
        state.pending = mergeModes(state.pending, mode); // re-queued while we were fetching: that job covers this one
        continue;
      }
      this.host.repair.failed(tf, state, mode, trouble, retryAfterMs, trouble.final !== true);
    }
    this.host.facts.buffer = [];
    this.host.refreshLive();
  }

  /** A bug in a seeding job (run's catch): the timeframe gives up visibly instead of the job dying unhandled. */
  private failOnBug(tf: Timeframe, message: string): void {
    this.host.log.error(`${describeMarket(this.host.market)} ${tf}: ${message}`);
    const state = this.host.timeframes.get(tf);
    if (state) {
      state.inJob = false;
      state.pending = undefined;
    }
    this.host.output.emit({ type: 'backfill', timeframe: tf, outcome: 'gave up', message, reason: message });
  }
}
