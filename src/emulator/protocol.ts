/**
 * The seam between the shared emulator core (markets, trade logs, timers, fault knobs, control API) and one
 * exchange's wire protocol (its REST routes, WebSocket messages and failure forms).
 */
import type { DepthUpdate } from './orderBook';
import type { RestResult } from './restResult';
import type { MarketSet } from './marketSet';
import type { SymbolMarket } from './symbolMarket';
import type { CoinbaseAliasSubscriptions, CoinbaseRefusal, EmulatorLiquidation, EmulatorTrade, ExchangeId, LiquidationInput, MalformedKind, RestFaultStatus, WeightLimit } from './types';
import type { WsHubControl } from './wsHub';
import type { LivenessRules } from './wsLiveness';

/** What the core hands every protocol. */
export interface ProtocolHost {
  readonly markets: MarketSet;
  readonly seed: number;
  now(): number;
  delayMs(): number;
  /** How far the candle endpoints lag behind the trades (the `setCandleLag` fault; protocols that model it read it). */
  candleLagMs(): number;
  /** How stale the market trades answer now being made is (the `staleNextTrades` fault, spent by it; 0: current). */
  takeStaleTradesMs(): number;
  /** The request-weight limit set by the `setWeightLimit` knob; undefined: the exchange's own (protocols that model one read it). */
  weightLimit(): Required<WeightLimit> | undefined;
  /** Connections or subscriptions changed (feeds the 'stats' event). */
  changed(): void;
  /** How long the exchange keeps a WebSocket connection (its hub applies them). */
  readonly connectionRules: LivenessRules;
}

/** The emulator options a protocol reads. */
export interface ProtocolSettings {
  readonly tickerIntervalMs: number;
  /** Coinbase: the ticker_batch period. */
  readonly tickerBatchMs: number;
  /** Coinbase: how a refused subscribe is worded. */
  readonly coinbaseRefusal: CoinbaseRefusal;
  /** Coinbase: how a subscribe naming a -USDC alias is kept. */
  readonly coinbaseAliasSubscriptions: CoinbaseAliasSubscriptions;
  /** Coinbase: a connection that sent nothing for this long has its channels closed (0 = never). */
  readonly coinbaseIdleChannelsMs: number;
  /** Derivatives exchanges: chance that a generated trade comes with a liquidation. */
  readonly liquidationsPerTrade: number;
}

export interface ProtocolTimer {
  readonly periodMs: number;
  run(): void;
}

/** Perpetual-futures state of one market at an instant (derivatives exchanges only). */
export interface DerivativesSnapshot {
  readonly timestamp: number;
  readonly markPrice: number;
  readonly indexPrice: number;
  readonly fundingRate: number;
  readonly nextFundingTime: number;
  readonly openInterest: number;
}

/** The extra ground truth and scripting of a derivatives protocol. */
export interface DerivativesApi {
  snapshot(market: SymbolMarket, at: number): DerivativesSnapshot;
  /** Open interest recorded at `at` (the value a history row timestamped `at` carries). */
  openInterestAt(market: SymbolMarket, at: number): number;
  liquidations(market: SymbolMarket, since?: number): readonly EmulatorLiquidation[];
  injectLiquidations(market: SymbolMarket, inputs: readonly LiquidationInput[]): EmulatorLiquidation[];
}

export interface ExchangeProtocol {
  readonly exchange: ExchangeId;
  readonly hub: WsHubControl;
  /** Whether `pathname` is one of this exchange's REST paths (injected REST faults apply only to those). */
  isRestPath(pathname: string): boolean;
  /** Answers one REST request of `client` (its IP: rate limits are per IP); never throws. */
  handleRest(method: string, url: URL, client: string): RestResult;
  /** How this exchange answers when it fails or rate-limits a request (its status codes, bodies and headers). */
  restFault(status: RestFaultStatus, retryAfterSec: number, pathname: string, client: string): RestResult;
  /** Forgets every client's rate-limit state (used weight, bans): clearFaults. */
  resetRateLimits?(): void;
  /** The trade at `index` of `market`'s log was just appended (by the market's own flow, or injected by a script). */
  tradeAppended(market: SymbolMarket, index: number, origin: 'generated' | 'injected'): void;
  /** `market`'s order book moved by `update` (one book step). */
  bookStepped(market: SymbolMarket, update: DepthUpdate): void;
  /** Periodic work (ticker pushes, batches, heartbeats) at the protocol's own cadences. */
  timers(): readonly ProtocolTimer[];
  /** Whether `topic` is a stream / channel name this protocol serves. */
  isTopic(topic: string): boolean;
  /** The id of the one market a topic carries ('BTCUSDT', 'BTC-USD'); undefined for topics of no or many markets. */
  topicMarketId(topic: string): string | undefined;
  /** Pushes broken frames to the subscribers of `topic` (default: every subscribed topic); returns frames sent. */
  sendMalformed(kind: MalformedKind, topic?: string): number;
  /** The id a trade carries on the wire (REST and WebSocket). */
  wireTradeId(market: SymbolMarket, trade: EmulatorTrade): string;
  /**
   * Tells the connections the exchange documents a shutdown notice for that their server is about to shut down
   * (Binance's `serverShutdown`); `close` then ends those still open. Absent: the exchange documents no such notice.
   */
  announceShutdown?(): { readonly told: number; close(): void };
  /** The server listens again after a stop (a service restart, as the exchange would have one). */
  restarted?(): void;
  readonly derivatives?: DerivativesApi;
  /** The market behind a unified symbol the market set does not list (Binance's perpetuals stand on spot markets). */
  marketOfSymbol?(symbol: string): SymbolMarket | undefined;
}
