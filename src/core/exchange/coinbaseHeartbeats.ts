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

export const HEARTBEATS_SUBSCRIBE = { type: 'subscribe', channel: 'heartbeats' } as const;

export function keepCoinbaseChannelsOpen(exchange: ProExchange): void {
  const ex = exchange as unknown as CoinbaseInternals;
  const original = ex.watch.bind(ex);
  const withHeartbeats = new WeakSet<WsClient>();
  ex.watch = (url, messageHash, message, subscribeHash, subscription) => {
    const result = original(url, messageHash, message, subscribeHash, subscription);
    const client = ex.clients?.[url];
    if (client !== undefined && !withHeartbeats.has(client) && isChannelSubscribe(message)) {
      withHeartbeats.add(client);
      // A socket that never opens, or closes first, sends nothing: its next client gets its own heartbeats.
      client.connected.then(() => client.send(HEARTBEATS_SUBSCRIBE)).catch(() => undefined);
    }
    return result;
  };
}

function isChannelSubscribe(message: unknown): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const { type, channel } = message as { type?: unknown; channel?: unknown };
  return type === 'subscribe' && typeof channel === 'string' && channel !== 'heartbeats';
}
