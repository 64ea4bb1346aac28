/** One leg of an aggregate: its market's shared trade stream, with the holes a start or a reconnect leaves filled from REST. */
import type { RequestContext } from '../history/historyService';
import type { TradesSince } from '../history/seamTrades';
import type { LostHole, SubscriptionRequest, Subscription, TradesEvent } from '../hub/requests';
import type { MarketKey } from '../keys';
import { TRADES_LEFT_OUT, TradeContinuity } from '../record/tradeContinuity';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import type { StreamState, Trade } from '../types';
import { errorMessage, userMessage, type Logger } from '../util/log';
import { sleep } from '../util/sleep';
import { assertNever } from '../util/assertNever';
import { LateTies } from '../util/tradeOrder';
import { ConnectionTies, giveInOrder, listedAtEnds } from '../util/listedOrder';
import type { LegCoverage } from './aggregateSeries';

/** What a leg needs of the hub: the shared trade stream and REST trades. */
export interface LegSource {
  subscribe(request: Extract<SubscriptionRequest, { kind: 'trades' }>, consumer: (event: TradesEvent) => void): Subscription;
  tradesSince(market: MarketKey, from: number, ctx?: RequestContext): Promise<TradesSince>;
}

export interface LegFeedOptions {
  readonly source: LegSource;
  readonly market: MarketKey;
  /** Trades before this are not wanted; the hole from here to the first live trade is filled from REST. */
  readonly since: number;
  /**
   * Trades in the order they happened within each call; a late fill's trades are older than ones given before, and
   * come with `late`, which places them among the trades of their millisecond already given (LateTies): a new one
   * for each fill's call, and one for each stream connection's late trades, as its identity tells those apart.
   */
  readonly onTrades: (trades: readonly Trade[], late?: LateTies) => void;
  /** The state or the coverage changed. */
  readonly onChange: () => void;
  readonly backoff: BackoffPolicy;
  /** Failed fills of one hole before it is left partial. */
  readonly maxFillAttempts: number;
  readonly log: Logger;
  /**
   * A hole settled with trades missing for good: its fill failed `maxFillAttempts` times, or the exchange's REST
   * could not give all of it (only its newest trades, or an answer cut short). `until` undefined: the socket had not
   * given its first trade after it.
   */
  readonly onLost?: (hole: LostHole) => void;
}

interface Hole {
  readonly from: number;
  /** Trades at `from` already received: the hole starts after them. */
  readonly takenAtFrom: ReadonlySet<string>;
  /**
   * Its last millisecond; undefined while the socket is down; Infinity while it is live again but has given no trade
   * yet (where it took over is known only by its first trade, in the exchange's time).
   */
  until: number | undefined;
  /** Live trades held while the hole is filled for the first time, so the leg's trades stay in order. */
  waiting: Trade[] | undefined;
  /** No fill is coming any more: its bars stay partial for good. */
  settled: boolean;
  /** The ties of the stream's late trades after this hole, on the connection that ends it (see LegFeed.connection). */
  readonly connection: ConnectionTies;
}

/**
 * A hole opens at the last trade received when the stream stops being live (at `since` before the first trade)
 * and closes at the first trade after it. It is then filled from REST, holes one after the other; while a hole's
 * first fill runs, live trades wait so the leg's trades are taken in order. A fill that fails lets them through and
 * is retried on a backoff (its trades then arrive late); a fill that cannot be complete (the exchange gives only its
 * newest trades) or that failed `maxFillAttempts` times settles the hole, whose bars stay partial.
 */
export class LegFeed {
  private readonly continuity = new TradeContinuity((n) => this.opts.log.warn(`${this.opts.market.exchange} ${this.opts.market.symbol}: ${n} ${TRADES_LEFT_OUT}`));
  private readonly holes: Hole[] = [];
  private readonly abort = new AbortController();
  private readonly subscription: Subscription;
  private current: StreamState = { status: 'connecting' };
  /** Holes whose end waits for the socket's next trade (live again with no trade). */
  private unbounded: Hole[] = [];
  /** First fills run one after the other, in the order of their holes. */
  private fills: Promise<void> = Promise.resolve();
  /**
   * The ties of the stream's late trades (a reconnect's resent ones, a lagging socket's) on its current connection,
   * new with each drop: a connection sends its trades in the exchange's order across its messages, so one
   * message's late trades of a millisecond go after an earlier message's, not before them as another call's would.
   */
  private connection = new ConnectionTies();
  private readonly give = (trades: readonly Trade[], ties: LateTies | undefined): void => this.opts.onTrades(trades, ties);

  constructor(private readonly opts: LegFeedOptions) {
    this.holes.push({ from: opts.since, takenAtFrom: new Set(), until: undefined, waiting: undefined, settled: false, connection: this.connection });
    this.subscription = opts.source.subscribe({ kind: 'trades', ...opts.market }, (e) => this.onEvent(e));
  }

  get state(): StreamState {
    return this.current;
  }

  coverage(): LegCoverage {
    const open = this.holes.some((h) => h.until === undefined || h.waiting !== undefined);
    const holes = this.holes.map((h) => ({ from: h.from, until: h.until === Number.POSITIVE_INFINITY ? undefined : h.until, settled: h.settled }));
    return { holes, coveredUntil: open ? undefined : this.continuity.last };
  }

  dispose(): void {
    this.abort.abort();
    this.subscription.dispose();
  }

  private onEvent(e: TradesEvent): void {
    switch (e.type) {
      case 'trades':
        // A hole its market's bars fetched: this leg fills its own holes from REST (and TradeContinuity places them).
        if (e.late) return;
        this.onLiveTrades(e.trades);
        return;
      case 'state':
        this.current = e.state;
        if (e.state.status !== 'live' && e.state.status !== 'connecting' && !this.holes.some((h) => h.until === undefined)) this.openHole();
        else if (e.state.status === 'live') this.closeHoleIfNoTradeFollows();
        this.opts.onChange();
        return;
      case 'error':
        return; // a failed subscription also ends in state `failed`
      default:
        assertNever(e);
    }
  }

  /**
   * From the newest trade received: taken, or waiting behind a fill. Not merely the last waiting: a lagging socket
   * back after a drop may resend trades older than those taken, and a hole from there would reach back over bars
   * already closed whole (and have its fill give their trades again).
   */
  private openHole(): void {
    // Every hole's waiting trades: the newest hole's may be none yet (live again with no trade) while an older one's
    // wait behind its fill; a hole from `since` would reach back over them.
    let newest = this.continuity.last ?? Number.NEGATIVE_INFINITY;
    for (const h of this.holes) for (const t of h.waiting ?? []) if (t.timestamp > newest) newest = t.timestamp;
    const from = Number.isFinite(newest) ? newest : this.opts.since;
    const taken = new Set<string>();
    for (const h of this.holes) for (const t of h.waiting ?? []) if (t.timestamp === from) taken.add(t.id);
    if (from === this.continuity.last) for (const id of this.continuity.idsAtLastMs()) taken.add(id);
    // Live again with no trade and down again: what the socket missed after this hole's start is this hole's to fetch.
    if (this.unbounded.length > 0) this.bound(from);
    this.connection = new ConnectionTies();
    this.holes.push({ from, takenAtFrom: taken, until: undefined, waiting: undefined, settled: false, connection: this.connection });
  }

  /**
   * Live again: a live state comes with the update that carries the first trades, which close the open hole at the
   * first one. Live with no trade (a trade-cache overflow on a healthy socket, a quiet market's confirmed
   * resubscription) fetches the hole at once rather than with its next trade, open-ended: the local clock's now is not
   * the exchange's (skewed behind, it would leave out the hole's last trades; ahead, take some the socket also gives),
   * so REST's every trade from its start is taken (TradeContinuity drops the socket's copies) and the socket's next
   * trade sets its end.
   */
  private closeHoleIfNoTradeFollows(): void {
    const open = this.holes.find((h) => h.until === undefined);
    if (!open) return;
    queueMicrotask(() => {
      // Dropped again in the same turn: the hole goes on until the socket is back.
      if (open.until !== undefined || this.abort.signal.aborted || this.current.status !== 'live') return;
      open.until = Number.POSITIVE_INFINITY;
      this.unbounded.push(open);
      open.waiting = [];
      this.fills = this.fills.then(() => this.fill(open, 1));
      this.opts.onChange();
    });
  }

  private newestWaiting(): Hole | undefined {
    for (let i = this.holes.length - 1; i >= 0; i--) if (this.holes[i]?.waiting) return this.holes[i];
    return undefined;
  }

  private onLiveTrades(trades: readonly Trade[]): void {
    // A live batch is all after `since` but at the start: copied only then.
    const fresh = trades.every((t) => t.timestamp >= this.opts.since) ? trades : trades.filter((t) => t.timestamp >= this.opts.since);
    if (fresh.length === 0) return;
    if (this.unbounded.length > 0) this.bound((fresh[0] as Trade).timestamp);
    const open = this.holes.find((h) => h.until === undefined);
    if (open) {
      open.until = (fresh[0] as Trade).timestamp;
      open.waiting = [...fresh];
      this.fills = this.fills.then(() => this.fill(open, 1));
      return;
    }
    const waiting = this.newestWaiting();
    if (waiting) waiting.waiting?.push(...fresh);
    else this.take(fresh, undefined, this.connection);
  }

  /**
   * Where the socket took over after it was live again with no trade: its first trade, or the start of the hole a drop
   * before any trade opens (that hole's fill takes what was missed after it). The open-ended holes end there, but not
   * before the trades their fill already took: a lagging socket that drops before it reaches them leaves the next hole
   * to open after them, so what REST did not give before them is this hole's.
   */
  private bound(first: number): void {
    const end = Math.max(first, this.continuity.last ?? first);
    for (const h of this.unbounded) h.until = Math.max(h.from, end);
    this.unbounded = [];
    this.opts.onChange();
  }

  /**
   * `ties`: a fill's, whose trades (even those in order, at the last millisecond taken) may share a millisecond with
   * ones given; undefined for the stream's. `lateTies`: for those older than trades already given, a call of their
   * own: a fill's placed by its hole's bounds; the stream's (a reconnect's snapshot) by their connection's, which has
   * no bounds to place them by where the ids do not, only its resends' listing (ConnectionTies).
   */
  private take(trades: readonly Trade[], ties: LateTies | undefined, lateTies: LateTies): void {
    const late: Trade[] = [];
    const accepted = this.continuity.accept(trades, late);
    if (lateTies instanceof ConnectionTies) lateTies.listResend(trades, accepted.length);
    giveInOrder(trades, accepted, late.length, ties, this.give);
    if (late.length > 0) this.opts.onTrades(late, lateTies);
  }

  /** One attempt; a failure schedules the next without holding up the fills of later holes. */
  private async fill(hole: Hole, attempt: number): Promise<void> {
    if (this.abort.signal.aborted) return;
    const span = (): string => `${this.opts.market.exchange} ${this.opts.market.symbol}: the trades from ${new Date(hole.from).toISOString()} ${hole.until === Number.POSITIVE_INFINITY ? 'on' : `to ${new Date(hole.until as number).toISOString()}`}`;
    try {
      // A hole within one millisecond may still lack that millisecond's trades after those taken at `from`; one that
      // ends before it (a lagging stream's older trade closed it) has nothing to fetch.
      const got = (hole.until as number) >= hole.from ? await this.opts.source.tradesSince(this.opts.market, hole.from, { signal: this.abort.signal, maxAttempts: 1 }) : { trades: [], complete: true, truncated: false };
      if (this.abort.signal.aborted) return;
      // Read after the answer: the socket's first trade may have bounded an open-ended hole meanwhile.
      const until = hole.until as number;
      // Up to and with the hole's last millisecond: the socket may have resumed inside it (or been live again at it
      // with no trade), so REST's trades of it may be missed ones; TradeContinuity drops those the socket gave.
      const inHole = got.trades.filter((t) => (t.timestamp > hole.from || (t.timestamp === hole.from && !hole.takenAtFrom.has(t.id))) && t.timestamp <= until);
      const unsure = this.takeFilled(hole, inHole, until, listedAtEnds(got.trades, hole.from, until));
      this.release(hole);
      // An answer cut short by the page budget before the hole's end leaves the rest of it partial; cut inside its
      // last millisecond, that millisecond's trades after the cut are not in either.
      const reached = got.truncated !== true || (got.trades.at(-1)?.timestamp ?? hole.from) > until;
      if (got.complete && reached && !unsure) this.holes.splice(this.holes.indexOf(hole), 1);
      else if (got.complete && reached) {
        // Its trades are in but for its last millisecond's, which could not be told from those the socket gave.
        hole.settled = true;
        this.opts.log.warn(`${span()} are in but for its last millisecond's, which could not be told from trades already taken; that bar stays partial`);
      } else {
        hole.settled = true;
        this.opts.log.warn(`${span()} are not all given by the exchange's REST; those bars stay partial`);
        // What is missing: before the oldest trade REST gave (it gives only its newest), or after the newest (cut short).
        const oldest = inHole[0]?.timestamp;
        const newest = inHole.at(-1)?.timestamp;
        if (!got.complete) this.tellLost({ from: hole.from, until: oldest ?? until, reason: "the exchange's REST gives only its newest trades, not these" });
        else this.tellLost({ from: newest ?? hole.from, until, reason: "the exchange's REST answer was cut short before these" });
      }
      this.opts.onChange();
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.release(hole);
      if (attempt >= this.opts.maxFillAttempts) {
        hole.settled = true;
        this.opts.log.warn(`${span()} could not be fetched (${errorMessage(err)}); gave up after ${attempt} attempts, those bars stay partial`);
        this.tellLost({ from: hole.from, until: hole.until as number, reason: userMessage(err) });
      } else {
        const delay = backoffDelay(this.opts.backoff, attempt);
        this.opts.log.info(`${span()} could not be fetched (${errorMessage(err)}); retry in ${delay} ms`);
        void sleep(delay, this.abort.signal).then(
          () => this.fill(hole, attempt + 1),
          () => undefined,
        );
      }
      this.opts.onChange();
    }
  }

  /**
   * A fill's trades: a first fill's go before the trades that waited for it. A retry's come after trades taken since
   * the failure, some of which the socket may also have sent (the hole's last millisecond, a reconnect's snapshot
   * resending older ones): TradeContinuity tells them apart while it remembers back to the hole's start. Past that,
   * the hole's bounds do, but for its last millisecond, left out: true then. `listed`: see listedAtEnds.
   */
  private takeFilled(hole: Hole, trades: readonly Trade[], until: number, listed: ReadonlyMap<string, number>): boolean {
    const ties = new LateTies(hole.from, listed);
    if (hole.waiting || this.continuity.remembersBackTo(hole.from)) {
      this.take(trades, ties, ties.forAnotherCall());
      return false;
    }
    const before = trades.filter((t) => t.timestamp < until);
    if (before.length > 0) this.opts.onTrades(before, ties); // late: older than trades already taken
    return before.length < trades.length;
  }

  /** `until` Infinity (the socket's first trade after it not come yet): an open end. */
  private tellLost(hole: { readonly from: number; readonly until: number; readonly reason: string }): void {
    const { from, until, reason } = hole;
    try {
      this.opts.onLost?.(Number.isFinite(until) ? { from, until, reason } : { from, reason });
    } catch (err) {
      this.opts.log.error(`a lost hole's consumer threw: ${errorMessage(err)}`);
    }
  }

  /** Lets the trades that waited for the hole's first fill through. */
  private release(hole: Hole): void {
    const waiting = hole.waiting;
    if (!waiting) return;
    hole.waiting = undefined;
    this.take(waiting, undefined, hole.connection);
  }
}
