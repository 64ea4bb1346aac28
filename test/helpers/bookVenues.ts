/**
 * Order books on each exchange's documented wire, for tests that feed real ccxt handlers without sockets: the
 * exchange's true book (every update id's book remembered), a socket as ccxt's handlers see it, and per exchange the
 * messages one book step sends (Binance spot diff events with U/u and its REST depth snapshot with lastUpdateId, Bybit
 * v5 orderbook snapshot/delta with u, Coinbase Advanced Trade level2 with the connection's sequence_num), on a ccxt
 * instance with TradeSuite's hooks installed as CcxtMarketDataClient installs them.
 */
import ccxt from 'ccxt';
import { resyncBybitBooksOnGaps } from '../../src/core/exchange/bybitBookGaps';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { mendCoinbaseSequenceGaps } from '../../src/core/exchange/coinbaseSequenceGaps';

export type ExchangeId = 'binance' | 'bybit' | 'coinbase';
export type Random = () => number;
export type Level = [number, number];

const MID = 20_000;
/** The true book never holds more than this many levels per side (fewer than any depth compared). */
const SPREAD_LEVELS = 40;
export const NOW = Date.UTC(2026, 11, 5, 12);

export interface Change {
  readonly side: 'bid' | 'ask';
  readonly price: number;
  /** 0 removes the level. */
  readonly amount: number;
}

export class TrueBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** The update id (Binance's lastUpdateId / u): one more per step. */
  id = 1;
  private readonly held = new Map<string, number>();

  constructor(random: Random) {
    for (let i = 1; i <= SPREAD_LEVELS; i++) {
      if (random() < 0.6) this.bids.set(MID - i, 1 + Math.floor(random() * 9));
      if (random() < 0.6) this.asks.set(MID + i, 1 + Math.floor(random() * 9));
    }
    this.remember();
  }

  /** One to three levels change; never crossed (bids below MID, asks above). */
  step(random: Random): Change[] {
    const changes: Change[] = [];
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const side = random() < 0.5 ? 'bid' : 'ask';
      const offset = 1 + Math.floor(random() * SPREAD_LEVELS);
      const price = side === 'bid' ? MID - offset : MID + offset;
      const amount = random() < 0.3 ? 0 : 1 + Math.floor(random() * 9);
      const levels = side === 'bid' ? this.bids : this.asks;
      if (amount === 0) levels.delete(price);
      else levels.set(price, amount);
      changes.push({ side, price, amount });
    }
    this.id += 1;
    this.remember();
    return changes;
  }

  /** An id spent on a message that changes nothing the exchange holds (the crossed level). */
  spendId(): void {
    this.id += 1;
    this.remember();
  }

  sortedBids(): Level[] {
    return [...this.bids].sort((a, b) => b[0] - a[0]);
  }

  sortedAsks(): Level[] {
    return [...this.asks].sort((a, b) => a[0] - b[0]);
  }

  key(): string {
    return keyOf(this.sortedBids(), this.sortedAsks());
  }

  /** The update id at which the exchange held this book (the newest), or undefined when it never did. */
  idOf(key: string): number | undefined {
    return this.held.get(key);
  }

  private remember(): void {
    this.held.set(this.key(), this.id);
  }
}

export const keyOf = (bids: readonly (readonly number[])[], asks: readonly (readonly number[])[]): string => JSON.stringify([bids.map(([p, a]) => [p, a]), asks.map(([p, a]) => [p, a])]);

/** The parts of ccxt's WsClient the handlers touch; resolves and rejects go to the engine. */
export class Socket {
  subscriptions: Record<string, unknown> = {};
  /** Coinbase: the connection's sequence_num, one more per message sent on it. */
  sequence = 0;
  /** ccxt's Client keeps a rejection nobody waited for and fails the next watch of that hash with it. */
  readonly rejections = new Map<string, unknown>();
  constructor(
    readonly url: string,
    private readonly engine: { resolved(book: unknown, hash: string): void; rejected(error: unknown, hash: string | undefined): void },
  ) {}
  resolve(result: unknown, hash: string): unknown {
    this.engine.resolved(result, hash);
    return result;
  }
  reject(error: unknown, hash?: string): unknown {
    this.engine.rejected(error, hash);
    return error;
  }
}

export interface CcxtBookInternals {
  orderbooks: Record<string, unknown>;
  handleMessage(client: Socket, message: unknown): unknown;
  setMarkets(markets: unknown[]): unknown;
}

export interface Venue {
  readonly id: ExchangeId;
  readonly symbol: string;
  readonly ex: CcxtBookInternals;
  readonly url: string;
  /** The messageHash ccxt resolves the book under. */
  readonly hash: string;
  /** The message for one step of the book (`changes`), or the crossed level when `crossed`. */
  update(socket: Socket, changes: readonly Change[], truth: TrueBook): unknown;
  /** What a subscribe brings: the snapshot message (Bybit, Coinbase), or undefined (Binance: ccxt asks REST). */
  subscribed(socket: Socket, truth: TrueBook): unknown;
}

const market = (id: string, symbol: string, type: 'spot' | 'swap'): Record<string, unknown> => {
  const [base, quote] = symbol.split(/[/:]/);
  const swap = type === 'swap';
  return {
    id,
    symbol,
    base,
    quote,
    baseId: base,
    quoteId: quote,
    settle: swap ? quote : undefined,
    settleId: swap ? quote : undefined,
    type,
    spot: !swap,
    swap,
    future: false,
    option: false,
    contract: swap,
    linear: swap ? true : undefined,
    inverse: swap ? false : undefined,
    contractSize: swap ? 1 : undefined,
    active: true,
    lowercaseId: id.toLowerCase(),
    precision: { price: 1, amount: 1 },
    limits: { amount: {}, price: {}, cost: {}, leverage: {} },
    info: {},
  };
};

const wireLevels = (levels: readonly Level[]): string[][] => levels.map(([p, a]) => [String(p), String(a)]);

/** The crossed level of the emulator's `crossed-level`: a bid above the best ask, in sequence, never removed. */
export const crossedBid = (truth: TrueBook): Change => ({ side: 'bid', price: (truth.sortedAsks()[0]?.[0] ?? MID + 1) + 5, amount: 1 });

/**
 * Binance spot "How to manage a local order book correctly": diff events carry U (first) and u (final update id), each
 * event's U is the previous u + 1; the REST depth snapshot carries lastUpdateId, and the events up to it are dropped.
 */
export function binance(): Venue & { restAnswer(truth: TrueBook): unknown } {
  const ex = new ccxt.pro.binance({ enableRateLimit: false }) as unknown as CcxtBookInternals;
  ex.setMarkets([market('BTCUSDT', 'BTC/USDT', 'spot')]);
  return {
    id: 'binance',
    symbol: 'BTC/USDT',
    ex,
    url: 'ws://emulated/ws',
    hash: 'orderbook::BTC/USDT',
    update: (_socket, changes, truth) => ({
      e: 'depthUpdate',
      E: NOW + truth.id,
      s: 'BTCUSDT',
      U: truth.id,
      u: truth.id,
      b: changes.filter((c) => c.side === 'bid').map((c) => [String(c.price), String(c.amount)]),
      a: changes.filter((c) => c.side === 'ask').map((c) => [String(c.price), String(c.amount)]),
    }),
    subscribed: () => undefined,
    restAnswer: (truth) => ({ lastUpdateId: truth.id, bids: wireLevels(truth.sortedBids()), asks: wireLevels(truth.sortedAsks()) }),
  };
}

/**
 * Bybit v5 `orderbook.{depth}.{symbol}`: a snapshot on subscribe, then deltas; `u` is one more per message of the
 * topic ("If you receive a new snapshot message, you will have to reset your local orderbook"), seq the
 * cross-sequence. An amount of 0 deletes the level.
 */
export function bybit(): Venue {
  const ex = new ccxt.pro.bybit({ enableRateLimit: false }) as unknown as CcxtBookInternals;
  ex.setMarkets([market('BTCUSDT', 'BTC/USDT:USDT', 'swap')]);
  resyncBybitBooksOnGaps(ex as unknown as ProExchange);
  let u = 100;
  const topic = 'orderbook.50.BTCUSDT';
  const message = (type: 'snapshot' | 'delta', bids: string[][], asks: string[][], truth: TrueBook) => {
    u += 1;
    return { topic, type, ts: NOW + truth.id, data: { s: 'BTCUSDT', b: bids, a: asks, u, seq: truth.id }, cts: NOW + truth.id };
  };
  return {
    id: 'bybit',
    symbol: 'BTC/USDT:USDT',
    ex,
    url: 'ws://emulated/v5/public/linear',
    hash: 'orderbook:BTC/USDT:USDT',
    update: (_socket, changes, truth) =>
      message(
        'delta',
        changes.filter((c) => c.side === 'bid').map((c) => [String(c.price), String(c.amount)]),
        changes.filter((c) => c.side === 'ask').map((c) => [String(c.price), String(c.amount)]),
        truth,
      ),
    subscribed: (_socket, truth) => message('snapshot', wireLevels(truth.sortedBids()), wireLevels(truth.sortedAsks()), truth),
  };
}

/**
 * Coinbase Advanced Trade `level2` (received as `l2_data`): a snapshot event on subscribe, then update events with
 * `new_quantity` (0 removes the level); every message of a connection carries its sequence_num, one more each time.
 */
export function coinbase(): Venue {
  const ex = new ccxt.pro.coinbase({ enableRateLimit: false }) as unknown as CcxtBookInternals;
  ex.setMarkets([market('BTC-USD', 'BTC/USD', 'spot')]);
  mendCoinbaseSequenceGaps(ex as unknown as ProExchange);
  const envelope = (socket: Socket, type: 'snapshot' | 'update', updates: Change[], truth: TrueBook) => ({
    channel: 'l2_data',
    client_id: '',
    timestamp: new Date(NOW + truth.id).toISOString(),
    sequence_num: socket.sequence++,
    events: [
      {
        type,
        product_id: 'BTC-USD',
        updates: updates.map((c) => ({ side: c.side === 'bid' ? 'bid' : 'offer', event_time: new Date(NOW + truth.id).toISOString(), price_level: String(c.price), new_quantity: String(c.amount) })),
      },
    ],
  });
  return {
    id: 'coinbase',
    symbol: 'BTC/USD',
    ex,
    url: 'ws://emulated/coinbase',
    hash: 'level2::BTC/USD',
    update: (socket, changes, truth) => envelope(socket, 'update', [...changes], truth),
    subscribed: (socket, truth) => {
      socket.subscriptions['level2::BTC/USD'] = {};
      const whole = [...truth.sortedBids().map(([price, amount]): Change => ({ side: 'bid', price, amount })), ...truth.sortedAsks().map(([price, amount]): Change => ({ side: 'ask', price, amount }))];
      return envelope(socket, 'snapshot', whole, truth);
    },
  };
}
