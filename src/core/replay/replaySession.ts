/** A recorded market played back on a clock of its own: play at 1–100×, pause, step to the next trade, seek forward and back. */
import type { RecordSource } from '../record/recordSource';
import { BookReplica } from '../record/bookReplica';
import type { BookColumns } from '../record/bookColumns';
import type { TickerColumns } from '../record/tickerColumns';
import { RecordingHoleError, TradeSuiteError } from '../errors';
import type { RecordingHole } from '../record/recordTypes';
import { assertNever } from '../util/assertNever';
import type { OrderBook, Ticker, Trade } from '../types';
import { systemClock, type Clock } from '../util/clock';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import type { Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import { RecordedFeed, type RecordedSink } from './recordedFeed';
import { replayId, type ReplayTarget } from './replayId';
import { appendBatch, ReplayMailbox } from './replayMailbox';
import { tickFromPrices, TICK_SAMPLE } from './recordedTickSize';

export const MIN_REPLAY_SPEED = 1;
export const MAX_REPLAY_SPEED = 100;

/**
 * A hole of the recording longer than this (the longest a window reload takes: one longer is TradeSuite closed, maybe
 * for days) is jumped over by a playing replay rather than played through in real time with nothing happening.
 */
export const SKIP_HOLES_LONGER_THAN_MS = 5 * 60_000;

/** Where a replay stands, as its toolbar shows it. `position` is the replay's now (epoch ms). */
export interface ReplayState {
  readonly id: string;
  readonly start: number;
  readonly position: number;
  readonly speed: number;
  readonly status: 'paused' | 'playing' | 'ended' | 'failed';
  /** Why it failed (the store could not be read). */
  readonly reason?: string;
  /** The last hole playback jumped over (longer than SKIP_HOLES_LONGER_THAN_MS), until a seek back. */
  readonly skipped?: RecordingHole;
}

export interface ReplaySessionOptions {
  /** Where the recording is read from: the embedded store or ClickHouse. */
  readonly source: RecordSource;
  readonly target: ReplayTarget;
  /** How often a playing replay advances, in real milliseconds (50). */
  readonly tickMs?: number;
  /** Real time, which a playing replay follows at its speed. */
  readonly realClock?: Clock;
  /** How far before the start the book's last snapshot is looked for (5 min; the recorder writes one a minute). */
  readonly bookLookbackMs?: number;
  readonly log?: Logger;
}

export class NothingRecordedError extends TradeSuiteError {
  constructor(readonly id: string) {
    super(`Nothing is recorded for ${id} at or after its start: pick a start inside a recorded range.`);
  }
}

export class ReplaySeekError extends TradeSuiteError {
  constructor(readonly id: string, to: number, start: number) {
    super(`${id} cannot seek back to ${new Date(to).toISOString()}, before its start ${new Date(start).toISOString()}: open the replay at that time instead.`);
  }
}

/**
 * The clock of one replayed market (it is the `Clock` its candle factory runs on) and the source of its streams.
 * Events are released in time order up to the clock's position, once per advance, into one mailbox per stream;
 * the book is rebuilt from its recorded snapshot and deltas. Starts paused at the target's start.
 */
export class ReplaySession implements Clock, Disposable {
  readonly id: string;
  readonly trades = new ReplayMailbox<Trade[]>(appendBatch);
  readonly book = new ReplayMailbox<OrderBook>((_, next) => next, () => this.currentBook());
  readonly ticker = new ReplayMailbox<Ticker>((_, next) => next, () => this.lastTicker);
  private readonly changes = new Emitter<[ReplayState]>((err) => this.log.error(`a replay listener threw: ${errorMessage(err)}`));
  private readonly rewinds = new Emitter<[]>((err) => this.log.error(`a replay rewind listener threw: ${errorMessage(err)}`));
  private replica = new BookReplica();
  private readonly log: Logger;
  private readonly realClock: Clock;
  private position: number;
  private speed = MIN_REPLAY_SPEED;
  private status: ReplayState['status'] = 'paused';
  private reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastReal = 0;
  /** Advances run one after another; a tick that finds one running is skipped. */
  private work: Promise<void> = Promise.resolve();
  private busy = false;
  /** The time of the last book update applied, and whether one came since the last release. */
  private bookAt: number | undefined;
  private bookChanged = false;
  private lastTicker: Ticker | undefined;
  /** Trades released by the advance in progress: one batch per advance. */
  private released: Trade[] = [];
  private disposed = false;
  private priceTick: number | undefined;
  private firstRecorded: number | undefined;
  /** The recording's holes from the start on (every kind), sorted; the stream of a hole's kind is interrupted where it begins. */
  private holes: readonly RecordingHole[] = [];
  /** The first hole not yet reached. */
  private nextHole = 0;
  /** The last long hole playback jumped over. */
  private skipped: RecordingHole | undefined;

  private constructor(
    private readonly opts: ReplaySessionOptions,
    private feed: RecordedFeed,
  ) {
    this.id = replayId(opts.target);
    this.log = opts.log ?? silentLogger;
    this.realClock = opts.realClock ?? systemClock;
    // Everything before the start is the replay's history; the first event released is the first at the start.
    this.position = opts.target.start - 1;
  }

  /**
   * Opens a replay; rejects with NothingRecordedError when the store holds nothing at or after the start. The first
   * day, the book before the start, the stored tick size and where the recording begins are read at once.
   */
  static async open(opts: ReplaySessionOptions): Promise<ReplaySession> {
    const feed = feedFrom(opts, opts.target.start);
    const session = new ReplaySession(opts, feed);
    const [next, restored, stored, first, holes] = await Promise.allSettled([feed.nextTime(), session.restoreBookAt(opts.target.start), storedTickSize(opts), firstRecordedTrade(opts), recordedHoles(opts)]);
    const failed = [next, restored].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed || (next.status === 'fulfilled' && next.value === undefined)) {
      await feed.close();
      throw failed ? failed.reason : new NothingRecordedError(replayId(opts.target));
    }
    const book = session.currentBook();
    session.priceTick = (stored.status === 'fulfilled' ? stored.value : undefined) ?? tickFromPrices([...feed.pricesAhead(TICK_SAMPLE), ...(book ? [...book.bids, ...book.asks].map((l) => l[0]) : [])]);
    session.firstRecorded = first.status === 'fulfilled' ? first.value : undefined;
    session.holes = holes.status === 'fulfilled' ? holes.value : [];
    return session;
  }

  /** The book and ticker as they stood at `at`: the book's last snapshot before it and the deltas after that. */
  private async restoreBookAt(at: number): Promise<void> {
    const lookback = this.opts.bookLookbackMs ?? 5 * 60_000;
    const onProblem = (m: string) => this.log.warn(m);
    for await (const day of this.opts.source.readDays({ market: this.opts.target.market, from: at - lookback, until: at, kinds: ['book', 'tickers'], onProblem })) {
      this.applyBook(day.book, 0, day.book.length);
      this.applyTickers(day.tickers, 0, day.tickers.length);
    }
  }

  /** The replay's now: every event at or before it has been released. */
  now(): number {
    return this.position;
  }

  /** The market's price increment as its recorded prices show it (undefined: no price recorded near the start). */
  get tickSize(): number | undefined {
    return this.priceTick;
  }

  /** The market's first recorded trade (epoch ms): no bar of the replay is older. Undefined when the store could not say. */
  get recordedFrom(): number | undefined {
    return this.firstRecorded;
  }

  get start(): number {
    return this.opts.target.start;
  }

  state(): ReplayState {
    return { id: this.id, start: this.start, position: this.position, speed: this.speed, status: this.status, ...(this.reason ? { reason: this.reason } : {}), ...(this.skipped ? { skipped: this.skipped } : {}) };
  }

  readonly onDidChange = this.changes.event;

  /** Fires after a seek back: what consumers built from the released data (bars, books) must be built again. */
  readonly onDidRewind = this.rewinds.event;

  /** Plays from the position at `speed` (1–100× real time; the last speed when omitted). */
  play(speed: number = this.speed): void {
    this.setSpeed(speed);
    if (this.disposed || this.status !== 'paused') return;
    this.status = 'playing';
    this.lastReal = this.realClock.now();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 50);
    this.changed();
  }

  pause(): void {
    if (this.status !== 'playing') return;
    this.stopTimer();
    this.status = 'paused';
    this.changed();
  }

  setSpeed(speed: number): void {
    if (!Number.isFinite(speed) || speed < MIN_REPLAY_SPEED || speed > MAX_REPLAY_SPEED) throw new RangeError(`replay speed must be ${MIN_REPLAY_SPEED}–${MAX_REPLAY_SPEED}×, got ${speed}`);
    if (speed === this.speed) return;
    this.speed = speed;
    this.changed();
  }

  /**
   * Pauses, then releases everything up to and including the next recorded trade, or the `count`-th next (steps
   * asked together: one release per day of the recording passed, not one per step).
   */
  step(count = 1): Promise<void> {
    if (!Number.isSafeInteger(count) || count < 1) return Promise.reject(new RangeError(`a replay step count must be a whole number ≥ 1, got ${count}`));
    this.pause();
    return this.enqueue(async () => {
      let left = count;
      for (;;) {
        if ((await this.feed.nextTime()) === undefined) return this.releaseThrough(this.position);
        const ahead = this.feed.tradeTimeAhead(left);
        if (ahead !== undefined && ahead.steps === left) return this.releaseThrough(ahead.time);
        if (ahead !== undefined) left -= ahead.steps;
        await this.releaseThrough(this.feed.heldLastTime() ?? this.position); // the day's trades run out first: the rest of it goes
      }
    });
  }

  /**
   * Forward: everything up to `to` is released at once (one batch per stream). Back (not before the start): the
   * replay stands as if opened at `to` (the recording read again from there, the book rebuilt from its snapshot
   * before it) and `onDidRewind` fires, so the hub rebuilds the market's bars from the recording before `to`.
   */
  seek(to: number): Promise<void> {
    if (to < this.start) return Promise.reject(new ReplaySeekError(this.id, to, this.start));
    if (to >= this.position) return this.enqueue(() => this.releaseThrough(to));
    return this.enqueue(() => this.rewind(to));
  }

  /** Resolves when the advances asked for so far are done. */
  settled(): Promise<void> {
    return this.work;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimer();
    for (const m of [this.trades, this.book, this.ticker]) m.close();
    this.changes.dispose();
    this.rewinds.dispose();
    const closing = this.work.then(() => this.feed.close());
    closing.catch((err: unknown) => this.log.warn(`${this.id}: closing the recording failed: ${errorMessage(err)}`));
  }

  private tick(): void {
    if (this.busy) return; // the store is slower than the clock: catch up on the next tick, in one batch
    const real = this.realClock.now();
    const to = this.position + (real - this.lastReal) * this.speed;
    this.lastReal = real;
    void this.enqueue(() => this.releaseThrough(this.pastLongHole(to))).catch(() => undefined);
  }

  /**
   * Where playing to `to` goes: through the end of a long hole it reaches into (where the recording goes on), not into
   * it, which would be minutes or days of real time with nothing released. Only the holes this advance reaches are
   * looked at (sorted: from the first not yet passed), so a tick costs nothing per hole of the recording.
   */
  private pastLongHole(to: number): number {
    for (let i = this.nextHole; i < this.holes.length; i++) {
      const hole = this.holes[i] as RecordingHole;
      if (hole.from > to) break;
      // Only where trades lack: a long book or ticker hole plays through (its trades are there).
      if (hole.kind === 'trades' && hole.until - 1 > to && hole.until - hole.from > SKIP_HOLES_LONGER_THAN_MS) {
        this.skipped = hole;
        this.log.info(`${this.id}: playback jumps over ${new Date(hole.from).toISOString()} to ${new Date(hole.until).toISOString()}, which the recording lacks (${hole.reason})`);
        return hole.until - 1;
      }
    }
    return to;
  }

  private enqueue(advance: () => Promise<void>): Promise<void> {
    const run = this.work.then(async () => {
      if (this.disposed) return;
      this.busy = true;
      try {
        await advance();
      } catch (err) {
        this.fail(err);
        throw err;
      } finally {
        this.busy = false;
      }
    });
    this.work = run.catch(() => undefined);
    return run;
  }

  private async rewind(to: number): Promise<void> {
    const old = this.feed;
    this.feed = feedFrom(this.opts, to);
    await old.close();
    this.replica = new BookReplica();
    this.bookAt = undefined;
    this.lastTicker = undefined;
    this.released = [];
    for (const m of [this.trades, this.book, this.ticker]) m.clear();
    await this.restoreBookAt(to);
    if (this.disposed) return;
    this.position = to - 1;
    this.nextHole = 0; // found again from the new position by the next release
    this.skipped = undefined;
    this.lastReal = this.realClock.now();
    if (this.status === 'ended') this.status = 'paused';
    this.rewinds.fire(); // consumers start over before any data from the new position reaches them
    const book = this.currentBook();
    if (book && this.book.isWatched) this.book.put(book);
    this.bookChanged = false;
    this.book.deliver();
    this.ticker.deliver();
    this.changed();
  }

  private async releaseThrough(to: number): Promise<void> {
    // A hole reached: the trades before it, then the interruption, then those after (delivered as one release).
    for (let hole = this.holeWithin(to); hole; hole = this.holeWithin(to)) {
      await this.feed.takeThrough(Math.max(this.position, hole.from), this.sink); // `from`: the last trade recorded before it
      if (this.disposed) return;
      this.interruptAt(hole);
      this.nextHole++;
    }
    await this.feed.takeThrough(to, this.sink);
    if (this.disposed) return;
    this.putReleasedTrades();
    this.position = Math.max(this.position, Math.floor(to));
    if (this.bookChanged && this.book.isWatched) {
      const book = this.currentBook();
      if (book) this.book.put(book);
    }
    this.bookChanged = false;
    for (const m of [this.book, this.trades, this.ticker]) m.deliver();
    if (this.feed.ended && this.status !== 'ended') {
      this.stopTimer();
      this.status = 'ended';
    }
    this.changed();
  }

  /** The stream a hole lacks rows of reads `reconnecting` there, naming it, after what was released before it. */
  private interruptAt(hole: RecordingHole): void {
    const error = new RecordingHoleError(hole.kind, hole.from, hole.until, hole.reason);
    switch (hole.kind) {
      case 'trades':
        this.putReleasedTrades();
        if (this.trades.isWatched) this.trades.interrupt(error);
        return;
      case 'book':
        if (!this.book.isWatched) return;
        if (this.bookChanged) {
          const book = this.currentBook();
          if (book) this.book.put(book);
          this.bookChanged = false;
        }
        this.book.interrupt(error);
        return;
      case 'tickers':
        this.ticker.interrupt(error);
        return;
      default:
        assertNever(hole);
    }
  }

  private putReleasedTrades(): void {
    if (this.released.length > 0) this.trades.put(this.released);
    this.released = [];
  }

  /** The recording's trade holes overlapping [from, until) (from the replay's start on). */
  tradeHolesWithin(from: number, until: number): RecordingHole[] {
    return this.holes.filter((h) => h.kind === 'trades' && h.from < until && h.until > from);
  }

  /** The next hole that begins at or before `to` and ends after the replay's now; those wholly passed are skipped. */
  private holeWithin(to: number): RecordingHole | undefined {
    while (this.nextHole < this.holes.length && (this.holes[this.nextHole] as RecordingHole).until <= this.position + 1) this.nextHole++;
    const hole = this.holes[this.nextHole];
    return hole !== undefined && hole.from <= to ? hole : undefined;
  }

  /** Where a release puts each recorded row (trades only while someone watches them). */
  private readonly sink: RecordedSink = {
    trades: (run) => {
      if (this.trades.isWatched) this.released = this.released.length === 0 ? run : this.released.concat(run);
    },
    book: (book, from, to) => this.applyBook(book, from, to),
    tickers: (tickers, from, to) => this.applyTickers(tickers, from, to),
  };

  /** The book levels [from, to) applied in order. */
  private applyBook(book: BookColumns, from: number, to: number): void {
    if (to <= from) return;
    const { seq, kind, side, price, amount } = book;
    for (let i = from; i < to; i++) this.replica.applyLevel(kind[i] as number, seq[i] as number, side[i] as number, price[i] as number, amount[i] as number);
    this.bookAt = book.ts[to - 1] as number;
    this.bookChanged = true;
  }

  /** The tickers [from, to): the stream holds the latest only, so only the last becomes a ticker. */
  private applyTickers(tickers: TickerColumns, from: number, to: number): void {
    if (to <= from) return;
    this.lastTicker = tickers.tickerAt(to - 1);
    this.ticker.put(this.lastTicker);
  }

  private currentBook(): OrderBook | undefined {
    return this.replica.known && this.bookAt !== undefined ? { timestamp: this.bookAt, ...this.replica.book() } : undefined;
  }

  private fail(err: unknown): void {
    this.stopTimer();
    this.status = 'failed';
    this.reason = `the recording could not be read: ${errorMessage(err)}`;
    this.log.error(`${this.id}: ${this.reason}`);
    this.changed();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private changed(): void {
    if (!this.disposed) this.changes.fire(this.state());
  }
}

/** The tick size kept with the recording at the start; undefined (inferred then) for older recordings, or logged when unreadable. */
async function storedTickSize(opts: ReplaySessionOptions): Promise<number | undefined> {
  try {
    return await opts.source.tickSize(opts.target.market, opts.target.start);
  } catch (err) {
    opts.log?.warn(`${replayId(opts.target)}: the recorded tick size could not be read (${errorMessage(err)}): inferred from the prices`);
    return undefined;
  }
}

/** When the target market's recorded trades begin; undefined (logged) when the store cannot say. */
async function firstRecordedTrade(opts: ReplaySessionOptions): Promise<number | undefined> {
  const { exchange, symbol } = opts.target.market;
  try {
    return await opts.source.firstTrade({ exchange, symbol });
  } catch (err) {
    opts.log?.warn(`${replayId(opts.target)}: where the recording begins is not known (${errorMessage(err)}): older bars are looked for on demand`);
    return undefined;
  }
}

/** The recording's holes from the start on; none (logged) when the store cannot say. */
async function recordedHoles(opts: ReplaySessionOptions): Promise<RecordingHole[]> {
  const onProblem = (m: string) => opts.log?.warn(m);
  try {
    return await opts.source.holes(opts.target.market, opts.target.start, Number.MAX_SAFE_INTEGER, onProblem);
  } catch (err) {
    opts.log?.warn(`${replayId(opts.target)}: the recording's holes could not be read (${errorMessage(err)}): its bars there are not marked partial`);
    return [];
  }
}

/** The recording of the target's market from `from` on, a day at a time. */
function feedFrom(opts: ReplaySessionOptions, from: number): RecordedFeed {
  return new RecordedFeed(opts.source.readDays({ market: opts.target.market, from, until: Number.MAX_SAFE_INTEGER, onProblem: (m) => opts.log?.warn(m) }));
}

