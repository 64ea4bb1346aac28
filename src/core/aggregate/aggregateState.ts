/**
 * One named state for an aggregate from its legs' states: live when all are (catching up while some leg is); connecting
 * while the legs that are not live only await their first data (opening is not degradation); degraded while some leg
 * is live and another is not (failed, reconnecting after it was live, or without data past FIRST_DATA_WAIT_MS); else
 * the legs' own.
 */
import { describeMarket, type MarketKey } from '../keys';
import type { StreamState } from '../types';
import { assertNever } from '../util/assertNever';
import type { LegCoverage } from './aggregateSeries';
import { legsBrief } from './legsBrief';

/** How long a leg may go without its first data before the aggregate reads degraded rather than still connecting. */
export const FIRST_DATA_WAIT_MS = 30_000;

/**
 * A leg that has not delivered its first data since the aggregate started (its stream never was live) and has not
 * failed: `waiting` within FIRST_DATA_WAIT_MS of the start, `overdue` after (see LegOpening).
 */
export type LegOpeningState = 'waiting' | 'overdue';

export interface LegStatus {
  readonly market: MarketKey;
  readonly state: StreamState;
  /** Absent: its first data came, or it failed (or its aggregate does not tell openings apart). */
  readonly opening?: LegOpeningState;
}

export function aggregateState(legs: readonly LegStatus[]): StreamState {
  const live = legs.filter((l) => l.state.status === 'live');
  const down = legs.filter((l) => l.state.status !== 'live');
  if (down.length === 0) {
    const since = Math.max(...live.map((l) => (l.state.status === 'live' ? l.state.since : 0)));
    const catchingUp = live.some((l) => l.state.status === 'live' && l.state.catchingUp === true);
    return catchingUp ? { status: 'live', since, catchingUp } : { status: 'live', since };
  }
  if (down.every((l) => l.opening === 'waiting')) {
    return { status: 'connecting', reason: `waiting for the first data of ${down.map(describeAwaited).join(', ')}`, brief: `waiting for ${down.length === 1 ? '1 leg' : `${down.length} legs`}` };
  }
  const degraded = (): StreamState => ({ status: 'degraded', reason: down.map(describeLeg).join(', '), brief: legsBrief(down.map(word)) });
  if (live.length > 0) return degraded();
  const first = down[0] as LegStatus;
  return down.every((l) => l.state.status === first.state.status) ? first.state : degraded();
}

function describeAwaited(l: LegStatus): string {
  const market = describeMarket(l.market);
  return l.state.status === 'connecting' ? market : `${market} (${describeState(l.state)})`;
}

function describeLeg(l: LegStatus): string {
  const market = describeMarket(l.market);
  switch (l.opening) {
    case 'waiting':
      return `${market} waiting for its first data${l.state.status === 'connecting' ? '' : ` (${describeState(l.state)})`}`;
    case 'overdue':
      return `${market} no data in ${FIRST_DATA_WAIT_MS / 1000} s (${describeState(l.state)})`;
    case undefined:
      return `${market} ${describeState(l.state)}`;
    default:
      return assertNever(l.opening);
  }
}

/** What a leg that is not live is, in a word (legsBrief counts them). */
function word(l: LegStatus): string {
  switch (l.opening) {
    case 'waiting':
      return 'waiting';
    case 'overdue':
      return 'without data';
    case undefined:
      return l.state.status;
    default:
      return assertNever(l.opening);
  }
}

/**
 * Whether a leg has delivered its first data since its aggregate started: its stream was live once (a trade stream
 * says live with the update that carries its first trades, or on a confirmed quiet subscription). Until then, and
 * unless it failed or stopped, it is opening (LegOpeningState); `waitOver` once FIRST_DATA_WAIT_MS passed since the start.
 */
export class LegOpening {
  private hasDelivered = false;

  get delivered(): boolean {
    return this.hasDelivered;
  }

  of(state: StreamState, waitOver: boolean): LegOpeningState | undefined {
    if (state.status === 'live') this.hasDelivered = true;
    if (this.hasDelivered || state.status === 'failed' || state.status === 'stopped') return undefined;
    return waitOver ? 'overdue' : 'waiting';
  }
}

/**
 * Whether one leg's bars are whole, as a single market's candles subscription says it (CandleSubscriptionState): from
 * a reconnect after being live until no hole of the leg waits for its fill, the leg is live but catching up. A hole
 * left for good (settled) ends it: its bars say partial. The first hole, from the aggregate's start, does not count
 * (a single market's first seam does not either).
 */
export class LegCatchUp {
  private wasLive = false;
  private catchingUp = false;

  /** The leg's state to show, after its stream's state or its coverage changed. */
  shown(state: StreamState, coverage: LegCoverage): StreamState {
    if (state.status === 'reconnecting' && this.wasLive) this.catchingUp = true;
    if (state.status !== 'live') return state;
    this.wasLive = true;
    if (this.catchingUp && !coverage.holes.some((h) => !h.settled)) this.catchingUp = false;
    return this.catchingUp ? { ...state, catchingUp: true } : state;
  }
}

export function describeState(s: StreamState): string {
  switch (s.status) {
    case 'connecting':
    case 'live':
    case 'stopped':
      return s.status;
    case 'reconnecting':
      return `reconnecting (${s.attempt})`;
    case 'retrying':
      return `retrying (${s.attempt})`;
    case 'degraded':
      return `degraded: ${s.reason}`;
    case 'failed':
      return `failed: ${s.reason}`;
    default:
      return assertNever(s);
  }
}
