/**
 * One named state for an aggregate from its legs' states: live when all are (catching up while some leg is), degraded
 * while some are, else the legs' own.
 */
import { describeMarket, type MarketKey } from '../keys';
import type { StreamState } from '../types';
import { assertNever } from '../util/assertNever';
import type { LegCoverage } from './aggregateSeries';
import { legsBrief } from './legsBrief';

export interface LegStatus {
  readonly market: MarketKey;
  readonly state: StreamState;
}

export function aggregateState(legs: readonly LegStatus[]): StreamState {
  const live = legs.filter((l) => l.state.status === 'live');
  const down = legs.filter((l) => l.state.status !== 'live');
  if (down.length === 0) {
    const since = Math.max(...live.map((l) => (l.state.status === 'live' ? l.state.since : 0)));
    const catchingUp = live.some((l) => l.state.status === 'live' && l.state.catchingUp === true);
    return catchingUp ? { status: 'live', since, catchingUp } : { status: 'live', since };
  }
  const degraded = (): StreamState => ({ status: 'degraded', reason: down.map((l) => `${describeMarket(l.market)} ${describeState(l.state)}`).join(', '), brief: legsBrief(down.map((l) => l.state.status)) });
  if (live.length > 0) return degraded();
  const first = down[0] as LegStatus;
  return down.every((l) => l.state.status === first.state.status) ? first.state : degraded();
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
