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

/**
 * Coinbase keeps one `ticker_batch` subscription per product of a connection, whichever named 'tickers' stream asked for
 * it (the emulator does; an unsubscribe names products, not streams), and a -USDC alias's tickers are its -USD product's,
 * watched under that market (CcxtClient.watchTickers): the Markets tree's USD and USDC groups hold the same products. A
 * leaving named stream releases only the products (`bookOf` its markets) no other named stream still watches.
 * (Its `ticker` channel, a favourite's, is another channel: not counted.)
 */
export function namedTickerBooksToRelease(leaving: readonly string[], othersWatch: readonly string[], bookOf: (symbol: string) => string): string[] {
  const held = new Set(othersWatch.map(bookOf));
  return [...new Set(leaving.map(bookOf))].filter((book) => !held.has(book));
}
