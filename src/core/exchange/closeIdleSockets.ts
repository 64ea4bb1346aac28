import type { ProExchange } from './ccxtLoader';
import { leaveSocket } from './leftSockets';

interface WsClientLike {
  subscriptions?: Record<string, unknown>;
  futures?: Record<string, unknown>;
  error?: unknown;
  close(): Promise<unknown> | unknown;
}

interface ExchangeInternals {
  clients?: Record<string, WsClientLike>;
  options?: { ws?: { backoffState?: Record<string, unknown> } };
}

/**
 * ccxt keeps one WebSocket client per URL and never closes one on unWatch. After an unsubscribe, close and forget
 * every client that carries no subscription and no pending future. The order matters (measured against ccxt
 * 4.5.84): leave it, so what it still delivers until its close completes never reaches ccxt's shared caches
 * (leftSockets.ts); mark it closed-by-user, so its late onClose cannot delete a newer client on the same URL; drop it
 * from the registry synchronously, so the next watch builds a fresh one; forget its dial backoff; then close.
 */
export async function closeIdleSockets(exchange: ProExchange, closedError: () => Error): Promise<string[]> {
  const ex = exchange as unknown as ExchangeInternals;
  const clients = ex.clients ?? {};
  const idle = Object.entries(clients).filter(([, c]) => isEmpty(c.subscriptions) && isEmpty(c.futures));
  for (const [url, client] of idle) {
    leaveSocket(exchange, client);
    client.error = closedError();
    delete clients[url];
    delete ex.options?.ws?.backoffState?.[url];
  }
  await Promise.all(idle.map(([, c]) => c.close()));
  return idle.map(([url]) => url);
}

const isEmpty = (o: Record<string, unknown> | undefined) => !o || Object.keys(o).length === 0;
