/**
 * Every message of Coinbase's Advanced Trade feed carries the connection's sequence_num, one more per message across
 * all its channels, so a skipped number is a lost message; ccxt (4.5.84) never reads it. A lost `l2_data` update left
 * ccxt's copy of the book without it for good (a level kept at a size the exchange had changed: the book panel showed
 * a book the exchange never held, `bookResyncFaults.test.ts`). Which channel the lost message was on cannot be told,
 * so on any gap every level2 book of that socket is dropped and its watch fails with an OrderBookGapError: the client
 * unsubscribes it and the stream takes a new snapshot. A lost `market_trades` message lost its trades just as silently:
 * every trade watch of the socket fails with a TradesGapError, and the stream's consumers fill the hole from REST.
 * A lost (or late) level2 snapshot on a new socket shows in no number (nothing came before it on that socket), only as
 * an update of a product before its snapshot: see startBooksWithSnapshots.
 */
import { OrderBookGapError, TradesGapError } from '../errors';
import type { ProExchange } from './ccxtLoader';
import { parseCoinbaseHash } from './coinbaseHash';

interface WsClient {
  subscriptions: Record<string, unknown>;
  reject(error: unknown, messageHash?: string): unknown;
}

interface CoinbaseInternals {
  handleMessage(client: WsClient, message: unknown): unknown;
  orderbooks: Record<string, unknown>;
  safeMarket(marketId: string): { symbol?: unknown };
}

export function mendCoinbaseSequenceGaps(exchange: ProExchange): void {
  const ex = exchange as unknown as CoinbaseInternals;
  const original = ex.handleMessage.bind(ex);
  // Per socket: a new socket numbers its messages from 0 again.
  const lastSequence = new WeakMap<WsClient, number>();
  const snapshots = new WeakMap<WsClient, Map<string, BookStart>>();
  ex.handleMessage = (client, message) => {
    const sequence = sequenceOf(message);
    const last = lastSequence.get(client);
    // Coinbase: a number below one seen "can be ignored or has arrived out-of-order". A level2 update sets a level's
    // size outright, so one applied late (or again after a newer one) put back a size the exchange had changed, and a
    // late snapshot started the book over from an old one: a book the exchange never held.
    if (sequence !== undefined && last !== undefined && sequence <= last && channelOf(message) === 'l2_data') return undefined;
    if (sequence !== undefined && (last === undefined || sequence > last)) {
      lastSequence.set(client, sequence);
      if (last !== undefined && sequence > last + 1) {
        const detail = `sequence_num ${sequence} came after ${last}: ${sequence - last - 1} message(s) lost`;
        dropBooks(ex, client, detail);
        failTradeWatches(client, detail);
      }
    }
    if (channelOf(message) === 'l2_data') startBooksWithSnapshots(ex, client, message, snapshots);
    return original(client, message);
  };
}

/** Per socket and product: its level2 snapshot came, or an update came first and the watch was failed for it. */
type BookStart = 'snapshot' | 'update-first';

/**
 * Coinbase answers a level2 subscribe with the product's snapshot, then its updates, so an update that comes first on
 * a socket means the snapshot was lost or comes late. ccxt keeps its books across a reconnect and applied such an
 * update to the book of the socket before: a book the exchange never held (found by orderBookSeams.property.test.ts).
 * That book is forgotten and the watch fails once with an OrderBookGapError, so the stream subscribes again.
 */
function startBooksWithSnapshots(ex: CoinbaseInternals, client: WsClient, message: unknown, snapshots: WeakMap<WsClient, Map<string, BookStart>>): void {
  let products = snapshots.get(client);
  if (products === undefined) {
    products = new Map();
    snapshots.set(client, products);
  }
  const events = (message as { events?: unknown }).events;
  if (!Array.isArray(events)) return;
  for (const event of events as unknown[]) {
    if (typeof event !== 'object' || event === null) continue;
    const { type, product_id: productId } = event as { type?: unknown; product_id?: unknown };
    if (typeof productId !== 'string') continue;
    if (type === 'snapshot') products.set(productId, 'snapshot');
    if (type !== 'update' || products.has(productId)) continue;
    products.set(productId, 'update-first');
    const symbol = ex.safeMarket(productId).symbol;
    // A product this socket's level2 does not carry and ccxt holds no book of: nobody to tell (ccxt would keep the rejection).
    if (typeof symbol !== 'string' || (!(symbol in ex.orderbooks) && !carriesBook(client, symbol))) continue;
    delete ex.orderbooks[symbol];
    client.reject(new OrderBookGapError('coinbase', symbol, `an update of ${productId} came before its snapshot on this connection`), `level2::${symbol}`);
  }
}

function carriesBook(client: WsClient, symbol: string): boolean {
  return Object.keys(client.subscriptions).some((hash) => {
    const parsed = parseCoinbaseHash(hash);
    return parsed?.channel === 'level2' && parsed.symbols.includes(symbol);
  });
}

function channelOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { channel?: unknown }).channel : undefined;
}

function sequenceOf(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const sequence = (message as { sequence_num?: unknown }).sequence_num;
  return typeof sequence === 'number' && Number.isSafeInteger(sequence) ? sequence : undefined;
}

/** ccxt drops level2 updates of a symbol it holds no book for, until the snapshot a new subscribe brings. */
function dropBooks(ex: CoinbaseInternals, client: WsClient, detail: string): void {
  for (const hash of Object.keys(client.subscriptions)) {
    const parsed = parseCoinbaseHash(hash);
    if (parsed?.channel !== 'level2') continue;
    for (const symbol of parsed.symbols) {
      delete ex.orderbooks[symbol];
      client.reject(new OrderBookGapError('coinbase', symbol, detail), `level2::${symbol}`);
    }
  }
}

/**
 * Before the message that showed the gap is handled: its own trades (if it is a market_trades one) stay in ccxt's cache
 * for the stream's next read, after the hole the consumers fill.
 */
function failTradeWatches(client: WsClient, detail: string): void {
  for (const hash of Object.keys(client.subscriptions)) {
    const parsed = parseCoinbaseHash(hash);
    if (parsed?.channel !== 'market_trades') continue;
    for (const symbol of parsed.symbols) client.reject(new TradesGapError(`coinbase trade stream ${symbol}`, detail), `market_trades::${symbol}`);
  }
}
