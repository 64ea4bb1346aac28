/**
 * A socket we leave (closed as idle, closed with the whole exchange, moved away from on Binance's serverShutdown) still
 * delivers what the server sent before it answers our close: the `ws` library emits every message until the close
 * completes, and ccxt hands each to the exchange's handleMessage. ccxt's caches (trades, books, tickers) are the
 * exchange's, not the socket's, and take them whether or not a watch waits: what no read took joined the next
 * socket's first read of the same market, and the seam of the gap backfill, taken at the oldest of those late trades,
 * left the trades between the two sockets in no bar while the bar read whole. Once left, a socket is no source: its
 * messages are dropped before ccxt sees them, and the hole is filled from REST up to the new socket's first trade.
 * A socket ccxt ends itself is left as well: its keep-alive timeout (no pong in time) fails its watches and closes it,
 * but the `ws` library delivers what comes until the close completes, up to its close timeout when the network is
 * what failed; an error or the server's close ends it for ccxt the same way (it forgets the client, the next watch
 * dials anew). What was cached before a socket was left is the first read's to drop (see CcxtMarketDataClient).
 */
import type { ProExchange } from './ccxtLoader';

interface MessageInternals {
  handleMessage(client: object, message: unknown): unknown;
  /** ccxt's Exchange.onError and onClose: a client's error (its keep-alive timeout too) and its socket's close. */
  onError(client: object, error: unknown): unknown;
  onClose(client: object, event: unknown): unknown;
  close(...args: unknown[]): Promise<unknown>;
  clients?: Record<string, object | undefined>;
}

const leftBy = new WeakMap<object, WeakSet<object>>();
/** Per exchange, the socket whose message ccxt handled last (see socketOfLastMessage). */
const lastSourceBy = new WeakMap<object, { socket: object | undefined }>();

/**
 * Drops every message of a socket once it is left (see leaveSocket), leaves every socket of the exchange as its
 * close() is called, and a socket as ccxt reports its error or close. Installed once per exchange, after every other
 * handleMessage hook (so it runs first) and before the first socket: ccxt binds handleMessage, onError and onClose into
 * each client as it makes it.
 */
export function dropWhatLeftSocketsDeliver(exchange: ProExchange): void {
  if (leftBy.has(exchange)) return;
  const left = new WeakSet<object>();
  leftBy.set(exchange, left);
  const lastSource: { socket: object | undefined } = { socket: undefined };
  lastSourceBy.set(exchange, lastSource);
  const ex = exchange as unknown as MessageInternals;
  const handle = ex.handleMessage.bind(ex);
  ex.handleMessage = (client, message) => {
    if (left.has(client)) return undefined;
    lastSource.socket = client;
    return handle(client, message);
  };
  const onError = ex.onError.bind(ex);
  ex.onError = (client, error) => {
    left.add(client);
    return onError(client, error);
  };
  const onClose = ex.onClose.bind(ex);
  ex.onClose = (client, event) => {
    left.add(client);
    return onClose(client, event);
  };
  const close = ex.close.bind(ex);
  ex.close = (...args) => {
    for (const client of Object.values(ex.clients ?? {})) if (client) left.add(client);
    return close(...args);
  };
}

/** From now on nothing `client` delivers reaches ccxt. Call it as the decision to leave is taken, before the close. */
export function leaveSocket(exchange: ProExchange, client: object): void {
  leftBy.get(exchange)?.add(client);
}

/**
 * The socket whose message ccxt handled last. A watch resolves inside the handling of the message that completes it,
 * and the microtasks that follow run before any other socket's message: read in a `then` of the watch, it names the
 * socket the watch resolved on.
 */
export function socketOfLastMessage(exchange: ProExchange): object | undefined {
  return lastSourceBy.get(exchange)?.socket;
}

/** Whether `socket` was left: closed by us, by the server or by ccxt itself (see dropWhatLeftSocketsDeliver). */
export function isLeft(exchange: ProExchange, socket: object): boolean {
  return leftBy.get(exchange)?.has(socket) ?? false;
}

/**
 * Whether the socket ccxt dials in place of `socket` (the same URL) holds a failure for a watch still to come: a
 * watch that was not waiting when its socket was left (binanceServerShutdown.ts hands it the reason that way), whose
 * next call fails with it and passes the stream through reconnecting.
 */
export function successorHoldsFailure(exchange: ProExchange, socket: object): boolean {
  const url = (socket as { url?: unknown }).url;
  if (typeof url !== 'string') return false;
  const clients = (exchange as unknown as { clients?: Record<string, { rejections?: Record<string, unknown> } | undefined> }).clients;
  const successor = clients?.[url];
  return successor !== undefined && successor !== socket && Object.keys(successor.rejections ?? {}).length > 0;
}
