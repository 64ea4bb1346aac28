/**
 * An aggregate chart's open interest and funding rate at a bar, for its legend. The lanes hold them per bar from the
 * chart's opening only (they have no history: lanesStart.ts), so over an older bar the legend says since when they
 * are held rather than showing the newest figures as if they were that bar's. Pure.
 */
import type { DerivativesWire, LaneWire } from '../../shared/protocol';
import { formatFundingRate } from '../../shared/util/fundingRate';
import { formatAmount, sinceTime } from '../shared/format';

export type BarFigures =
  /** The bar's own figures (undefined: none came in that bar). */
  | { readonly kind: 'held'; readonly openInterest: number | undefined; readonly fundingRate: number | undefined }
  /** The bar is older than the first figure held (ms). */
  | { readonly kind: 'before'; readonly since: number };

/** The figures at the bar opening at `timeMs`: `bar` is the lanes' bar there, `firstFigures` the first with one (ms); undefined while none is held. */
export function figuresAt(timeMs: number, bar: LaneWire | undefined, firstFigures: number | undefined): BarFigures | undefined {
  if (firstFigures === undefined) return undefined;
  if (timeMs < firstFigures) return { kind: 'before', since: firstFigures };
  return { kind: 'held', openInterest: bar?.openInterest, fundingRate: bar?.fundingRate };
}

/** The legend row's funding and open interest: a figure, '—' for none in the bar, or the note that none is held yet. */
export interface ShownFigures {
  readonly funding: { readonly rate: number; readonly paidAt: number | undefined } | '—' | undefined;
  readonly openInterest: number | '—' | undefined;
  /** Over a bar older than the figures: "OI and funding since 14:30" (with the day when not the bar's). */
  readonly since: string | undefined;
}

/**
 * What the row shows: the newest figures (`live`) unless `atBar` gives the hovered bar's, an older bar's (undefined
 * for the newest bar, or a chart without lanes). `barTimeMs`: the bar's time, to date the note.
 */
export function shownFigures(live: DerivativesWire, atBar: BarFigures | undefined, barTimeMs: number): ShownFigures {
  if (atBar === undefined) {
    return {
      funding: live.fundingRate === undefined ? undefined : { rate: live.fundingRate, paidAt: live.nextFundingTime },
      openInterest: live.openInterest,
      since: undefined,
    };
  }
  switch (atBar.kind) {
    case 'held':
      // When the bar's funding is paid is not held: the live one's time is the next payment, not the bar's.
      return { funding: atBar.fundingRate === undefined ? '—' : { rate: atBar.fundingRate, paidAt: undefined }, openInterest: atBar.openInterest ?? '—', since: undefined };
    case 'before':
      return { funding: undefined, openInterest: undefined, since: `OI and funding since ${sinceTime(atBar.since / 1000, barTimeMs / 1000)}` };
  }
}

/** A figure as the legend writes it ('—' as is). */
export const fundingText = (f: Exclude<ShownFigures['funding'], undefined>): string => (f === '—' ? f : formatFundingRate(f.rate));
export const openInterestText = (oi: Exclude<ShownFigures['openInterest'], undefined>): string => (oi === '—' ? oi : formatAmount(oi));
