/**
 * Where a derivatives market's open interest and funding come from. Bybit pushes both in its ticker stream (v5
 * `tickers.{symbol}`: openInterest, fundingRate), which ccxt passes on in the ticker's `info`: streamed, nothing to
 * poll. Binance's and OKX's tickers carry neither: polled with fetchOpenInterest / fetchFundingRate.
 */
export type DerivativesSource = 'stream' | 'poll';

const STREAMED: ReadonlySet<string> = new Set(['bybit']);

export function derivativesSource(exchange: string): DerivativesSource {
  return STREAMED.has(exchange) ? 'stream' : 'poll';
}
