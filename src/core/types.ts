export type TradeSide = 'buy' | 'sell';

/** A validated trade; timestamps are epoch milliseconds everywhere in the engine. */
export interface Trade {
  readonly id: string;
  readonly timestamp: number;
  readonly price: number;
  readonly amount: number;
  readonly side: TradeSide;
}

/**
 * A forced close of a derivatives position, as the exchange's public liquidation stream reports it: `side` is the
 * liquidation order's side (a `sell` closes a long), `amount` in base units (contract size applied).
 */
export interface Liquidation {
  readonly timestamp: number;
  readonly price: number;
  readonly amount: number;
  readonly side: TradeSide;
}

/** One OHLCV bar; `time` is the bucket's start in epoch milliseconds. */
export interface Candle {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /**
   * Trades of this bar may be missing: it overlaps a gap in the trade stream whose REST backfill failed. Set only
   * when true; such a bar is never `closed` until the backfill (retried on its own schedule) replaces it.
   */
  readonly partial?: boolean;
  /**
   * Only on a partial bar seeded where the exchange's REST trades cannot reach the seam (see the README's history
   * strategies): the bar is exact up to this time (closed klines); after it, it holds the exchange's in-progress
   * kline plus live trades and may be off until it closes and is replaced by the exchange's own kline. On a replay's
   * or an aggregate's bar, where the hole that makes it partial began inside it (AggregateBar.partialSince).
   */
  readonly partialSince?: number;
}

export type BookLevel = readonly [price: number, amount: number];

export interface OrderBook {
  readonly timestamp: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

export interface Ticker {
  readonly timestamp: number;
  readonly last: number;
  readonly bid: number | undefined;
  readonly ask: number | undefined;
  /** 24h change in percent, when the exchange reports it. */
  readonly change24hPercent: number | undefined;
  /** A perpetual's mark price, funding and open interest, where the exchange's ticker carries them (Bybit). */
  readonly derivatives?: Derivatives;
}

/** What a derivatives ticker adds; each part only when the exchange sends it. */
export interface Derivatives {
  readonly markPrice: number | undefined;
  readonly indexPrice: number | undefined;
  /** The rate of the next funding, as a fraction (0.0001 = 0.01 %). */
  readonly fundingRate: number | undefined;
  readonly nextFundingTime: number | undefined;
  /** In contracts (base units for linear perpetuals). */
  readonly openInterest: number | undefined;
}

/** One market's ticker, as a multi-symbol ticker stream delivers it. */
export interface MarketTicker {
  readonly symbol: string;
  readonly ticker: Ticker;
}

/**
 * What a subscription is doing, as its consumer shows it (panel badge, Alerts view, the bot's log). Every error ends
 * in one of the named states: `reconnecting` / `retrying` (attempt n, next try at a time), `degraded` (data flows but
 * something is missing, e.g. history), `failed` (given up, with the reason).
 */
export type StreamState =
  /**
   * `reason`: what it still waits for, when some of it already flows (an aggregate's legs whose first data has not
   * come yet: what it shows of the others is current, not stale). `brief`: see degraded.
   */
  | { readonly status: 'connecting'; readonly reason?: string; readonly brief?: string }
  /**
   * `catchingUp`: a candles subscription's stream is live again after a reconnect, but the bars it missed meanwhile are
   * still being fetched (the gap backfill): they are not whole yet. A `trades` subscription that takes holes late
   * (SubscribeOptions.lateTrades): a reconnect's hole is owed, its trades (or its loss) still to come.
   */
  | { readonly status: 'live'; readonly since: number; readonly catchingUp?: true }
  /** The socket is being reopened. */
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly reason: string; readonly retryInMs: number }
  /** A request the subscription needs before any data (loading the markets) failed; tried again at `retryAt` (epoch ms). */
  | { readonly status: 'retrying'; readonly attempt: number; readonly reason: string; readonly retryAt: number }
  /**
   * Live data flows but something is missing (history unavailable, REST paused by a rate limit); `retryAt`: next repair.
   * `brief`: the reason in a few words where the whole one would not fit (a panel's badge: `1 leg stale`); the reason
   * names every part.
   */
  | { readonly status: 'degraded'; readonly reason: string; readonly brief?: string; readonly retryAt?: number }
  | { readonly status: 'stopped' }
  /** `notListed`: the exchange's markets do not list the market as trading (NoLongerListedError). */
  | { readonly status: 'failed'; readonly reason: string; readonly notListed?: true };

export type StreamStatus = StreamState['status'];

/** A span whose trades are known to be missing from what a source gives, [from, until) in ms, and why. */
export interface MissingTrades {
  readonly from: number;
  readonly until: number;
  readonly reason: string;
}
