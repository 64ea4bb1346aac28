/**
 * ccxt (4.5.84) has no unWatchLiquidations: a liquidation topic stayed subscribed, and its socket open, for as long
 * as any other stream kept the exchange client alive (a chart's liquidation lane closed while a Bybit favourite
 * stayed: `allLiquidation.BTCUSDT` kept streaming). This sends the exchange's own unsubscribe the way ccxt's other
 * unWatch methods do (Bybit v5 `unsubscribe` of `allLiquidation.{id}`; Binance `UNSUBSCRIBE` of `{id}@forceOrder` on
 * the stream the subscribe used), then forgets what ccxt's clean-up leaves behind, so an idle socket can close.
 * Elsewhere the subscription is forgotten on our side only: the socket closes once nothing else uses it.
 */
import type { ProExchange } from './ccxtLoader';

interface WsClient {
  subscriptions: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): unknown;
}

interface Market {
  id?: unknown;
  lowercaseId?: unknown;
  linear?: unknown;
}

interface LiquidationInternals {
  clients?: Record<string, WsClient | undefined>;
  market(symbol: string): Market;
  // Bybit
  getUrlByMarketType?(symbol: string, isPrivate: boolean, method: string, params: Record<string, unknown>): Promise<string>;
  unWatchTopics?(url: string, topic: string, symbols: string[], messageHashes: string[], subMessageHashes: string[], topics: string[]): Promise<unknown>;
  // Binance
  getWsUrl?(type: string, category: unknown): string;
  getFutureWsCategory?(name: string): unknown;
  stream?(type: string, subscriptionHash: string, numSubscriptions: number): string;
  requestId?(url: string): number;
  watchMultiple?(url: string, messageHashes: string[], message: unknown, subscribeHashes: string[], subscription: unknown): Promise<unknown>;
}

/** ccxt's key for a market's liquidation watch, on Bybit and Binance alike. */
const liquidationHash = (symbol: string): string => `liquidations::${symbol}`;

export async function unWatchLiquidations(exchange: ProExchange, exchangeId: string, symbol: string, closed: () => Error): Promise<void> {
  const ex = exchange as unknown as LiquidationInternals;
  const keys = [liquidationHash(symbol)];
  try {
    await unsubscribe(ex, exchangeId, symbol, keys);
  } finally {
    // Also when the unsubscribe failed (a market gone from refreshed markets, a closed socket): our side is done.
    for (const client of Object.values(ex.clients ?? {})) {
      if (!client) continue;
      for (const key of keys) {
        if (!(key in client.subscriptions)) continue;
        delete client.subscriptions[key];
        client.reject(closed(), key);
      }
    }
  }
}

/** The exchange's own unsubscribe, where we know it; `keys` gains what ccxt keyed the subscription by besides its hash. */
async function unsubscribe(ex: LiquidationInternals, exchangeId: string, symbol: string, keys: string[]): Promise<void> {
  const market = ex.market(symbol);
  if (exchangeId === 'bybit' && ex.getUrlByMarketType && ex.unWatchTopics && typeof market.id === 'string') {
    const url = await ex.getUrlByMarketType(symbol, false, 'watchLiquidations', {});
    await ex.unWatchTopics(url, 'liquidations', [symbol], [`unsubscribe:${liquidationHash(symbol)}`], [liquidationHash(symbol)], [`allLiquidation.${market.id}`]);
  } else if (exchangeId === 'binance' && ex.getWsUrl && ex.getFutureWsCategory && ex.stream && ex.requestId && ex.watchMultiple && typeof market.lowercaseId === 'string') {
    const type = market.linear === true ? 'future' : 'delivery';
    const stream = `${market.lowercaseId}@forceOrder`;
    keys.push(stream); // ccxt keyed the subscription by the stream's name, which its clean-up leaves behind
    // The same stream hash as the subscribe's, so ccxt's stream index (memoised by it) gives the same socket.
    const url = `${ex.getWsUrl(type, ex.getFutureWsCategory('forceOrder'))}/${ex.stream(type, liquidationHash(symbol), 1)}`;
    const id = ex.requestId(url);
    const unsubHash = `unsubscribe:${liquidationHash(symbol)}`;
    const subscription = { unsubscribe: true, id: String(id), subMessageHashes: [liquidationHash(symbol)], messageHashes: [unsubHash], symbols: [symbol], topic: 'liquidations' };
    await ex.watchMultiple(url, [unsubHash], { method: 'UNSUBSCRIBE', params: [stream], id }, [unsubHash], subscription);
  }
}
