/** The shared set-up of the candle factory's scripted tests (test/unit/candleFactory*.test.ts): an exchange at a fixed start. */
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { StreamState, Trade } from '../../src/core/types';

/** Where the scripted market starts: a whole hour, so every timeframe's bar begins there. */
export const SCRIPT_START = Date.UTC(2026, 10, 30, 10, 0);
export const MINUTE = 60_000;

/** An exchange whose candle pages are windows and whose trades page by time window (Coinbase-like), with these klines. */
export function scriptCaps(klineTimeframes: ExchangeCapabilities['klineTimeframes'], klineLagMinutes = 0): ExchangeCapabilities {
  return { klineTimeframes, maxCandlesPerPage: 300, candlePagesAreWindows: true, tradePaging: 'window', maxTradesPerPage: 100, watchTickers: false, klineLagMinutes, tradeWindowMs: undefined, historyStart: 0 };
}

export const liveSince = (since: number): StreamState => ({ status: 'live', since });
export const reconnecting: StreamState = { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 };

/** Trade `n` at `at`: amounts are powers of two, so a bar's volume tells exactly which trades it counted (and which twice). */
export const powerTrade = (n: number, at: number): Trade => ({ id: String(n), timestamp: at, price: 100 + n, amount: 2 ** n, side: 'buy' });
