import type { Timeframe } from '../../timeframes';
import { show } from '../plausible';
import { decimal, symbolParts, type FirstBarsExchange, type KlinesRequest } from './klinesShortcut';

const INTERVALS: Partial<Record<Timeframe, string>> = {
  '1m': '1',
  '3m': '3',
  '5m': '5',
  '15m': '15',
  '30m': '30',
  '1h': '60',
  '2h': '120',
  '4h': '240',
  '6h': '360',
  '12h': '720',
  '1d': 'D',
  '1w': 'W',
  '1M': 'M',
};

/** GET /v5/market/kline: up to 1,000 rows, the newest first. */
const MAX_LIMIT = 1000;

export function bybitFirstBars(endpoint: string | undefined): FirstBarsExchange {
  const base = endpoint ?? 'https://api.bybit.com';
  return {
    request(symbol, timeframe, limit): KlinesRequest | undefined {
      const parts = symbolParts(symbol);
      const interval = INTERVALS[timeframe];
      if (!parts || interval === undefined) return undefined;
      // Inverse contracts count their volume in quote units: left to ccxt.
      if (parts.settle !== undefined && parts.settle !== parts.quote) return undefined;
      const marketId = `${parts.base}${parts.quote}`;
      const query = new URLSearchParams({ category: parts.settle === undefined ? 'spot' : 'linear', symbol: marketId, interval, limit: String(Math.min(limit, MAX_LIMIT)) });
      return { url: `${base}/v5/market/kline?${query.toString()}`, marketId };
    },
    rows(body, request) {
      // { retCode: 0, result: { symbol, list: [[start, open, high, low, close, volume (base), turnover], …] } }
      if (typeof body !== 'object' || body === null) return `expected a kline answer, got ${show(body)}`;
      const b = body as { retCode?: unknown; retMsg?: unknown; result?: { symbol?: unknown; list?: unknown } };
      if (b.retCode !== 0) return `the exchange answered ${show(b.retCode)}: ${show(b.retMsg)}`;
      if (b.result?.symbol !== undefined && b.result.symbol !== request.marketId) return `the answer is for ${show(b.result.symbol)}, not ${request.marketId}`;
      const list = b.result?.list;
      if (!Array.isArray(list)) return `expected result.list to be an array, got ${show(list)}`;
      return list.map((row: unknown) => (Array.isArray(row) ? row.slice(0, 6).map(decimal) : row));
    },
  };
}
