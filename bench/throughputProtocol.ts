/** What bench `throughput` measures on each emulated exchange, and the messages between it and its two consumer processes. */

/** The market each emulated exchange is measured on, and the trade stream ccxt is asked for (Binance: aggTrade, as the hub). */
export const THROUGHPUT_MARKETS = {
  binance: { symbol: 'BTC/USDT', params: { name: 'aggTrade' } },
  coinbase: { symbol: 'BTC/USD', params: {} },
  bybit: { symbol: 'BTC/USDT:USDT', params: {} },
} as const;
export type BenchExchange = keyof typeof THROUGHPUT_MARKETS;

export const THROUGHPUT_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;

export type ParentMessage = { type: 'mark' } | { type: 'stop' };
export type ConsumerMessage = { type: 'steady' } | { type: 'mark'; cpuMicros: number; trades: number };
