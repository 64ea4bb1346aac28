/** A perpetual chart's legend row from its ticker and, where the ticker lacks them, the polled open interest and funding. */
import type { DerivativesEvent } from '../../core/derivatives/derivativesPoller';
import { MAX_DERIVATIVES_NOTE_CHARS, type DerivativesWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { pollTrouble } from '../../core/derivatives/pollTrouble';
import type { StreamState } from '../../core/types';

export interface PolledDerivatives {
  readonly fundingRate?: number;
  readonly nextFundingTime?: number;
  readonly markPrice?: number;
  readonly openInterest?: number;
  /** The polls' trouble, while there is some. */
  readonly note?: string;
}

/** A note on the polls' trouble as the legend takes it: it names their errors (an exchange's can be a whole HTML page). */
export const derivativesNote = (note: string): string => clip(note, MAX_DERIVATIVES_NOTE_CHARS);

/** The polled figures after one event of the market's polls. */
export function applyPolled(held: PolledDerivatives, e: DerivativesEvent): PolledDerivatives {
  switch (e.type) {
    case 'funding': {
      const { rate, nextFundingTime, markPrice } = e.figure;
      return { ...held, fundingRate: rate, ...(nextFundingTime !== undefined ? { nextFundingTime } : {}), ...(markPrice !== undefined ? { markPrice } : {}) };
    }
    case 'openInterest':
      return { ...held, openInterest: e.figure.contracts };
    case 'state': {
      const { note: _, ...rest } = held;
      const trouble = pollTrouble(e.state);
      return trouble === undefined ? rest : { ...rest, note: derivativesNote(`open interest and funding: ${trouble}`) };
    }
  }
}

/**
 * Where a perpetual's ticker stands for its legend: the time of its newest ticker (the exchange's), whether it was ever
 * live, and while it is down after that, the note saying since when its figures are (they are its last ones).
 */
export interface TickerFreshness {
  readonly at?: number;
  readonly wasLive: boolean;
  readonly note?: string;
}

/** After a ticker came: fresh, no note. */
export const tickerArrived = (at: number): TickerFreshness => ({ at, wasLive: true });

/**
 * After the ticker stream's state changed: down after it was live, a note "mark, funding and open interest as of
 * 14:03:07 UTC: its ticker retrying (1), socket closed" (the first connecting is the opening, not an outage); live
 * again, the note stays until the next ticker brings fresh figures.
 */
export function tickerStateChanged(held: TickerFreshness, state: StreamState): TickerFreshness {
  if (state.status === 'live') return { ...held, wasLive: true };
  if (state.status === 'connecting' && !held.wasLive) return held;
  const asOf = held.at === undefined ? 'none yet' : `as of ${new Date(held.at).toISOString().slice(11, 19)} UTC`;
  return { ...held, note: `mark, funding and open interest ${asOf}: its ticker ${pollTrouble(state) ?? state.status}` };
}

/** The ticker's own figures win; the polled ones fill what it lacks. Undefined until a last price is known or while there is nothing to show. */
export function derivativesWithPolls(last: number | undefined, fromTicker: DerivativesWire | undefined, polled: PolledDerivatives, ticker?: TickerFreshness): DerivativesWire | undefined {
  if (last === undefined) return undefined;
  const wire: DerivativesWire = { ...polled, ...(fromTicker ?? {}), last };
  const { last: _, ...figures } = wire;
  if (Object.keys(figures).length === 0) return undefined;
  const notes = [ticker?.note, wire.note].filter((n): n is string => n !== undefined);
  return notes.length === 0 ? wire : { ...wire, note: derivativesNote(notes.join('; ')) };
}
