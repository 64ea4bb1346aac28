// The first seam's check: a stream not live throughout a seed may have begun after REST's answer, so the trades
// between REST's last and the stream's first are asked of REST once; the bars they may lack are held partial meanwhile.
import type { HistoryService } from '../history/historyService';
import { describeMarket, type MarketKey } from '../keys';
import { bucketStart, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import { errorMessage, type Logger } from '../util/log';
import type { ScheduleTimer } from '../util/scheduleTimer';
import type { CandleSeries } from './candleSeries';
import type { UnsettledRange } from './heldBars';
import type { SeamGuard } from './seamGuard';
import { oldestTime } from './tradeTimes';

/**
 * A quiet market's first seam's check waits this long for the stream's first trade, then asks REST without one: what
 * REST has since its seed's answer was missed, and nothing missed makes the bars whole again at once. The stream's
 * first read, whenever it comes, is still checked (REST is asked again then): a read is verified only by an answer
 * asked after it, as a read mixing two sockets' trades, or one that began late, lacks trades REST has.
 */
export const QUIET_SEAM_CHECK_MS = 3_000;

/**
 * How far a seed's REST trades reached: up to `ts`, and from it on those of `ids` (REST's at `ts`; after a resent read,
 * all of REST's from `ts` on); `guard` tells the stream's copies of them from its first new trade.
 */
export interface RestReach {
  readonly ts: number;
  readonly ids: ReadonlySet<string>;
  readonly guard: SeamGuard | undefined;
}

/**
 * A seed whose first seam's check starts at once: REST's last trade (`from`; a resent read's check may start before it)
 * and the stream's first buffered one after it.
 */
export interface SeamHold {
  readonly from: number;
  readonly firstStreamed: number;
  /**
   * The read's newest trade: the check finds a trade the read skipped anywhere up to it, so the bars up to its bucket
   * are held too (a miss later in the read left them whole and final until its backfill landed).
   */
  readonly readNewest?: number;
  /** A resent read's: REST's last trade. A trade up to it in neither REST's first answer nor the read is missed too. */
  readonly readUpTo?: number;
}

/**
 * The bars the first seam's check holds partial until it settles: from the bucket of REST's last trade to that of
 * the stream's first (a failed backfill's hole later on is its own: `until` stops before it).
 */
export interface SeamHole {
  readonly from: number;
  until: number;
}

/** A timeframe as the check sees it: its bars, the hole it holds in them, and what tells a hole of its own. */
export interface HeldTimeframe {
  readonly series: CandleSeries;
  seamHole: SeamHole | undefined;
  readonly status: 'seeding' | 'ready';
  readonly unsettled: UnsettledRange | undefined;
  /** The last backfill outcome while it was not `done` (a failure its retry mends). */
  readonly trouble: object | undefined;
  readonly historyMissing: boolean;
}

/** What the check needs of its candle factory. */
export interface SeamCheckHost<T extends HeldTimeframe> {
  readonly market: MarketKey;
  readonly log: Logger;
  readonly history: Pick<HistoryService, 'tradesSince'>;
  readonly signal: AbortSignal;
  readonly timers: ScheduleTimer;
  readonly quietMs: number;
  disposed(): boolean;
  /** The stream's turn live (each start after a break counts one), or undefined while it is not live. */
  liveTurn(): number | undefined;
  timeframes(): Iterable<T>;
  /** The timeframes taking live trades. */
  live(): readonly T[];
  /** Tells a timeframe's consumers its bars are not whole until the check settles. */
  catchingUp(state: T): void;
  /** Tells a timeframe's consumers the check found nothing missing (unless other work still holds its bars). */
  caughtUp(state: T): void;
  /** Sends the changes of a timeframe's bars (the check made some whole again). */
  publish(state: T): void;
  /** Every timeframe is backfilled from `since` (trades missing, or the check could not tell). */
  backfillFrom(since: number): void;
}

/**
 * The stream's first read as the check sees it: its oldest and newest trades and the ids between. REST's trades in
 * that span it lacks are missed too: a read that mixed two sockets' trades (ccxt's cache is the exchange's) is no
 * unbroken run, and trusted as one it left the trades between them in no bar.
 */
interface FirstRead {
  readonly oldest: number;
  readonly newest: number;
  readonly ids: ReadonlySet<string>;
}

/**
 * A check waiting for the stream's first trade. A quiet spell asks REST before it (`quiet`: asking, then answered
 * with nothing missed); the first read voids a quiet ask still unanswered and is asked about on its own.
 */
interface PendingCheck extends RestReach {
  quiet?: 'asking' | 'answered';
}

/**
 * The first seam's check of one candle factory: at most one waits for the stream's first trade (or a quiet spell);
 * once asked, REST's answer either makes the held bars whole again or starts a backfill from the first trade missed.
 */
export class SeamCheck<T extends HeldTimeframe> {
  private pending: PendingCheck | undefined;
  /** Cancels the wait after which a live stream's first seam's check runs without a trade. */
  private quietWait: (() => void) | undefined;

  constructor(private readonly host: SeamCheckHost<T>) {}

  /** Whether a check holds its timeframes' consumers catching up (waiting for the stream's first trade or a quiet spell). */
  get waiting(): boolean {
    return this.pending !== undefined && this.pending.quiet !== 'answered';
  }

  /**
   * A seed ended before any streamed trade: checked once the stream pushes (or stays quiet), unless a check already
   * waits from an earlier seed (its timeframes lack the trades since then, so it stays; a quiet spell is waited
   * for again, as this seed's timeframes were not there for the last one).
   */
  awaitFirstTrade(reach: RestReach): void {
    const older = this.pending;
    if (older && older.ts <= reach.ts && older.quiet !== 'answered') return;
    const kept = older && older.ts <= reach.ts ? older : reach;
    this.pending = { ts: kept.ts, ids: kept.ids, guard: kept.guard };
    if (this.host.liveTurn() !== undefined) this.onLive();
  }

  /**
   * A seed buffered the stream's first trades (`buffered`, in no order: the seed's buffer, none of them REST's): the
   * bars it held partial (their seamHole) are checked at once, REST's trades inside the read's span too.
   */
  checkNow(reach: RestReach, hold: SeamHold, buffered: readonly Trade[]): void {
    for (const state of this.host.timeframes()) if (state.seamHole) this.host.catchingUp(state);
    const read = firstReadOf(buffered);
    const upTo = hold.readUpTo ?? -Infinity;
    this.ask(reach, read ? (read.newest < upTo ? { ...read, newest: upTo } : read) : { oldest: hold.firstStreamed, newest: upTo, ids: NO_IDS });
  }

  /**
   * The stream is live: until its first trade is checked against REST, trades since REST's last may be missing, and
   * the ready timeframes' consumers read catching up.
   */
  onLive(): void {
    // A quiet check answered holds nothing: the first read, whenever it comes, is checked on its own.
    if (!this.pending || this.pending.quiet === 'answered') return;
    for (const state of this.host.timeframes()) if (state.status === 'ready') this.host.catchingUp(state);
    this.waitForQuiet();
  }

  /** Not live: the quiet spell's wait starts over with the next live. */
  onNotLive(): void {
    this.cancelQuietWait();
  }

  /** A drop's gap backfill from `since` covers what a check from then on would have asked about. */
  coveredFrom(since: number): void {
    if (this.pending && since <= this.pending.ts) this.pending = undefined;
  }

  /**
   * A trade batch arrived; `fresh` is it without a guard's copies. If these are the stream's first trades after a
   * check's seed, the bars since REST's last trade are held partial now, and the returned call (made once the batch
   * is applied, before its deltas go out) holds the read's own bars partial too, up to its newest trade (a trade it
   * skipped is found anywhere in it), and asks REST about this read. A quiet spell's ask still unanswered is void (REST may have answered it
   * before some of the read's trades were made), one answered covered only what came before it. O(batch) for the
   * first batch only.
   */
  streamed(fresh: (guard: SeamGuard | undefined) => readonly Trade[]): (() => void) | undefined {
    const check = this.pending;
    if (!check) return undefined;
    const read = firstReadOf(fresh(check.guard));
    if (read === undefined) return undefined;
    this.pending = undefined;
    this.cancelQuietWait();
    this.holdUntilChecked(check.ts, read.newest);
    // Asked on a quiet spell, every ready timeframe was told it was catching up (onLive): this answer tells them.
    const tellReady = check.quiet === 'asking';
    return () => {
      // The hole made only the read's first bar partial; those after it are the batch's too.
      for (const state of this.host.live()) if (state.seamHole) state.series.markPartial(bucketStart(state.series.timeframe, read.oldest), state.seamHole.until);
      this.ask(check, read, tellReady);
    };
  }

  dispose(): void {
    this.cancelQuietWait();
    this.pending = undefined;
  }

  /**
   * A quiet market may push no trade for minutes: after a few seconds live without one, the check asks REST up to
   * then (QUIET_SEAM_CHECK_MS), and a trade that comes later is past the point checked.
   */
  private waitForQuiet(): void {
    const check = this.pending;
    this.cancelQuietWait();
    if (!check || check.quiet) return;
    const turn = this.host.liveTurn();
    this.quietWait = this.host.timers(() => {
      this.quietWait = undefined;
      if (this.host.disposed() || this.pending !== check || this.host.liveTurn() !== turn) return;
      check.quiet = 'asking';
      this.ask(check, undefined, true);
    }, this.host.quietMs);
  }

  private cancelQuietWait(): void {
    this.quietWait?.();
    this.quietWait = undefined;
  }

  /**
   * The stream's first trades came after REST's last (`restUpTo`), up to `newestStreamed`: trades between may never
   * come, or the read skipped some (ask). Until the check settles, the bars from REST's last trade
   * to the read's newest are partial (no close of them goes out as whole) and their consumers read catching up.
   */
  private holdUntilChecked(restUpTo: number, newestStreamed: number): void {
    for (const state of this.host.live()) {
      const tf = state.series.timeframe;
      // A failed seed or backfill left a hole of its own (its retry fills it; its consumers read degraded): made
      // whole here, its last bar would close with flat bars invented across that hole.
      if (hasOwnHole(state)) continue;
      // A last bar that ended by REST's last trade lacks none of those that may be missing (from its time on: another
      // of the same millisecond too; a quiet spell before the seed): held partial, it would stay so for good, before
      // the hole's first bucket that settling releases.
      state.series.openHole(restUpTo);
      state.seamHole = { from: bucketStart(tf, restUpTo), until: bucketStart(tf, newestStreamed) };
      this.host.catchingUp(state);
    }
  }

  /**
   * Whether the answer to `check` still counts. A read's always does; a quiet spell's (`read` undefined) only while
   * the check still waits for the first read: that read, a reconnect or a newer seed's check voids it.
   */
  private takeAnswer(check: PendingCheck, read: FirstRead | undefined): boolean {
    if (this.host.disposed()) return false;
    return read !== undefined || this.pending === check;
  }

  /** A quiet spell's check ends once its answer found trades missed or could not tell (the backfill covers it). */
  private endQuiet(check: PendingCheck, read: FirstRead | undefined): void {
    if (read === undefined && this.pending === check) this.pending = undefined;
  }

  /**
   * The first seam's check settled: no trade is missing before `wholeBefore` (Infinity: none at all), so the bars it
   * held partial before then are whole again (the quiet buckets between them filled flat, as on a gap-free stream).
   * From `wholeBefore` on, the backfill the check starts rebuilds them.
   */
  private releaseSeamHoles(wholeBefore: number): void {
    for (const state of this.host.timeframes()) {
      const hole = state.seamHole;
      if (!hole) continue;
      const tf: Timeframe = state.series.timeframe;
      state.seamHole = undefined;
      const before = wholeBefore === Infinity ? hole.until + 1 : Math.min(hole.until + 1, bucketStart(tf, wholeBefore));
      const unsettled = state.unsettled;
      const ours = (c: Candle): boolean => c.partial === true && c.partialSince === undefined && c.time < before && !(unsettled && c.time >= unsettled.from && c.time < unsettled.until);
      const bars = state.series.between(hole.from, Infinity);
      if (!bars.some(ours)) continue;
      const reopen = state.series.holeOpen;
      state.series.replaceFrom(hole.from, bars.map((c) => (ours(c) ? wholeBar(c) : c)), false);
      if (reopen) state.series.openHole();
      this.host.publish(state);
    }
  }

  /**
   * The stream's first trades came after a seed that had none, or while a seed it was not live for ran: REST is asked
   * once whether trades fell between its answer and the stream's start (a subscription takes effect some time after
   * it is sent), and whether the stream's first read (`read`; none yet on a quiet spell) lacks any inside its span.
   * Only if so, the bars are backfilled from the first trade missed; the stream stays live meanwhile. If REST cannot
   * be asked, they are backfilled from the seam. `tellReady`: every ready timeframe was told it was catching up.
   */
  private ask(after: PendingCheck, read: FirstRead | undefined, tellReady = false): void {
    const { host } = this;
    const market = describeMarket(host.market);
    host.history.tradesSince(host.market, after.ts, { signal: host.signal }).then(
      (rest) => {
        if (!this.takeAnswer(after, read)) return;
        if (!rest.complete || rest.truncated === true) {
          this.endQuiet(after, read);
          // Not back to the seam (only the newest trades), or cut short (the page budget ran out): a trade missing
          // outside what came cannot be seen, as unchecked.
          host.log.warn(`${market}: REST trades do not reach back to the seam to check it; backfilling from ${new Date(after.ts).toISOString()}`);
          this.releaseSeamHoles(after.ts);
          host.backfillFrom(after.ts);
          return;
        }
        const held = (t: Trade): boolean => t.timestamp < after.ts || after.ids.has(t.id);
        // No read yet (a quiet spell): every trade REST has since the seed's answer was missed.
        const lacks = (t: Trade): boolean => read === undefined || t.timestamp < read.oldest || (t.timestamp <= read.newest && !read.ids.has(t.id));
        const missed = rest.trades.filter((t) => !held(t) && lacks(t));
        const since = oldestTime(missed);
        if (since === undefined) {
          // A quiet spell's check stays for the first read, holding nothing meanwhile.
          if (read === undefined) after.quiet = 'answered';
          const told = [...host.timeframes()].filter((s) => s.seamHole !== undefined || (tellReady && s.status === 'ready'));
          this.releaseSeamHoles(Infinity);
          for (const state of told) host.caughtUp(state);
          return;
        }
        this.endQuiet(after, read);
        host.log.warn(`${market}: ${missed.length} trade(s) between the REST history and the stream's start never came on the stream; backfilling from ${new Date(since).toISOString()}`);
        this.releaseSeamHoles(since);
        host.backfillFrom(since);
      },
      (err: unknown) => {
        if (!this.takeAnswer(after, read)) return;
        this.endQuiet(after, read);
        // Unchecked, trades may be missing for good: the bars are backfilled from the seam instead, whose failures
        // are retried and named like any backfill's.
        host.log.warn(`${market}: could not check the seam against REST trades (${errorMessage(err)}); backfilling from ${new Date(after.ts).toISOString()}`);
        this.releaseSeamHoles(after.ts);
        host.backfillFrom(after.ts);
      },
    );
  }
}

const NO_IDS: ReadonlySet<string> = new Set();

function firstReadOf(trades: readonly Trade[]): FirstRead | undefined {
  if (trades.length === 0) return undefined;
  let oldest = Infinity;
  let newest = -Infinity;
  const ids = new Set<string>();
  for (const t of trades) {
    if (t.timestamp < oldest) oldest = t.timestamp;
    if (t.timestamp > newest) newest = t.timestamp;
    ids.add(t.id);
  }
  return { oldest, newest, ids };
}

/** `bars` with those of `hole` (its `until` bucket too) partial until the first seam's check releases them. */
export function heldBars(bars: readonly Candle[], hole: SeamHole): Candle[] {
  return bars.map((c) => (c.time >= hole.from && c.time <= hole.until && !c.partial ? { ...c, partial: true } : c));
}

/** A seed's hold as the hole of `tf`, not before the bars that seed rebuilt (`replaceFrom`: a gap's; those before are as held). */
export function seamHoleOf(tf: Timeframe, hold: SeamHold, replaceFrom: number): SeamHole {
  return { from: Math.max(bucketStart(tf, hold.from), replaceFrom), until: bucketStart(tf, Math.max(hold.firstStreamed, hold.readNewest ?? -Infinity)) };
}

function hasOwnHole(state: HeldTimeframe): boolean {
  const last = state.series.lastTime();
  const bar = last === undefined ? undefined : state.series.find(last);
  const unsettledPartial = bar?.partial === true && bar.partialSince !== undefined;
  return state.series.holeOpen || (bar?.partial === true && !unsettledPartial) || state.trouble !== undefined || state.historyMissing;
}

/** The bar as whole: its values without the partial flag. */
function wholeBar({ time, open, high, low, close, volume }: Candle): Candle {
  return { time, open, high, low, close, volume };
}
