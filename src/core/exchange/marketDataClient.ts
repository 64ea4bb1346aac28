import type { StreamKind } from '../keys';
import type { Disposable } from '../../shared/util/disposable';
import type { ExchangeCapabilities } from './capabilities';
import type { ContractSpec } from './contractSpec';
import type { SocketReport } from './socketReport';
import type { Timeframe } from '../timeframes';
import type { Candle, Liquidation, MarketTicker, MissingTrades, OrderBook, Ticker, Trade } from '../types';
import type { FundingFigure, OpenInterestFigure } from '../derivatives/derivativesFigures';

export interface MarketInfo {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly active: boolean;
  /** Price increment, when the exchange publishes one. */
  readonly tickSize: number | undefined;
  /** Amount increment (lot step: base units, or contracts for a contract market), when the exchange publishes one. */
  readonly amountStep?: number;
  /** Spot, or a contract with its settlement and size; a string says why the contract cannot be read (the market
   *  stays listed, but nothing that needs base units, such as an aggregate, can use it). Absent: spot. */
  readonly contract?: ContractSpec | string;
  /**
   * The market this one is another name of: its book, trades and tickers are that market's (Coinbase merged its USD and
   * USDC books and lists BTC-USDC with `alias: "BTC-USD"`: its feed answers a -USDC product with the -USD product's
   * data). Absent for a market with a book of its own. Streams and history of an alias are that market's (MarketHub).
   */
  readonly aliasOf?: string;
}

/**
 * The engine's boundary to one exchange. The real implementation wraps ccxt.pro; everything it returns has
 * already been validated and normalised (milliseconds, numbers, copied order-book levels).
 */
export interface MarketDataClient {
  readonly exchangeId: string;
  loadMarkets(): Promise<readonly MarketInfo[]>;
  /** The exchange's own id of a market (BTCUSDT for BTC/USDT on Binance), from its markets; undefined for a market not listed. */
  marketId?(symbol: string): Promise<string | undefined>;
  /**
   * Downloads the markets again now (the user asked), or joins a download running; rejects with why it failed (the
   * markets in use stay). Absent: a client whose markets never change (a replay).
   */
  reloadMarkets?(): Promise<readonly MarketInfo[]>;
  /** How far the exchange's clock is ahead of ours (ms, ≥ 0), as far as its answers tell; absent where unknown. */
  serverClockAheadMs?(): number;
  /**
   * The spans of [from, until) whose trades are known to be missing from what fetchTrades gives (a replay's recording
   * has holes there): what it gives is then not every trade, as where REST does not reach back. Absent: none known.
   */
  missingTrades?(symbol: string, from: number, until: number): readonly MissingTrades[];
  /** Fires when the markets were downloaded again and list other markets, or others as trading (absent: never). */
  onDidChangeMarkets?(listener: () => void): Disposable;
  /** What the exchange serves (kline timeframes, page sizes, how trades page), from which history picks its strategy. */
  capabilities(): Promise<ExchangeCapabilities>;
  /** Every timeframe a candle series can have: the served kline timeframes and those built from them. */
  supportedTimeframes(): Promise<readonly Timeframe[]>;
  /** One page of candles starting at `since` (inclusive); the last row may be the in-progress bar. */
  fetchCandles(symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]>;
  /**
   * One page of trades, oldest first: at or after `since` (`forward` paging), the newest within [since, until]
   * (`window` paging: `until` is required), or the newest (`since` undefined). See ExchangeCapabilities.tradePaging.
   */
  fetchTrades(symbol: string, since: number | undefined, limit: number, until?: number): Promise<Trade[]>;
  watchTrades(symbol: string): Promise<Trade[]>;
  watchOrderBook(symbol: string, depth: number): Promise<OrderBook>;
  watchTicker(symbol: string): Promise<Ticker>;
  /** The next batch of changed tickers of the markets named (undefined: of every market), from one multi-symbol
   *  stream; rejects with a TradeSuite UnsupportedStreamError where the exchange has none. Stopped with
   *  stopWatching('tickers', symbolsKey(symbols)) (EVERY_SYMBOL for every market). */
  watchTickers(symbols: readonly string[] | undefined): Promise<MarketTicker[]>;
  /** The next liquidations of a derivatives market (every one since the last call, oldest first); rejects with a
   *  TradeSuite UnsupportedStreamError where the exchange streams none. */
  watchLiquidations(symbol: string): Promise<Liquidation[]>;
  /**
   * What a derivatives market's figures can be polled with: which of fetchOpenInterest / fetchFundingRate the exchange
   * serves (ccxt `has`), and the least time ccxt keeps between two of its requests (`rateLimit`, ms). Absent on a
   * client that polls nothing (a replay).
   */
  derivativesPolling?(): Promise<DerivativesPolling>;
  /** One REST request: the market's open interest now, checked. */
  fetchOpenInterest?(symbol: string): Promise<OpenInterestFigure>;
  /** One REST request: the market's coming funding rate, checked. */
  fetchFundingRate?(symbol: string): Promise<FundingFigure>;
  /**
   * Resolves true when the exchange next confirms the subscription of that stream (its answer to the subscribe a watch
   * sends on a new socket, which comes before any data), false once `signal` aborts first; never rejects. A stream
   * whose confirmation cannot be read resolves only on the abort. Absent: none can.
   */
  subscribeConfirmed?(kind: StreamKind, symbol: string, signal: AbortSignal): Promise<boolean>;
  /**
   * Whether the markets list `symbol` as trading: those in use, or downloaded again first when they are old enough
   * for a delisting since. One found not trading is gone: its waiting watches fail with NoLongerListedError. Never
   * rejects; false once `signal` aborts. Absent: a fresh stream is live with its first update only.
   */
  listedAsTrading?(symbol: string, signal: AbortSignal): Promise<boolean>;
  /** Ends one stream and closes its socket if nothing else uses it. */
  stopWatching(kind: StreamKind, symbol: string): Promise<void>;
  /** The exchange's sockets as its library holds them, for troubleshooting (absent: a client without sockets). */
  sockets?(): readonly SocketReport[];
  /** Closes every socket. The client may be used again afterwards. */
  close(): Promise<void>;
}

export interface DerivativesPolling {
  readonly openInterest: boolean;
  readonly fundingRate: boolean;
  readonly rateLimitMs: number;
}
