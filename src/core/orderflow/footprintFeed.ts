/** One market's footprint and delta series per timeframe: REST trades as deep as the exchange gives, then live ones. */
import type { TradesReached, TradesSince } from '../history/seamTrades';
import { MAX_TRADE_ROUNDS, tradesUntil, type TradesUntil } from '../history/tradesUntil';
import type { MarketKey } from '../keys';
import type { HubSubscriber } from '../record/marketRecorder';
import { TRADES_LEFT_OUT, TradeContinuity } from '../record/tradeContinuity';
import type { EventFor, LostHole, Subscription } from '../hub/requests';
import type { Timeframe } from '../timeframes';
import type { MissingTrades, StreamState, Trade } from '../types';
import { assertNever } from '../util/assertNever';
import { systemClock, type Clock } from '../util/clock';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import { sleep } from '../util/sleep';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from '../streams/backoff';
import { Emitter } from '../../shared/util/emitter';
import type { Disposable } from '../../shared/util/disposable';
import type { FootprintBar } from './footprintBar';
import { FootprintSeries } from './footprintSeries';
import { CvdSeries, type CvdReset, type DeltaBar } from './cvdSeries';
import type { PriceBuckets } from './priceBuckets';
import { TradeColumns } from './tradeColumns';
import { LateTies } from '../util/tradeOrder';
import { ConnectionTies, giveInOrder, listedAtEnds } from '../util/listedOrder';

/** REST trades from a time on (the hub's `tradesSince`): `complete` when none since then is missing. */
export type TradeHistory = (market: MarketKey, from: number, ctx: { readonly signal: AbortSignal; readonly onTradesPage?: (reached: TradesReached) => void }) => Promise<TradesSince>;

export interface FootprintFeedOptions {
  readonly hub: HubSubscriber;
  readonly history: TradeHistory;
  readonly market: MarketKey;
  readonly timeframes: readonly Timeframe[];
  readonly buckets: PriceBuckets;
  /** The oldest time asked of REST history (best on a bar boundary of the largest timeframe). */
  readonly historyFrom: number;
  readonly imbalanceRatio?: number;
  readonly cvdReset?: CvdReset;
  readonly maxBars?: number;
  /** The wait before fetching a hole again after a failed fill (defaultBackoff). */
  readonly backoff?: BackoffPolicy;
  /** Failed fills of one hole before its bars are left partial (8, as an aggregate leg). */
  readonly maxFillAttempts?: number;
  /** Waits out a retry's backoff (sleep; a test moves it by hand). Rejects when the signal aborts. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly clock?: Clock;
  readonly log?: Logger;
  /**
   * The source's late events are trades its stream never sent (an aggregate's merged legs: a leg's hole filled after
   * the merge passed its time), so they are counted into the bars of their time, and its lost holes (a leg's fill given
   * up) mark their span's bars partial. Off for one market's hub stream: the feed fills its own holes from REST, and
   * the hub's late events repeat them.
   */
  readonly lateFromSource?: boolean;
  /**
   * With `lateFromSource`: since when the source's stream may still lack trades that are to come late (an aggregate's
   * leg down, or its hole not filled yet), undefined when none; read at each of the source's state changes. The bars
   * from there on, those made meanwhile too, are partial until it is undefined again.
   */
  readonly sourceMissingSince?: () => number | undefined;
}

export type FootprintFeedEvent =
  /**
   * Every bar held, once the history is in. `depth`: every trade from this time on is counted; bars before it are not
   * held (a chart draws them as plain candles) and the bar holding it is partial unless it starts there.
   */
  | { readonly type: 'snapshot'; readonly timeframe: Timeframe; readonly bars: readonly FootprintBar[]; readonly deltas: readonly DeltaBar[]; readonly depth: number }
  /** The bars changed by one batch of trades, oldest first. */
  | { readonly type: 'bars'; readonly timeframe: Timeframe; readonly bars: readonly FootprintBar[]; readonly deltas: readonly DeltaBar[] }
  /**
   * A reconnect's missed trades could not be fetched: the bars over [from, until] are partial. `retrying`: another
   * fill is due (its bars then come in a `bars` event, and a `filled` one says so); false when the feed gave up.
   */
  | { readonly type: 'hole'; readonly from: number; readonly until: number; readonly reason: string; readonly retrying: boolean }
  /**
   * The history is loading: every trade from `from` up to `until` (the time it began) is asked of REST, and `reached`
   * says how far they are in (undefined before the first answer): up to its time where the exchange pages forward,
   * back to it where it pages from now backwards. One at the start and one per page; a snapshot ends it.
   */
  | { readonly type: 'loading'; readonly from: number; readonly until: number; readonly reached: TradesReached | undefined }
  /** A hole's missed trades came in a retried fill: its bars are whole again. */
  | { readonly type: 'filled'; readonly from: number; readonly until: number }
  | { readonly type: 'state'; readonly state: StreamState };

interface Frame {
  readonly footprint: FootprintSeries;
  readonly cvd: CvdSeries;
}

/** A reconnect's span of missed trades, from the last trade taken before the drop. */
interface Gap {
  readonly from: number;
  /** Trades at `from` already taken: the gap starts after them. */
  readonly takenAtFrom: ReadonlySet<string>;
  filling: Promise<void> | undefined;
  /** Its fill began on a `live` with no trade: the gap ends at that moment, not at a trade held. */
  endsAtLive?: true;
}

/** A span whose trades may be missing: its bars are partial. */
interface Span {
  readonly from: number;
  readonly until: number;
}

/** A gap whose first fill failed: retried on a backoff, its bars partial meanwhile. */
interface Hole {
  readonly gap: Gap;
  readonly until: number;
  readonly span: Span;
  /**
   * The ids of the trades counted inside [gap.from, until] since the fill failed (the socket's of its last
   * millisecond, a reconnect's snapshot resending, the next hole's fill at their shared millisecond): the retry counts
   * the others. As many as the stream gave inside the span, whatever came after it.
   */
  readonly taken: Set<string>;
}

const DEFAULT_MAX_FILL_ATTEMPTS = 8;

const NO_TRADES: readonly Trade[] = [];

/**
 * The depth where the first trade held is the oldest the source gave (REST's newest trades, or the stream's first):
 * trades of its millisecond before it may have been cut off, so every trade is counted only after that millisecond.
 */
const afterMillisecondOf = (first: Trade | undefined): number | undefined => (first === undefined ? undefined : first.timestamp + 1);

/** Rounds of REST paging that may follow the first (an exchange paging forward stops after its page budget). */
const MAX_HISTORY_ROUNDS = 20;

/**
 * A consumer of the hub's trade stream like any other (the socket stays shared). The history is asked once the
 * stream is live, so REST covers every trade before the request and the socket every one after; TradeContinuity
 * drops what both gave. A reconnect's hole is fetched from REST before the trades that waited; if that fails, the
 * bars over it are marked partial. Every trade costs O(timeframes).
 */
export class FootprintFeed implements Disposable {
  private readonly frames = new Map<Timeframe, Frame>();
  private readonly continuity = new TradeContinuity((n) => this.log.warn(`footprint ${this.opts.market.exchange} ${this.opts.market.symbol}: ${n} ${TRADES_LEFT_OUT}`));
  private readonly events = new Emitter<[FootprintFeedEvent]>((err) => this.log.error(`a footprint consumer threw: ${errorMessage(err)}`));
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly clock: Clock;
  private subscription: Subscription | undefined;
  private phase: 'waiting-live' | 'loading' | 'running' = 'waiting-live';
  /** Trades held while the history loads or a hole is filled, in arrival order. */
  private waiting: Trade[] = [];
  /**
   * Drops among the waiting trades (while the history loads or a hole is filled): the trades from each of these
   * indices on came after a drop, so a hole lies before each.
   */
  private drops: number[] = [];
  private gap: Gap | undefined;
  /** The end of the last span a fill failed to fetch (retried, or given up): a later gap starts after it. */
  private failedUntil: number | undefined;
  /** Spans marked partial and not fetched since: a bar over one of them stays partial. */
  private readonly partialSpans = new Set<Span>();
  /** The span of a gap fetched only with the stream's next trade (an open-ended fill failed, a history cut short): partial until that fill ends. */
  private openSpan: Span | undefined;
  /** Where the source may still lack trades to come late (sourceMissingSince), open-ended: partial until they are in. */
  private sourceSpan: Span | undefined;
  /** Retries waiting for their backoff or running, so settled() can wait for them. */
  private readonly retries = new Set<Promise<void>>();
  /** Holes whose retry is due: the trades counted inside each are noted (Hole.taken). */
  private readonly retrying = new Set<Hole>();
  private loaded: Promise<void> | undefined;
  private depthReached: number | undefined;
  /**
   * The depth came from our clock (no trade from REST or the stream): where the socket went live in the exchange's
   * time is not known, our clock may be seconds behind it. The stream's first trade places it (depthAt).
   */
  private depthFromClock = false;
  /** The depth moved since the last publish: a snapshot says so (a chart's `from` and its plain candles follow). */
  private depthMoved = false;
  private disposed = false;
  /** Each batch's trades as columns, reused from batch to batch. */
  private readonly columns: TradeColumns;
  /**
   * The ties of the late trades the stream (or a history) sends, no hole's bounds to place them by where ids do not;
   * new with each drop: one connection sends its trades in the exchange's order across its messages, so they keep
   * the order sent among themselves (as LegFeed's), and its resends' listing places them against trades held from
   * elsewhere. Trades that waited over a drop take the newer connection's, unlisted.
   */
  private connection = new ConnectionTies();
  private readonly applyCall = (trades: readonly Trade[], late: LateTies | undefined): void => this.apply(trades, late);

  constructor(private readonly opts: FootprintFeedOptions) {
    this.log = opts.log ?? silentLogger;
    this.clock = opts.clock ?? systemClock;
    this.columns = new TradeColumns(opts.buckets);
    for (const tf of opts.timeframes) {
      const footprint = new FootprintSeries(tf, opts.buckets, {
        ...(opts.maxBars !== undefined ? { maxBars: opts.maxBars } : {}),
        ...(opts.imbalanceRatio !== undefined ? { imbalanceRatio: opts.imbalanceRatio } : {}),
        missingTrades: (start, end) => this.overPartialSpan(start, end),
      });
      this.frames.set(tf, { footprint, cvd: new CvdSeries(tf, opts.cvdReset ?? 'session', opts.maxBars) });
    }
  }

  onEvent(listener: (e: FootprintFeedEvent) => void): Disposable {
    return this.events.event(listener);
  }

  start(): this {
    const { exchange, symbol } = this.opts.market;
    this.subscription = this.opts.hub.subscribe({ kind: 'trades', exchange, symbol }, (e) => this.onTrades(e));
    return this;
  }

  get buckets(): PriceBuckets {
    return this.opts.buckets;
  }

  /** Where the history reached (see the snapshot event), once it is in. */
  get depth(): number | undefined {
    return this.depthReached;
  }

  /** Every bar of a timeframe held now; undefined before the history is in. */
  snapshot(tf: Timeframe): { readonly bars: FootprintBar[]; readonly deltas: DeltaBar[]; readonly depth: number } | undefined {
    const frame = this.frames.get(tf);
    if (!frame || this.phase !== 'running' || this.depthReached === undefined) return undefined;
    return { bars: frame.footprint.snapshot(), deltas: frame.cvd.snapshot(), depth: this.depthReached };
  }

  /** Resolves once the history is in, no reconnect's hole is being filled and no failed fill is waiting for a retry. */
  async settled(): Promise<void> {
    await this.loaded;
    while (this.gap?.filling || this.retries.size > 0) {
      if (this.gap?.filling) await this.gap.filling;
      else await Promise.all(this.retries);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.subscription?.dispose();
    this.events.dispose();
    this.waiting = [];
    this.retrying.clear();
  }

  private onTrades(e: EventFor<{ kind: 'trades'; exchange: string; symbol: string }>): void {
    if (this.disposed) return;
    switch (e.type) {
      case 'trades':
        // A hole the market's bars fetched: this feed fills its own holes from REST, in the stream's order. A source
        // whose late trades are its own stream's missed ones has them counted (lateFromSource).
        if (e.late) {
          if (this.opts.lateFromSource !== true) return;
          if (e.lost) this.sourceLost(e.lost);
          else this.sourceLate(e.trades);
          return;
        }
        if (this.phase !== 'running' || this.gap) {
          for (const t of e.trades) this.waiting.push(t);
          if (this.gap && this.phase === 'running') this.gap.filling ??= this.fillGap(this.gap);
        } else this.ingest(e.trades, this.connection);
        return;
      case 'state':
        this.events.fire({ type: 'state', state: e.state });
        this.followSource();
        // Degraded: an aggregate running on some of its legs (their trades flow; the others' fill in behind).
        if ((e.state.status === 'live' || e.state.status === 'degraded') && this.phase === 'waiting-live') {
          this.phase = 'loading';
          this.loaded = this.loadHistory();
        } else if (e.state.status === 'live' && this.phase === 'running' && this.gap && !this.gap.filling) {
          // Live again with no trade yet (a trade-cache overflow on a healthy socket): the socket has every trade
          // from here on, so the hole is fetched now rather than with the next trade, which a quiet market may not send.
          this.gap.endsAtLive = true;
          this.gap.filling = this.fillGap(this.gap);
        } else if (e.state.status === 'reconnecting') {
          this.connection = new ConnectionTies();
          if (this.phase === 'running' && !this.gap) this.gap = this.gapFromLastTrade();
          else if (this.phase === 'loading' || this.gap?.filling) {
            // A hole before the trades that come next, unless no trade came since the last drop (the same hole). A
            // fill begun on a live with no trade covers only up to then: a drop after it is a hole even before a trade.
            const last = this.drops.at(-1) ?? (this.phase === 'loading' || this.gap?.endsAtLive ? -1 : 0);
            if (this.waiting.length > last) this.drops.push(this.waiting.length);
          }
        }
        return;
      case 'error':
        this.log.warn(`footprint ${this.opts.market.exchange} ${this.opts.market.symbol}: ${e.message}`);
        return;
      default:
        assertNever(e);
    }
  }

  /** REST trades from historyFrom until they meet the live ones, then the trades that waited. */
  private async loadHistory(): Promise<void> {
    const signal = this.abort.signal;
    const from = this.opts.historyFrom;
    const until = this.clock.now();
    this.events.fire({ type: 'loading', from, until, reached: undefined });
    let depth: number | undefined;
    /** The history stopped before the live trades (the page budget or an error after its first answer): a hole. */
    let short = false;
    let asked = 0;
    let missing: readonly MissingTrades[] = [];
    try {
      let since = from;
      for (let round = 0; round <= MAX_HISTORY_ROUNDS; round++) {
        asked++;
        const got = await this.opts.history(this.opts.market, since, { signal, onTradesPage: (reached) => this.events.fire({ type: 'loading', from, until, reached }) });
        if (this.disposed) return;
        if (round === 0) {
          // Spans known to be missing inside the answer (a replay's holes) do not move the depth: they are partial.
          depth = got.complete || got.missing !== undefined ? from : afterMillisecondOf(got.trades[0]);
          missing = got.missing ?? [];
        }
        const fresh = this.take(got.trades);
        const last = this.continuity.last;
        const meets = last !== undefined && this.waiting[0] !== undefined && last >= this.waiting[0].timestamp;
        // Not cut short: REST gave every trade up to the request, and the stream was live before it.
        short = got.truncated === true && !meets;
        if (!short || fresh.length === 0 || last === undefined) break;
        this.events.fire({ type: 'loading', from, until, reached: { direction: 'forward', time: last } });
        since = last;
      }
    } catch (err) {
      if (this.disposed) return;
      short = depth !== undefined;
      this.log.warn(`footprint ${this.opts.market.exchange} ${this.opts.market.symbol}: ${depth === undefined ? 'no REST trades' : 'the REST trades stopped'} (${errorMessage(err)}); ${depth === undefined ? 'the footprint starts with the live trades' : 'the rest is fetched again, its bars partial meanwhile'}`);
    }
    // From the clock, no trade held: trades of this very millisecond may have come before the socket was live.
    depth ??= this.continuity.last ?? afterMillisecondOf(this.waiting[0]);
    if (depth === undefined) {
      depth = this.clock.now() + 1;
      this.depthFromClock = true;
    }
    this.openMissing(missing, from, Infinity); // the answers reach the source's now, past `until`
    this.log.info(`footprint ${this.opts.market.exchange} ${this.opts.market.symbol}: history from ${new Date(depth).toISOString()} in ${asked} request(s)${short ? ', stopped short of the live trades' : ''}`);
    // The trades between the last REST one and the live ones are fetched like a reconnect's (retried, partial meanwhile).
    if (short && this.drops[0] !== 0) this.drops.unshift(0);
    this.depthReached = depth;
    const held = this.waiting;
    this.waiting = [];
    // No drop while it loaded: they are all the current connection's.
    if (this.drops.length === 0) this.take(held, this.connection);
    else this.take(held.slice(0, this.drops[0]));
    for (const frame of this.frames.values()) {
      frame.footprint.countFrom(depth);
      for (const b of frame.footprint.drain()) frame.cvd.setBar(b.time, b.buyVolume, b.sellVolume);
      frame.cvd.drain();
    }
    this.phase = 'running';
    for (const [tf, frame] of this.frames) this.events.fire({ type: 'snapshot', timeframe: tf, bars: frame.footprint.snapshot(), deltas: frame.cvd.snapshot(), depth });
    this.followSource();
    // The socket dropped while the history loaded: the trades missed are fetched before the ones after the drop.
    if (this.drops.length > 0) this.nextGap(held);
  }

  /**
   * A gap from the last trade taken; after the span of the last failed fill, which its retry covers (its last
   * millisecond too): a gap from a trade taken before it would fetch that span again and count its trades twice.
   * No trade taken yet (the history gave none): from the depth, not the clock, which a lagging stream's trades may be
   * behind (seed 224), also for a drop while the first hole was fetched (seed 860).
   */
  private gapFromLastTrade(): Gap {
    const last = this.continuity.last;
    const after = this.failedUntil;
    // Its last millisecond is in both: trades of it may have come after the socket was live again; those its hole
    // noted are taken at this one's start, and TradeContinuity, which the fills go through, drops the others it remembers.
    if (after !== undefined && (last === undefined || last < after)) return { from: after, takenAtFrom: this.takenAt(after), filling: undefined };
    return { from: last ?? this.depthReached ?? this.clock.now(), takenAtFrom: last === undefined ? new Set() : this.continuity.idsAtLastMs(), filling: undefined };
  }

  /** The ids the hole ending at `until` noted as taken, if its retry is still due (among them those of that millisecond). */
  private takenAt(until: number): ReadonlySet<string> {
    for (const hole of this.retrying) if (hole.until === until) return new Set(hole.taken);
    return new Set();
  }

  /**
   * The trades missed during a reconnect, from REST, then the ones that waited. On failure the span is partial, the
   * waiting trades go on, and the fill is retried on a backoff (its trades then arrive late, into older bars).
   */
  private async fillGap(gap: Gap): Promise<void> {
    await Promise.resolve(); // gap.filling is set before any of this runs
    // Live again with no trade: the hole ends where the socket came back, a moment of the exchange's clock that ours
    // (seconds off, either way) cannot place. So it is open-ended: every trade REST has from its start, the stream's
    // copies of the newest dropped by id (TradeContinuity), as the candles' SeamGuard does.
    const open = this.waiting[0] === undefined;
    const until = this.waiting[0]?.timestamp ?? Number.POSITIVE_INFINITY;
    try {
      const got = await this.tradesUntil(gap.from, until);
      if (this.disposed || this.gap !== gap) return;
      const first = got.trades[0];
      // No end to mark a span partial up to, nor trades to go on from: fetched again, bounded by the stream's next trade.
      if (open && !got.complete && first === undefined) throw new Error('no REST trades');
      // Spans known to be missing (a replay's recording holes) are partial; else an exchange that gives only its newest
      // trades may not reach back to the drop: the span before them is partial.
      if (got.missing !== undefined && got.missing.length > 0) this.openMissing(got.missing, gap.from, until);
      else if (!got.complete) this.openHole(gap.from, first?.timestamp ?? until, 'the exchange’s REST trades do not reach back to the drop', false);
      // A whole answer from a depth from the clock places every trade after it: the depth holds.
      if (got.complete && gap.from <= (this.depthReached ?? gap.from)) this.depthFromClock = false;
      // Up to and with the hole's last millisecond: the socket may have resumed inside it, so REST's trades of it may
      // be missed ones; TradeContinuity drops those the socket gave.
      this.ingest(open ? got.trades : got.trades.filter((t) => t.timestamp <= until));
      if (got.stoppedAt !== undefined && open) {
        // The rest is a hole from where REST stopped, fetched up to the stream's first trade as after a drop.
        this.log.info(`footprint ${this.opts.market.exchange} ${this.opts.market.symbol}: ${stopReason(got)} at ${new Date(got.stoppedAt).toISOString()}; the rest is fetched up to the stream's next trade`);
        if (this.drops[0] !== 0) this.drops.unshift(0);
      } else if (got.stoppedAt !== undefined) this.openHole(got.stoppedAt, until, stopReason(got), false);
    } catch (err) {
      if (this.disposed || this.gap !== gap) return;
      if (open) {
        // Nothing known of where it ends: the hole is fetched again up to the stream's first trade (the next one, or
        // one that came meanwhile), whose failure is then retried as any other.
        this.log.warn(`footprint ${this.opts.market.exchange} ${this.opts.market.symbol}: the trades missed from ${new Date(gap.from).toISOString()} could not be fetched (${errorMessage(err)}); fetched again with the stream's next trade, those bars partial meanwhile`);
        if (this.drops[0] !== 0) this.drops.unshift(0);
      } else this.failedFill(gap, until, err);
    }
    // This fill covered a span left open before it (or marked what it could not fetch); the next gap opens its own.
    this.endOpenSpan();
    this.gap = undefined;
    const held = this.waiting;
    this.waiting = [];
    if (this.drops.length === 0) {
      this.ingest(held, this.connection); // no drop while it filled: all the current connection's
      return;
    }
    // The socket dropped again while this hole was filled: the trades it missed are the next hole.
    this.ingest(held.slice(0, this.drops[0]));
    this.nextGap(held);
  }

  /**
   * Trades the source's stream never sent, older than some it did (lateFromSource): into the bars of their time, through
   * TradeContinuity where it reaches back to them (it then knows them). Published with the next batch while the history
   * loads, whose snapshot holds them.
   */
  private sourceLate(trades: readonly Trade[]): void {
    if (trades.length === 0) return;
    let oldest = Number.POSITIVE_INFINITY;
    for (const t of trades) if (t.timestamp < oldest) oldest = t.timestamp;
    let inOrder: readonly Trade[] = [];
    let late: Trade[] = [];
    if (this.continuity.remembersBackTo(oldest)) inOrder = this.continuity.accept(trades, late);
    else late = [...trades];
    const ties = new LateTies();
    this.apply(inOrder, ties);
    this.apply(late, ties);
    if (this.phase === 'running') this.publish();
  }

  /** A hole of the source's given up (lateFromSource): its bars are partial for good; one not picked up ends now. */
  private sourceLost(hole: LostHole): void {
    this.openHole(hole.from, hole.until ?? this.clock.now(), hole.reason, false);
    if (this.phase === 'running') this.publish();
  }

  /**
   * The source's stream may lack trades from sourceMissingSince on (a leg down: the bars that start meanwhile would
   * look whole without its trades): those bars are partial, and new ones too, until it has none to come.
   */
  private followSource(): void {
    const missingSince = this.opts.sourceMissingSince;
    if (!missingSince || this.phase !== 'running' || this.disposed) return;
    const from = missingSince();
    const old = this.sourceSpan;
    if (from === old?.from) return;
    if (old) this.partialSpans.delete(old);
    this.sourceSpan = from === undefined ? undefined : { from, until: Number.POSITIVE_INFINITY };
    if (this.sourceSpan) {
      this.partialSpans.add(this.sourceSpan);
      for (const frame of this.frames.values()) frame.footprint.markPartial(this.sourceSpan.from, Number.POSITIVE_INFINITY);
    }
    if (old) this.wholeAgain(old.from, old.until);
    this.publish();
  }

  /** Bars from `from` on are partial (those made later too, see missingTrades) until endOpenSpan. */
  private markOpenSpan(from: number): void {
    this.endOpenSpan();
    this.openSpan = { from, until: Number.POSITIVE_INFINITY };
    this.partialSpans.add(this.openSpan);
    for (const frame of this.frames.values()) frame.footprint.markPartial(from, Number.POSITIVE_INFINITY);
    this.publish();
  }

  private endOpenSpan(): void {
    const span = this.openSpan;
    if (!span) return;
    this.openSpan = undefined;
    this.partialSpans.delete(span);
    this.wholeAgain(span.from, span.until);
  }

  /** A fill that failed: its span is partial, retried on a backoff (the trades that waited go on meanwhile). */
  private failedFill(gap: Gap, until: number, err: unknown): void {
    const retrying = this.maxFillAttempts > 1;
    const span = this.openHole(gap.from, until, errorMessage(err), retrying);
    if (retrying) {
      const hole: Hole = { gap, until, span, taken: new Set() };
      this.retrying.add(hole);
      this.retryFill(hole, 1);
    }
    this.failedUntil = Math.max(this.failedUntil ?? until, until);
  }

  /**
   * The hole before the first drop among `held` (whose trades before it are taken): the trades after it wait while
   * it is fetched (now, if some came; else with the stream's first trade, as for a drop while running).
   */
  private nextGap(held: readonly Trade[]): void {
    const [drop = held.length, ...later] = this.drops;
    this.gap = this.gapFromLastTrade();
    this.waiting = held.slice(drop);
    this.drops = later.map((i) => i - drop);
    if (this.waiting.length > 0) this.gap.filling = this.fillGap(this.gap);
    // Fetched only with the stream's next trade, which a quiet market may not send for long: partial meanwhile, as
    // bars that look whole would claim the trades they lack.
    else this.markOpenSpan(this.gap.from);
  }

  /**
   * REST trades from `from` up to and with `until`'s millisecond, asked again where an answer was cut short (see
   * tradesUntil, which stops before its `until`): an answer cut inside the hole's last millisecond has not reached it.
   */
  private tradesUntil(from: number, until: number): Promise<TradesUntil> {
    return tradesUntil((since) => this.opts.history(this.opts.market, since, { signal: this.abort.signal }), from, until + 1);
  }

  private get maxFillAttempts(): number {
    return this.opts.maxFillAttempts ?? DEFAULT_MAX_FILL_ATTEMPTS;
  }

  /** Fetches a hole again after the backoff of `failed` attempts; stops on dispose. */
  private retryFill(hole: Hole, failed: number): void {
    const delay = backoffDelay(this.opts.backoff ?? defaultBackoff, failed);
    const retry: Promise<void> = (this.opts.wait ?? sleep)(delay, this.abort.signal)
      .then(() => this.fillHole(hole, failed + 1))
      .catch(() => undefined) // aborted: disposed
      .finally(() => this.retries.delete(retry));
    this.retries.add(retry);
  }

  /** One retried fill: the hole's trades go into their (older) bars, which are whole again unless another hole overlaps them. */
  private async fillHole(hole: Hole, attempt: number): Promise<void> {
    const { gap, until } = hole;
    try {
      const got = await this.tradesUntil(gap.from, until);
      if (this.disposed) return;
      // Exact at any size: the trades taken at `from` before the drop, and inside the hole since (Hole.taken).
      const inHole = got.trades.filter((t) => t.timestamp >= gap.from && t.timestamp <= until && !hole.taken.has(t.id) && !(t.timestamp === gap.from && gap.takenAtFrom.has(t.id)));
      this.retrying.delete(hole);
      this.noteTaken(inHole, NO_TRADES); // another hole's first millisecond may be this one's last
      let inOrder: readonly Trade[] = [];
      let late: Trade[] = [];
      // Through TradeContinuity, which then knows them (a later snapshot resending one drops it), where it reaches
      // back to the hole; else it would leave them out as older than it remembers.
      if (this.continuity.remembersBackTo(gap.from)) inOrder = this.continuity.accept(inHole, late);
      else late = inHole;
      this.partialSpans.delete(hole.span);
      if (!got.complete) this.openHole(gap.from, got.trades[0]?.timestamp ?? until, 'the exchange’s REST trades do not reach back to the drop', false);
      if (got.stoppedAt !== undefined) this.openHole(got.stoppedAt, until, stopReason(got), false);
      // After trades held (even those TradeContinuity takes as in order, at its last millisecond): where one shares
      // the millisecond of a bar's open or close, its id places it, else the answer's listing (at the hole's ends).
      const ties = new LateTies(gap.from, listedAtEnds(got.trades, gap.from, until));
      this.apply(inOrder, ties);
      this.apply(late, ties);
      this.wholeAgain(gap.from, until);
      this.publish();
      // Filled only if whole: a part REST did not give is its own hole now.
      if (got.complete && got.stoppedAt === undefined) {
        this.log.info(`footprint ${this.span(gap.from, until)}: fetched on attempt ${attempt}; those bars are whole again`);
        this.events.fire({ type: 'filled', from: gap.from, until });
      }
    } catch (err) {
      if (this.disposed) return;
      if (attempt >= this.maxFillAttempts) {
        this.retrying.delete(hole);
        this.log.warn(`footprint ${this.span(gap.from, until)} could not be fetched (${errorMessage(err)}); gave up after ${attempt} attempts, those bars stay partial`);
        this.events.fire({ type: 'hole', from: gap.from, until, reason: `${errorMessage(err)}; gave up after ${attempt} attempts`, retrying: false });
        return;
      }
      this.retryFill(hole, attempt);
    }
  }

  /** Bars over [from, until] are whole again, except those that start before the history's depth and those over another partial span. */
  private wholeAgain(from: number, until: number): void {
    const depth = this.depthReached ?? Number.NEGATIVE_INFINITY;
    const stillPartial = (start: number, end: number) => start < depth || this.overPartialSpan(start, end);
    for (const frame of this.frames.values()) frame.footprint.markWhole(from, until, stillPartial);
  }

  /** Whether a bar over [start, end) overlaps a span marked partial (the same overlap markPartial marks). */
  private overPartialSpan(start: number, end: number): boolean {
    for (const p of this.partialSpans) if (p.from < end && start <= p.until) return true;
    return false;
  }

  private span(from: number, until: number): string {
    return `${this.opts.market.exchange} ${this.opts.market.symbol}: the trades missed from ${new Date(from).toISOString()} to ${new Date(until).toISOString()}`;
  }

  /** Each span known to be missing, within [from, until], partial for good (asking again gives the same). */
  private openMissing(missing: readonly MissingTrades[], from: number, until: number): void {
    for (const m of missing) if (m.until > from && m.from < until) this.openHole(Math.max(m.from, from), Math.min(m.until, until), m.reason, false);
  }

  private openHole(from: number, until: number, reason: string, retrying: boolean): Span {
    this.log.warn(`footprint ${this.span(from, until)} could not be fetched (${reason}); those bars are partial${retrying ? ' until a retry fetches them' : ''}`);
    const span = { from, until };
    this.partialSpans.add(span);
    for (const frame of this.frames.values()) frame.footprint.markPartial(from, until);
    this.events.fire({ type: 'hole', from, until, reason, retrying });
    return span;
  }

  private ingest(trades: readonly Trade[], sentOn?: ConnectionTies): void {
    this.take(trades, sentOn);
    this.publish();
  }

  /**
   * Applies the trades not taken before, late ones too (their bars are older), and returns those in time order.
   * `sentOn`: the stream connection that sent them all, whose resends' listing places its late ones (ConnectionTies).
   */
  private take(trades: readonly Trade[], sentOn?: ConnectionTies): readonly Trade[] {
    const late: Trade[] = [];
    const fresh = this.continuity.accept(trades, late);
    if (this.depthFromClock && fresh[0] !== undefined) this.depthAt(fresh[0]);
    if (this.retrying.size > 0) this.noteTaken(fresh, late);
    sentOn?.listResend(trades, fresh.length);
    giveInOrder(trades, fresh, late.length, undefined, this.applyCall);
    this.apply(late, sentOn ?? this.connection);
    return fresh;
  }

  /**
   * The first trade taken after a depth from the clock: the socket was live before it, so every trade after its
   * millisecond is counted; a depth from a clock behind the exchange's, before it, would claim the trades between.
   */
  private depthAt(first: Trade): void {
    this.depthFromClock = false;
    const depth = afterMillisecondOf(first) as number;
    if (this.depthReached === undefined || depth <= this.depthReached) return;
    this.depthReached = depth;
    this.depthMoved = true;
    for (const frame of this.frames.values()) frame.footprint.countFrom(depth);
  }

  /**
   * Notes each trade counted inside a hole whose retry is due. `inOrder` is in time order, so only its trades up to
   * the hole's end are looked at: the stream's trades after a hole cost nothing here.
   */
  private noteTaken(inOrder: readonly Trade[], late: readonly Trade[]): void {
    for (const hole of this.retrying) {
      const { gap, until, taken } = hole;
      for (let i = 0; i < inOrder.length && (inOrder[i] as Trade).timestamp <= until; i++) if ((inOrder[i] as Trade).timestamp >= gap.from) taken.add((inOrder[i] as Trade).id);
      for (const t of late) if (t.timestamp >= gap.from && t.timestamp <= until) taken.add(t.id);
    }
  }

  /** The bars changed since the last publish, with their delta bars, per timeframe. */
  private publish(): void {
    const depth = this.depthMoved ? this.depthReached : undefined;
    this.depthMoved = false;
    for (const [tf, frame] of this.frames) {
      const bars = frame.footprint.drain();
      if (bars.length === 0 && depth === undefined) continue;
      for (const b of bars) frame.cvd.setBar(b.time, b.buyVolume, b.sellVolume);
      const deltas = frame.cvd.drain();
      if (depth === undefined) this.events.fire({ type: 'bars', timeframe: tf, bars, deltas });
      else this.events.fire({ type: 'snapshot', timeframe: tf, bars: frame.footprint.snapshot(), deltas: frame.cvd.snapshot(), depth });
    }
  }

  /**
   * The hot path: O(timeframes) per trade; the trades' fields and buckets are read once per batch for every
   * timeframe. `late`: the trades are older than some held (see FootprintSeries.applyColumns). The CVD follows the
   * changed footprint bars once per batch (ingest, loadHistory).
   */
  private apply(trades: readonly Trade[], late?: LateTies): void {
    if (trades.length === 0) return;
    const cols = this.columns.fill(trades);
    for (const frame of this.frames.values()) frame.footprint.applyColumns(cols, late);
  }
}

/** Why a fill's REST trades stopped short (TradesUntil.stoppedBecause), for the hole's text and the log. */
function stopReason(got: TradesUntil): string {
  return got.stoppedBecause === 'incomplete' ? 'a later REST answer was not whole, so the REST trades stopped' : `the REST trades stopped after ${MAX_TRADE_ROUNDS} requests`;
}
