/**
 * Coinbase closes the channels of a connection it has sent nothing for 60-90 s ("Subscribe to heartbeats to keep all
 * subscriptions open"), without a word to the client: a quiet market's trades simply stop. ccxt (4.5.84) never
 * subscribes to `heartbeats`; this hook does, once on every socket that carries a market channel, so the server sends
 * something every second. ccxt reads the heartbeats and drops them; the subscription is not in ccxt's books, so a
 * socket left with only heartbeats is still idle to closeIdleSockets and closed with its last stream.
 */
import type { ProExchange } from './ccxtLoader';

interface WsClient {
  readonly connected: Promise<unknown>;
  send(message: unknown): Promise<unknown>;
}

interface CoinbaseInternals {
  clients?: Record<string, WsClient | undefined>;
  watch(url: string, messageHash: string, message?: unknown, subscribeHash?: unknown, subscription?: unknown): Promise<unknown>;
}

export function keepCoinbaseChannelsOpen(exchange: ProExchange): void {
  const ex = exchange as unknown as CoinbaseInternals;
  const original = ex.watch.bind(ex);
  const withHeartbeats = new WeakSet<WsClient>();
  ex.watch = (url, messageHash, message, subscribeHash, subscription) => {
    const result = original(url, messageHash, message, subscribeHash, subscription);
    // ccxt calls watch for every read of a stream: once the socket has its heartbeats, one lookup and out.
    const client = ex.clients?.[url];
    if (client === undefined || withHeartbeats.has(client)) return result;
    const products = channelSubscribeProducts(message);
    if (products !== undefined) {
      withHeartbeats.add(client);
      // The products of the subscribe it rides on: today's docs need none, earlier versions of the feed refused a
      // heartbeats subscribe without them. A socket that never opens, or closes first, sends nothing: its next
      // client gets its own heartbeats.
      const subscribe = { type: 'subscribe', channel: 'heartbeats', product_ids: products };
      client.connected.then(() => client.send(subscribe)).catch(() => undefined);
    }
    return result;
  };
}

/** The product ids of a market channel's subscribe message; undefined for anything else. */
function channelSubscribeProducts(message: unknown): readonly string[] | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, channel, product_ids: ids } = message as { type?: unknown; channel?: unknown; product_ids?: unknown };
  if (type !== 'subscribe' || typeof channel !== 'string' || channel === 'heartbeats' || !Array.isArray(ids)) return undefined;
  const products = ids.filter((id): id is string => typeof id === 'string');
  return products.length > 0 ? products : undefined;
}
