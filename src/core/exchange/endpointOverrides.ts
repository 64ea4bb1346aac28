/**
 * Maps one base URL onto the URL layout ccxt expects for an exchange, so a user (or the emulator) can point an
 * exchange at a compatible endpoint with a single setting.
 */
export function endpointUrls(exchangeId: string, endpoint: string): Record<string, unknown> | undefined {
  const ws = endpoint.replace(/^http/, 'ws');
  switch (exchangeId) {
    case 'binance':
      // Keep /stream in the WS path: ccxt uses it to tell spot from futures.
      return { api: { public: `${endpoint}/api/v3`, ws: { spot: `${ws}/stream/ws` } } };
    case 'coinbase':
      return { api: { rest: endpoint, ws: `${ws}/ws` } };
    default:
      return undefined;
  }
}

/** Options that keep ccxt away from endpoints a spot-only compatible server does not serve. */
export function endpointOptions(exchangeId: string): Record<string, unknown> {
  switch (exchangeId) {
    case 'binance':
      return { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false };
    default:
      return { fetchCurrencies: false };
  }
}
