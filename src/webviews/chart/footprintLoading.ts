/** The footprint toolbar's word while its trades load: how far REST has come through the span it is fetching. */
import type { FootprintLoadingWire } from '../../shared/protocol';
import { formatClockUtc } from '../shared/format';

/** "loading trades… 37 %" (never 100 % before the cells are in), or without a share before the first answer. */
export function footprintLoadingLabel(loading: FootprintLoadingWire | null): string {
  if (!loading || loading.reached === undefined || !(loading.until > loading.from)) return 'loading trades…';
  const share = (loading.reached - loading.from) / (loading.until - loading.from);
  return `loading trades… ${Math.min(99, Math.max(0, Math.floor(share * 100)))} %`;
}

export function footprintLoadingTitle(loading: FootprintLoadingWire | null): string {
  const span = loading ? ` from ${formatClockUtc(loading.from / 1000)} UTC` : '';
  return `The footprint asks the exchange for every trade${span} (REST, page by page); its cells appear once they are in, and the live trades that came meanwhile follow.`;
}
