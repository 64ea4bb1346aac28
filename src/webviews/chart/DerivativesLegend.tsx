/**
 * A perpetual's legend row: mark price against the last trade, the funding rate and when it is paid, open interest.
 * On an aggregate's chart, over a bar older than the newest, the funding and open interest at that bar (barFigures.ts).
 */
import type { DerivativesWire } from '../../shared/protocol';
import { formatClockUtc, formatPrice } from '../shared/format';
import { useStore, type Store } from '../shared/store';
import { fundingText, openInterestText, shownFigures, type BarFigures } from './barFigures';

export function DerivativesLegend({ store, decimals, atBar, barTimeMs }: { store: Store<DerivativesWire | null>; decimals: number; atBar?: BarFigures | undefined; barTimeMs: number }) {
  const d = useStore(store);
  if (!d) return null;
  const p = (x: number) => formatPrice(x, decimals);
  const shown = shownFigures(d, atBar, barTimeMs);
  const funding = shown.funding;
  return (
    <div class="legend-row legend-derivatives">
      {d.markPrice !== undefined && (
        <span class="legend-field" title={d.indexPrice === undefined ? 'Mark price (the exchange\'s fair price, used for liquidations) against the last trade' : `Mark price against the last trade; index ${p(d.indexPrice)}`}>
          <span class="legend-label">Mark</span>
          <span class="num">{p(d.markPrice)}</span>
          <span class="legend-label">Last</span>
          <span class="num">{p(d.last)}</span>
        </span>
      )}
      {funding !== undefined && (
        <span class="legend-field legend-funding" title={atBar ? 'The funding rate at this bar (longs pay shorts when positive)' : 'The next funding rate (longs pay shorts when positive)'}>
          <span class="legend-label">Funding</span>
          <span class={`num ${funding === '—' ? 'plain' : funding.rate < 0 ? 'down' : 'up'}`}>{fundingText(funding)}</span>
          {funding !== '—' && funding.paidAt !== undefined && <span class="legend-label">at {formatClockUtc(funding.paidAt / 1000)}</span>}
        </span>
      )}
      {shown.openInterest !== undefined && (
        <span class="legend-field legend-oi" title={atBar ? 'Open interest at this bar' : 'Open interest, in contracts'}>
          <span class="legend-label">OI</span>
          <span class="num">{openInterestText(shown.openInterest)}</span>
        </span>
      )}
      {shown.since !== undefined && (
        <span class="legend-field legend-figures-since muted" title="The open interest and funding are held from the chart's opening: exchanges give no past figures for an aggregate's legs">
          {shown.since}
        </span>
      )}
      {d.note !== undefined && (
        <span class="legend-note" title={d.note}>
          {d.note}
        </span>
      )}
    </div>
  );
}
