import type { AlertEvent } from '../../core/alerts/alertEvent';

/** Collapses line breaks and runs of whitespace so user-supplied text can never split one alert over several lines. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** "binance BTC/USDT 1m" — where an alert happened. */
export function marketLabel(event: AlertEvent): string {
  return oneLine(`${event.exchange} ${event.symbol}${event.timeframe ? ` ${event.timeframe}` : ''}`);
}

/** The ISO-8601 UTC time the alert fired, or the raw number when it is not a valid epoch. */
export function firedAtIso(event: AlertEvent): string {
  const date = new Date(event.firedAt);
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(event.firedAt);
}

/** One human sentence for chat-style receivers: "BTC breakout — binance BTC/USDT 1m: BTC/USDT last 61,020.5 crossed above 61,000". */
export function alertText(event: AlertEvent): string {
  return oneLine(`${event.ruleName} — ${marketLabel(event)}: ${event.message}`);
}

/** The JSON body a webhook receives (and a JSON-lines console prints): the event plus a ready-made `text`. */
export type AlertPayload = AlertEvent & { readonly text: string };

export function alertPayload(event: AlertEvent): AlertPayload {
  return { ...event, text: alertText(event) };
}
