import type { ProExchange } from './ccxtLoader';

interface WsClientLike {
  subscriptions?: Record<string, unknown>;
  futures?: Record<string, unknown>;
  close(): Promise<unknown> | unknown;
}

/**
 * ccxt keeps one WebSocket client per URL and never closes one on unWatch. After an unsubscribe, close and forget
 * every client that no longer carries a subscription; a later watch on that URL opens a fresh one.
 */
export async function closeIdleSockets(exchange: ProExchange): Promise<number> {
  const clients = (exchange as unknown as { clients?: Record<string, WsClientLike> }).clients ?? {};
  let closed = 0;
  for (const [url, client] of Object.entries(clients)) {
    if (Object.keys(client.subscriptions ?? {}).length > 0) continue;
    delete clients[url];
    await client.close();
    closed++;
  }
  return closed;
}
