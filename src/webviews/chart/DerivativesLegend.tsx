/** A perpetual's legend row: mark price against the last trade, the funding rate and when it is paid, open interest. */
import type { DerivativesWire } from '../../shared/protocol';
import { formatFundingRate } from '../../shared/util/fundingRate';
import { formatAmount, formatClockUtc, formatPrice } from '../shared/format';
import { useStore, type Store } from '../shared/store';

export function DerivativesLegend({ store, decimals }: { store: Store<DerivativesWire | null>; decimals: number }) {
  const d = useStore(store);
  if (!d) return null;
  const p = (x: number) => formatPrice(x, decimals);
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
      {d.fundingRate !== undefined && (
        <span class="legend-field" title="The next funding rate (longs pay shorts when positive)">
          <span class="legend-label">Funding</span>
          <span class={`num ${d.fundingRate < 0 ? 'down' : 'up'}`}>{formatFundingRate(d.fundingRate)}</span>
          {d.nextFundingTime !== undefined && <span class="legend-label">at {formatClockUtc(d.nextFundingTime / 1000)}</span>}
        </span>
      )}
      {d.openInterest !== undefined && (
        <span class="legend-field" title="Open interest, in contracts">
          <span class="legend-label">OI</span>
          <span class="num">{formatAmount(d.openInterest)}</span>
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
