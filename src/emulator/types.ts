/** Public types shared by the emulator's modules. */

/** The exchange protocols the emulator speaks. */
export const EXCHANGE_IDS = ['binance', 'coinbase', 'bybit'] as const;
export type ExchangeId = (typeof EXCHANGE_IDS)[number];

export function isExchangeId(value: unknown): value is ExchangeId {
  return (EXCHANGE_IDS as readonly unknown[]).includes(value);
}

export type EmulatorSide = 'buy' | 'sell';

/** One ground-truth trade. `side` is the taker's side (Binance `m` = isBuyerMaker = side === 'sell'). */
export interface EmulatorTrade {
  readonly id: number;
  readonly timestamp: number;
  readonly price: number;
  readonly amount: number;
  readonly side: EmulatorSide;
}

/**
 * A ticker event as sent: its event time (ccxt's ticker timestamp) and the best bid and ask in it; Coinbase and
 * Bybit tickers also carry the last price, and Bybit's the perpetual's mark and index price, funding rate, next
 * funding time and open interest (the full state after applying the delta that was sent).
 */
export interface EmulatorTicker {
  readonly timestamp: number;
  readonly bid: number;
  readonly ask: number;
  readonly last?: number;
  readonly markPrice?: number;
  readonly indexPrice?: number;
  readonly fundingRate?: number;
  readonly nextFundingTime?: number;
  readonly openInterest?: number;
}

/**
 * One liquidation (derivatives exchanges): `side` is the side of the position that was liquidated ('buy' = a long),
 * `price` the bankruptcy price, `amount` the executed size in contracts (base units for linear contracts).
 */
export interface EmulatorLiquidation {
  readonly timestamp: number;
  readonly side: EmulatorSide;
  readonly price: number;
  readonly amount: number;
}

/** A liquidation to inject; `timestamp` defaults to max(now, last + 1). */
export interface LiquidationInput {
  readonly side: EmulatorSide;
  readonly price: number;
  readonly amount: number;
  readonly timestamp?: number;
}

/** A request-weight limit (Binance): `limit` per `windowMs` (default a minute, as the exchange counts it). */
export interface WeightLimit {
  readonly limit: number;
  readonly windowMs?: number;
}

/** A trade to append; `timestamp` defaults to max(now, last + 1) and must otherwise exceed the last one. */
export interface TradeInput {
  readonly price: number;
  readonly amount: number;
  readonly side: EmulatorSide;
  readonly timestamp?: number;
}

export interface PlayPathOptions {
  /** Wall-clock pause between trades (default 100 ms; 0 plays every trade synchronously). */
  readonly intervalMs?: number;
  /** Amount of every trade (default: the symbol's typical trade size). */
  readonly amount?: number;
  /** Timestamp of the first trade (default: max(now, last + 1)); lets a test script market time ahead of the clock. */
  readonly startTimestamp?: number;
  /** With `startTimestamp`: market-time distance between consecutive trades (default 1000 ms). */
  readonly stepMs?: number;
}

export interface EmulatorStats {
  /** WebSocket connections currently open. */
  readonly openSockets: number;
  /**
   * Of those, the ones silenced (silenceConnections): no close the client sends is ever read, so they stay open after
   * the client has left them, as a server's end of a connection whose network went away does.
   */
  readonly silentSockets: number;
  /** Stream name → number of connections subscribed to it (streams with no subscriber are absent). */
  readonly subscriptions: Record<string, number>;
  /** REST path (e.g. '/api/v3/klines') → requests received, including ones answered with an injected fault. */
  readonly restRequests: Record<string, number>;
  /** WebSocket connections accepted since start. */
  readonly wsConnectionsTotal: number;
  /** REST requests waiting for holdRest()'s release. */
  readonly restHeld: number;
}

/** One REST request as received: wall-clock arrival (ms), path, and the HTTP status it was answered with. */
export interface RestLogEntry {
  readonly at: number;
  readonly path: string;
  readonly status: number;
}

/** 504: the exchange's own server timed out (each exchange answers it in its own form, not necessarily as an HTTP 504). */
export type RestFaultStatus = 400 | 418 | 429 | 500 | 503 | 504;

export interface RestFault {
  readonly status: RestFaultStatus;
  /** How many matching requests fail (default 1). */
  readonly count?: number;
  /** Only requests to this path fail: a full path ('/api/v3/klines') or its last segment(s) ('klines'). Default: all REST. */
  readonly path?: string;
  /** Seconds in the Retry-After header of 429/418 answers (default 1). */
  readonly retryAfterSec?: number;
  /**
   * Only requests naming this market fail (unified symbol or the exchange's id; a request names it by a query value
   * or a path segment equal to its id, as `symbol=BTCUSDT` or `/products/BTC-USD/candles`). Default: every market.
   */
  readonly symbol?: string;
}

/**
 * 'invalid-json': text that is not JSON; 'bad-fields': a message of the stream's own shape with non-numeric prices;
 * 'crossed-level' (book streams: Binance depth, Coinbase level2, Bybit orderbook): an update in sequence adding a bid
 * 1% above the best ask, which the exchange's book does not hold and no later update removes; 'future-trade' (trade
 * streams: Binance trade and aggTrade, Coinbase market_trades, Bybit publicTrade): the newest trade again under a new
 * id, timed 23 hours ahead of the exchange's clock (not logged: no REST answer holds it); 'near-future-trade': the same,
 * 10 minutes ahead (within the hour a stale clock measure allows); 'book-gap' (book streams):
 * the stream's next book message is lost while the book moves on, so the one after it jumps in the exchange's own
 * sequence (Binance: its U is past the last u + 1, or a futures event's pu is not the last u; Coinbase: the
 * connection's sequence_num skips one; Bybit: the orderbook topic's u skips one); 'book-snapshot' (Bybit orderbook
 * only, none elsewhere): a fresh snapshot of the topic mid-stream, as Bybit re-sends one "if there is a problem on
 * Bybit's end"; 'trade-gap' (Coinbase market_trades and Binance spot trade / aggTrade; none on Bybit): the topic's
 * next batch of trades is lost on the way (the trades stay in the log: REST has them), so the next Coinbase message's
 * sequence_num skips one, and the next Binance event's trade id (`t`, or an aggTrade's `a`) skips the lost ones.
 * Bybit numbers no trade message, so a client could not tell the loss. 'trade-snapshot-gap' (Coinbase market_trades
 * only): the topic's next snapshot (a new subscription's, after a reconnect) leaves out the trades just before its
 * newest (SNAPSHOT_GAP_TRADES), a hole no sequence_num tells (the trades stay in the log: REST has them).
 */
export type MalformedKind = 'invalid-json' | 'bad-fields' | 'crossed-level' | 'future-trade' | 'near-future-trade' | 'book-gap' | 'book-snapshot' | 'trade-gap' | 'trade-snapshot-gap';
export const MALFORMED_KINDS: readonly MalformedKind[] = ['invalid-json', 'bad-fields', 'crossed-level', 'future-trade', 'near-future-trade', 'book-gap', 'book-snapshot', 'trade-gap', 'trade-snapshot-gap'];
export const isMalformedKind = (v: unknown): v is MalformedKind => (MALFORMED_KINDS as readonly unknown[]).includes(v);

export interface ReplayOptions {
  /** A recording folder: `BASE_QUOTE-trades.json[.gz]` (Binance aggTrades rows) and optional `BASE_QUOTE-<interval>.json[.gz]` official klines. */
  readonly dir: string;
  /** Market time runs `speed` × wall-clock time (default 1; at most 10,000,000). */
  readonly speed?: number;
  /** Market time to start at: ms since the epoch or an ISO 8601 time (default: the start of the recording). */
  readonly from?: number | string;
  /** Start with the clock stopped; move it with `advanceTo` or `resume` (default false). */
  readonly paused?: boolean;
}

/** How the Coinbase emulator words a refused subscribe (EmulatorOptions.coinbaseRefusal). */
export type CoinbaseRefusal = 'names-products' | 'generic';

/** How the Coinbase emulator keeps a subscribe naming a -USDC alias (EmulatorOptions.coinbaseAliasSubscriptions). */
export type CoinbaseAliasSubscriptions = 'own' | 'shared';

export interface EmulatorOptions {
  /** The exchange protocol to speak (default 'binance'). */
  exchange?: ExchangeId;
  /** 0 = a random free port (default 0). */
  port?: number;
  /** Host to bind (default '127.0.0.1'). */
  host?: string;
  seed?: number;
  /**
   * 'small' (default): only `symbols`; 'real-size': `symbols` plus a generated universe as large as the real
   * exchange's (Binance ~3,000 markets, Coinbase ~700, Bybit ~550, with halted and delisted ones), whose markets
   * simulate only once used.
   */
  markets?: 'small' | 'real-size';
  /** Unified symbols; default BTC, ETH and SOL against USDT (Binance), USD (Coinbase) or USDT perpetuals (Bybit: 'BTC/USDT:USDT'). */
  symbols?: string[];
  /** Generated trades per second per symbol (default 5; 0 = only injected trades). */
  tradesPerSecond?: number;
  /** Minutes of pre-generated history ending at start time (default 360). */
  historyMinutes?: number;
  historyTradesPerMinute?: number;
  /**
   * The history trades' amounts are multiplied by this (default 1). The history has few trades a minute
   * (`historyTradesPerMinute`); a run trading live at a higher rate (the CLI, so `npm start`) scales them so a bar's
   * volume does not jump at the seam. The trade log, which the klines are built from, holds the scaled amounts.
   */
  historyVolumeScale?: number;
  /** Order book diff period (default 100 ms; 0 = the book never changes on its own). */
  depthIntervalMs?: number;
  /** Period of the ticker pushes (default: the exchange's own, 1000 ms on Binance, 100 ms on Bybit; Coinbase pushes per trade batch). */
  tickerIntervalMs?: number;
  /** Coinbase: period of the ticker_batch channel (default 5000 ms, as Coinbase documents it). */
  tickerBatchMs?: number;
  /**
   * Coinbase: how a subscribe naming an unknown product is refused. 'names-products' (default): the error frame names
   * them; 'generic': it names none, as Coinbase's feed has answered ("Failed to subscribe", "Invalid product ID provided").
   */
  coinbaseRefusal?: CoinbaseRefusal;
  /**
   * Coinbase: how a subscribe naming a -USDC alias (BTC-USDC, listed with `alias: "BTC-USD"`) is kept. Coinbase documents
   * only that it "returns the same data as the matching -USD product". 'own' (default): it is a subscription of its own
   * carrying the -USD product's messages, as Coinbase's developer forum reports it ("if you subscribe to both BTC-USD
   * and BTC-USDC on a websocket, you will get the same BTC-USD stream twice", acknowledged by Coinbase's staff:
   * forums.coinbasecloud.dev/t/the-mess-of-usd-and-usdc-pairs/5745): with both, every message comes twice, and an
   * unsubscribe ends only the one it names. 'shared': it is the -USD product's subscription (one for both names), so
   * an unsubscribe naming either ends both; nothing public says Coinbase does this, but a client must survive it.
   */
  coinbaseAliasSubscriptions?: CoinbaseAliasSubscriptions;
  /**
   * Coinbase: a connection sent nothing for this long has its channels closed, without a word (default 60,000 ms; 0 =
   * never). Coinbase documents that "most channels close within 60-90 seconds if no updates are sent" and that a
   * subscription to `heartbeats` (a message every second) keeps them open.
   */
  coinbaseIdleChannelsMs?: number;
  /**
   * Every WebSocket connection is closed this long after it opened (0 = never). Binance: 24 h ("a single connection is
   * only valid for 24 hours; expect to be disconnected at the 24 hour mark"); Coinbase and Bybit document no lifetime:
   * 0. A test reaches the 24 h mark in seconds with a few thousand ms (or `setConnectionLifetime`).
   */
  connectionLifetimeMs?: number;
  /**
   * The server sends a ping frame to every connection this often (0 = never) and drops one that has not answered any
   * of them with a pong carrying its payload for `pongTimeoutMs`. Binance spot: every 20 s, dropped after a minute;
   * Coinbase and Bybit send no ping frames: 0.
   */
  serverPingIntervalMs?: number;
  /** With server pings: how long a connection may go without a pong echoing one (default 60,000 ms, Binance's minute). */
  pongTimeoutMs?: number;
  /**
   * A connection the server has sent nothing for this long (no data and no pong to the client's `ping`) is closed
   * (0 = never). Bybit: 10 minutes ("if there is no ping-pong and no stream data sent from server end, the connection
   * will be cut off after 10 minutes"), found by a scan every 30 s (every quarter of it when shorter); others: 0.
   */
  idleDisconnectMs?: number;
  /**
   * A connection that sends more messages than this within a second (requests, ping and pong frames) is closed with
   * 1008 (0 = no limit). Binance spot: 5 ("WebSocket connections have a limit of 5 incoming messages per second … A
   * connection that goes beyond the limit will be disconnected"); Coinbase and Bybit document none for public streams: 0.
   */
  maxIncomingPerSecond?: number;
  /** Price levels kept on each side of the book (default 200). */
  bookLevels?: number;
  /** Oldest trades are discarded beyond this many per symbol (default 500,000, about 28 h at 5/s; ~60 MB per symbol). */
  maxTradesPerSymbol?: number;
  /** Derivatives exchanges: chance that a generated trade comes with a liquidation (default 0.02; 0 = only injected ones). */
  liquidationsPerTrade?: number;
  /** Clock for timestamps (default Date.now). Timers still run on wall-clock time. */
  now?: () => number;
  /** Replays a recorded market instead of generating one (then symbols, now, tradesPerSecond and history* must be left out). */
  replay?: ReplayOptions;
}
