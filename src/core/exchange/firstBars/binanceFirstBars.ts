import type { Timeframe } from '../../timeframes';
import { show } from '../plausible';
import { decimal, symbolParts, type FirstBarsExchange, type KlinesRequest } from './klinesShortcut';

/** Binance's kline intervals (spot; USDⓈ-M futures have all but 1s). */
const INTERVALS: Partial<Record<Timeframe, string>> = {
  '1s': '1s',
  '1m': '1m',
  '3m': '3m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '1h',
  '2h': '2h',
  '4h': '4h',
  '6h': '6h',
  '8h': '8h',
  '12h': '12h',
  '1d': '1d',
  '3d': '3d',
  '1w': '1w',
  '1M': '1M',
};

/** GET /api/v3/klines (spot) and /fapi/v1/klines (USDⓈ-M perpetuals): up to 1,000 rows, the newest last. */
const MAX_LIMIT = 1000;

export function binanceFirstBars(endpoint: string | undefined): FirstBarsExchange {
  const spot = endpoint === undefined ? 'https://api.binance.com/api/v3' : `${endpoint}/api/v3`;
  const futures = endpoint === undefined ? 'https://fapi.binance.com/fapi/v1' : `${endpoint}/fapi/v1`;
  return {
    request(symbol, timeframe, limit): KlinesRequest | undefined {
      const parts = symbolParts(symbol);
      const interval = INTERVALS[timeframe];
      if (!parts || interval === undefined) return undefined;
      const perpetual = parts.settle !== undefined;
      // Coin-margined contracts are another API (/dapi) with their own ids.
      if (perpetual && (parts.settle !== parts.quote || timeframe === '1s')) return undefined;
      const marketId = `${parts.base}${parts.quote}`;
      const query = new URLSearchParams({ symbol: marketId, interval, limit: String(Math.min(limit, MAX_LIMIT)) });
      return { url: `${perpetual ? futures : spot}/klines?${query.toString()}`, marketId };
    },
    rows(body) {
      // [open time, open, high, low, close, volume (base), close time, …]
      if (!Array.isArray(body)) return `expected an array of klines, got ${show(body)}`;
      return body.map((row: unknown) => (Array.isArray(row) ? [row[0], ...row.slice(1, 6).map(decimal)] : row));
    },
  };
}
