import type { AggregateDefinition } from '../aggregate/aggregateDefinition';
import type { AggregateEvent } from '../aggregate/aggregateMarket';
import { SharedAggregates, type AggregateSubscription } from '../aggregate/sharedAggregates';
import { BOOK_DEPTH } from '../../shared/util/bookDepth';
import type { FactoryEvent } from '../candles/candleFactory';
import { CandleFactoryCache } from '../candles/factoryCache';
import { CandleCache, mergeCandles } from '../history/candleCache';
import { HistoryService, type OlderBars, type RequestContext } from '../history/historyService';
import type { TradesSince } from '../history/seamTrades';
import { describeCandles, marketId, type CandleKey, type MarketKey, type StreamKey } from '../keys';
import { fetchFirstBars } from '../exchange/firstBars/fetchFirstBars';
import { UnknownExchangeError } from '../errors';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { SocketReport } from '../exchange/socketReport';
import { bucketStart, isTimeframe, nextBucketStart, timeframeMs, type Timeframe } from '../timeframes';
import { defaultBackoff, type BackoffPolicy } from '../streams/backoff';
import { StreamSupervisor, type StreamReport } from '../streams/streamSupervisor';
import { DerivativesPolls } from '../derivatives/derivativesPolls';
import type { DerivativesEvent } from '../derivatives/derivativesPoller';
import { systemClock, type Clock } from '../util/clock';
import { DisposableStore, toDisposable, type Disposable } from '../../shared/util/disposable';
import { Emitter } from '../../shared/util/emitter';
import { assertNever } from '../util/assertNever';
import type { Candle, OrderBook, StreamState, Trade } from '../types';
import { errorMessage, scopedLogger, silentLogger, userMessage, type Logger } from '../util/log';
import { CandleSubscriptionState } from './candleSubscriptionState';
import { wholeTradesBetween } from '../history/wholeTradesBetween';
import { HoleFetch, type HoleFetchState } from './holeFetch';
import { HoleTrades } from './holeTrades';
import { LatestWins } from './latestWins';
import type { CandleEvent, EventFor, HubEvent, LiquidationsEvent, OrderBookEvent, SubscribeOptions, Subscription, SubscriptionRequest, TickerEvent, TickersEvent, TradesEvent } from './requests';
import { untilSettledOrAborted } from '../util/sleep';
import { validateRequest, type ClientLookup } from './validateRequest';

export interface MarketHubOptions {
  readonly clients: ClientLookup;
  /** Where candles are cached; no cache when omitted. */
  readonly cacheDir?: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly backoff?: BackoffPolicy;
  readonly historyBars?: number;
  /** Levels per side kept of each order book; BOOK_DEPTH. */
  readonly orderBookDepth?: number;
  readonly restConcurrencyPerExchange?: number;
  readonly restMaxAttempts?: number;
  /** Failed backfills in a row (each after its own REST retries) before a candle series shows `failed`; 8. */
  readonly backfillMaxAttempts?: number;
  /** A derivatives market's open interest and funding are polled again this long after its last round; 15 s. */
  readonly derivativesPollMs?: number;
  /** The least time between two open-interest or funding requests to one exchange, whatever polls it; 1 s (ccxt's rateLimit when longer). */
  readonly derivativesPollSpacingMs?: number;
}

/** A cache this many bars short of the last closed one is painted as it is, the exchange not asked before ccxt loads. */
const MISSING_BARS_WORTH_ASKING = 5;

/**
 * The hub every consumer talks to (panels, alert rules, the CLI). subscribe() validates the request, then takes
 * what it needs from the stream supervisor and the candle factory cache; the returned Disposable gives it back.
 * Disposing twice, or before validation finished, is harmless.
 */
export class MarketHub {
  private readonly streams: StreamSupervisor;
  private readonly factories: CandleFactoryCache;
  private readonly history: HistoryService;
  private readonly log: Logger;
  private readonly historyBars: number;
  private readonly aggregates: SharedAggregates;
  private readonly polls: DerivativesPolls;
  /**
   * The `trades` subscribers by market, to whom a reconnect's hole is sent (late), or told lost: by the candle factory's
   * gap backfill, or by the market's own hole fetch where it has no factory (watchHoles). Those taking holes late read
   * the stream as catching up while either owes one.
   */
  private readonly holeTrades = new HoleTrades(
    (err) => this.log.error(`a late trades consumer threw: ${errorMessage(err)}`),
    (market) => this.watchHoles(market),
    (market) => (this.holeFetches.get(marketId(market))?.owes ?? false) || (this.factories.get(market)?.owesHole ?? false),
  );
  /** The hole fetch of each market with a `trades` subscriber that takes holes late (watchHoles), by market id. */
  private readonly holeFetches = new Map<string, HoleFetch>();
  /** Subscriptions not yet disposed: closing the hub disposes them, so no retry loop outlives it. */
  private readonly open = new Set<Subscription>();
  /** Candle cache reads in flight, each for a chart's first paint (see afterCacheReads). */
  private readonly cacheReads = new Set<Promise<unknown>>();
  /** A replay seeked back: its market's bars are built again from the recording before the new position. */
  private readonly rewinds: Disposable | undefined;
  private readonly listings: Disposable | undefined;
  private readonly refetchPolicy: { readonly backoff: BackoffPolicy; readonly maxAttempts: number };
  private readonly rewound = new Emitter<[string]>((err) => this.log.error(`a rewind listener threw: ${errorMessage(err)}`));
  /**
   * Per exchange, the markets its listing names as another market's book (`MarketInfo.aliasOf`: Coinbase's BTC/USDC is
   * BTC/USD's), learnt from its markets as last loaded here. A consumer of an alias is served the book's streams,
   * candles and REST history: one subscription for both names, so neither name's consumer leaving ends the other's.
   */
  private readonly books = new Map<string, { readonly listing: readonly MarketInfo[]; readonly aliases: ReadonlyMap<string, string> }>();

  constructor(private readonly opts: MarketHubOptions) {
    const clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.historyBars = opts.historyBars ?? 500;
    const backoff = opts.backoff ?? defaultBackoff;
    // A failed backfill, and a hole told lost for the panels, are tried again from 4× the reconnect backoff (2 s … 2 min by default).
    this.refetchPolicy = { backoff: { ...backoff, baseMs: backoff.baseMs * 4, maxMs: backoff.maxMs * 4 }, maxAttempts: opts.backfillMaxAttempts ?? 8 };
    const clientFor = (exchange: string) => opts.clients.get(exchange);
    this.streams = new StreamSupervisor({ clientFor, backoff, clock, log: scopedLogger(this.log, 'stream'), orderBookDepth: opts.orderBookDepth ?? BOOK_DEPTH });
    const clockOf = (exchange: string): Clock => opts.clients.replayClock?.(exchange) ?? clock;
    this.history = new HistoryService({
      clientFor,
      clockOf,
      cache: opts.cacheDir ? new CandleCache(opts.cacheDir, scopedLogger(this.log, 'cache')) : undefined,
      uncached: (exchange) => opts.clients.replayClock?.(exchange) !== undefined,
      log: scopedLogger(this.log, 'history'),
      concurrencyPerExchange: opts.restConcurrencyPerExchange ?? 3,
      backoff,
      rateLimitBackoff: { ...backoff, baseMs: Math.max(1000, backoff.baseMs * 2) },
      maxAttempts: opts.restMaxAttempts ?? 5,
    });
    this.factories = new CandleFactoryCache(this.streams, {
      history: this.history,
      log: scopedLogger(this.log, 'candles'),
      maxBars: 5000,
      tickMs: 1000,
      persistEveryMs: 30_000,
      repairBackoff: this.refetchPolicy.backoff,
      repairMaxAttempts: this.refetchPolicy.maxAttempts,
      clockOf,
      holeTrades: (market, trades) => this.holeTrades.late(market, trades),
      holeLost: (market, hole) => this.holeTrades.lost(market, hole),
      // Asked again by the market's hole fetch, there while a subscriber takes holes late (every panel that asks does).
      holeRefetch: (market, cut) => {
        const fetch = this.holeFetches.get(marketId(market));
        if (fetch) fetch.refetchLost(cut);
        else cut.pick([]);
      },
    });
    this.polls = new DerivativesPolls({
      clientFor,
      request: (exchange, what, call, signal) => this.history.request(exchange, what, call, { signal, maxAttempts: 1 }),
      intervalMs: opts.derivativesPollMs ?? 15_000,
      spacingMs: opts.derivativesPollSpacingMs ?? 1000,
      // A failed poll is tried again from 2 s up to 5 min apart: the figures move slowly, the exchange's limits matter more.
      backoff: { ...backoff, baseMs: Math.max(2000, backoff.baseMs), maxMs: Math.max(300_000, backoff.maxMs) },
      log: scopedLogger(this.log, 'derivatives'),
      pausedUntil: (exchange) => this.history.gateFor(exchange).pausedUntil,
    });
    this.aggregates = new SharedAggregates(this, { clock, backoff, log: scopedLogger(this.log, 'aggregate'), historyBars: this.historyBars });
    this.rewinds = opts.clients.onDidRewind?.((exchange) => {
      this.factories.rebuild(exchange);
      this.rewound.fire(exchange);
    });
    this.listings = opts.clients.onDidChangeMarkets?.((exchange) => void this.followListing(exchange));
  }

  /**
   * Fires with an exchange whose data went back in time (a replay seeked back), after its bars were set to be built
   * again and before any data from the new position: consumers holding state built from its data start over.
   */
  onDidRewind(listener: (exchange: string) => void): Disposable {
    return this.rewound.event(listener);
  }

  /** The exchange's markets downloaded again now (Refresh Markets); rejects with why not (the markets in use stay). */
  async reloadMarkets(exchange: string): Promise<readonly MarketInfo[]> {
    if (!this.opts.clients.has(exchange)) throw new UnknownExchangeError(exchange, this.opts.clients.ids());
    const client = await this.opts.clients.get(exchange);
    const markets = await (client.reloadMarkets ? client.reloadMarkets() : client.loadMarkets());
    this.learnBooks(exchange, markets);
    return markets;
  }

  /** Fires with an exchange whose markets were downloaded again and list other markets, or others as trading. */
  onDidChangeMarkets(listener: (exchange: string) => void): Disposable {
    return this.opts.clients.onDidChangeMarkets?.(listener) ?? toDisposable(() => undefined);
  }

  /**
   * An aggregated market's bars at one timeframe, shared like any market: every consumer of the same definition and
   * timeframe reads one AggregateMarket (one set of leg subscriptions), disposed with its last consumer.
   */
  subscribeAggregate(definition: AggregateDefinition, timeframe: Timeframe, consumer: (event: AggregateEvent) => void): AggregateSubscription {
    return this.aggregates.subscribe(definition, timeframe, consumer);
  }

  /**
   * A derivatives market's open interest and funding rate, polled (fetchOpenInterest, fetchFundingRate) and shared:
   * one poll loop per market for every consumer, and one request budget per exchange for every loop, so the request
   * rate to an exchange stays under its bound however many markets, panels and aggregates ask. The consumer gets
   * the loop's state (`retrying` after a failed round, `failed` when the exchange serves neither) and figures.
   */
  subscribeDerivatives(market: MarketKey, consumer: (event: DerivativesEvent) => void): Disposable {
    if (!this.opts.clients.has(market.exchange)) {
      consumer({ type: 'state', state: { status: 'failed', reason: new UnknownExchangeError(market.exchange, this.opts.clients.ids()).message } });
      return { dispose: () => undefined };
    }
    return this.polls.subscribe(market, consumer);
  }

  /** Markets whose open interest and funding are polled now. */
  get derivativesPollCount(): number {
    return this.polls.size;
  }

  /** Poll requests the exchange's shared budget has let out so far, one per turn (for tests and the debug state). */
  derivativesTurns(exchange: string): number {
    return this.polls.budgetOf(exchange)?.granted ?? 0;
  }

  /** Resolves once every stopped poll loop has ended (its last request answered, no timer left). */
  whenPollsIdle(): Promise<void> {
    return this.polls.whenIdle();
  }

  /** How many aggregated markets run now. */
  get aggregateCount(): number {
    return this.aggregates.size;
  }

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void, options: SubscribeOptions = {}): Subscription {
    const emit = consumer as (event: HubEvent) => void;
    const resources = new DisposableStore();
    let disposed = false;
    const abort = new AbortController();
    const subscription: Subscription = {
      ready: Promise.resolve(),
      dispose: () => {
        disposed = true;
        abort.abort();
        resources.dispose();
        this.open.delete(subscription);
      },
    };
    this.open.add(subscription);
    /** Set once the request is validated and attached (the factory's own events speak) or failed (nothing more to show). */
    let settled = false;
    /** A `cached` event went out before validation: the factory's own preview would only repeat it. */
    let previewed = false;
    let cacheRead: Promise<boolean> | undefined;
    /** When the first bars came from the exchange's REST API without ccxt: the id they were asked under, and the disk's part of them. */
    let firstBars: { readonly marketId: string; readonly cached: readonly Candle[] } | undefined;
    /** The disk cache's bars as read for the preview: the factory's preview and seed take them instead of reading again. */
    let diskRead: readonly Candle[] | undefined;
    if (request.kind === 'candles') {
      const show = (candles: readonly Candle[], marketId?: string): boolean => {
        if (disposed || settled || candles.length === 0) return false;
        previewed = true;
        emit(marketId === undefined ? { type: 'cached', candles } : { type: 'cached', candles, fromExchange: true });
        return true;
      };
      const disk = this.cachedBeforeValidation(request).then(
        (read) => {
          diskRead = read;
          const cached = read ?? [];
          return { cached, shown: show(cached) };
        },
        (err: unknown) => {
          this.log.warn(`${request.exchange} ${request.symbol} ${request.timeframe}: cached bars not shown: ${userMessage(err)}`);
          return { cached: [] as readonly Candle[], shown: false };
        },
      );
      // The disk's bars are painted as soon as they are read; the exchange's newest page, where they fall short, after.
      const page = disk.then(async ({ cached, shown }) => {
        const got = await this.newestPage(request, cached, abort.signal);
        if (got === undefined || !show(got.candles, got.marketId)) return shown;
        firstBars = { marketId: got.marketId, cached };
        return true;
      });
      cacheRead = disk.then(({ shown }) => shown || page);
      // ccxt's load waits for both (afterCacheReads): the page's request goes out before the host is busy.
      for (const read of [cacheRead, page]) {
        this.cacheReads.add(read);
        void read.finally(() => this.cacheReads.delete(read));
      }
    }
    const ready = (async () => {
      await this.afterCacheReads();
      // Only bars already shown have a paint to wait for; otherwise the feed is what brings them.
      if (options.startAfter && previewed) await untilSettledOrAborted(options.startAfter, abort.signal);
      if (disposed) return;
      // An exchange that cannot be reached yet (network, rate limit, a server error) is retried with backoff, and
      // after a rate limit not before the server's Retry-After, until it answers or the consumer leaves; a request
      // that is simply wrong (unknown symbol…) fails at once.
      const what = `${request.kind} ${request.exchange} ${request.symbol}: load markets`;
      const validate = () => validateRequest(request, this.opts.clients);
      if (this.opts.clients.has(request.exchange)) {
        await this.history.request(request.exchange, what, validate, {
          signal: abort.signal,
          maxAttempts: Number.POSITIVE_INFINITY,
          onRetry: ({ attempt, reason, retryInMs }) => emit({ type: 'state', state: { status: 'retrying', attempt, reason, retryAt: Date.now() + retryInMs } }),
        });
      } else await validate();
      if (disposed) return;
      const book = await this.bookFor(request);
      if (disposed) return;
      if (firstBars !== undefined && !(await this.sameMarketId(request, book, firstBars.marketId))) {
        previewed = firstBars.cached.length > 0;
        emit({ type: 'cached', candles: firstBars.cached });
      }
      if (disposed) return;
      settled = true;
      this.attach(book, emit, resources, () => previewed, diskRead, holesTaken(options));
      diskRead = undefined; // the factory holds them until its seed is in; the subscription need not
    })();
    ready.catch((err: unknown) => {
      settled = true;
      if (disposed) return;
      const message = userMessage(err);
      emit({ type: 'state', state: { status: 'failed', reason: message } });
      emit({ type: 'error', message });
    });
    // A consumer that leaves while the request is being validated sees `ready` resolve: nothing was acquired.
    return Object.assign(subscription, { ready: ready.catch((err: unknown) => (disposed ? undefined : Promise.reject(err))), ...(cacheRead ? { cacheRead } : {}) });
  }

  /** The exchange's markets (loaded once per client), or a clear error for an unknown exchange. */
  async markets(exchange: string): Promise<readonly MarketInfo[]> {
    if (!this.opts.clients.has(exchange)) throw new UnknownExchangeError(exchange, this.opts.clients.ids());
    await this.afterCacheReads();
    const markets = await (await this.opts.clients.get(exchange)).loadMarkets();
    this.learnBooks(exchange, markets);
    return markets;
  }

  /**
   * Waits for the candle cache reads in flight, including those of subscriptions made in the same synchronous step
   * (a panel subscribes, then the markets are warmed): a client's first use loads ccxt and the markets, which hold the
   * thread for most of a second in a new window, and the cached bars are what a chart paints first.
   */
  private async afterCacheReads(): Promise<void> {
    await Promise.resolve();
    await Promise.all(this.cacheReads);
  }

  async timeframes(exchange: string): Promise<readonly Timeframe[]> {
    if (!this.opts.clients.has(exchange)) throw new UnknownExchangeError(exchange, this.opts.clients.ids());
    await this.afterCacheReads();
    return (await this.opts.clients.get(exchange)).supportedTimeframes();
  }

  exchanges(): readonly string[] {
    return this.opts.clients.ids();
  }

  /** The bars a consumer would get as a snapshot now, or undefined while the series is not ready (or not held). */
  snapshot(key: CandleKey): Candle[] | undefined {
    return this.factories.get(this.bookOf(key))?.snapshot(key.timeframe);
  }

  /** Closed bars of `timeframe` from `from` until before `until`, from the cache and REST history. */
  async candlesBetween(market: MarketKey, timeframe: Timeframe, from: number, until: number, ctx?: RequestContext): Promise<Candle[]> {
    return this.history.candlesBetween(await this.bookFor(market), timeframe, from, until, ctx);
  }

  /** A chart scrolled left: up to `count` closed bars before `before`, kept in the cache (see HistoryService.olderBars). */
  async olderBars(key: CandleKey, before: number, count: number, ctx?: RequestContext): Promise<OlderBars> {
    if (!this.opts.clients.has(key.exchange)) throw new UnknownExchangeError(key.exchange, this.opts.clients.ids());
    return this.history.olderBars(await this.bookFor(key), before, count, ctx);
  }

  /** The clock a market's data runs on: a replayed market's is its replay's (paused, fast, stepped); every other, the hub's. */
  clockOf(exchange: string): Clock {
    return this.opts.clients.replayClock?.(exchange) ?? this.opts.clock ?? systemClock;
  }

  /** The exchange's time: the market's clock plus how far the exchange's answers say its clock is ahead of ours. */
  exchangeNow(exchange: string): Promise<number> {
    if (!this.opts.clients.has(exchange)) return Promise.reject(new UnknownExchangeError(exchange, this.opts.clients.ids()));
    return this.history.exchangeNowOf(exchange);
  }

  /** Trades from `from` until before `until`, from REST history. */
  async tradesBetween(market: MarketKey, from: number, until: number | undefined, ctx?: RequestContext): Promise<Trade[]> {
    return this.history.tradesBetween(await this.bookFor(market), from, until, ctx);
  }

  /** REST trades from `from` on, as far back as the exchange gives them, and whether none since then is missing. */
  async tradesSince(market: MarketKey, from: number, ctx?: RequestContext): Promise<TradesSince> {
    return this.history.tradesSince(await this.bookFor(market), from, ctx);
  }

  /** Every change of state of every stream (`stopped` when its last consumer left). */
  onStreamState(listener: (key: StreamKey, state: StreamState) => void): Disposable {
    return this.streams.onStateChange(listener);
  }

  /** The streams open now. */
  activeStreams(): StreamKey[] {
    return this.streams.activeStreams();
  }

  /** The streams open now with their states and newest update times (for troubleshooting). */
  streamReport(): StreamReport[] {
    return this.streams.report();
  }

  /** The sockets of each exchange with a stream open now, as its client holds them (for troubleshooting). */
  async socketReport(): Promise<Array<{ readonly exchange: string; readonly sockets: readonly SocketReport[] }>> {
    const exchanges = [...new Set(this.streams.activeStreams().map((k) => k.exchange))];
    return Promise.all(exchanges.map(async (exchange) => ({ exchange, sockets: (await this.opts.clients.get(exchange).catch(() => undefined))?.sockets?.() ?? [] })));
  }

  /** How many markets have a candle factory now. */
  get candleFactoryCount(): number {
    return this.factories.size;
  }

  /** The events of a market's candle factory (backfill outcomes among them), while it has one; undefined if not. */
  onCandleFactoryEvent(market: MarketKey, listener: (event: FactoryEvent) => void): Disposable | undefined {
    return this.factories.get(this.bookOf(market))?.onEvent(listener);
  }

  /** Final bars of a series reached the disk cache. */
  onCacheWritten(listener: (key: CandleKey, bars: readonly Candle[]) => void): Disposable {
    return this.history.onCacheWritten(listener);
  }

  /** Resolves once every stream being stopped has stopped (sockets closed). */
  whenStreamsIdle(): Promise<void> {
    return this.streams.whenIdle();
  }

  /** Where the hole fetch of a market with `trades` subscribers that take holes late stands (undefined without any); for tests and debugging. */
  holeFetchState(market: MarketKey): HoleFetchState | undefined {
    return this.holeFetches.get(marketId(this.bookOf(market)))?.state;
  }

  /** How many of a market's holes told lost are being asked again for its panels (LostHoleRefetch); for tests and debugging. */
  holesAskedAgain(market: MarketKey): number {
    return this.holeFetches.get(marketId(this.bookOf(market)))?.askingAgain ?? 0;
  }

  /** Forces a fresh connection for one stream; consumers stay subscribed and see reconnecting → live. */
  reconnect(key: StreamKey): void {
    this.streams.reconnect(key.kind === 'tickers' ? key : this.bookOf(key));
  }

  async close(): Promise<void> {
    this.aggregates.dispose();
    this.polls.dispose();
    this.rewinds?.dispose();
    this.listings?.dispose();
    this.rewound.dispose();
    for (const s of [...this.open]) s.dispose();
    this.factories.dispose(); // persists what each factory holds: before history.close()
    await this.streams.stopAll();
    await this.polls.whenIdle();
    await this.history.close();
  }

  /**
   * The exchange's markets were downloaded again and list others: the streams of a market no longer trading (halted
   * or delisted while they ran: its socket just goes quiet) start again, and the client refuses them with the reason,
   * so their panels say why instead of going stale; the failed streams of a market trading again start again too.
   */
  private async followListing(exchange: string): Promise<void> {
    let markets: readonly MarketInfo[];
    try {
      markets = await this.markets(exchange);
    } catch {
      return; // the markets' own failure is reported where they are used
    }
    const trading = new Set<string>();
    for (const m of markets) if (m.active) trading.add(m.symbol);
    for (const key of this.streams.activeStreams()) {
      if (key.exchange !== exchange || key.kind === 'tickers') continue;
      if (!trading.has(key.symbol)) {
        // Already failed saying so (the markets changed again, elsewhere): started again it would only fail the same way.
        const state = this.streams.state(key);
        if (state?.status === 'failed' && state.notListed) continue;
        this.log.info(`${exchange} no longer lists ${key.symbol} as trading: its ${key.kind} stream starts again to say so`);
        this.streams.reconnect(key);
      } else if (this.streams.state(key)?.status === 'failed') {
        this.log.info(`${exchange} lists ${key.symbol} as trading: its failed ${key.kind} stream starts again`);
        this.streams.reconnect(key);
      }
    }
  }

  /**
   * The exchange's newest page of a chart's bars, asked of its REST API directly (fetchFirstBars) while its client is
   * not made yet (ccxt and the markets not loaded), where the disk's bars (`cached`) end more than a few bars before
   * the last closed one (nothing cached, or last night's cache). Joined to the cached bars where it reaches back to
   * them: a hole between the two would be drawn as if there were none. Undefined when not asked or not answered.
   */
  private async newestPage(req: Extract<SubscriptionRequest, { kind: 'candles' }>, cached: readonly Candle[], signal: AbortSignal): Promise<{ candles: readonly Candle[]; marketId: string } | undefined> {
    const tf = req.timeframe;
    if (!isTimeframe(tf) || signal.aborted) return undefined;
    const now = this.clockOf(req.exchange).now();
    const lastCached = cached.at(-1);
    if (lastCached && lastCached.time >= bucketStart(tf, bucketStart(tf, now) - (MISSING_BARS_WORTH_ASKING + 1) * timeframeMs(tf))) return undefined;
    const source = this.opts.clients.firstBars?.(req.exchange);
    if (!source) return undefined;
    const key = { exchange: req.exchange, symbol: this.bookOf(req).symbol, timeframe: tf };
    const depth = req.historyBars ?? this.historyBars;
    if (this.history.gateFor(req.exchange).paused) return undefined; // rate limited: the chart's history waits with the rest
    const got = await fetchFirstBars(source, key, depth, now, signal, { onRateLimit: (retryAfterMs) => this.history.pauseAfterRateLimit(req.exchange, retryAfterMs) });
    if (got === undefined || signal.aborted) return undefined;
    if (typeof got === 'string') {
      this.log.warn(`${describeCandles(key)}: no newest bars before the markets load (the chart waits for its history): ${got}`);
      return undefined;
    }
    this.log.debug(`${describeCandles(key)}: ${got.candles.length} bars asked of ${got.marketId} before the markets load`);
    const firstAsked = got.candles[0];
    const joins = lastCached !== undefined && firstAsked !== undefined && firstAsked.time <= nextBucketStart(tf, lastCached.time);
    return { candles: joins ? mergeCandles(cached, got.candles).slice(-depth) : got.candles, marketId: got.marketId };
  }

  /**
   * The markets give the book served for `req` (itself, or the market it is an alias of) the id its first bars were
   * asked under; if not, they are withdrawn (logged). Never rejects: the request is already valid, and a check that
   * cannot be made leaves the bars to the snapshot.
   */
  private async sameMarketId(req: MarketKey, book: MarketKey, asked: string): Promise<boolean> {
    let id: string | undefined;
    let ownId: string | undefined;
    try {
      const client = await this.opts.clients.get(book.exchange);
      id = await client.marketId?.(book.symbol);
      // An alias's own id answers with its book's data (Coinbase: a -USDC product "returns the same data as the matching -USD product").
      if (book.symbol !== req.symbol) ownId = await client.marketId?.(req.symbol);
    } catch (err) {
      this.log.warn(`${req.exchange} ${req.symbol}: the id of the market its newest bars were asked under could not be checked: ${userMessage(err)}`);
      return true;
    }
    if (id === undefined || id === asked || ownId === asked) return true;
    const of = book.symbol === req.symbol ? "the exchange's id of the market" : `its book is ${book.symbol}'s (the exchange lists it as an alias), whose id`;
    this.log.warn(`${req.exchange} ${req.symbol}: the newest bars shown before the markets loaded were asked as ${asked}, but ${of} is ${id}: withdrawn until its history loads`);
    return false;
  }

  /** Notes which markets of the exchange's listing are another's book (MarketInfo.aliasOf); once per listing. */
  private learnBooks(exchange: string, markets: readonly MarketInfo[]): void {
    if (this.books.get(exchange)?.listing === markets) return;
    const aliases = new Map<string, string>();
    for (const m of markets) if (m.aliasOf !== undefined && m.aliasOf !== m.symbol) aliases.set(m.symbol, m.aliasOf);
    this.books.set(exchange, { listing: markets, aliases });
  }

  /**
   * The market whose book, streams and history serve `market`: itself, or the market its exchange lists it as an
   * alias of (Coinbase's BTC/USDC → BTC/USD), as far as the markets loaded so far tell.
   */
  private bookOf<M extends MarketKey>(market: M): M {
    const book = this.books.get(market.exchange)?.aliases.get(market.symbol);
    return book === undefined ? market : { ...market, symbol: book };
  }

  /**
   * bookOf, after the exchange's markets are loaded (they are for a validated request). Never rejects: markets that
   * cannot be loaded leave `market` as it is, and whatever uses it reports their failure.
   */
  private async bookFor<M extends { readonly exchange: string; readonly symbol: string; readonly kind?: string }>(market: M): Promise<M> {
    if (market.kind === 'tickers' || !this.opts.clients.has(market.exchange)) return market;
    try {
      this.learnBooks(market.exchange, await (await this.opts.clients.get(market.exchange)).loadMarkets());
    } catch {
      return market;
    }
    return this.bookOf(market);
  }

  /**
   * Paint first, before ccxt and the markets load: a chart's bars from the disk cache while its request is still being
   * validated (a cache file exists only for a series once served). None for an exchange or timeframe that is not
   * known here, or a replayed market (never cached). Undefined when the file was not read.
   */
  private async cachedBeforeValidation(req: Extract<SubscriptionRequest, { kind: 'candles' }>): Promise<readonly Candle[] | undefined> {
    if (!this.opts.clients.has(req.exchange) || !isTimeframe(req.timeframe)) return undefined;
    // A series already held answers with its snapshot as soon as the market is checked: no disk read to wait for.
    const book = this.bookOf(req);
    if (this.factories.get(book)?.isReady(req.timeframe)) return undefined;
    const key = { exchange: req.exchange, symbol: book.symbol, timeframe: req.timeframe };
    return this.history.cachedBars(key, bucketStart(req.timeframe, this.clockOf(req.exchange).now()), req.historyBars ?? this.historyBars);
  }

  /**
   * A market's reconnect holes for its `trades` subscribers, while it has any: fetched here unless its candle factory's
   * gap backfill has them pending (one fetch, not two). Follows the market's shared trade stream as one more consumer.
   */
  private watchHoles(market: MarketKey): Disposable {
    const id = marketId(market);
    const fetch = new HoleFetch({
      market,
      log: scopedLogger(this.log, 'holes'),
      fetch: (from, until, signal) => wholeTradesBetween(this.history, market, from, until, signal),
      factoryFetches: () => this.factories.get(market)?.owesHole ?? false,
      send: (trades) => this.holeTrades.late(market, trades),
      lost: (hole) => this.holeTrades.lost(market, hole),
      refetch: { wanted: () => this.holeTrades.wantsFound(market), found: (trades, span) => this.holeTrades.found(market, trades, span), ...this.refetchPolicy },
    });
    this.holeFetches.set(id, fetch);
    const stream = this.streams.acquire({ kind: 'trades', ...market }, { onData: (batch) => fetch.streamed(batch), onState: (s) => fetch.onStreamState(s) });
    return toDisposable(() => {
      stream.dispose();
      fetch.dispose();
      if (this.holeFetches.get(id) === fetch) this.holeFetches.delete(id);
    });
  }

  private attach(req: SubscriptionRequest, emit: (e: HubEvent) => void, resources: DisposableStore, previewed: () => boolean, diskRead: readonly Candle[] | undefined, holes: HolesTaken): void {
    const market = { exchange: req.exchange, symbol: req.symbol };
    const state = (s: StreamState) => emit({ type: 'state', state: s });
    switch (req.kind) {
      case 'candles': {
        const key = { ...market, timeframe: req.timeframe };
        const send = emit as (e: CandleEvent) => void;
        const shown = new CandleSubscriptionState();
        // Before acquire replays the stream's state: a newcomer during a backfill would read plain `live`.
        if (this.factories.get(market)?.catchingUp(req.timeframe)) shown.joinedCatchingUp();
        const show = (s: StreamState | undefined) => s && state(s);
        let offline = false;
        const snapshot = () => {
          const factory = this.factories.get(market);
          offline = factory?.historyMissing(req.timeframe) ?? false;
          send({ type: 'snapshot', candles: factory?.snapshot(req.timeframe) ?? [], ...(offline ? { historyOffline: true as const } : {}) });
        };
        resources.add(
          this.factories.acquire(key, req.historyBars ?? this.historyBars, {
            onEvent: (e) => {
              switch (e.type) {
                case 'cached':
                  if (!previewed()) send({ type: 'cached', candles: e.candles });
                  break;
                case 'ready':
                  snapshot();
                  break;
                case 'deltas':
                  send(e); // as it is (its timeframe is the subscription's): once per trade batch
                  break;
                case 'catching up':
                case 'caught up':
                  show(shown.onFactory(e));
                  break;
                case 'backfill':
                  // Reaches consumers as their named state (degraded, failed, back to live) and the deltas that follow;
                  // a consumer told the history is offline gets every bar again once it has arrived.
                  show(shown.onFactory(e));
                  if (offline && e.outcome === 'done') snapshot();
                  break;
                default:
                  assertNever(e);
              }
            },
            onState: (s) => show(shown.onStream(s)),
          }, diskRead),
        );
        return;
      }
      case 'trades': {
        const send = emit as (e: TradesEvent) => void;
        const taken = resources.add(this.holeTrades.subscribe(market, send, holes.late, holes.found));
        const onData = (batch: readonly Trade[]): void => {
          const trades = taken.streamed(batch);
          if (trades.length > 0) send({ type: 'trades', trades });
        };
        resources.add(this.streams.acquire({ kind: 'trades', ...market }, { onData, onState: (s) => state(taken.shown(s)) }));
        return;
      }
      case 'orderbook': {
        const send = emit as (e: OrderBookEvent) => void;
        const mailbox = resources.add(new LatestWins<OrderBook>((book) => send({ type: 'orderbook', book })));
        // A book goes a turn later, a state at once: one read before the stream left live (the drop, a gap's lost update)
        // would come after that state, and pass for the fresh one.
        const onState = (s: StreamState): void => {
          if (s.status !== 'live') mailbox.drop();
          state(s);
        };
        resources.add(this.streams.acquire({ kind: 'orderbook', ...market }, { onData: (book) => mailbox.push(book), onState }));
        return;
      }
      case 'ticker': {
        const send = emit as (e: TickerEvent) => void;
        resources.add(this.streams.acquire({ kind: 'ticker', ...market }, { onData: (ticker) => send({ type: 'ticker', ticker }), onState: state }));
        return;
      }
      case 'liquidations': {
        const send = emit as (e: LiquidationsEvent) => void;
        resources.add(this.streams.acquire({ kind: 'liquidations', ...market }, { onData: (liquidations) => send({ type: 'liquidations', liquidations }), onState: state }));
        return;
      }
      case 'tickers': {
        const send = emit as (e: TickersEvent) => void;
        resources.add(this.streams.acquire({ kind: 'tickers', ...market }, { onData: (tickers) => send({ type: 'tickers', tickers }), onState: state }));
        return;
      }
      default:
        assertNever(req);
    }
  }
}

/** What a `trades` subscriber takes of a reconnect's holes (SubscribeOptions.lateTrades, refetchLost). */
interface HolesTaken {
  readonly late: boolean;
  readonly found: boolean;
}

function holesTaken(options: SubscribeOptions): HolesTaken {
  const late = options.lateTrades === true;
  return { late, found: late && options.refetchLost === true };
}
