import { timeframeMs, type Timeframe } from '../../timeframes';
import { show } from '../plausible';
import { decimal, symbolParts, type FirstBarsExchange, type KlinesRequest } from './klinesShortcut';

const GRANULARITIES: Partial<Record<Timeframe, string>> = {
  '1m': 'ONE_MINUTE',
  '5m': 'FIVE_MINUTE',
  '15m': 'FIFTEEN_MINUTE',
  '30m': 'THIRTY_MINUTE',
  '1h': 'ONE_HOUR',
  '2h': 'TWO_HOUR',
  '6h': 'SIX_HOUR',
  '1d': 'ONE_DAY',
};

/** The public candles endpoint spans at most 350 candles; ccxt asks 300 at most, and so does this. */
const MAX_LIMIT = 300;

export function coinbaseFirstBars(endpoint: string | undefined): FirstBarsExchange {
  const base = endpoint ?? 'https://api.coinbase.com';
  return {
    request(symbol, timeframe, limit, now): KlinesRequest | undefined {
      const parts = symbolParts(symbol);
      const granularity = GRANULARITIES[timeframe];
      // Coinbase's perpetuals have ids of their own (BTC-PERP-INTX).
      if (!parts || parts.settle !== undefined || granularity === undefined) return undefined;
      const marketId = `${parts.base}-${parts.quote}`;
      const end = Math.floor(now / 1000);
      const start = end - Math.min(limit, MAX_LIMIT) * (timeframeMs(timeframe) / 1000);
      const query = new URLSearchParams({ start: String(start), end: String(end), granularity });
      return { url: `${base}/api/v3/brokerage/market/products/${marketId}/candles?${query.toString()}`, marketId };
    },
    rows(body) {
      // { candles: [{ start (unix seconds), low, high, open, close, volume }, …] }, the newest first
      const candles = typeof body === 'object' && body !== null ? (body as { candles?: unknown }).candles : undefined;
      if (!Array.isArray(candles)) return `expected an object with a "candles" array, got ${show(body)}`;
      return candles.map((c: unknown) => {
        if (typeof c !== 'object' || c === null) return c;
        const r = c as Record<string, unknown>;
        const start = decimal(r.start);
        return [typeof start === 'number' ? start * 1000 : start, decimal(r.open), decimal(r.high), decimal(r.low), decimal(r.close), decimal(r.volume)];
      });
    },
  };
}
