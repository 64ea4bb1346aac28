/**
 * ccxt fetches the REST snapshot of a watched order book (Binance's depth) in fetchRestOrderBookSafe, which asks again
 * at once after any failure, up to `watchOrderBook.maxRetries` (3) times (measured against ccxt 4.5.84). After a 429
 * or 418 those are requests before the answer's Retry-After: what Binance bans an IP for ("failing to back off after
 * receiving 429s", 418). A rate-limited snapshot is thrown at once instead, with its Retry-After attached
 * (attachResponseFactsToErrors), and the book's watch loop waits for it; other failures keep ccxt's retries.
 */
import { classifyError } from '../streams/errorKind';
import type { ProExchange } from './ccxtLoader';

interface SnapshotInternals {
  fetchOrderBook(symbol: string, limit?: number, params?: Record<string, unknown>): Promise<unknown>;
  fetchRestOrderBookSafe(symbol: string, limit?: number, params?: Record<string, unknown>): Promise<unknown>;
  handleOption(method: string, option: string, defaultValue: unknown): unknown;
}

export function noSnapshotRetryAfterRateLimit(exchange: ProExchange): void {
  const ex = exchange as unknown as SnapshotInternals;
  ex.fetchRestOrderBookSafe = async (symbol, limit, params) => {
    const option = ex.handleOption('watchOrderBook', 'maxRetries', 3);
    const tries = typeof option === 'number' && option >= 1 ? Math.floor(option) : 3;
    for (let attempt = 1; ; attempt++) {
      try {
        return await ex.fetchOrderBook(symbol, limit, params);
      } catch (err) {
        if (attempt >= tries || classifyError(err) === 'rate-limit') throw err;
      }
    }
  };
}
