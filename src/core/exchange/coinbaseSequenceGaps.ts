/**
 * Every message of Coinbase's Advanced Trade feed carries the connection's sequence_num, one more per message across
 * all its channels, so a skipped number is a lost message; ccxt (4.5.84) never reads it. A lost `l2_data` update left
 * ccxt's copy of the book without it for good (a level kept at a size the exchange had changed: the book panel showed
 * a book the exchange never held, `bookResyncFaults.test.ts`). Which channel the lost message was on cannot be told,
 * so on any gap every level2 book of that socket is dropped and its watch fails with an OrderBookGapError: the client
 * unsubscribes it and the stream takes a new snapshot. A lost `market_trades` message lost its trades just as silently:
 * every trade watch of the socket fails with a TradesGapError, and the stream's consumers fill the hole from REST.
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
}

export function mendCoinbaseSequenceGaps(exchange: ProExchange): void {
  const ex = exchange as unknown as CoinbaseInternals;
  const original = ex.handleMessage.bind(ex);
  // Per socket: a new socket numbers its messages from 0 again.
  const lastSequence = new WeakMap<WsClient, number>();
  ex.handleMessage = (client, message) => {
    const sequence = sequenceOf(message);
    const last = lastSequence.get(client);
    if (sequence !== undefined && (last === undefined || sequence > last)) {
      lastSequence.set(client, sequence);
      if (last !== undefined && sequence > last + 1) {
        const detail = `sequence_num ${sequence} came after ${last}: ${sequence - last - 1} message(s) lost`;
        dropBooks(ex, client, detail);
        failTradeWatches(client, detail);
      }
    }
    return original(client, message);
  };
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
