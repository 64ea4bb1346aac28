/**
 * Binance sends `serverShutdown` on its stream connections "when the server is about to shutdown, resulting in
 * disconnection. Please establish a new connection as soon as possible" (General WSS information): `{"e":
 * "serverShutdown","E":…}` on a raw stream, wrapped as `{"stream":"!serverShutdown","data":{…}}` on a combined one
 * (the WebSocket API's form is `{"event":{…}}`). ccxt (4.5.84) has no handler for it and drops it, so its streams
 * stayed on the doomed socket until the server closed it, then reconnected after a backoff, losing the time between.
 * Here the event fails every watch of its socket at once with a ServerShutdownError and closes the socket, so each
 * stream reconnects on a new one right away (watchLoop retries it without a backoff) while the old one still serves.
 * What the old socket still delivers after the event (until the server answers its close) is dropped (leftSockets.ts):
 * its late trades joined the new socket's first read in ccxt's shared cache, and the seam taken at the oldest of them
 * left the trades between the two sockets in no bar, unflagged.
 */
import { ServerShutdownError } from '../errors';
import type { ProExchange } from './ccxtLoader';
import { dropWhatLeftSocketsDeliver, leaveSocket } from './leftSockets';

interface WsClient {
  readonly url: string;
  error?: unknown;
  readonly futures: Record<string, unknown>;
  readonly subscriptions: Record<string, unknown>;
  /** Errors the next watch of a hash fails with (ccxt's Client.future hands them over). */
  readonly rejections: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): unknown;
  /** ccxt's own failure of a client: its timers (keep-alive, dial timeout) cleared, then every future rejected. */
  reset(error: unknown): unknown;
  close(): Promise<unknown> | unknown;
}

interface BinanceInternals {
  handleMessage(client: WsClient, message: unknown): unknown;
  client(url: string): WsClient;
  clients: Record<string, WsClient | undefined>;
  options?: { ws?: { backoffState?: Record<string, unknown> } };
}

export function reconnectOnBinanceServerShutdown(exchange: ProExchange, log: (message: string) => void): void {
  const ex = exchange as unknown as BinanceInternals;
  const original = ex.handleMessage.bind(ex);
  ex.handleMessage = (client, message) => {
    if (!isServerShutdown(message)) return original(client, message);
    log(`the server of ${client.url} announced its shutdown: its ${Object.keys(client.subscriptions ?? {}).length} subscription(s) move to a new connection now`);
    leaveSocket(exchange, client);
    leave(ex, client, new ServerShutdownError('binance'));
    return undefined;
  };
  // After the hook above, so a second event on the left socket is dropped with the rest of what it delivers.
  dropWhatLeftSocketsDeliver(exchange);
}

/**
 * The order matters, as for closeIdleSockets: the client is marked failed first, so its late onClose cannot delete a
 * newer client of the same URL; dropped from ccxt's registry synchronously, so the watches' next call dials a fresh
 * socket; its dial backoff forgotten; its watches failed; then closed. Failed with reset, not reject: ccxt's onClose
 * clears the keep-alive only for an ExchangeClosedByUser, so after reject its ping interval outlived the socket.
 */
function leave(ex: BinanceInternals, client: WsClient, error: ServerShutdownError): void {
  // A watch whose update was just handed over (in the same read as the event) has no pending future to fail: its next
  // call, which dials the new socket, fails instead, or it would move over silently and its consumers fill no hole.
  const between = Object.keys(client.subscriptions ?? {}).filter((hash) => !(hash in (client.futures ?? {})));
  client.error = error;
  if (ex.clients[client.url] === client) delete ex.clients[client.url];
  delete ex.options?.ws?.backoffState?.[client.url];
  client.reset(error);
  void Promise.resolve(client.close()).catch(() => undefined);
  if (between.length === 0) return;
  const next = ex.client(client.url);
  for (const hash of between) failNextWatchOnce(next, hash, error);
}

/**
 * ccxt's Client.future rejects the future it makes with a stored rejection but keeps that future as the hash's: every
 * later watch got the same rejected one, until a message of the hash came to clear it, so the stream failed once per
 * retry, with a growing backoff, instead of moving at once. Read once (by that first watch), this rejection also
 * forgets the future it rejects, and the retry makes a fresh one.
 */
function failNextWatchOnce(client: WsClient, hash: string, error: ServerShutdownError): void {
  Object.defineProperty(client.rejections, hash, {
    configurable: true,
    enumerable: true,
    get: () => {
      delete client.futures[hash];
      delete client.rejections[hash];
      return error;
    },
  });
}

function isServerShutdown(message: unknown): boolean {
  const read = (m: unknown): Record<string, unknown> | undefined => (typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : undefined);
  const outer = read(message);
  if (outer === undefined) return false;
  const event = read(outer['data']) ?? read(outer['event']) ?? outer;
  return event['e'] === 'serverShutdown';
}
