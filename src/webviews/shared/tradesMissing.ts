/** How a page names the spans of its market's trades that will never come (reconnect holes given up). Pure; no DOM. */
import type { TradesMissingWire } from '../../shared/protocol';
import { formatTimeUtc } from './format';

/**
 * "12:01:03–12:01:09", with milliseconds when both ends fall in one second ("12:01:03.255–12:01:03.773", not
 * "12:01:03–12:01:03"), or "from 12:01:03" when the stream had not picked up when it was given up.
 */
export function missingSpanTime(span: TradesMissingWire): string {
  if (span.until === undefined) return `from ${formatTimeUtc(span.from)}`;
  const millis = Math.floor(span.from / 1000) === Math.floor(span.until / 1000);
  return `${formatTimeUtc(span.from, millis)}–${formatTimeUtc(span.until, millis)}`;
}

/**
 * The line over what a page built from the trades (a DOM's traded column, a heatmap's trade marks): "Vol lacks the
 * trades 12:01:03–12:01:09: HTTP 503 …" (`lacks`: "Vol lacks"), the newest span, and how many earlier ones (each in the
 * tooltip). Null: none.
 */
export function tradesMissingNote(spans: readonly TradesMissingWire[], lacks: string): { readonly text: string; readonly title: string } | null {
  const newest = spans.at(-1);
  if (newest === undefined) return null;
  const earlier = spans.length - 1;
  const text = `${lacks} the trades ${missingSpanTime(newest)}: ${newest.reason}${earlier > 0 ? ` (and ${earlier} earlier ${earlier === 1 ? 'span' : 'spans'})` : ''}`;
  return { text, title: spans.map((s) => `${missingSpanTime(s)} UTC: ${s.reason}`).join('\n') };
}
