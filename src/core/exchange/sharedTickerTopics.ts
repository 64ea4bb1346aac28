/**
 * Some exchanges carry a market's ticker on one topic for both ccxt's watchTicker and watchTickers (Bybit v5:
 * `tickers.{symbol}` either way, and ccxt keys both watches `ticker:{symbol}`). Unsubscribing it for one stream then
 * ends it for the other too: the server stops the topic and ccxt rejects the other's watch with an UnsubscribeError,
 * so a favourite's row and its quote group's row would each lose their price for a reconnect whenever the other left.
 * A leaving ticker stream therefore releases only the markets no other ticker stream of the client still holds.
 */
const SHARED_TICKER_TOPIC: ReadonlySet<string> = new Set(['bybit']);

/** The markets of a leaving ticker stream whose topic may be unsubscribed: all of them unless the exchange shares topics. */
export function tickerSymbolsToRelease(exchangeId: string, leaving: readonly string[], heldByOthers: ReadonlySet<string>): readonly string[] {
  if (!SHARED_TICKER_TOPIC.has(exchangeId)) return leaving;
  return leaving.filter((s) => !heldByOthers.has(s));
}
