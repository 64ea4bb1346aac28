/** Public types shared by the emulator's modules. */

export type EmulatorSide = 'buy' | 'sell';

/** One ground-truth trade. `side` is the taker's side (Binance `m` = isBuyerMaker = side === 'sell'). */
export interface EmulatorTrade {
  readonly id: number;
  readonly timestamp: number;
  readonly price: number;
  readonly amount: number;
  readonly side: EmulatorSide;
}

/** A `@ticker` event as sent: its event time (ccxt's ticker timestamp) and the best bid and ask in it. */
export interface EmulatorTicker {
  readonly timestamp: number;
  readonly bid: number;
  readonly ask: number;
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
  /** Stream name → number of connections subscribed to it (streams with no subscriber are absent). */
  readonly subscriptions: Record<string, number>;
  /** REST path (e.g. '/api/v3/klines') → requests received, including ones answered with an injected fault. */
  readonly restRequests: Record<string, number>;
  /** WebSocket connections accepted since start. */
  readonly wsConnectionsTotal: number;
}

export type RestFaultStatus = 418 | 429 | 500 | 503;

export interface RestFault {
  readonly status: RestFaultStatus;
  /** How many matching requests fail (default 1). */
  readonly count?: number;
  /** Only requests to this path fail: a full path ('/api/v3/klines') or its last segment(s) ('klines'). Default: all REST. */
  readonly path?: string;
  /** Seconds in the Retry-After header of 429/418 answers (default 1). */
  readonly retryAfterSec?: number;
}

export type MalformedKind = 'invalid-json' | 'bad-fields';

export interface EmulatorOptions {
  /** 0 = a random free port (default 0). */
  port?: number;
  /** Host to bind (default '127.0.0.1'). */
  host?: string;
  seed?: number;
  /** Unified symbols, default ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']. */
  symbols?: string[];
  /** Generated trades per second per symbol (default 5; 0 = only injected trades). */
  tradesPerSecond?: number;
  /** Minutes of pre-generated history ending at start time (default 360). */
  historyMinutes?: number;
  historyTradesPerMinute?: number;
  /** Order book diff period (default 100 ms; 0 = the book never changes on its own). */
  depthIntervalMs?: number;
  /** Period of the @ticker / @miniTicker pushes (default 1000 ms, as Binance). */
  tickerIntervalMs?: number;
  /** Price levels kept on each side of the book (default 200). */
  bookLevels?: number;
  /** Oldest trades are discarded beyond this many per symbol (default 500,000, about 28 h at 5/s; ~60 MB per symbol). */
  maxTradesPerSymbol?: number;
  /** Clock for timestamps (default Date.now). Timers still run on wall-clock time. */
  now?: () => number;
}
