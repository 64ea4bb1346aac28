/** Records one market's trades, order book and ticker from the hub into a RecordSink, batched off the hot path. */
import type { EventFor, Subscription, SubscriptionRequest, TradesEvent } from '../hub/requests';
import { assertNever } from '../util/assertNever';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import { systemClock, type Clock } from '../util/clock';
import { errorMessage, silentLogger, userMessage, type Logger } from '../util/log';
import type { Trade } from '../types';
import { BookDiff } from './bookDiff';
import { bufferFull, GAP_WORDING, heldOverflow, NOT_RECORDING, NOT_RECORDING_STOPPED, noTradeBeforeStop, notStoredAtStop, rowsNotStoredAtStop, type GapCause, type HeldFor } from './holeReasons';
import { RecordBuffer } from './recordBuffer';
import type { RecordSink } from './recordSink';
import type { HoleKind, RecordBatch, RecordKind, RecordedMarket, RecordingHole, RowOf, TradeRow } from './recordTypes';
import { holeKey, RECORD_KINDS } from './recordTypes';
import type { HolesWritten, RecorderState } from './recorderState';
import { StoredHoleSpans } from './storedHoleSpans';
import type { StoredTailReader } from './storedTail';
import { TRADES_LEFT_OUT, TradeContinuity } from './tradeContinuity';

/** The part of the hub a recorder uses: it subscribes like any other consumer. */
export interface HubSubscriber {
  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void): Subscription;
}

/**
 * REST trades in [from, until), oldest first (until undefined: every trade REST has from `from` on): what fills a hole the socket
 * left during a reconnect. `onMissing`: the exchange's REST trades did not reach back to `from` (Bybit gives its newest
 * 1,000), so those of that span may be missing. `signal`: aborted when the recorder closes (the fill is of no use then).
 */
export type TradeGapFiller = (market: RecordedMarket, from: number, until: number | undefined, onMissing: (from: number, until: number) => void, signal: AbortSignal) => Promise<readonly Trade[]>;

export interface MarketRecorderOptions {
  readonly hub: HubSubscriber;
  readonly sink: RecordSink;
  readonly market: RecordedMarket;
  readonly kinds?: readonly RecordKind[];
  readonly fillGap?: TradeGapFiller;
  /** How far behind the newest trade the stream may still send one (default LATE_TRADE_MS): a hole starts that far back. */
  readonly lateTradeMs?: number;
  /**
   * The trades taken by an earlier recording of this market in this session (RecordingSet hands it on): what the
   * stream sends again after a stop and start (Coinbase's snapshot of its last trades) is not recorded twice.
   */
  readonly continuity?: TradeContinuity;
  /**
   * The recording of this market this one follows in this session (stopped, maybe still flushing): the stream's events
   * wait for its stop, then the time since its last trade is continued like a reload's (fetched within
   * resumeWithinMs, else a hole 'not recording (recording stopped)'), or a replay would show it as a quiet market.
   */
  readonly earlier?: EarlierRecording;
  /**
   * Where the store's recording of this market ends, read at start when no continuity is handed on (a new session:
   * the app reloaded, or crashed): the stream's repeats of stored trades are not stored twice, and a recording that
   * ended less than `resumeWithinMs` ago is continued as after a reconnect (its hole filled from REST, or stored).
   */
  readonly storedTail?: StoredTailReader;
  /** How recent the store's last trade must be for its recording to be continued (default RESUME_WITHIN_MS). */
  readonly resumeWithinMs?: number;
  /**
   * Trades held at most while the store's tail is read (default MAX_HELD_TRADES; those after are dropped, a hole), and
   * waiting for a hole's fill (those after are let go as a drop's, and fetched by the next fill).
   */
  readonly maxHeldTrades?: number;
  /**
   * The exchange's time (default our clock): where a hole left open by a stop ends when no trade since the drop says
   * more. Ours behind the exchange's would leave its last seconds unmarked.
   */
  readonly exchangeNow?: (market: RecordedMarket) => Promise<number>;
  /** The market's price increment as the exchange publishes it (asked once at start), stored with the trades. */
  readonly tickSize?: (market: RecordedMarket) => Promise<number | undefined>;
  /** A batch is written at least this often (default 5 s): what a crash can lose at most. */
  readonly flushEveryMs?: number;
  /** Rows of one kind per write (default 20,000). */
  readonly maxBatchRows?: number;
  /** Rows held at most while the store is behind (default 500,000, about 50 MB). */
  readonly maxBufferedRows?: number;
  /** A full book snapshot at least this often (default 60 s). */
  readonly snapshotEveryMs?: number;
  readonly retry?: BackoffPolicy;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly onState?: (state: RecorderState) => void;
}

/** A stopped recording, as the next recording of its market in the session continues it (MarketRecorder.asEarlier). */
export interface EarlierRecording {
  /** Its close(): settles once it stopped, its last trades in the continuity they share then. */
  readonly stopped: Promise<void>;
  /**
   * Settles with the stop (never rejects): its first trade's time, or where the recording it continued began; a
   * hole starts no earlier. A value, so what is kept of a stopped recording does not hold the recorder.
   */
  readonly firstTaken: Promise<number | undefined>;
  /**
   * Settles with the stop (never rejects): the holes it could not write and the span of the trades the store did not
   * take (its last write failed). They are taken by the continuity all the same, so the next recording marks them,
   * or nothing would say they lack.
   */
  readonly unwritten: Promise<readonly RecordingHole[]>;
  /**
   * What of its holes is stored, shared with the next recording: a hole that recording continues from the same last
   * trade (a stop while its fill was asked) is stored only for the part not stored yet.
   */
  readonly storedHoles: StoredHoleSpans;
}

/** What the log calls the rows of a kind. */
const ROWS_NAMED: Readonly<Record<HoleKind, string>> = { trades: 'trades', book: 'order book rows', tickers: 'ticker rows' };

/** How far behind the newest trade an exchange's stream may still send one (it pushes in order within a few batches). */
export const LATE_TRADE_MS = 10_000;

/**
 * A recording that ended this recently (a window reload, a crash and restart) is continued: the time between is
 * filled from REST or stored as a hole. One that ended earlier was stopped (or the app closed): a new recording.
 */
export const RESUME_WITHIN_MS = 5 * 60_000;

/**
 * Trades held while the store's tail is read (a slow or unreachable ClickHouse may take its whole timeout, ~30 s, on
 * a market of thousands a second): about 15 MB. Past it they are dropped, and their span is a hole.
 */
export const MAX_HELD_TRADES = 100_000;

/** How far back the store is looked at for its last trade (later than an ended day's compaction: only small part files). */
const TAIL_HORIZON_MS = 60 * 60_000;

/** Without a filler a hole cannot be fetched: it is kept, named, as one whose fetch failed. */
const noRestTrades: TradeGapFiller = () => Promise.reject(new Error('no REST trades to fetch them from'));

const DEFAULT_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 };

/**
 * A consumer of the hub like a panel: its subscriptions keep the streams open, dispose gives them back. Rows go to a
 * bounded buffer; a timer (and a full batch) writes them, one write at a time, so the socket's handler only appends.
 * `close()` unsubscribes, then writes what is buffered; nothing of it runs afterwards.
 */
export class MarketRecorder {
  private readonly buffer: RecordBuffer;
  private readonly subs: Subscription[] = [];
  private readonly continuity: TradeContinuity;
  /** The time of this recorder's first trade: a drop before it leaves no hole of this recording's (the continuity may be an earlier one's). */
  private firstTaken: number | undefined;
  private readonly bookDiff: BookDiff;
  private readonly clock: Clock;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private failures = 0;
  private storedRows = 0;
  private holesWritten: HolesWritten | undefined;
  private current: RecorderState = { status: 'starting' };
  private closing: Promise<void> | undefined;
  /** Aborted by close(): a fill's REST requests end with the recorder. */
  private readonly stopped = new AbortController();
  private tickSize: number | undefined;
  /**
   * Set while the trade socket is reconnecting or its hole is being filled (`cause`: a reconnect, TradeSuite closed
   * since the stored recording ended, or the market's recording stopped earlier in this session; it words the holes): live trades wait here, in order. `drops`:
   * the socket dropped again while they waited, the trades from each of these indices on came after a drop. `full`:
   * maxHeldTrades wait, the socket's trades after them are let go (a drop) until this fill ends. `unfetched`: the
   * gap is not fetched (the store's recording ended long ago: it may be days), only stored as a hole of this reason
   * through unheardEnd of the stream's first new trade (`firstNew`), once a trade past it came; no trade waits for it.
   * `newest`: the newest trade that waited.
   */
  private gap: { readonly from: number; readonly cause: GapCause; waiting: Trade[]; readonly drops: number[]; filling: Promise<void> | undefined; failed?: string; full?: boolean; readonly unfetched?: string; newest?: number; firstNew?: number } | undefined;
  /** Whether the trade stream last said it is live (a hole found after it was fetches at once, not with the next trade). */
  private tradesLive = false;
  /** Spans the recording may lack rows in (of every kind), not yet written: they go with the next batch of trades. */
  private readonly holes: RecordingHole[] = [];
  /** What of them is stored: a hole that grew while a batch carried it is written again only for its new part. */
  private readonly storedHoles: StoredHoleSpans;
  /** Per kind, the hole of its rows dropped from a full buffer while none was kept since (in `holes`): more drops extend it. */
  private readonly openDrop = new Map<HoleKind, RecordingHole>();
  /** The trade stream's events while the store's tail is read (see resume): handled, in order, once it is. */
  private held: TradesEvent[] | undefined;
  /** The trades in `held`: at most maxHeldTrades. */
  private heldTrades = 0;
  /** The span of the trades that came past maxHeldTrades while the tail was read: dropped, a hole once it is read. */
  private heldDropped: { from: number; until: number; count: number } | undefined;
  private resumed: Promise<void> | undefined;
  /** Why the store last failed a write (for what a stop leaves unstored). */
  private lastWriteError: string | undefined;
  /** Stopped to be continued by the next recording of the market (asEarlier): what is not stored goes to it. */
  private handsOn = false;
  /** What close() could not write: handed to the next recording (asEarlier). */
  private unwritten: readonly RecordingHole[] = [];

  constructor(private readonly opts: MarketRecorderOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.continuity = opts.continuity ?? new TradeContinuity((n) => this.log.warn(`recording ${this.market()}: ${n} ${TRADES_LEFT_OUT}`));
    this.buffer = new RecordBuffer(opts.maxBufferedRows ?? 500_000);
    this.bookDiff = new BookDiff({ snapshotEveryMs: opts.snapshotEveryMs ?? 60_000 });
    this.storedHoles = opts.earlier?.storedHoles ?? new StoredHoleSpans();
  }

  get state(): RecorderState {
    return this.current;
  }

  /** The stream's events held while the store's end (or the stopped recording's) is read: bounded, see hold. */
  get heldEvents(): number {
    return this.held?.length ?? 0;
  }

  /** Resolves once no reconnect's hole is being filled (at once when none is). */
  async gapFilled(): Promise<void> {
    await this.resumed;
    while (this.gap?.filling) await this.gap.filling;
  }

  start(): this {
    const { exchange, symbol } = this.opts.market;
    this.opts.tickSize?.(this.opts.market).then(
      (tick) => (this.tickSize = tick !== undefined && Number.isFinite(tick) && tick > 0 ? tick : undefined),
      (err: unknown) => this.log.warn(`recording ${this.market()}: the market's tick size is not known (${errorMessage(err)}); a replay will infer it from the prices`),
    );
    const kinds = this.opts.kinds ?? RECORD_KINDS;
    if (kinds.includes('trades') && (this.opts.earlier || (this.opts.storedTail && this.continuity.last === undefined))) {
      this.held = [];
      this.resumed = this.resume();
    }
    for (const kind of kinds) {
      switch (kind) {
        case 'trades':
          this.subs.push(this.opts.hub.subscribe({ kind: 'trades', exchange, symbol }, (e) => this.onTrades(e)));
          break;
        case 'book':
          this.subs.push(this.opts.hub.subscribe({ kind: 'orderbook', exchange, symbol }, (e) => this.onBook(e)));
          break;
        case 'tickers':
          this.subs.push(this.opts.hub.subscribe({ kind: 'ticker', exchange, symbol }, (e) => this.onTicker(e)));
          break;
        default:
          assertNever(kind);
      }
    }
    void Promise.all(this.subs.map((s) => s.ready)).then(
      () => this.current.status === 'starting' && this.setState(this.recording()),
      (err: unknown) => {
        this.log.warn(`recording ${this.market()}: a stream could not be subscribed (${errorMessage(err)})`);
        this.setState({ status: 'failed', reason: userMessage(err) });
      },
    );
    this.schedule(this.opts.flushEveryMs ?? 5000);
    return this;
  }

  /** Unsubscribes, writes what is buffered (retrying within the backoff until it is stored or fails once more), stops. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const s of this.subs) s.dispose();
      this.subs.length = 0;
      // The trades that came while the store's tail was read are told from its trades first (a local read).
      if (this.resumed) await this.resumed;
      const exchangeNow = this.gap ? await this.exchangeNow() : this.clock.now();
      this.stopped.abort();
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.gap) {
        const { from, cause, waiting, drops, failed, unfetched } = this.gap;
        this.log.warn(`recording ${this.market()}: stopped while filling ${GAP_WORDING[cause].span} from ${new Date(from).toISOString()}; trades of it may be missing`);
        // No trade since the drop: the hole ends at the exchange's now (never before the last trade taken, as the hole
        // starts before it). Whatever the exchange made until the stop is unknown: ending it at the last trade before
        // the drop left a failed fill's seconds unmarked; ending it at our clock did so for as long as ours is behind.
        const last = this.continuity.last ?? from;
        const until = (i: number, start: number): number => {
          const after = waiting[i];
          const before = i === 0 ? last : (waiting[i - 1] as Trade).timestamp;
          return after ? Math.max(after.timestamp, before) + 1 : Math.max(exchangeNow, start + 1, before + 1);
        };
        // A gap this recording did not hear begin ends where it has every trade from (unheardEnd of its first new trade), or at the stop.
        const stopEnd = cause === 'reconnect' ? undefined : this.unheardStopEnd(this.gap, exchangeNow, last);
        const first = stopEnd?.until ?? until(0, from);
        const unfetchedWhy = unfetched !== undefined && stopEnd?.heard === false ? noTradeBeforeStop(unfetched) : unfetched;
        this.addTradeHole(this.unfetchedRestFrom(this.gap), first, failed ?? unfetchedWhy ?? GAP_WORDING[cause].stopped);
        // The socket dropped again while the trades waited: what each drop lost is a hole too.
        for (const d of drops) {
          const before = waiting[d - 1];
          const start = before ? Math.max(from, before.timestamp - (this.opts.lateTradeMs ?? LATE_TRADE_MS)) : from;
          this.addTradeHole(start, until(d, start), GAP_WORDING.reconnect.stopped);
        }
        this.pushTrades(waiting);
        this.gap = undefined;
      }
      await this.writing;
      await this.flushAll();
      this.unwritten = this.leftUnwritten();
      this.setState({ status: 'stopped', storedRows: this.storedRows });
    })();
    return this.closing;
  }

  /** Stops this recording (see close) and hands it to the next recording of the market in this session. */
  asEarlier(): EarlierRecording {
    this.handsOn = true;
    const stopped = this.close();
    const first = (): number | undefined => this.firstTaken;
    const unwritten = (): readonly RecordingHole[] => this.unwritten;
    return { stopped, firstTaken: stopped.then(first, first), unwritten: stopped.then(unwritten, unwritten), storedHoles: this.storedHoles };
  }

  /**
   * After the last write at stop: the rows the store did not take (said in the log, they are lost) and the holes not
   * written, with the span of the rows not stored, of each kind, as one more. The next recording of the market marks
   * them, if any (a replay shows each as a hole).
   */
  private leftUnwritten(): RecordingHole[] {
    const left = this.storedHoles.unstored(this.holes.splice(0));
    const why = this.lastWriteError ?? 'no write was tried';
    if (this.buffer.length > 0) {
      const counts = RECORD_KINDS.filter((k) => this.buffer.lengthOf(k) > 0).map((k) => `${this.buffer.lengthOf(k)} ${k}`);
      this.log.warn(`recording ${this.market()}: stopped with ${counts.join(', ')} rows the store did not take (${why}); they are not recorded`);
    }
    const fate = this.handsOn ? 'handed to the next recording of the market to mark' : 'not marked in the recording, as the store did not take them';
    const say = (what: string, h: RecordingHole): void => this.log.warn(`recording ${this.market()}: ${what} between ${new Date(h.from).toISOString()} and ${new Date(h.until).toISOString()} may be missing (${h.reason}); ${fate}`);
    for (const h of left) say(ROWS_NAMED[h.kind], h);
    for (const kind of RECORD_KINDS) {
      const span = this.unstoredSpan(kind);
      if (!span) continue;
      let hole: RecordingHole;
      switch (kind) {
        case 'trades':
          hole = { ...span, kind, reason: notStoredAtStop(why) };
          break;
        case 'book':
        case 'tickers':
          hole = { ...span, kind, reason: rowsNotStoredAtStop(kind, why) };
          break;
        default:
          assertNever(kind);
      }
      say(ROWS_NAMED[kind], hole);
      left.push(hole);
    }
    return left;
  }

  /** The span [first, last + 1) of the buffered rows of a kind (once, at stop), none when it holds none. */
  private unstoredSpan(kind: RecordKind): { from: number; until: number } | undefined {
    const rows = this.buffer.peek(kind, this.buffer.lengthOf(kind));
    if (rows.length === 0) return undefined;
    let from = Number.POSITIVE_INFINITY;
    let until = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      if (r.ts < from) from = r.ts;
      if (r.ts + 1 > until) until = r.ts + 1;
    }
    return { from, until };
  }

  /** The exchange's time as the hub knows it; our clock when it cannot say. */
  private async exchangeNow(): Promise<number> {
    const read = this.opts.exchangeNow;
    if (!read) return this.clock.now();
    try {
      return await read(this.opts.market);
    } catch {
      return this.clock.now();
    }
  }

  private onTrades(e: TradesEvent): void {
    // A hole the market's bars fetched: the recorder fills its own holes from REST, where the stream left off.
    if (e.type === 'trades' && e.late) return;
    if (this.held && e.type !== 'error') {
      this.hold(this.held, e);
      return;
    }
    switch (e.type) {
      case 'trades':
        if (this.gap?.unfetched !== undefined) this.endUnfetched(this.gap, e.trades);
        else if (this.gap) {
          this.wait(this.gap, e.trades);
          this.gap.filling ??= this.fillGap(this.gap);
        } else this.pushTrades(e.trades);
        return;
      case 'state':
        // Live comes with the update that carries the first trades, whose fill then ends at the first of them (read
        // after a microtask). Live with no trade (a trade-cache overflow on a healthy socket) fetches the hole now,
        // rather than with the next trade, which a quiet market may not send for long.
        this.tradesLive = e.state.status === 'live';
        if (e.state.status === 'live' && this.gap && !this.gap.filling && this.gap.unfetched === undefined) this.gap.filling = this.fillGap(this.gap);
        if (e.state.status !== 'reconnecting') return;
        // Trades came since the unfetched gap's first new one: it ends where they stand, the drop's hole goes on from there.
        if (this.gap?.unfetched !== undefined && this.gap.firstNew !== undefined) this.endUnfetchedAt(this.gap, Math.min(this.unheardEnd(this.gap.firstNew), (this.continuity.last ?? this.gap.firstNew) + 1));
        if (!this.gap) {
          const from = this.holeStart();
          if (from !== undefined) this.gap = { from, cause: 'reconnect', waiting: [], drops: [], filling: undefined };
        } else if (this.gap.waiting.length > (this.gap.drops.at(-1) ?? 0)) this.gap.drops.push(this.gap.waiting.length);
        // A drop while REST is asked for a hole no trade has ended yet: REST may answer before the trades this drop
        // loses happen, so they are the next hole.
        else if (this.gap.filling && this.gap.drops.length === 0) this.gap.drops.push(0);
        return;
      case 'error':
        this.log.warn(`recording ${this.market()} trades: ${e.message}`);
        return;
      default:
        assertNever(e);
    }
  }

  /**
   * REST trades from the last recorded one through the first after the reconnect's millisecond (or, none yet, every
   * trade REST has), then the trades that waited. TradeContinuity drops the socket's copies of REST's trades by id.
   */
  private async fillGap(gap: NonNullable<MarketRecorder['gap']>): Promise<void> {
    await Promise.resolve(); // gap.filling is set before any of this runs
    if (this.closing) return; // close() takes the gap: its waiting trades, and its hole
    // The socket may resume inside a millisecond whose first trades it missed: REST's trades of it are asked too. None
    // waiting (live again without a trade): no end at all, as the exchange's now would be our clock's guess at it, and
    // REST's trades the socket also gives later are dropped by id.
    const until = this.holeEnd(gap);
    try {
      let short: { from: number; until: number } | undefined;
      const missed = await (this.opts.fillGap ?? noRestTrades)(this.opts.market, gap.from, until, (from, reached) => (short = { from, until: reached }), this.stopped.signal);
      if (this.gap !== gap) return; // closed meanwhile: close() took the waiting trades
      // Asked with no end, the socket's trades that came meanwhile end the hole: REST's from then on are their copies,
      // and taken they would put the socket's older ones out of order.
      const end = until ?? this.holeEnd(gap);
      if (short) {
        // REST's first trade may share its millisecond with older ones it left out.
        const reached = Number.isFinite(short.until) ? short.until + 1 : undefined;
        const shortEnd = reached === undefined ? end : Math.min(reached, end ?? Number.POSITIVE_INFINITY);
        if (shortEnd === undefined) {
          // REST gave nothing and cannot say how far it reaches: asked again once the socket gives a trade (from
          // the same start, so a drop meanwhile is in it); a stop before then names the hole for it.
          gap.failed = GAP_WORDING[gap.cause].short;
          this.forgetDropsIfNoneWaits(gap);
          gap.filling = undefined;
          return;
        }
        this.addTradeHole(short.from, shortEnd, GAP_WORDING[gap.cause].short);
      }
      this.pushTrades(end === undefined ? missed : missed.filter((t) => t.timestamp < end));
    } catch (err) {
      if (this.gap !== gap) return;
      const end = this.holeEnd(gap);
      if (end === undefined) {
        // The hole's end is the socket's next trade, not our clock's now (the exchange's clock may be seconds off it).
        this.log.warn(`recording ${this.market()}: the trades of ${GAP_WORDING[gap.cause].span} since ${new Date(gap.from).toISOString()} could not be fetched (${errorMessage(err)}); asked again with the next trade`);
        this.forgetDropsIfNoneWaits(gap);
        gap.failed = GAP_WORDING[gap.cause].failed(userMessage(err));
        gap.filling = undefined;
        return;
      }
      this.log.warn(`recording ${this.market()}: the trades of ${GAP_WORDING[gap.cause].span} between ${new Date(gap.from).toISOString()} and ${new Date(end).toISOString()} could not be fetched (${errorMessage(err)}); they are missing from the recording`);
      this.addTradeHole(gap.from, end, GAP_WORDING[gap.cause].failed(userMessage(err)));
    }
    if (this.gap !== gap) return;
    this.gap = undefined;
    const [drop, ...later] = gap.drops;
    this.pushTrades(drop === undefined ? gap.waiting : gap.waiting.slice(0, drop));
    if (drop === undefined) return;
    // The socket dropped again while this hole was filled: the trades it missed are the next hole, from the last one recorded.
    const next: NonNullable<MarketRecorder['gap']> = { from: this.holeStart() ?? gap.from, cause: 'reconnect', waiting: gap.waiting.slice(drop), drops: later.map((i) => i - drop), filling: undefined };
    this.gap = next;
    if (next.waiting.length > 0 || this.tradesLive) next.filling = this.fillGap(next);
  }

  /**
   * A fill with no end asked again: with no trade waiting, from the same start with no end again, so the drops
   * meanwhile are in it. With trades waiting (a gap not heard begin, its end not yet known) the retry may know its end
   * by then, before what those drops lost: they are kept, each the next hole after it.
   */
  private forgetDropsIfNoneWaits(gap: NonNullable<MarketRecorder['gap']>): void {
    if (gap.waiting.length === 0) gap.drops.length = 0;
  }

  /**
   * A hole not fetched ends through unheardEnd of the stream's first new trade (past its repeats of stored ones, which
   * TradeContinuity drops), once a trade past that came; the trades are taken meanwhile, as nothing is waited for.
   */
  private endUnfetched(gap: NonNullable<MarketRecorder['gap']>, trades: readonly Trade[]): void {
    if (gap.firstNew === undefined) {
      const last = this.continuity.last ?? gap.from;
      gap.firstNew = trades.find((t) => t.timestamp > last)?.timestamp;
      // Through it at once, so it is written with these trades: a crash before the rest is known must not leave them
      // stored after an unmarked span (a new session goes on from the store's last trade). The rest follows it.
      if (gap.firstNew !== undefined) this.addTradeHole(gap.from, gap.firstNew + 1, gap.unfetched ?? GAP_WORDING[gap.cause].stopped);
    }
    if (gap.firstNew !== undefined) {
      const end = this.unheardEnd(gap.firstNew);
      if (trades.some((t) => t.timestamp >= end)) this.endUnfetchedAt(gap, end);
    }
    this.pushTrades(trades);
  }

  private endUnfetchedAt(gap: NonNullable<MarketRecorder['gap']>, until: number): void {
    this.addTradeHole(this.unfetchedRestFrom(gap), until, gap.unfetched ?? GAP_WORDING[gap.cause].stopped);
    this.gap = undefined;
  }

  /**
   * Where a gap this recording did not hear begin ends at a stop. With a first new trade (unfetched: past the stored
   * ones; fetched: the first that waited) through unheardEnd of it, or the exchange's now if sooner: the stream was
   * heard from then on, so a quiet market stopped before a trade came that far is quiet, not a hole to the stop.
   * With none, at the stop (`heard` false): nothing says where the trades sent before this recording listened end.
   */
  private unheardStopEnd(gap: NonNullable<MarketRecorder['gap']>, exchangeNow: number, last: number): { until: number; heard: boolean } {
    const atStop = Math.max(exchangeNow, gap.from + 1, last + 1, (gap.newest ?? gap.from) + 1);
    const waited = gap.waiting[0]?.timestamp;
    const firstNew = gap.unfetched !== undefined ? gap.firstNew : waited === undefined ? undefined : Math.max(waited, this.continuity.last ?? waited);
    return firstNew === undefined ? { until: atStop, heard: false } : { until: Math.max(Math.min(this.unheardEnd(firstNew), atStop), firstNew + 1), heard: true };
  }

  /** Where the part of an unfetched gap's hole not yet kept begins: past its first new trade once that came (endUnfetched). */
  private unfetchedRestFrom(gap: NonNullable<MarketRecorder['gap']>): number {
    return gap.unfetched !== undefined && gap.firstNew !== undefined ? gap.firstNew + 1 : gap.from;
  }

  /**
   * Where a recording has every trade from, after a gap it did not hear begin (TradeSuite closed, the recording
   * stopped), given the first new trade it got: the stream ran before it listened (for a chart, say), and that
   * trade may be one the stream sent late, after newer ones nobody here heard; those are at most lateTradeMs newer.
   */
  private unheardEnd(firstNew: number): number {
    return firstNew + (this.opts.lateTradeMs ?? LATE_TRADE_MS) + 1;
  }

  /**
   * Goes on from the recording stopped earlier in this session, once it has stopped, or else from the store's last
   * trades; the events that came meanwhile are then handled as they came.
   */
  private async resume(): Promise<void> {
    const earlier = this.opts.earlier;
    // Settled even where it failed to stop (RecordingSet logs that): what it took is in the continuity all the same.
    const [firstTaken, unwritten] = earlier ? await Promise.all([earlier.firstTaken, earlier.unwritten]) : [undefined, []];
    for (const h of unwritten) this.addHole(h);
    if (earlier && this.continuity.last !== undefined) this.continueEarlier(firstTaken);
    else if (this.opts.storedTail) await this.readTail(this.opts.storedTail);
    this.releaseHeld();
  }

  /**
   * Goes on from the recording stopped earlier in this session, as a reload goes on from the store: its last trade
   * recent (the stop shorter than RESUME_WITHIN_MS), the time between is a hole fetched from REST, as a reload's is; a
   * stop longer than a reload lasts was the user's choice not to record: a hole not fetched (it may be hours). The
   * hole ends where this recording has every trade from, as a reload's does (see unheardEnd).
   */
  private continueEarlier(firstTaken: number | undefined): void {
    this.firstTaken = firstTaken;
    const from = this.holeStart();
    const last = this.continuity.last;
    if (from === undefined || last === undefined) return;
    const ended = new Date(last).toISOString();
    if (this.clock.now() - last <= (this.opts.resumeWithinMs ?? RESUME_WITHIN_MS)) {
      this.gap = { from, cause: 'stopped', waiting: [], drops: [], filling: undefined };
      this.log.info(`recording ${this.market()}: continues the recording stopped earlier, whose last trade is at ${ended}`);
    } else {
      this.gap = { from, cause: 'stopped', waiting: [], drops: [], filling: undefined, unfetched: NOT_RECORDING_STOPPED };
      this.log.info(`recording ${this.market()}: the recording stopped earlier ends at ${ended}; the time since is kept as a hole (${NOT_RECORDING_STOPPED}), not fetched`);
    }
  }

  /**
   * Goes on from the store's last trades: TradeContinuity knows them (the stream's repeats are dropped), and a
   * recording that ended a moment ago is a reconnect's hole from there (filled with the stream's first trade, or at
   * once when it is live).
   */
  private async readTail(read: StoredTailReader): Promise<void> {
    const late = this.opts.lateTradeMs ?? LATE_TRADE_MS;
    const now = this.clock.now();
    try {
      const tail = await read(this.opts.market, { withinMs: late, notBefore: now - TAIL_HORIZON_MS, onProblem: (m) => this.log.warn(`recording ${this.market()}: ${m}`) });
      if (tail) {
        this.continuity.resume(tail.from, tail.trades);
        this.storedHoles.storedBefore(tail.holes);
        this.firstTaken = Math.min(tail.from, tail.last);
        const from = this.holeStart();
        const ended = new Date(tail.last).toISOString();
        if (now - tail.last <= (this.opts.resumeWithinMs ?? RESUME_WITHIN_MS)) {
          if (from !== undefined) this.gap = { from, cause: 'closed', waiting: [], drops: [], filling: undefined };
          this.log.info(`recording ${this.market()}: continues the stored recording, which ends at ${ended}`);
        } else {
          // Ended long ago (the app was closed, or the recording stopped): the time since is not fetched (it may be
          // days), but it is a hole, or a replay over both recordings would show it as a quiet market.
          if (from !== undefined) this.gap = { from, cause: 'closed', waiting: [], drops: [], filling: undefined, unfetched: NOT_RECORDING };
          this.log.info(`recording ${this.market()}: the stored recording ended at ${ended}; the time since is kept as a hole (${NOT_RECORDING}), not fetched`);
        }
      }
    } catch (err) {
      this.log.warn(`recording ${this.market()}: where the stored recording ends could not be read (${errorMessage(err)}); trades the stream sends again may be stored twice, and the time since it is neither fetched nor marked`);
    }
  }

  /** The trade stream's events that waited for resume, handled as they came; a hole to fetch is asked for now if the stream is live. */
  private releaseHeld(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.heldTrades = 0;
    const dropped = this.heldDropped;
    this.heldDropped = undefined;
    if (dropped) {
      this.log.warn(`recording ${this.market()}: ${dropped.count} trades between ${new Date(dropped.from).toISOString()} and ${new Date(dropped.until).toISOString()} came past the ${this.maxHeld()} held while ${this.heldFor() === 'earlier' ? 'the recording stopped before was still writing' : "the store's end was read"}; they are missing from the recording (a hole)`);
      this.addTradeHole(dropped.from, dropped.until, heldOverflow(this.maxHeld(), this.heldFor()));
    }
    for (const e of held) this.onTrades(e);
    if (this.gap && this.gap.unfetched === undefined && !this.gap.filling && !this.closing && (this.gap.waiting.length > 0 || this.tradesLive)) this.gap.filling = this.fillGap(this.gap);
  }

  /**
   * Keeps an event for resume, up to maxHeldTrades trades: the trades past it are dropped (and every one after, so
   * their span is one hole) rather than grow without bound while the store is slow or down. Of the states between two
   * trade events only the first drop (where the gap or the drop begins) and the last (live or not) are kept: a socket
   * flapping while the store is down added one per attempt, without bound. Those left out change nothing: every held
   * event is handled in one turn, so a fill a live between asked for would be asked after them all the same.
   */
  private hold(held: TradesEvent[], e: Exclude<TradesEvent, { type: 'error' }>): void {
    if (e.type === 'state') {
      const prev = held.at(-1);
      const first = held.at(-2);
      // The run of states so far is [s] or [reconnecting, s]: s gives way to e unless s is that first drop.
      if (prev?.type === 'state' && (first?.type === 'state' || prev.state.status !== 'reconnecting')) held[held.length - 1] = e;
      else held.push(e);
      return;
    }
    const kept = this.heldDropped ? 0 : Math.min(e.trades.length, this.maxHeld() - this.heldTrades);
    if (kept > 0) held.push(kept === e.trades.length ? e : { type: 'trades', trades: e.trades.slice(0, kept) });
    this.heldTrades += kept;
    if (kept === e.trades.length) return;
    if (!this.heldDropped) this.log.warn(`recording ${this.market()}: ${this.maxHeld()} trades wait until ${this.heldFor() === 'earlier' ? 'the recording stopped before has written what it held' : "the store's end is read"}; newer ones are dropped until then`);
    const before = this.heldDropped ?? { from: Number.POSITIVE_INFINITY, until: Number.NEGATIVE_INFINITY, count: 0 };
    let { from, until } = before;
    for (let i = kept; i < e.trades.length; i++) {
      const ts = (e.trades[i] as Trade).timestamp;
      if (ts < from) from = ts;
      if (ts + 1 > until) until = ts + 1;
    }
    this.heldDropped = { from, until, count: before.count + e.trades.length - kept };
  }

  /**
   * The socket's trades wait for a fill up to maxHeldTrades (REST slow, a busy market): past it they are let go as a
   * drop's would be, so the next hole, from the last that waited, fetches them once this fill ends.
   */
  private wait(gap: NonNullable<MarketRecorder['gap']>, trades: readonly Trade[]): void {
    if (gap.full) return;
    const room = this.maxHeld() - gap.waiting.length;
    for (let i = 0; i < trades.length && i < room; i++) {
      const t = trades[i] as Trade;
      gap.waiting.push(t);
      if (gap.newest === undefined || t.timestamp > gap.newest) gap.newest = t.timestamp;
    }
    if (trades.length <= room) return;
    gap.full = true;
    if (gap.waiting.length > (gap.drops.at(-1) ?? 0)) gap.drops.push(gap.waiting.length);
    this.log.warn(`recording ${this.market()}: ${gap.waiting.length} trades wait for the fill of ${GAP_WORDING[gap.cause].span}; newer ones are fetched from REST after it`);
  }

  /** What the stream's trades are held for at start (the overflow's hole says which). */
  private heldFor(): HeldFor {
    return this.opts.earlier ? 'earlier' : 'tail';
  }

  private maxHeld(): number {
    return this.opts.maxHeldTrades ?? MAX_HELD_TRADES;
  }

  /**
   * Where a hole the socket leaves starts: lateTradeMs before the last trade taken (not before this recording's
   * first), as a trade the socket would have sent a batch late is lost with it; REST's copies of those taken are
   * dropped by id. From the last trade only where TradeContinuity no longer remembers that far back.
   */
  private holeStart(): number | undefined {
    const last = this.continuity.last;
    if (this.firstTaken === undefined || last === undefined) return undefined;
    const back = Math.max(last - (this.opts.lateTradeMs ?? LATE_TRADE_MS), this.firstTaken);
    return this.continuity.remembersBackTo(back) ? back : last;
  }

  /**
   * Where a hole the socket left ends on the exchange's clock: through the first trade after it, if one came yet (read
   * before the trades that waited are taken). A gap this recording did not hear begin (not a reconnect): through
   * unheardEnd, known once a trade past it waited; until then none (asked with no end, REST, asked after this
   * recording listened, has every trade the stream sent before).
   */
  private holeEnd(gap: NonNullable<MarketRecorder['gap']>): number | undefined {
    const first = gap.waiting[0]?.timestamp;
    if (first === undefined) return undefined;
    // The socket may resume with trades older than the last taken (Coinbase's snapshot): the hole reaches that one.
    const end = Math.max(first, this.continuity.last ?? first) + 1;
    if (gap.cause === 'reconnect') return end;
    const unheard = this.unheardEnd(end - 1);
    return gap.newest !== undefined && gap.newest >= unheard ? unheard : undefined;
  }

  private pushTrades(trades: readonly Trade[]): void {
    const late: Trade[] = [];
    const fresh = this.continuity.accept(trades, late);
    // A late trade is recorded with the batch it came in, at its time among them (REST's from before a hole come late
    // behind newer ones); the reader puts a day's rows back in time order.
    const taken = late.length === 0 ? fresh : [...fresh, ...late].sort((a, b) => a.timestamp - b.timestamp);
    if (taken.length === 0) return;
    this.firstTaken ??= (taken[0] as Trade).timestamp;
    const received = this.clock.now();
    const rows: TradeRow[] = taken.map((t) => ({ ts: t.timestamp, id: t.id, price: t.price, amount: t.amount, side: t.side, received }));
    this.push('trades', rows);
  }

  /** A span the recording may lack trades in, to be written with the next trades. */
  private addTradeHole(from: number, until: number, reason: string): void {
    this.addHole({ kind: 'trades', from, until, reason });
  }

  /** A span the recording may lack rows in, to be written with the next trades (one overlapping the last of its kind and reason is merged into it). */
  private addHole(hole: RecordingHole): void {
    if (!(hole.until > hole.from)) return;
    this.openDrop.delete(hole.kind);
    const last = this.holes.at(-1);
    if (last && hole.from <= last.until && holeKey(last) === holeKey(hole)) this.holes[this.holes.length - 1] = { ...last, until: Math.max(last.until, hole.until) };
    else this.holes.push(hole);
  }

  /**
   * Rows of a kind the full buffer refused (the newest of those pushed): a hole of that kind, which more drops extend
   * until a row of it is kept again.
   */
  private dropped<K extends RecordKind>(kind: K, rows: readonly RowOf<K>[], dropped: number): void {
    if (dropped < rows.length) this.openDrop.delete(kind);
    if (dropped === 0) return;
    let from = Number.POSITIVE_INFINITY;
    let until = Number.NEGATIVE_INFINITY;
    for (let i = rows.length - dropped; i < rows.length; i++) {
      const ts = (rows[i] as RowOf<K>).ts;
      if (ts < from) from = ts;
      if (ts + 1 > until) until = ts + 1;
    }
    const open = this.openDrop.get(kind);
    const at = open ? this.holes.indexOf(open) : -1;
    const hole: RecordingHole = at >= 0 && open ? { ...open, from: Math.min(open.from, from), until: Math.max(open.until, until) } : { kind, from, until, reason: bufferFull(kind) };
    if (at >= 0) this.holes[at] = hole;
    else this.addHole(hole);
    this.openDrop.set(kind, hole);
  }

  private onBook(e: EventFor<{ kind: 'orderbook'; exchange: string; symbol: string }>): void {
    switch (e.type) {
      case 'orderbook':
        if (this.push('book', this.bookDiff.rows(e.book)) > 0) this.bookDiff.reset();
        return;
      case 'state':
        if (e.state.status !== 'live') this.bookDiff.reset();
        return;
      case 'error':
        this.log.warn(`recording ${this.market()} order book: ${e.message}`);
        return;
      default:
        assertNever(e);
    }
  }

  private onTicker(e: EventFor<{ kind: 'ticker'; exchange: string; symbol: string }>): void {
    switch (e.type) {
      case 'ticker': {
        const t = e.ticker;
        this.push('tickers', [{ ts: t.timestamp, last: t.last, bid: t.bid ?? null, ask: t.ask ?? null, change24hPercent: t.change24hPercent ?? null }]);
        return;
      }
      case 'state':
        return;
      case 'error':
        this.log.warn(`recording ${this.market()} ticker: ${e.message}`);
        return;
      default:
        assertNever(e);
    }
  }

  /** Appends rows; returns how many were dropped because the buffer is full (the state says so). */
  private push<K extends RecordKind>(kind: K, rows: readonly RowOf<K>[]): number {
    if (rows.length === 0) return 0;
    const dropped = this.buffer.push(kind, rows);
    this.dropped(kind, rows, dropped);
    if (dropped > 0) {
      const total = (this.current.status === 'dropping' ? this.current.dropped : 0) + dropped;
      if (this.current.status !== 'dropping') this.log.warn(`recording ${this.market()}: the buffer is full (${this.buffer.bound} rows); new rows are dropped until the store catches up`);
      this.setState({ status: 'dropping', dropped: total, reason: `the buffer is full (${this.buffer.bound} rows) while the store is behind` });
    }
    if (this.buffer.lengthOf(kind) >= this.batchRows() && !this.writing && this.failures === 0) this.schedule(0);
    return dropped;
  }

  private schedule(ms: number): void {
    if (this.closing) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.push('book', this.bookDiff.snapshotIfQuiet(this.clock.now())) > 0) this.bookDiff.reset();
      this.writing = this.flushAll().finally(() => {
        this.writing = undefined;
        this.schedule(this.failures > 0 ? backoffDelay(this.opts.retry ?? DEFAULT_RETRY, this.failures) : (this.opts.flushEveryMs ?? 5000));
      });
    }, ms);
    this.timer.unref(); // the streams keep a process alive, not the recorder's flush timer
  }

  /** Writes every kind's buffered rows, a batch at a time; stops at the first failure (kept, retried later). */
  private async flushAll(): Promise<void> {
    for (const kind of RECORD_KINDS) {
      while (this.buffer.lengthOf(kind) > 0) {
        if (!(await this.writeBatch(kind))) return;
      }
    }
    // Holes no trade is left to carry (the market went quiet after them): written on their own.
    if (this.holes.length > 0) await this.writeBatch('trades');
  }

  private async writeBatch(kind: RecordKind): Promise<boolean> {
    const rows = this.buffer.peek(kind, this.batchRows());
    const carried = kind === 'trades' && this.holes.length > 0 ? this.holes.slice() : undefined;
    const holes = carried ? this.storedHoles.unstored(carried) : undefined;
    try {
      if (rows.length > 0 || (holes?.length ?? 0) > 0) await this.opts.sink.write({ kind, market: this.opts.market, rows, ...(kind === 'trades' && this.tickSize !== undefined ? { tickSize: this.tickSize } : {}), ...(holes && holes.length > 0 ? { holes } : {}) } as RecordBatch);
    } catch (err) {
      this.lastWriteError = userMessage(err);
      this.failures++;
      const retryInMs = backoffDelay(this.opts.retry ?? DEFAULT_RETRY, this.failures);
      if (this.failures === 1) this.log.warn(`recording ${this.market()}: ${this.opts.sink.name} failed a write (${errorMessage(err)}); keeping ${this.buffer.length} rows and retrying`);
      if (this.current.status !== 'dropping') this.setState({ status: 'behind', buffered: this.buffer.length, reason: userMessage(err), retryInMs });
      return false;
    }
    this.buffer.commit(kind, rows.length);
    // Only those written: one merged meanwhile is a new object, written with the next batch (less what is stored now).
    for (const h of carried ?? []) {
      const i = this.holes.indexOf(h);
      if (i >= 0) this.holes.splice(i, 1);
    }
    for (const { hole, isNew } of this.storedHoles.stored(holes ?? [])) this.holesWritten = { count: (this.holesWritten?.count ?? 0) + (isNew ? 1 : 0), last: hole };
    this.storedRows += rows.length;
    if (this.failures > 0) this.log.info(`recording ${this.market()}: ${this.opts.sink.name} writes again after ${this.failures} failed attempt(s)`);
    this.failures = 0;
    const caughtUp = this.buffer.length === 0 || this.current.status === 'behind' || (this.current.status === 'dropping' && this.buffer.length < this.buffer.bound);
    if (caughtUp) {
      const dropped = this.buffer.takeDropped();
      if (dropped > 0) this.log.warn(`recording ${this.market()}: ${dropped} rows were dropped while the store was behind`);
    }
    // Recording, each write tells its stored rows: a busy market's buffer is never empty when a write ends (trades
    // came meanwhile), and waiting for that left the first rows stored untold (storedRows 0) for minutes under load.
    if ((caughtUp || this.current.status === 'recording') && this.current.status !== 'starting' && this.current.status !== 'failed') this.setState(this.recording());
    return true;
  }

  private batchRows(): number {
    return this.opts.maxBatchRows ?? 20_000;
  }

  private recording(): RecorderState {
    return { status: 'recording', storedRows: this.storedRows, ...(this.holesWritten ? { holes: this.holesWritten } : {}) };
  }

  private setState(state: RecorderState): void {
    this.current = state;
    this.opts.onState?.(state);
  }

  private market(): string {
    return `${this.opts.market.exchange} ${this.opts.market.symbol}`;
  }
}
