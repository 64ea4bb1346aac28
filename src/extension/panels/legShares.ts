/** An aggregate DOM's per-leg shares: each leg's part of every row's resting size, from the legs' own books grouped as the ladder is. */
import type { LegBookStatus } from '../../core/aggregate/legBookStates';
import { groupLevels } from '../../core/orderbook/groupLevels';
import type { OrderBook, StreamState } from '../../core/types';
import { assertNever } from '../../core/util/assertNever';
import { MAX_LEG_REASON_CHARS, type DomLegWire, type DomRowWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { legLabel } from './legLabel';

/**
 * The rows with `shares` (leg order; 0 for a leg not in the row or without a book). O(levels of every leg + rows):
 * run once per frame, as the ladder's own rows.
 */
export function withLegShares(rows: readonly DomRowWire[], legBooks: ReadonlyArray<OrderBook | undefined>, tickSize: number, multiple: number): DomRowWire[] {
  const step = tickSize * multiple;
  const perLeg = legBooks.map((book) => {
    const sizes = new Map<number, number>();
    if (!book) return sizes;
    for (const r of groupLevels(book.bids, book.asks, tickSize, multiple)) sizes.set(Math.round(r.price / step), r.bid + r.ask);
    return sizes;
  });
  return rows.map((r) => {
    const total = r.bid + r.ask;
    if (!(total > 0)) return r;
    const key = Math.round(r.price / step);
    return { ...r, shares: perLeg.map((sizes) => Math.min(1, Math.max(0, (sizes.get(key) ?? 0) / total))) };
  });
}

/**
 * An aggregate DOM's `legs` and, once they are resolved (as many as the legs), their lot steps in base units
 * (`legAmountSteps`): the page shows each size with the decimals of the finest leg in it.
 */
export function aggregateLegs(legs: readonly LegBookStatus[], steps: readonly (number | null)[] | undefined): { legs: DomLegWire[]; legAmountSteps?: (number | null)[] } {
  return { legs: domLegs(legs), ...(steps !== undefined && steps.length === legs.length ? { legAmountSteps: [...steps] } : {}) };
}

/** The legs as the DOM's header names them, with their books' states. */
export function domLegs(legs: readonly LegBookStatus[]): DomLegWire[] {
  return legs.map((l) => {
    const { reason, ...status } = legStatus(l);
    return { label: legLabel(l.market), ...status, ...(reason === undefined ? {} : { reason: clip(reason, MAX_LEG_REASON_CHARS) }) };
  });
}

function legStatus(l: LegBookStatus): Pick<DomLegWire, 'status' | 'reason' | 'staleSince'> {
  const s = l.state;
  if (l.current) return { status: 'live' };
  if (l.staleSince !== undefined) return { status: 'stale', staleSince: l.staleSince, reason: s.status === 'live' ? 'live again, waiting for its book' : streamWords(s) };
  switch (s.status) {
    case 'live':
      return { status: 'waiting', reason: 'waiting for its book' };
    case 'connecting':
      return { status: 'waiting' };
    case 'reconnecting':
    case 'retrying':
    case 'degraded':
      return { status: 'down', reason: s.reason };
    case 'stopped':
      return { status: 'failed', reason: 'stopped' };
    case 'failed':
      return { status: 'failed', reason: s.reason };
    default:
      return assertNever(s);
  }
}

/** A stale leg's stream state in words: its attempt and why. */
function streamWords(s: Exclude<StreamState, { status: 'live' }>): string {
  switch (s.status) {
    case 'reconnecting':
    case 'retrying':
      return `${s.status} (${s.attempt}): ${s.reason}`;
    case 'degraded':
    case 'failed':
      return `${s.status}: ${s.reason}`;
    case 'connecting':
    case 'stopped':
      return s.status;
    default:
      return assertNever(s);
  }
}
