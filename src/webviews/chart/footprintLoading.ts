/** The footprint toolbar's word while its trades load: how far REST has come through the span it is fetching. */
import type { FootprintLoadingWire } from '../../shared/protocol';
import { formatClockUtc } from '../shared/format';

/**
 * "loading trades… 37%": the share of the span whose trades are in, from its start where they page forward or from
 * its end where they page backwards (never 100% before the cells are in); without a share before the first answer.
 */
export function footprintLoadingLabel(loading: FootprintLoadingWire | null): string {
  if (!loading || loading.reached === undefined || !(loading.until > loading.from)) return 'loading trades…';
  const share = covered(loading.from, loading.until, loading.reached) / (loading.until - loading.from);
  return `loading trades… ${Math.min(99, Math.max(0, Math.floor(share * 100)))}%`;
}

function covered(from: number, until: number, reached: NonNullable<FootprintLoadingWire['reached']>): number {
  switch (reached.direction) {
    case 'forward':
      return reached.time - from;
    case 'backward':
      return until - reached.time;
  }
}

export function footprintLoadingTitle(loading: FootprintLoadingWire | null): string {
  const span = loading ? ` from ${formatClockUtc(loading.from / 1000)} UTC` : '';
  return `The footprint asks the exchange for every trade${span} (REST, page by page); its cells appear once they are in, and the live trades that came meanwhile follow.`;
}
