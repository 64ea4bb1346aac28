/** A ticker as the Markets tree writes it: last price, 24h change and, for a perpetual, mark price and funding. */
import type { Ticker } from '../../core/types';
import { decimalsOf, MOST_TICK_DECIMALS, usableTick } from '../../shared/util/decimals';
import { formatFundingRate as formatFunding } from '../../shared/util/fundingRate';

/** `tick`: the market's tick size, once its markets are loaded: prices then read with its decimals, as its chart and DOM do. */
export function formatTicker(t: Ticker | undefined, tick?: number): string {
  if (!t) return '…';
  const change = t.change24hPercent === undefined ? '' : `  ${t.change24hPercent >= 0 ? '+' : ''}${t.change24hPercent.toFixed(2)}%`;
  const d = t.derivatives;
  const mark = d?.markPrice === undefined ? '' : ` · mark ${formatPrice(d.markPrice, tick)}`;
  const funding = d?.fundingRate === undefined ? '' : ` · funding ${formatFunding(d.fundingRate)}`;
  return `${formatPrice(t.last, tick)}${change}${mark}${funding}`;
}

/** A perpetual's open interest and next funding, for the row's tooltip; '' for a spot market. */
export function formatDerivativesDetail(t: Ticker | undefined, tick?: number): string {
  const d = t?.derivatives;
  if (!d) return '';
  const parts = [
    d.markPrice === undefined ? undefined : `mark ${formatPrice(d.markPrice, tick)}${d.indexPrice === undefined ? '' : ` (index ${formatPrice(d.indexPrice, tick)})`} vs last ${formatPrice(t.last, tick)}`,
    d.fundingRate === undefined ? undefined : `funding ${formatFunding(d.fundingRate)}${d.nextFundingTime === undefined ? '' : ` next at ${new Date(d.nextFundingTime).toISOString().slice(11, 16)} UTC`}`,
    d.openInterest === undefined ? undefined : `open interest ${d.openInterest.toLocaleString('en-US', { maximumFractionDigits: 3 })}`,
  ];
  return parts.filter((p) => p !== undefined).join('\n');
}

/**
 * A price with its market's tick decimals (at least), else by its size: 2 decimals from 1,000, 4 from 1, 8 below.
 * A tick's decimals are a floor, not a cap: a price finer than its tick (an index) is shown to the size rule's digits.
 */
export function formatPrice(p: number, tick?: number): string {
  const digits = p >= 1000 ? 2 : p >= 1 ? 4 : 8;
  const usable = usableTick(tick);
  const tickDigits = usable === undefined ? undefined : Math.min(MOST_TICK_DECIMALS, decimalsOf(usable));
  if (tickDigits !== undefined) return p.toLocaleString('en-US', { minimumFractionDigits: tickDigits, maximumFractionDigits: Math.max(tickDigits, digits) });
  return p.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Math.min(2, digits) });
}
