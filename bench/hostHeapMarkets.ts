/** The ten markets and the history depth of the host-heap benchmark, shared by its runner and its probe. */
export const HOST_HEAP_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'DOGE/USDT', 'ADA/USDT', 'LTC/USDT', 'DOT/USDT', 'LINK/USDT'] as const;
export const HOST_HEAP_BARS = 5000;
