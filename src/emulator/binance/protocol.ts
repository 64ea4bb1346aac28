/**
 * Binance spot (REST under /api/v3, market streams under /ws and /stream) and USDⓈ-M perpetuals (REST under
 * /fapi/v1, streams under /fstream) as the ExchangeProtocol of the core.
 */
import type { DerivativesApi, ExchangeProtocol, ProtocolHost, ProtocolSettings, ProtocolTimer } from '../protocol';
import { handleRest, isRestPath, REST_PREFIX } from '../restRoutes';
import type { RestResult } from '../restResult';
import type { Json } from '../json';
import { aggTradeEvent, isStreamName, parseStream, tradeEvent } from '../streams';
import type { SymbolMarket } from '../symbolMarket';
import type { DepthUpdate } from '../orderBook';
import type { EmulatorTrade, MalformedKind, RestFaultStatus } from '../types';
import { MarketFeed } from './feed';
import { badFieldsEvent } from './malformed';
import { crossedBidUnits, FUTURE_TRADE_AHEAD_MS, FUTURE_TRADE_ID_OFFSET, NEAR_FUTURE_TRADE_AHEAD_MS, sendMalformedFrames } from '../malformedFrames';
import { binanceRestFault, ipBanned, weightLimited } from './restFault';
import { DEFAULT_WEIGHT_RULE, spotRequestWeight, WeightLimiter, type WeightRule } from './requestWeight';
import { FORCE_ORDER_MS, FuturesVenue } from './fapi/venue';
import { handleFapiRest, isFapiPath } from './fapi/rest';
import { BinanceStreams, FUTURES_TOPIC, wireStream, type StreamVenue } from './ws';
import { BookGaps } from '../bookGaps';

/** Binance merges `@depth` diffs over 1 s. */
const DEPTH_BATCH_MS = 1000;

/** How many trade events a `trade-gap` loses on each stream: a batch, as a lost TCP segment or a server hiccup would. */
export const TRADE_GAP_MESSAGES = 3;

/** The close after a `serverShutdown` notice: 1001, going away (Binance does not document its code). */
export const SHUTDOWN_CLOSE_CODE = 1001;

/** Every Binance answer reports the request weight the IP used in the current window. */
function withWeight(result: RestResult, used: number): RestResult {
  return { ...result, headers: { 'x-mbx-used-weight': String(used), 'x-mbx-used-weight-1m': String(used), ...result.headers } };
}

export class BinanceProtocol implements ExchangeProtocol {
  readonly exchange = 'binance';
  private readonly streams: BinanceStreams;
  private readonly feed: MarketFeed;
  /** Stream prefix ('btcusdt') → market id ('BTCUSDT'). */
  private readonly idsByStreamId: Map<string, string>;
  private readonly streamIds: ReadonlySet<string>;
  private readonly futures: FuturesVenue;
  private readonly gaps = new BookGaps();
  private readonly weights = new WeightLimiter();
  readonly derivatives: DerivativesApi;

  constructor(
    private readonly host: ProtocolHost,
    private readonly settings: ProtocolSettings,
  ) {
    this.idsByStreamId = new Map([...host.markets.specs()].map((spec) => [spec.streamId, spec.id]));
    this.streamIds = new Set(this.idsByStreamId.keys());
    this.streams = new BinanceStreams(
      (name, venue) => this.isStream(name, venue),
      (name) => this.futures.route(name),
      host.delayMs,
      host.changed,
      host.connectionRules,
    );
    this.feed = new MarketFeed(this.streams, host.markets, host.now, this.gaps);
    this.futures = new FuturesVenue(host.markets, this.streams, host.seed, settings.liquidationsPerTrade, host.now, this.gaps);
    this.derivatives = this.futures.derivatives;
  }

  /** The market a perpetual's unified symbol ('BTC/USDT:USDT') trades on (the spot market of the same id). */
  marketOfSymbol(symbol: string): SymbolMarket | undefined {
    return this.futures.marketOfSymbol(symbol);
  }

  /** Whether a subscription to `name` is accepted: any well-formed name, of a listed symbol or not (see isStreamName). */
  private isStream(name: string, venue: StreamVenue): boolean {
    return venue === 'spot' ? isStreamName(name) : this.futures.isStreamName(name);
  }

  get hub(): BinanceStreams['hub'] {
    return this.streams.hub;
  }

  isRestPath(pathname: string): boolean {
    return isRestPath(pathname) || isFapiPath(pathname);
  }

  handleRest(method: string, url: URL, client: string): RestResult {
    // The futures API has weights and limits of its own, not modelled: it reports a weight of 1 and never refuses.
    if (isFapiPath(url.pathname)) return withWeight(handleFapiRest(method, url.pathname, url.searchParams, this.futures.restContext()), 1);
    const rule = this.weightRule();
    const verdict = this.weights.charge(client, spotRequestWeight(url.pathname.slice(REST_PREFIX.length), url.searchParams), rule);
    switch (verdict.kind) {
      case 'limited':
        return withWeight(weightLimited(rule.limit, rule.windowMs, verdict.retryAfterSec), verdict.used);
      case 'banned':
        return withWeight(ipBanned(verdict.until, verdict.retryAfterSec), verdict.used);
      case 'ok': {
        const markets = this.host.markets;
        return withWeight(handleRest(method, url.pathname, url.searchParams, { now: this.host.now, markets: { get: (id) => markets.byId(id), values: () => markets.live(), specs: () => markets.specs(), ifLive: (id) => markets.ifLive(id) }, weightRule: rule }), verdict.used);
      }
    }
  }

  restFault(status: RestFaultStatus, retryAfterSec: number, _pathname: string, client: string): RestResult {
    return withWeight(binanceRestFault(status, retryAfterSec, Date.now()), this.weights.used(client, this.weightRule()));
  }

  resetRateLimits(): void {
    this.weights.reset();
  }

  private weightRule(): WeightRule {
    return this.host.weightLimit() ?? DEFAULT_WEIGHT_RULE;
  }

  tradeAppended(market: SymbolMarket, index: number, origin: 'generated' | 'injected'): void {
    this.feed.publishTrade(market, index);
    this.futures.tradeAppended(market, index, origin);
  }

  bookStepped(market: SymbolMarket, update: DepthUpdate): void {
    this.feed.publishBookStep(market, update);
    this.futures.bookStepped(market, update);
  }

  timers(): readonly ProtocolTimer[] {
    return [
      { periodMs: DEPTH_BATCH_MS, run: () => this.feed.flushDepthBatches() },
      {
        periodMs: this.settings.tickerIntervalMs,
        run: () => {
          this.feed.pushTickers();
          this.futures.pushTickers();
        },
      },
      { periodMs: FORCE_ORDER_MS, run: () => this.futures.pushLiquidations() },
    ];
  }

  /** A spot stream name, or a futures one as the hub keeps it (FUTURES_TOPIC + name). */
  isTopic(topic: string): boolean {
    if (topic.startsWith(FUTURES_TOPIC)) return this.futures.isStream(topic.slice(FUTURES_TOPIC.length));
    return parseStream(topic, this.streamIds) !== undefined;
  }

  topicMarketId(topic: string): string | undefined {
    if (topic.startsWith(FUTURES_TOPIC)) return this.futures.marketIdOf(topic.slice(FUTURES_TOPIC.length));
    const parsed = parseStream(topic, this.streamIds);
    return parsed?.kind === 'symbol' ? this.idsByStreamId.get(parsed.streamId) : undefined;
  }

  sendMalformed(kind: MalformedKind, stream?: string): number {
    switch (kind) {
      case 'crossed-level':
        return this.sendCrossedLevels(stream);
      case 'future-trade':
        return this.sendFutureTrades(stream, FUTURE_TRADE_AHEAD_MS);
      case 'near-future-trade':
        return this.sendFutureTrades(stream, NEAR_FUTURE_TRADE_AHEAD_MS);
      case 'book-gap':
        return this.loseNextDiff(stream);
      case 'book-snapshot':
        // Binance's diff streams carry no snapshot: the book's snapshot is the REST depth.
        return 0;
      case 'trade-gap':
        return this.loseNextTrades(stream);
      case 'trade-snapshot-gap':
        // Binance's trade streams send no snapshot on a subscribe.
        return 0;
      case 'invalid-json':
      case 'bad-fields':
        return this.sendBrokenFrames(kind, stream);
    }
  }

  /** Each depth stream (of `stream`, default every subscribed one) loses its next diff event; returns the subscribers that miss it. */
  private loseNextDiff(stream: string | undefined): number {
    let armed = 0;
    for (const name of stream === undefined ? this.hub.activeTopics() : [stream]) {
      const parsed = parseStream(name, this.streamIds);
      const isDepth = name.startsWith(FUTURES_TOPIC) ? this.futures.isDepthTopic(name) : parsed?.kind === 'symbol' && parsed.channel.startsWith('depth');
      if (!isDepth) continue;
      this.gaps.arm(name);
      armed += this.hub.subscribersOf(name).size;
    }
    return armed;
  }

  /**
   * Each spot trade stream (of `stream`, default every subscribed one) loses its next TRADE_GAP_MESSAGES events while
   * the market trades on (they stay in the log: REST has them); returns the subscribers that miss them. The next event
   * shows the jump: a `@trade` stream's `t` and an `@aggTrade` stream's `a` go up by one per event. Futures streams are
   * left alone (their aggregates leave out insurance-fund and ADL trades, so their ids may jump anyway).
   */
  private loseNextTrades(stream: string | undefined): number {
    let armed = 0;
    for (const name of stream === undefined ? this.hub.activeTopics() : [stream]) {
      const parsed = parseStream(name, this.streamIds);
      if (parsed?.kind !== 'symbol' || (parsed.channel !== 'trade' && parsed.channel !== 'aggTrade')) continue;
      this.gaps.arm(name, TRADE_GAP_MESSAGES);
      armed += this.hub.subscribersOf(name).size;
    }
    return armed;
  }

  private sendBrokenFrames(kind: 'invalid-json' | 'bad-fields', stream: string | undefined): number {
    return sendMalformedFrames(this.hub, kind, stream, (name) => {
      const parsed = parseStream(name, this.streamIds);
      const id = name.startsWith(FUTURES_TOPIC) ? this.futures.marketIdOf(name.slice(FUTURES_TOPIC.length)) : parsed?.kind === 'symbol' ? this.idsByStreamId.get(parsed.streamId) : undefined;
      if (id === undefined) return 0;
      const count = this.hub.subscribersOf(name).size;
      this.streams.publish(name, badFieldsEvent(wireStream(name), id, this.host.now()));
      return count;
    });
  }

  /**
   * A diff in sequence on each depth stream (of `stream`, default every subscribed one) adding a bid 1% above
   * the best ask: the book itself stays as it is, so no later diff removes the level, and a snapshot lacks it.
   */
  private sendCrossedLevels(stream: string | undefined): number {
    const topics = new Map<SymbolMarket, number>();
    for (const name of stream === undefined ? this.hub.activeTopics() : [stream]) {
      const parsed = parseStream(name, this.streamIds);
      const market = parsed?.kind === 'symbol' && parsed.channel.startsWith('depth') ? this.host.markets.byId(this.idsByStreamId.get(parsed.streamId) ?? '') : undefined;
      if (market) topics.set(market, (topics.get(market) ?? 0) + this.hub.subscribersOf(name).size);
    }
    let sent = 0;
    for (const [market, subscribers] of topics) {
      const ask = market.book.bestAsk();
      if (!ask) continue;
      // One diff per market: publishBookStep puts it on every depth stream of the market.
      const id = market.book.takeUpdateId();
      this.feed.publishBookStep(market, { firstUpdateId: id, finalUpdateId: id, bids: [[crossedBidUnits(ask[0]), ask[1]]], asks: [] });
      sent += subscribers;
    }
    return sent;
  }

  /** The newest trade again on each trade stream (of `stream`, default every subscribed one), ahead by `aheadMs`, under a new id. */
  private sendFutureTrades(stream: string | undefined, aheadMs: number): number {
    const now = this.host.now();
    let sent = 0;
    for (const name of stream === undefined ? this.hub.activeTopics() : [stream]) {
      const parsed = parseStream(name, this.streamIds);
      const market = parsed?.kind === 'symbol' && (parsed.channel === 'trade' || parsed.channel === 'aggTrade') ? this.host.markets.byId(this.idsByStreamId.get(parsed.streamId) ?? '') : undefined;
      const last = market ? market.log.length - 1 : -1;
      if (!market || last < 0) continue;
      const event = (parsed?.channel === 'trade' ? tradeEvent : aggTradeEvent)(market.log, last, now) as Record<string, Json>;
      const id = market.log.lastTradeIdAt(last) + FUTURE_TRADE_ID_OFFSET;
      this.streams.publish(name, { ...event, ...(parsed?.channel === 'trade' ? { t: id } : { a: id, f: id, l: id }), T: now + aheadMs });
      sent += this.hub.subscribersOf(name).size;
    }
    return sent;
  }

  announceShutdown(): { readonly told: number; close(): void } {
    const told = this.streams.announceShutdown(this.host.now());
    return {
      told: told.length,
      close: () => {
        for (const conn of told) if (this.hub.all().has(conn) && !conn.silent) this.hub.close(conn, SHUTDOWN_CLOSE_CODE, 'server shutdown');
      },
    };
  }

  wireTradeId(_market: SymbolMarket, trade: EmulatorTrade): string {
    return String(trade.id);
  }

}
