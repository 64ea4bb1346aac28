/** A ticker as the Markets tree writes it: last price, 24h change and, for a perpetual, mark price and funding. */
import type { Ticker } from '../../core/types';
import { formatFundingRate as formatFunding } from '../../shared/util/fundingRate';

export function formatTicker(t: Ticker | undefined): string {
  if (!t) return '…';
  const change = t.change24hPercent === undefined ? '' : `  ${t.change24hPercent >= 0 ? '+' : ''}${t.change24hPercent.toFixed(2)}%`;
  const d = t.derivatives;
  const mark = d?.markPrice === undefined ? '' : ` · mark ${formatPrice(d.markPrice)}`;
  const funding = d?.fundingRate === undefined ? '' : ` · funding ${formatFunding(d.fundingRate)}`;
  return `${formatPrice(t.last)}${change}${mark}${funding}`;
}

/** A perpetual's open interest and next funding, for the row's tooltip; '' for a spot market. */
export function formatDerivativesDetail(t: Ticker | undefined): string {
  const d = t?.derivatives;
  if (!d) return '';
  const parts = [
    d.markPrice === undefined ? undefined : `mark ${formatPrice(d.markPrice)}${d.indexPrice === undefined ? '' : ` (index ${formatPrice(d.indexPrice)})`} vs last ${formatPrice(t.last)}`,
    d.fundingRate === undefined ? undefined : `funding ${formatFunding(d.fundingRate)}${d.nextFundingTime === undefined ? '' : ` next at ${new Date(d.nextFundingTime).toISOString().slice(11, 16)} UTC`}`,
    d.openInterest === undefined ? undefined : `open interest ${d.openInterest.toLocaleString('en-US', { maximumFractionDigits: 3 })}`,
  ];
  return parts.filter((p) => p !== undefined).join('\n');
}

export function formatPrice(p: number): string {
  const digits = p >= 1000 ? 2 : p >= 1 ? 4 : 8;
  return p.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Math.min(2, digits) });
}
