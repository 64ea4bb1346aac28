import type { ProExchange } from './ccxtLoader';

interface CcxtInternals {
  readonly trades?: Record<string, unknown>;
  readonly clients?: Record<string, { readonly rejections?: Record<string, unknown> } | undefined>;
}

/**
 * The trades ccxt took for a market since its last read, when a read that continues on the same socket can have them
 * at once (a copy; undefined when there are none, or when a socket holds a failure for a watch still to come, which
 * must reach the stream first). The cache is emptied after every read, so what it holds came while no watch waited:
 * ccxt resolves a watch only with a message, and a read that waited for the next one left these unread until the
 * market traded again. After a trade-id jump failed the waiting watch, the rest of the same socket read (a burst after
 * a stall) was taken that way: the trades after the jump, and the pick-up that ends the hole, waited for the next trade
 * (chaos seed 303, Binance: the market went quiet and they never came).
 */
export function unreadTrades(ex: ProExchange, symbol: string): unknown[] | undefined {
  const internals = ex as unknown as CcxtInternals;
  const cache = internals.trades?.[symbol];
  // Only a cache the read then empties (ccxt's ArrayCache, as emptyTradeCache asks): one it could not would be
  // returned again at every read, at once, for ever.
  if (!Array.isArray(cache) || cache.length === 0 || typeof (cache as { clear?: unknown }).clear !== 'function') return undefined;
  for (const client of Object.values(internals.clients ?? {})) if (client?.rejections !== undefined && Object.keys(client.rejections).length > 0) return undefined;
  return [...(cache as unknown[])];
}
