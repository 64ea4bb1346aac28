/**
 * Maps one base URL onto the URL layout ccxt expects for an exchange, so a user (or the emulator) can point an
 * exchange at a compatible endpoint with a single setting. Each WebSocket URL keeps the path the real exchange uses
 * on its stream host, on the same base URL.
 */
/** The exchanges `endpointUrls` maps. */
export const ENDPOINT_EXCHANGES = ['binance', 'coinbase', 'bybit'] as const;

export function endpointUrls(exchangeId: string, endpoint: string): Record<string, unknown> | undefined {
  const ws = endpoint.replace(/^http/, 'ws');
  switch (exchangeId) {
    case 'binance':
      // Keep /stream in the spot WS path: ccxt uses it to tell spot from futures. USDⓈ-M futures (loaded only when
      // `fetchMarkets.types` asks for 'linear'): REST under /fapi, streams under /fstream, where ccxt inserts the
      // route (/fstream/public/ws, /fstream/market/ws) as on fstream.binance.com.
      return {
        api: {
          public: `${endpoint}/api/v3`,
          fapiPublic: `${endpoint}/fapi/v1`,
          fapiPublicV2: `${endpoint}/fapi/v2`,
          fapiPublicV3: `${endpoint}/fapi/v3`,
          fapiData: `${endpoint}/futures/data`,
          ws: { spot: `${ws}/stream/ws`, future: `${ws}/fstream/ws` },
        },
      };
    case 'coinbase':
      // REST under /api/v3/brokerage and /v2 of the base URL; the Advanced Trade market data feed at its root.
      return { api: { rest: endpoint, ws } };
    case 'bybit':
      // ccxt's bybit picks a REST base per API group and a stream URL per market type (/v5/public/linear, …).
      return {
        api: {
          spot: endpoint,
          futures: endpoint,
          v2: endpoint,
          public: endpoint,
          private: endpoint,
          ws: {
            public: { spot: `${ws}/v5/public/spot`, linear: `${ws}/v5/public/linear`, inverse: `${ws}/v5/public/inverse`, option: `${ws}/v5/public/option` },
            private: {
              spot: { unified: `${ws}/v5/private`, nonUnified: `${ws}/spot/private/v3` },
              contract: `${ws}/v5/private`,
              usdc: `${ws}/trade/option/usdc/private/v1`,
              trade: `${ws}/v5/trade`,
            },
          },
        },
      };
    default:
      return undefined;
  }
}

/** Options that keep ccxt away from endpoints a compatible server of one market type does not serve. */
export function endpointOptions(exchangeId: string): Record<string, unknown> {
  switch (exchangeId) {
    case 'binance':
      // Spot unless the exchange's "options" ask for more (fetchMarkets.types ["spot", "linear"]): a spot-only
      // compatible server has no /fapi, and one failed exchangeInfo fails every market.
      return { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false };
    case 'bybit':
      // Linear perpetuals only: no spot, inverse or option instrument lists (the option ones are six requests).
      return { fetchMarkets: { types: ['linear'] } };
    default:
      return { fetchCurrencies: false };
  }
}
