/**
 * Which legs an aggregate's ladder shows, and the state it reads.
 *
 * A leg's book is current while its stream is live and a book came since the stream last left live: a book held
 * through a reconnect is stale from the moment its stream left live until the fresh one comes (the stream reads live a
 * turn before it). While some leg is current, the ladder shows only the current legs: a stale leg's frozen levels
 * merged with live ones would pass for liquidity there now (a wall long pulled, a bid above the others' asks), and a
 * merged row cannot say which part of its size is old; so its levels are left out and the leg is named (`degraded:
 * <leg> stale since HH:MM:SS`). When no leg is current, the ladder holds every leg's last book, as one market's held
 * book (the panel dims it and says since when: the oldest of them went stale), so a network drop, which takes the
 * legs one by one within moments, does not empty it.
 *
 * Opening is not degradation: until each leg's first book came the state is `connecting`, naming the legs still
 * awaited (the current ones' levels show meanwhile); a leg that fails, or has no book FIRST_BOOK_WAIT_MS after the
 * start, makes it degraded.
 */
import { describeMarket, type MarketKey } from '../keys';
import type { StreamState } from '../types';
import { assertNever } from '../util/assertNever';
import { utcClock } from '../../shared/util/utcTime';
import { describeState, FIRST_DATA_WAIT_MS, type LegStatus } from './aggregateState';
import { legsBrief } from './legsBrief';

/** How long a leg may go without its first book before the aggregate reads degraded rather than still connecting: as its trades. */
export const FIRST_BOOK_WAIT_MS = FIRST_DATA_WAIT_MS;

export interface LegBookStatus extends LegStatus {
  /** Its stream is live and a book came since it last was live again: its levels are as of now. */
  readonly current: boolean;
  /** The moment the book it holds stopped being current (its stream left live), until a fresh one comes. */
  readonly staleSince?: number;
  /** Its levels are on the ladder. */
  readonly shown: boolean;
}

interface Leg {
  readonly market: MarketKey;
  state: StreamState;
  hasBook: boolean;
  /** A book came since the stream last left live. */
  fresh: boolean;
  /** A book came since the start (hasBook is cleared when the leg fails). */
  everBooked: boolean;
  staleSince: number | undefined;
  shown: boolean;
}

/** O(legs) when a leg's state or freshness changes; a book on a leg already current is O(1). */
export class LegBookStates {
  private readonly legs: Leg[];
  private statusList: LegBookStatus[] = [];
  private readonly startedAt: number;

  constructor(
    markets: readonly MarketKey[],
    private readonly now: () => number,
  ) {
    this.startedAt = now();
    this.legs = markets.map((market) => ({ market, state: { status: 'connecting' }, hasBook: false, fresh: false, everBooked: false, staleSince: undefined, shown: false }));
    this.update();
  }

  get statuses(): readonly LegBookStatus[] {
    return this.statusList;
  }

  shown(i: number): boolean {
    return this.legs[i]?.shown === true;
  }

  /** A leg's book came. True when that changed which legs are current or shown (the aggregate's state to re-read). */
  book(i: number): boolean {
    const leg = this.legs[i];
    if (!leg) return false;
    leg.hasBook = true;
    leg.everBooked = true;
    if (leg.fresh) return false;
    leg.fresh = true;
    leg.staleSince = undefined;
    return this.update();
  }

  /**
   * A leg's stream state. A failed or stopped leg holds no book (the caller drops it: it is not shown as if it were
   * current). True when which legs are shown changed.
   */
  state(i: number, s: StreamState): boolean {
    const leg = this.legs[i];
    if (!leg) return false;
    leg.state = s;
    if (s.status !== 'live') {
      if (leg.fresh && leg.hasBook) leg.staleSince = this.now();
      leg.fresh = false;
    }
    if (s.status === 'failed' || s.status === 'stopped') {
      leg.hasBook = false;
      leg.staleSince = undefined;
    }
    return this.update();
  }

  /** With no leg current: when the oldest of the books held stopped being current (the ladder is as of then). */
  heldSince(): number | undefined {
    let since: number | undefined;
    for (const l of this.statusList) {
      if (l.current) return undefined;
      if (l.shown && l.staleSince !== undefined && (since === undefined || l.staleSince < since)) since = l.staleSince;
    }
    return since;
  }

  /** Some leg, not failed, has had no book since the start: read() changes once FIRST_BOOK_WAIT_MS has passed. */
  get firstBookPending(): boolean {
    return this.legs.some((l) => this.noFirstBook(l));
  }

  /**
   * The aggregate book's state: live once every leg is current; connecting, naming the legs, while the others only
   * await their first book (opening); degraded, naming the others, while some leg is current; else the legs' own (live
   * when every stream is live again with no fresh book yet: a book panel reads live only with data).
   */
  read(): StreamState {
    const legs = this.statusList;
    const current = legs.filter((l) => l.current);
    const others = this.legs.filter((l) => !this.isCurrent(l));
    const live = (): StreamState => ({ status: 'live', since: Math.max(0, ...legs.map((l) => (l.state.status === 'live' ? l.state.since : 0))) });
    if (others.length === 0) return live();
    if (others.every((l) => this.awaitsFirstBook(l))) {
      return { status: 'connecting', reason: `waiting for the first book of ${others.map((l) => this.describeAwaited(l)).join(', ')}`, brief: `waiting for ${others.length === 1 ? '1 leg' : `${others.length} legs`}` };
    }
    const reason = others.map((l) => this.describe(l)).join(', ');
    if (current.length > 0) return { status: 'degraded', reason, brief: legsBrief(others.map((l) => this.word(l))) };
    const down = others.filter((l) => l.state.status !== 'live');
    if (down.length === 0) return live(); // every stream is live again, none with its fresh book yet
    const first = (down.find((l) => l.state.status === 'reconnecting' || l.state.status === 'retrying' || l.state.status === 'connecting') ?? down[0]) as Leg;
    return down.every((l) => l.state.status === first.state.status) ? first.state : withReason(first.state, reason);
  }

  private isCurrent(l: Leg): boolean {
    return l.fresh && l.hasBook && l.state.status === 'live';
  }

  private noFirstBook(l: Leg): boolean {
    return !l.everBooked && l.state.status !== 'failed' && l.state.status !== 'stopped';
  }

  /** Opening: no book yet since the start, not failed, and still within the wait for it. */
  private awaitsFirstBook(l: Leg): boolean {
    return this.noFirstBook(l) && this.now() - this.startedAt < FIRST_BOOK_WAIT_MS;
  }

  private describeAwaited(l: Leg): string {
    const market = describeMarket(l.market);
    return l.state.status === 'live' || l.state.status === 'connecting' ? market : `${market} (${describeState(l.state)})`;
  }

  private describe(l: Leg): string {
    const market = describeMarket(l.market);
    if (l.staleSince !== undefined) return `${market} stale since ${utcClock(l.staleSince, this.now())} UTC (${l.state.status === 'live' ? 'live again, waiting for its book' : describeState(l.state)})`;
    if (this.awaitsFirstBook(l)) return `${market} waiting for its first book`;
    if (this.noFirstBook(l)) return `${market} no book in ${FIRST_BOOK_WAIT_MS / 1000} s (${describeState(l.state)})`;
    return l.state.status === 'live' ? `${market} waiting for its book` : `${market} ${describeState(l.state)}`;
  }

  /** What a leg that is not current is, in a word (legsBrief counts them). */
  private word(l: Leg): string {
    if (l.staleSince !== undefined) return 'stale';
    if (l.state.status === 'failed' || l.state.status === 'stopped') return l.state.status;
    if (this.awaitsFirstBook(l)) return 'waiting';
    return this.noFirstBook(l) ? 'without a book' : 'waiting';
  }

  /** Re-reads which legs are current and shown; true when either changed. */
  private update(): boolean {
    const isCurrent = (l: Leg) => this.isCurrent(l);
    const anyCurrent = this.legs.some(isCurrent);
    let changed = false;
    for (const l of this.legs) {
      const shown = anyCurrent ? isCurrent(l) : l.hasBook;
      if (shown !== l.shown) changed = true;
      l.shown = shown;
    }
    const next = this.legs.map((l): LegBookStatus => ({ market: l.market, state: l.state, current: isCurrent(l), shown: l.shown, ...(l.staleSince !== undefined ? { staleSince: l.staleSince } : {}) }));
    if (next.some((s, k) => s.current !== this.statusList[k]?.current)) changed = true;
    this.statusList = next;
    return changed;
  }
}

function withReason(s: StreamState, reason: string): StreamState {
  switch (s.status) {
    case 'reconnecting':
    case 'retrying':
    case 'degraded':
    case 'failed':
      return { ...s, reason };
    case 'connecting':
    case 'live':
    case 'stopped':
      return s;
    default:
      return assertNever(s);
  }
}
