/** A perpetual chart's legend row from its ticker and, where the ticker lacks them, the polled open interest and funding. */
import type { DerivativesEvent } from '../../core/derivatives/derivativesPoller';
import { MAX_DERIVATIVES_NOTE_CHARS, type DerivativesWire } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { pollTrouble } from '../../core/derivatives/pollTrouble';

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

/** The ticker's own figures win; the polled ones fill what it lacks. Undefined until a last price is known or while there is nothing to show. */
export function derivativesWithPolls(last: number | undefined, fromTicker: DerivativesWire | undefined, polled: PolledDerivatives): DerivativesWire | undefined {
  if (last === undefined) return undefined;
  const wire: DerivativesWire = { ...polled, ...(fromTicker ?? {}), last };
  const { last: _, ...figures } = wire;
  return Object.keys(figures).length === 0 ? undefined : wire;
}
