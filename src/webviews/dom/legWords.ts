/** How an aggregate DOM's legs line says a leg's book state. */
import type { DomLegWire } from '../../shared/protocol';
import { staleClock } from '../shared/connection';

/** The words after a leg's name (none is shown for a live one). `anyLive`: another leg's book is current. */
export function legWords(l: DomLegWire, anyLive: boolean, now: number): string {
  switch (l.status) {
    case 'live':
      return 'live';
    case 'stale': {
      const since = typeof l.staleSince === 'number' ? `stale since ${staleClock(Math.min(l.staleSince, now), now)}` : 'stale';
      return anyLive ? `${since}, left out` : since;
    }
    case 'failed':
      return `failed${l.reason ? `: ${l.reason}` : ''}`;
    case 'waiting':
    case 'down':
      return l.status;
    default:
      return l.status satisfies never;
  }
}

/** A leg's tooltip: its stream's state, and for a stale one what became of its levels. */
export function legTitle(l: DomLegWire, anyLive: boolean): string {
  if (l.status !== 'stale') return l.reason ?? l.status;
  const levels = anyLive ? 'its levels are left out of the ladder until its fresh book comes' : 'its last book is held with the others, dimmed';
  return `${l.reason ?? 'not live'}: ${levels}`;
}
