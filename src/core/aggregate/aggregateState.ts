/** One named state for an aggregate from its legs' states: live when all are, degraded while some are, else the legs' own. */
import { describeMarket, type MarketKey } from '../keys';
import type { StreamState } from '../types';
import { assertNever } from '../util/assertNever';

export interface LegStatus {
  readonly market: MarketKey;
  readonly state: StreamState;
}

export function aggregateState(legs: readonly LegStatus[]): StreamState {
  const live = legs.filter((l) => l.state.status === 'live');
  const down = legs.filter((l) => l.state.status !== 'live');
  if (down.length === 0) {
    const since = Math.max(...live.map((l) => (l.state.status === 'live' ? l.state.since : 0)));
    return { status: 'live', since };
  }
  if (live.length > 0) return { status: 'degraded', reason: down.map((l) => `${describeMarket(l.market)} ${describeState(l.state)}`).join(', ') };
  const first = down[0] as LegStatus;
  return down.every((l) => l.state.status === first.state.status) ? first.state : { status: 'degraded', reason: down.map((l) => `${describeMarket(l.market)} ${describeState(l.state)}`).join(', ') };
}

function describeState(s: StreamState): string {
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
