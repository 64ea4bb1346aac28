/** What ccxt holds of an exchange's WebSocket clients, for troubleshooting a stream that hangs (the debug state). */
import type { ProExchange } from './ccxtLoader';

/** One socket (ccxt keeps one client per URL) as ccxt holds it. */
export interface SocketReport {
  readonly url: string;
  readonly connected: boolean;
  /** When it connected (epoch ms), if it did. */
  readonly connectedAt?: number;
  /** The message hashes ccxt holds as subscribed on it (it sends no subscribe again for one of them). */
  readonly subscriptions: readonly string[];
  /** The message hashes a watch waits on. */
  readonly futures: readonly string[];
  /** Why it ended, if it did (ccxt keeps the client until the next watch makes a new one). */
  readonly error?: string;
}

interface WsClientFields {
  isConnected?: unknown;
  connectionEstablished?: unknown;
  subscriptions?: Record<string, unknown>;
  futures?: Record<string, unknown>;
  error?: unknown;
}

/** O(sockets + their hashes), on demand. */
export function socketReport(exchange: ProExchange): SocketReport[] {
  const clients = (exchange as unknown as { clients?: Record<string, WsClientFields | undefined> }).clients ?? {};
  const out: SocketReport[] = [];
  for (const [url, c] of Object.entries(clients)) {
    if (!c) continue;
    const at = c.connectionEstablished;
    out.push({
      url,
      connected: c.isConnected === true,
      ...(typeof at === 'number' ? { connectedAt: at } : {}),
      subscriptions: Object.keys(c.subscriptions ?? {}),
      futures: Object.keys(c.futures ?? {}),
      ...(c.error === undefined ? {} : { error: c.error instanceof Error ? `${c.error.name}: ${c.error.message}` : String(c.error) }),
    });
  }
  return out;
}
