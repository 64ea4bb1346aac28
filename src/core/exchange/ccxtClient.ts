import * as http from 'node:http';
import * as https from 'node:https';
import { EmptyMarketsError, InvalidDataError, OrderBookGapError, TradeSuiteError, TradesOverflowError, TradesSocketLostError, UnsupportedStreamError } from '../errors';
import { EVERY_SYMBOL, symbolsKey, symbolsOf, type StreamKind } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Candle, Liquidation, MarketTicker, OrderBook, Ticker, Trade } from '../types';
import { assertNever } from '../util/assertNever';
import { afterEventLoopTurn } from '../util/afterQueuedTimers';
import type { Clock } from '../util/clock';
import { errorMessage, type Logger } from '../util/log';
import { buildableTimeframes, readCapabilities, type CcxtDescription, type ExchangeCapabilities } from './capabilities';
import { closeIdleSockets } from './closeIdleSockets';
import { dropWhatLeftSocketsDeliver, isLeft, socketOfLastMessage, successorHoldsFailure } from './leftSockets';
import { unreadTrades } from './unreadTrades';
import { routeCoinbaseRefusals } from './coinbaseRefusals';
import { Delistings } from './delistings';
import { MarketsRecheck } from './marketsRecheck';
import { sameListing } from './sameListing';
import { Emitter } from '../../shared/util/emitter';
import type { Disposable } from '../../shared/util/disposable';
import { keepCoinbaseChannelsOpen } from './coinbaseHeartbeats';
import { mendCoinbaseSequenceGaps } from './coinbaseSequenceGaps';
import { resyncBybitBooksOnGaps } from './bybitBookGaps';
import { failBinanceTradeWatchesOnIdJumps } from './binanceTradeIds';
import { reconnectOnBinanceServerShutdown } from './binanceServerShutdown';
import { fixCoinbaseUnsubscribes } from './coinbaseUnsubscribes';
import { readSubscribeConfirmations, subscribeHashOf, SubscribeConfirmations } from './subscribeConfirmations';
import { ExchangeClock } from './exchangeClock';
import { attachResponseFactsToErrors, followServerClock, handleUnawaitedWsSends, setMarketsOnALaterTurn } from './ccxtHooks';
import { noSnapshotRetryAfterRateLimit } from './snapshotRetries';
import { loadCcxt, type ProExchange } from './ccxtLoader';
import { serverErrorExceptions } from './serverErrorCodes';
import { classifyError, classNames } from '../streams/errorKind';
import { EveryTickerSeed, everyTickerSnapshot, type RawTickers } from './everyTickerSnapshot';
import { endpointOptions, endpointUrls } from './endpointOverrides';
import type { ExchangeSettings } from './exchangeSettings';
import type { DerivativesPolling, MarketDataClient, MarketInfo } from './marketDataClient';
import { checkFundingRate, checkOpenInterest, type FundingFigure, type OpenInterestFigure } from '../derivatives/derivativesFigures';
import { defaultMarketsCacheTiming, marketsSource, type CcxtMarket, type MarketsCache } from './marketsCache';
import { checkCandleRow, checkLiquidation, checkMarket, checkOrderBook, checkTicker, checkTrade, tickSizeOf, type Checked, type MarketContext } from './normalize';
import { EXCHANGE_CLOCK_SLACK_MS } from './plausible';
import { contractSpecOf, klineVolumeInTradeUnits } from './contractSpec';
import { BookDrops } from './bookDrops';
import { BookValidity } from './bookValidity';
import { NewLiquidations } from './newLiquidations';
import { PriceReferences } from './priceReference';
import { RecentIds } from './recentIds';
import { RestTradeListing } from './restTradeListing';
import { withListedRows } from './listedRows';
import { namedTickerBooksToRelease, tickerSymbolsToRelease } from './sharedTickerTopics';
import { unWatchLiquidations } from './unwatchLiquidations';
import { socketReport, type SocketReport } from './socketReport';

type ParamKind = 'trades' | 'ticker' | 'orderbook';

/**
 * Per-exchange stream choices. Binance's aggTrade stream carries the same ids as its REST aggTrades, which the seam
 * needs. Bybit's unWatchOrderBook would unsubscribe depth 500 on a linear market while the watch subscribed 50.
 */
const STREAM_PARAMS: Record<string, Partial<Record<ParamKind, Record<string, unknown>>>> = {
  binance: { trades: { name: 'aggTrade' }, ticker: { name: 'ticker' } },
  bybit: { orderbook: { limit: 50 } },
};

/**
 * Per-exchange poll choices. Bybit's open interest is a history endpoint whose newest row is the interval's start:
 * ccxt asks for hourly rows unless told otherwise; 5-minute rows are the finest Bybit keeps.
 */
const POLL_PARAMS: Record<string, Partial<Record<'openInterest', Record<string, unknown>>>> = {
  bybit: { openInterest: { interval: '5m' } },
};

/** ccxt's `tradesLimit` as the client sets it (ccxt's own default is 1,000); an exchange's `options` may change it. */
export const TRADE_CACHE_SIZE = 10_000;

/**
 * ccxt's keep-alive on every socket: a ping this often, and a socket whose pongs stop for two of these is closed (and
 * the stream reconnects, its hole filled from REST). A network gone without a word (lost Wi-Fi, a laptop's sleep)
 * leaves the socket open on our side: ccxt's defaults (Binance's 180 s, Coinbase's 30 s, Bybit's 18 s) kept such a
 * stream "live" and silent for 12, 2 and 1.2 minutes (15-20 s with this). Binance allows 5 messages a second, Bybit
 * asks for a ping at least every 20 s.
 */
export const KEEP_ALIVE_MS = 5_000;

/** Knobs of a client; the defaults are the product's. */
export interface CcxtClientOptions {
  /** How long a stream's first answer may take before its market is doubted (tests shorten it). */
  readonly silentFirstWatchMs?: number;
  /** How recent a trade of a trade stream's first answer shows its market trading (SNAPSHOT_RECENT_MS; tests set 0). */
  readonly snapshotRecentMs?: number;
  /** How far past a fresh measure of the exchange's clock a trade may be (FRESH_CLOCK_SLACK_MS; see ExchangeClock). */
  readonly freshClockSlackMs?: number;
}

/**
 * The MarketDataClient over one ccxt.pro exchange instance, shared by every stream of that exchange. Every value it
 * returns is validated; a stopped stream is unsubscribed and its socket closed, and the last stream's end closes
 * the instance (ccxt's unWatch* alone never closes sockets).
 */
export class CcxtMarketDataClient implements MarketDataClient {
  private exchangePromise: Promise<ProExchange> | undefined;
  /** Per ccxt instance: where its REST answers listed their trades (ccxt reorders a millisecond's by id). */
  private readonly tradeListings = new WeakMap<ProExchange, RestTradeListing>();
  /** The exchange's clock from its answers' Date header: how far ahead of ours, and how far past it a trade may be. */
  private readonly exchangeClock: ExchangeClock;
  private readonly snapshotRecentMs: number;
  /** The exchange once its markets have loaded: a stream's next message is asked for without awaiting them again. */
  private loaded: ProExchange | undefined;
  private marketsPromise: Promise<readonly MarketInfo[]> | undefined;
  /** The markets as last handed out: a download is compared with them (onDidChangeMarkets). */
  private listing: readonly MarketInfo[] = [];
  /** Downloads the markets again while streams run (see streaming()). */
  private listingTimer: NodeJS.Timeout | undefined;
  /** Why the last download of the markets again failed; undefined after one that succeeded. */
  private refreshFailure: unknown;
  /** ccxt keeps a rejected market load and hands it to every later caller: after one, the next load is a reload. */
  private marketsFailed = false;
  /** Whether a refused subscription is worth a download of the markets (cached, or old enough to predate a delisting). */
  private readonly recheck: MarketsRecheck;
  /** Markets cached as listed that the exchange no longer knows: their calls and waiting watches fail, named. */
  private readonly delistings: Delistings;
  private readonly active = new Set<string>();
  /** Live prices are checked against the market's last accepted one. */
  private readonly references = new PriceReferences();
  private readonly books = new BookValidity();
  private readonly bookDrops = new BookDrops();
  /** A save or background refresh of the markets cache in progress: close() waits for it. */
  private cacheWork: Promise<void> | undefined;
  /** Saves the markets downloaded last now instead of after the cache's save delay (close). */
  private flushMarketsSave: (() => void) | undefined;
  /** Per symbol, the ids of the newest live trades: a trade sent twice is delivered once. */
  private readonly tradeIds = new Map<string, RecentIds>();
  /**
   * Markets whose next trade watch continues the last one read (see watchTrades: the others start from an empty cache),
   * with the socket that read came on (undefined when it could not be told).
   */
  private readonly continuingTradeReads = new Map<string, object | undefined>();
  /** Per symbol of a 'tickers' stream of named markets, the ccxt ticker object it delivered last. */
  private readonly deliveredTickers = new Map<string, unknown>();
  /** Per ticker stream's symbol list (the same array at every read), its feed names and the markets they were read from. */
  private readonly feedLists = new WeakMap<readonly string[], { readonly ex: ProExchange; readonly feed: string[] }>();
  /** The REST snapshot that completes the stream of every market's tickers when it starts. */
  private readonly everyTickerSeed = new EveryTickerSeed(
    () => everyTickerSnapshot(() => (this.loaded ? Promise.resolve(this.loaded) : this.withMarkets()), (m) => this.log.warn(`${this.exchangeId} tickers: ${m}`)),
    (err) => classifyError(err) !== 'malformed',
  );
  /** Kept across a stream's restarts: ccxt's liquidation cache outlives them. */
  private readonly liquidations = new NewLiquidations();
  /** The exchange's answers to subscribes, read from the instance the streams use. */
  private readonly confirmations = new SubscribeConfirmations();
  private readonly marketsChanged = new Emitter<[]>((err) => this.log.error(`a markets listener threw: ${errorMessage(err)}`));

  constructor(
    private readonly settings: ExchangeSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly marketsCache?: MarketsCache,
    opts: CcxtClientOptions = {},
  ) {
    this.snapshotRecentMs = opts.snapshotRecentMs ?? SNAPSHOT_RECENT_MS;
    this.recheck = new MarketsRecheck(clock);
    this.exchangeClock = new ExchangeClock(clock, opts.freshClockSlackMs);
    this.delistings = new Delistings({ exchange: settings.id, unlisted: (symbols) => this.unlistedOnDoubt(symbols), ...(opts.silentFirstWatchMs !== undefined ? { silentMs: opts.silentFirstWatchMs } : {}) });
  }

  get exchangeId(): string {
    return this.settings.id;
  }

  serverClockAheadMs(): number {
    return this.exchangeClock.ahead() ?? 0;
  }

  /** Loaded once; a failed load is forgotten, so the next caller (a retry) sends a fresh request. */
  loadMarkets(): Promise<readonly MarketInfo[]> {
    this.marketsPromise ??= this.fetchMarkets().catch((err: unknown) => {
      this.marketsPromise = undefined;
      this.marketsFailed = true;
      throw err;
    });
    return this.marketsPromise;
  }

  async marketId(symbol: string): Promise<string | undefined> {
    const ex = this.loaded ?? (await this.withMarkets());
    const id = (ex.markets as Record<string, { id?: unknown } | undefined> | undefined)?.[symbol]?.id;
    return typeof id === 'string' ? id : undefined;
  }

  /**
   * Downloads the markets again now (Refresh Markets), or joins the download running; resolves with the markets in
   * use after it, rejects with why it failed (the markets in use stay). With none loaded (or the last load failed):
   * that load.
   */
  async reloadMarkets(): Promise<readonly MarketInfo[]> {
    if (!this.marketsPromise) return this.loadMarkets();
    const ex = await this.withMarkets();
    const download = this.recheck.now(() => this.refreshMarkets(ex));
    this.track(download);
    await download;
    if (this.refreshFailure !== undefined) throw this.refreshFailure;
    return this.listing;
  }

  /** Fires when a download of the markets replaced those in use and lists other markets, or others as trading. */
  onDidChangeMarkets(listener: () => void): Disposable {
    return this.marketsChanged.event(listener);
  }

  async capabilities(): Promise<ExchangeCapabilities> {
    const ex = await this.exchange();
    return readCapabilities(this.exchangeId, ex as unknown as CcxtDescription);
  }

  async supportedTimeframes(): Promise<readonly Timeframe[]> {
    return buildableTimeframes((await this.capabilities()).klineTimeframes);
  }

  async fetchCandles(symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]> {
    const ex = await this.withMarkets();
    const rows: unknown = await this.rest(symbol, () => ex.fetchOHLCV(symbol, timeframe, since, limit));
    const ctx = this.context(ex, symbol, false);
    const listed = Array.isArray(rows) ? rows : [];
    const candles = this.keepValid(listed, (row) => checkCandleRow(row, ctx), `${timeframe} candles ${symbol}`);
    const contract = contractSpecOf((ex.markets as Record<string, unknown> | undefined)?.[symbol]);
    const inTradeUnits = typeof contract === 'string' || contract.segment === 'spot' ? candles : candles.map((c) => ({ time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: klineVolumeInTradeUnits(this.exchangeId, contract, c.volume, c.close) }));
    // A row dropped is a bar the exchange has that could not be read, not an empty period: see listedRows.
    return withListedRows(inTradeUnits, listed.length);
  }

  async fetchTrades(symbol: string, since: number | undefined, limit: number, until?: number): Promise<Trade[]> {
    const ex = await this.withMarkets();
    const rows: unknown = await this.rest(symbol, () => ex.fetchTrades(symbol, since, limit, until === undefined ? {} : { until }));
    const ctx = this.tradeContext(ex, symbol, false);
    const listed = Array.isArray(rows) ? (this.tradeListings.get(ex)?.inExchangeOrder(rows) ?? rows) : [];
    // A row dropped still counts toward the page: a full page less it is no end of the trades to the pagers.
    return withListedRows(this.keepValid(listed, (row) => checkTrade(row, ctx), `trades ${symbol}`).sort((a, b) => a.timestamp - b.timestamp), listed.length);
  }

  async watchTrades(symbol: string): Promise<Trade[]> {
    const ex = this.loaded ?? (await this.withMarkets());
    const key = activeKey('trades', symbol);
    this.streaming(key);
    // A chart of a market delisted since its markets were cached may get its history by REST (Binance still answers
    // klines of a market in BREAK) and then nothing: its silent trades doubt it too. A quiet market that still trades
    // costs at most one markets download per recheck interval.
    // A first answer of trades all made well before the start (Coinbase answers a subscribe with its last trades, a
    // halted market's too) is no sign the market trades: its listing is checked first (see Delistings.watch).
    // A read that does not continue the last one (the stream's first, or the first after a failure that may have
    // changed its connection, whose hole is filled from REST up to this read's oldest trade) takes only what comes
    // now: ccxt's cache, the exchange's and not the socket's, may hold trades a socket since left, dropped or failed
    // delivered while no read waited; mixed into this read they moved its seam back past trades no socket got, which
    // then were in no bar (leftSockets.ts).
    // The socket the last read came on closed while no read waited (the clock's measure under way, a slow consumer):
    // that failed no watch, and ccxt's next one dials anew without a word. Read on, the trades between the two sockets
    // were in no batch and no hole (chaos seed 208); the stream passes through reconnecting instead, which fills it.
    // When the socket was left with a reason for the watch that was not waiting (Binance's serverShutdown), the
    // watch fails with that reason instead: failed here too, the stream read reconnecting twice, the second after a
    // backoff, and the shutdown's reason came second.
    let lastSocket = this.continuingTradeReads.get(symbol);
    if (lastSocket !== undefined && isLeft(ex, lastSocket)) {
      this.continuingTradeReads.delete(symbol);
      if (!successorHoldsFailure(ex, lastSocket)) throw new TradesSocketLostError(`${this.exchangeId} trade stream ${symbol}`);
      lastSocket = undefined;
    }
    const continues = this.continuingTradeReads.has(symbol);
    let readSocket: object | undefined;
    const watch = () => {
      if (!continues) emptyTradeCache(ex, symbol);
      const unread = continues ? unreadTrades(ex, symbol) : undefined;
      if (unread !== undefined) {
        readSocket = lastSocket;
        return Promise.resolve(unread);
      }
      return ex.watchTrades(symbol, undefined, undefined, this.params('trades')).then((read: unknown) => {
        readSocket = socketOfLastMessage(ex);
        return read;
      });
    };
    let rows: unknown;
    try {
      rows = this.delistings.hasAnswered(key) ? await watch() : await this.delistings.watch(key, symbol, true, watch, madeSince(this.clock.now() + this.serverClockAheadMs() - this.snapshotRecentMs));
    } catch (err) {
      // The connection stays for a malformed message (skipped, no hole) and a gap (a trade-id jump: the stream fills
      // the hole up to the next read's oldest trade, which may be the very trade that showed the jump): what ccxt holds
      // came on it, after the last read. Any other failure may mean another connection next.
      const kind = classifyError(err);
      if (kind !== 'malformed' && kind !== 'gap') this.continuingTradeReads.delete(symbol);
      throw err;
    }
    // Not for a stream stopped meanwhile (its read came while it unsubscribed): the next one starts afresh.
    if (this.active.has(key)) this.continuingTradeReads.set(symbol, readSocket);
    emptyTradeCache(ex, symbol);
    // Before any id is remembered: the REST fill that follows must not take the trades of this update as seen.
    const kept = tradeCacheSize(ex);
    if (Array.isArray(rows) && rows.length >= kept) throw new TradesOverflowError(`${this.exchangeId} trade stream ${symbol}`, kept);
    if (Array.isArray(rows)) await this.exchangeClock.measureBefore(newestTimestamp(rows), () => ex.fetchTime());
    const ctx = this.tradeContext(ex, symbol, true);
    const valid = this.keepValid(Array.isArray(rows) ? rows : [], (row) => checkTrade(row, ctx), `trade stream ${symbol}`, symbol);
    // Coinbase's market_trades snapshot on a (re)subscribe repeats trades already sent or still to come in a batch.
    // In time order first: a batch newest first (Coinbase's) is then no more work to check than one in order.
    const trades = this.seenTrades(symbol).fresh(inTimeOrder(valid));
    const last = trades.at(-1);
    if (last) this.references.accepted(symbol, last.price);
    if (valid.length === 0 && Array.isArray(rows) && rows.length > 0) throw new InvalidDataError(`${this.exchangeId} trade stream ${symbol}`, 'no valid trade in the update');
    return trades;
  }

  async watchOrderBook(symbol: string, depth: number): Promise<OrderBook> {
    const ex = this.loaded ?? (await this.withMarkets());
    const key = activeKey('orderbook', symbol);
    this.streaming(key);
    await this.bookDrops.settled(symbol);
    let book: unknown;
    try {
      book = await this.delistings.watch(key, symbol, true, () => ex.watchOrderBook(symbol, undefined, this.params('orderbook')));
    } catch (err) {
      // A lost message (bybitBookGaps.ts, coinbaseSequenceGaps.ts): only a new subscribe brings the snapshot to start over from.
      if (err instanceof OrderBookGapError) this.dropBook(ex, symbol);
      // ccxt's own check of Binance's diff ids (it has dropped its copy and subscription already): its message tells
      // the user to mute it, which would leave the book wrong; the stream's state says what happened instead.
      if (classNames(err).includes('ChecksumError')) throw new OrderBookGapError(this.exchangeId, symbol, 'an update was lost (the update ids jumped)');
      throw err;
    }
    return this.books.accept(symbol, checkOrderBook(book, depth, this.context(ex, symbol, true)), `${this.exchangeId} order book ${symbol}`, () => {
      this.dropBook(ex, symbol);
      return Promise.resolve();
    });
  }

  /**
   * Forgets ccxt's copy of a book (unsubscribes it): the stream's next watch waits for that, subscribes again and gets
   * a new snapshot. Not awaited here: the stream says it takes the book again without waiting for the exchange's answer.
   */
  private dropBook(ex: ProExchange, symbol: string): void {
    this.bookDrops.start(symbol, async () => {
      try {
        await ex.unWatchOrderBook(symbol, this.params('orderbook'));
      } catch (err) {
        this.log.debug(`unWatch orderbook ${symbol} to take it again: ${errorMessage(err)}`);
      }
    });
  }

  async watchTicker(symbol: string): Promise<Ticker> {
    const ex = this.loaded ?? (await this.withMarkets());
    const key = activeKey('ticker', symbol);
    this.streaming(key);
    const ticker: unknown = await this.delistings.watch(key, symbol, true, () => ex.watchTicker(symbol, this.params('ticker')));
    const checked = checkTicker(ticker, this.context(ex, symbol, true));
    if (checked.ok) this.references.accepted(symbol, checked.value.last);
    else this.references.rejected(symbol);
    return unwrap(checked, `${this.exchangeId} ticker ${symbol}`);
  }

  /**
   * ccxt's watchTickers: without symbols, every market (Binance's `!miniTicker@arr`: last price and 24h open, enough
   * for the change); with them, those markets (Bybit's `tickers.{sym}` topics, Coinbase's `ticker_batch`). ccxt
   * returns one ticker per call where a message carries several, or several messages come between two calls, and keeps
   * the rest in `exchange.tickers`: the tickers of the markets named that changed since the last call come from there.
   */
  async watchTickers(symbols: readonly string[] | undefined): Promise<MarketTicker[]> {
    const ex = symbols === undefined ? await this.exchange() : (this.loaded ?? (await this.withMarkets()));
    if (!ex.has['watchTickers']) throw new UnsupportedStreamError(this.exchangeId, 'multi-symbol ticker stream (watchTickers)');
    this.streaming(activeKey('tickers', symbols === undefined ? EVERY_SYMBOL : symbolsKey(symbols)));
    let raws: RawTickers;
    if (symbols === undefined) {
      const read = ex.watchTickers(undefined).then((batch: unknown) => Object.entries(typeof batch === 'object' && batch !== null ? batch : {}));
      raws = await this.everyTickerSeed.read(read);
    } else {
      // A Coinbase -USDC alias's tickers are its -USD market's (feedSymbol): watched under that market, one
      // subscription for both names, so the USDC group leaving never unsubscribes what the USD group shows.
      await ex.watchTickers(this.feedSymbols(ex, symbols));
      raws = this.changedTickers(ex, symbols);
    }
    const out: MarketTicker[] = [];
    for (const [symbol, raw] of raws) {
      const checked = checkTicker(raw, this.context(ex, symbol, true));
      if (checked.ok) {
        this.references.accepted(symbol, checked.value.last);
        out.push({ symbol, ticker: checked.value });
      } else {
        this.references.rejected(symbol);
        this.log.warn(`dropped invalid data from ${this.exchangeId} tickers ${symbol}: ${checked.issue}`);
      }
    }
    return out;
  }

  /** The feed's names of a ticker stream's symbols (feedSymbol), worked out once per list and markets, not per message. */
  private feedSymbols(ex: ProExchange, symbols: readonly string[]): string[] {
    const known = this.feedLists.get(symbols);
    if (known?.ex === ex) return known.feed;
    const feed = [...new Set(symbols.map((s) => this.feedSymbol(ex, s) ?? s))];
    this.feedLists.set(symbols, { ex, feed });
    return feed;
  }

  /**
   * The tickers ccxt holds for `symbols` that are not the ones last delivered (ccxt makes a new object per update). A
   * Coinbase -USDC market's ticker is held under the -USD market it is an alias of (feedSymbol).
   */
  private changedTickers(ex: ProExchange, symbols: readonly string[]): [string, unknown][] {
    const held = (ex as unknown as { tickers?: Record<string, unknown> }).tickers ?? {};
    const out: [string, unknown][] = [];
    for (const symbol of symbols) {
      const raw = held[symbol] ?? held[this.feedSymbol(ex, symbol) ?? symbol];
      if (raw === undefined || this.deliveredTickers.get(symbol) === raw) continue;
      this.deliveredTickers.set(symbol, raw);
      out.push([symbol, raw]);
    }
    return out;
  }

  /**
   * The market whose data the feed sends for `symbol`, when another: Coinbase merged its USD and USDC books, and its
   * feed answers a -USDC product (BTC-USDC, listed with `alias: "BTC-USD"`) with the -USD product's messages ("-USDC
   * product IDs other than USDT-USDC and EURC-USDC return the same data as the matching -USD product",
   * docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-endpoints), which ccxt keeps under
   * BTC/USD.
   */
  private feedSymbol(ex: ProExchange, symbol: string): string | undefined {
    if (this.exchangeId !== 'coinbase') return undefined;
    const market = (ex.markets as Record<string, { info?: { alias?: unknown } } | undefined> | undefined)?.[symbol];
    const alias = market?.info?.alias;
    if (typeof alias !== 'string' || alias === '') return undefined;
    const target = (ex as unknown as { markets_by_id?: Record<string, Array<{ symbol?: unknown }> | undefined> }).markets_by_id?.[alias]?.[0]?.symbol;
    return typeof target === 'string' ? target : undefined;
  }

  async watchLiquidations(symbol: string): Promise<Liquidation[]> {
    const ex = await this.withMarkets();
    if (!ex.has['watchLiquidations']) throw new UnsupportedStreamError(this.exchangeId, 'liquidation stream (watchLiquidations)');
    const contract = contractSpecOf((ex.markets as Record<string, unknown> | undefined)?.[symbol]);
    if (typeof contract === 'string' || contract.segment === 'spot') throw new UnsupportedStreamError(this.exchangeId, `liquidations on ${symbol} (${typeof contract === 'string' ? contract : 'a spot market'})`);
    const key = activeKey('liquidations', symbol);
    this.streaming(key);
    await this.delistings.watch(key, symbol, false, () => ex.watchLiquidations(symbol));
    const rows = this.liquidations.take((ex as unknown as { liquidations?: unknown }).liquidations, symbol);
    return this.keepValid(rows, (row) => checkLiquidation(row, contract, this.context(ex, symbol, true)), `liquidation stream ${symbol}`).sort((a, b) => a.timestamp - b.timestamp);
  }

  async derivativesPolling(): Promise<DerivativesPolling> {
    const ex = await this.exchange();
    const has = (name: string) => ex.has[name] === true || ex.has[name] === 'emulated';
    const rateLimit = (ex as unknown as { rateLimit?: unknown }).rateLimit;
    return { openInterest: has('fetchOpenInterest'), fundingRate: has('fetchFundingRate'), rateLimitMs: typeof rateLimit === 'number' && Number.isFinite(rateLimit) && rateLimit > 0 ? rateLimit : 1000 };
  }

  async fetchOpenInterest(symbol: string): Promise<OpenInterestFigure> {
    const ex = await this.withMarkets();
    const raw: unknown = await this.rest(symbol, () => ex.fetchOpenInterest(symbol, this.pollParams('openInterest')));
    return unwrap(checkOpenInterest(raw, this.context(ex, symbol, false)), `${this.exchangeId} open interest ${symbol}`);
  }

  async fetchFundingRate(symbol: string): Promise<FundingFigure> {
    const ex = await this.withMarkets();
    const raw: unknown = await this.rest(symbol, () => ex.fetchFundingRate(symbol));
    return unwrap(checkFundingRate(raw, this.context(ex, symbol, false)), `${this.exchangeId} funding rate ${symbol}`);
  }

  subscribeConfirmed(kind: StreamKind, symbol: string, signal: AbortSignal): Promise<boolean> {
    const hash = subscribeHashOf(this.exchangeId, kind, symbol);
    return hash === undefined ? untilAborted(signal) : this.confirmations.next(hash, signal);
  }

  listedAsTrading(symbol: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return Promise.race([this.delistings.stillListed(symbol), untilAborted(signal)]);
  }

  async stopWatching(kind: StreamKind, symbol: string): Promise<void> {
    this.delistings.stopped(activeKey(kind, symbol));
    if (kind === 'trades') {
      this.tradeIds.delete(symbol);
      this.continuingTradeReads.delete(symbol);
    }
    if (kind === 'orderbook') this.books.forget(symbol);
    const tickerSymbols = kind === 'tickers' ? symbolsOf(symbol) : undefined;
    for (const s of tickerSymbols ?? []) this.deliveredTickers.delete(s);
    if (kind === 'tickers' && tickerSymbols === undefined) this.everyTickerSeed.reset();
    if (!this.active.delete(activeKey(kind, symbol)) || !this.exchangePromise) return;
    if (this.active.size === 0) this.stopFollowingListing();
    const ex = await this.exchangePromise;
    if (this.active.size === 0) {
      await ex.close();
      return;
    }
    try {
      switch (kind) {
        case 'trades':
          await ex.unWatchTrades(symbol, this.params('trades'));
          break;
        case 'orderbook':
          await ex.unWatchOrderBook(symbol, this.params('orderbook'));
          break;
        case 'ticker':
          if (tickerSymbolsToRelease(this.exchangeId, [symbol], this.heldTickerSymbols()).length > 0) await ex.unWatchTicker(symbol, this.params('ticker'));
          break;
        case 'tickers': {
          const release = tickerSymbols === undefined ? undefined : this.tickersToRelease(ex, tickerSymbols);
          if (release === undefined || release.length > 0) await ex.unWatchTickers(release === undefined ? undefined : [...release]);
          break;
        }
        case 'liquidations': {
          const ccxt = await loadCcxt();
          await unWatchLiquidations(ex, this.exchangeId, symbol, () => new ccxt.ExchangeClosedByUser(`${this.exchangeId} liquidations ${symbol} unwatched`));
          break;
        }
        default:
          assertNever(kind);
      }
    } catch (err) {
      this.log.debug(`unWatch ${kind} ${symbol}: ${errorMessage(err)}`);
    }
    const ccxt = await loadCcxt();
    await closeIdleSockets(ex, () => new ccxt.ExchangeClosedByUser(`${this.exchangeId} idle socket closed`));
  }

  sockets(): readonly SocketReport[] {
    return this.loaded ? socketReport(this.loaded) : [];
  }

  async close(): Promise<void> {
    this.active.clear();
    this.stopFollowingListing();
    this.flushMarketsSave?.();
    await this.cacheWork;
    this.tradeIds.clear();
    this.continuingTradeReads.clear();
    this.deliveredTickers.clear();
    this.everyTickerSeed.reset();
    if (this.exchangePromise) await (await this.exchangePromise).close();
  }

  /**
   * A stream runs: while any does, the markets in use are downloaded again once they are as old as the cache's refresh
   * age (an hour), so a market halted or delisted while it streams is found out (its socket only goes quiet) and a new
   * listing shows, in an editor left open for days.
   */
  private streaming(key: string): void {
    this.active.add(key);
    if (this.listingTimer) return;
    const everyMs = this.marketsCache?.refreshAfterMs ?? defaultMarketsCacheTiming.refreshAfterMs;
    this.listingTimer = setInterval(() => {
      const ex = this.loaded;
      if (!ex) return;
      const download = this.recheck.run(() => this.refreshMarkets(ex), everyMs);
      if (download) this.track(download);
    }, everyMs);
    this.listingTimer.unref?.();
  }

  /** Whether the markets are downloaded again while streams run (see streaming()): for tests and "Debug: Engine State". */
  get followsListing(): boolean {
    return this.listingTimer !== undefined;
  }

  /** The last stream stopped, or the client closed: nothing left whose market could stop trading unnoticed. */
  private stopFollowingListing(): void {
    clearInterval(this.listingTimer);
    this.listingTimer = undefined;
  }

  /** Of a leaving named 'tickers' stream's markets, those whose subscriptions may be ended (see sharedTickerTopics). */
  private tickersToRelease(ex: ProExchange, leaving: readonly string[]): readonly string[] {
    if (this.exchangeId !== 'coinbase') return tickerSymbolsToRelease(this.exchangeId, leaving, this.heldTickerSymbols());
    const named = activeKey('tickers', '');
    const othersWatch = [...this.active].flatMap((key) => (key.startsWith(named) ? (symbolsOf(key.slice(named.length)) ?? []) : []));
    return namedTickerBooksToRelease(leaving, othersWatch, (s) => this.feedSymbol(ex, s) ?? s);
  }

  /** The markets whose tickers the client's 'ticker' and named 'tickers' streams still watch. */
  private heldTickerSymbols(): Set<string> {
    const held = new Set<string>();
    for (const key of this.active) {
      const space = key.indexOf(' ');
      const kind = key.slice(0, space);
      if (kind === 'ticker') held.add(key.slice(space + 1));
      else if (kind === 'tickers') for (const s of symbolsOf(key.slice(space + 1)) ?? []) held.add(s);
    }
    return held;
  }

  private seenTrades(symbol: string): RecentIds {
    let ids = this.tradeIds.get(symbol);
    if (!ids) this.tradeIds.set(symbol, (ids = new RecentIds()));
    return ids;
  }

  private pollParams(kind: 'openInterest'): Record<string, unknown> {
    return { ...(POLL_PARAMS[this.exchangeId]?.[kind] ?? {}) };
  }

  private params(kind: ParamKind): Record<string, unknown> {
    return { ...(STREAM_PARAMS[this.exchangeId]?.[kind] ?? {}) };
  }

  /**
   * Every ccxt call that needs markets loads them itself through ccxt's own memo, which would replay a rejected
   * load forever: they are loaded here first, through loadMarkets() above, which can retry.
   */
  private async withMarkets(): Promise<ProExchange> {
    await this.loadMarkets();
    const ex = await this.exchange();
    // Neither promise is replaced once it has resolved (only a failed one is forgotten): this exchange stays the one.
    this.loaded = ex;
    return ex;
  }

  private exchange(): Promise<ProExchange> {
    this.exchangePromise ??= this.createExchange().catch((err: unknown) => {
      this.exchangePromise = undefined;
      throw err;
    });
    return this.exchangePromise;
  }

  private async createExchange(): Promise<ProExchange> {
    const ccxt = await loadCcxt();
    const { id, endpoint, sandbox, options } = this.settings;
    const ctor = (ccxt.pro as unknown as Record<string, new (config: Record<string, unknown>) => ProExchange>)[id];
    if (typeof ctor !== 'function') throw new TradeSuiteError(`ccxt has no streaming support for exchange "${id}"`);
    // ccxt's own per-URL dial backoff (1 s, 2 s, 4 s… even after a deliberate close()) is switched off: the
    // engine's watch loop already backs off, with jitter, and a stream restarted by a new consumer must dial at once.
    const config: Record<string, unknown> = {
      enableRateLimit: true,
      timeout: 15_000,
      streaming: { keepAlive: KEEP_ALIVE_MS, maxPingPongMisses: 2 },
      // The trade cache is emptied after each read (emptyTradeCache), so a larger one costs nothing in steady state
      // and an update has to carry more trades before it overflows (Bybit sends up to 1,024 in one message).
      options: { ws: { backoff: { base: 0 } }, tradesLimit: TRADE_CACHE_SIZE, ...(endpoint ? endpointOptions(id) : {}), ...options },
    };
    // ccxt deep-merges these into the exchange's own table.
    const exceptions = serverErrorExceptions(id, ccxt);
    if (exceptions) config.exceptions = exceptions;
    if (endpoint) {
      const urls = endpointUrls(id, endpoint);
      if (!urls) throw new TradeSuiteError(`no endpoint mapping for "${id}": set the URLs in its "options" instead`);
      config.urls = urls;
      // ccxt refuses plain ws:// URLs unless it is handed an agent.
      config.httpAgent = new http.Agent({ keepAlive: true });
      config.httpsAgent = new https.Agent({ keepAlive: true });
    }
    const ex = new ctor(config);
    this.tradeListings.set(ex, new RestTradeListing(ex, id));
    attachResponseFactsToErrors(ex, this.clock);
    noSnapshotRetryAfterRateLimit(ex);
    readSubscribeConfirmations(ex, id, this.confirmations);
    followServerClock(ex, (dateMs) => this.exchangeClock.answered(dateMs));
    handleUnawaitedWsSends(ex);
    setMarketsOnALaterTurn(ex);
    if (id === 'coinbase') {
      routeCoinbaseRefusals(ex, {
        refused: (symbols) => this.onSubscriptionRefused(ex, symbols),
        unlisted: (symbols) => this.unlistedAfterDownload(ex, symbols),
      });
      fixCoinbaseUnsubscribes(ex);
      keepCoinbaseChannelsOpen(ex);
      mendCoinbaseSequenceGaps(ex);
    }
    if (id === 'bybit') resyncBybitBooksOnGaps(ex);
    if (id === 'binance') {
      failBinanceTradeWatchesOnIdJumps(ex);
      reconnectOnBinanceServerShutdown(ex, (m) => this.log.info(m));
    }
    // Last of the handleMessage hooks, so a left socket's messages reach none of them.
    dropWhatLeftSocketsDeliver(ex);
    if (endpoint) mergeUrls(ex, config.urls as Record<string, unknown>);
    if (sandbox) ex.setSandboxMode(true);
    this.log.info(`created ${id} client${endpoint ? ` for ${endpoint}` : ''}${sandbox ? ' (sandbox)' : ''}`);
    return ex;
  }

  /**
   * From the markets cache when it holds trusted markets (handed to ccxt with setMarkets, so no ccxt call downloads
   * them), refreshed in the background when they are due; otherwise downloaded by ccxt and saved.
   */
  private async fetchMarkets(): Promise<readonly MarketInfo[]> {
    const ex = await this.exchange();
    const cached = this.marketsFailed ? undefined : await this.marketsCache?.load(this.exchangeId, marketsSource(this.settings));
    if (cached) {
      // The cache file's parse and ccxt's indexing are two long steps: the queued messages go between them.
      await afterEventLoopTurn();
      ex.setMarkets(cached.markets as never, cached.currencies as never);
      this.log.info(`${cached.markets.length} markets from the cache, saved ${Math.round((this.clock.now() - cached.savedAt) / 60_000)} min ago`);
      this.recheck.loaded(cached.savedAt);
      // Through the recheck: a doubt about a market while it runs waits for this download instead of starting another.
      const refresh = this.marketsCache?.dueForRefresh(cached.savedAt) ? this.recheck.run(() => this.refreshMarkets(ex)) : undefined;
      if (refresh) this.track(refresh);
      return (this.listing = this.marketInfos(ex));
    }
    await ex.loadMarkets(this.marketsFailed);
    const listing = this.marketInfos(ex);
    // Thrown, so loadMarkets() forgets this load and the next asks again (ccxt reloads: marketsFailed).
    if (listing.length === 0) throw new EmptyMarketsError(this.exchangeId, Object.keys(ex.markets ?? {}).length);
    this.marketsFailed = false;
    this.recheck.loaded(this.clock.now());
    this.track(this.saveMarketsSoon(ex));
    return (this.listing = listing);
  }

  /** A REST call for one market: refused at once when the market is known gone; a BadSymbol answer doubts its listing. */
  private async rest<T>(symbol: string, call: () => Promise<T>): Promise<T> {
    this.delistings.assertListed(symbol);
    try {
      return await call();
    } catch (err) {
      throw await this.delistings.failed(symbol, err);
    }
  }

  /**
   * Markets the exchange answered for as unknown, or a stream of theirs silent since it started: of `symbols`, those
   * the markets downloaded again no longer list as trading; undefined when the markets are too recent to doubt.
   */
  private unlistedOnDoubt(symbols: readonly string[]): Promise<readonly string[]> | undefined {
    const ex = this.loaded;
    if (!ex) return undefined;
    const download = this.recheck.run(() => this.refreshMarkets(ex));
    if (!download) {
      // Downloaded minutes ago (a background refresh): they answer as they are.
      const unlisted = symbols.filter((s) => !tradesOn(ex, s));
      return unlisted.length > 0 ? Promise.resolve(unlisted) : undefined;
    }
    this.log.warn(`${this.exchangeId} answered for ${symbols.join(', ')} as for no market (or sent nothing on its streams); the markets are downloaded again to see whether it is still listed`);
    this.track(download);
    return download.then(() => symbols.filter((s) => !tradesOn(ex, s)));
  }

  /** The exchange refused to stream markets it is listed with: markets cached or loaded long ago may predate a delisting. */
  private onSubscriptionRefused(ex: ProExchange, symbols: readonly string[]): void {
    const download = this.recheck.run(() => this.refreshMarkets(ex));
    this.log.warn(`${this.exchangeId} refused to stream ${symbols.join(', ')}${download ? '; the markets are downloaded again' : ''}`);
    if (download) this.track(download);
  }

  /**
   * A refusal that names no market: of `symbols` (the socket's), those the markets downloaded again no longer list as
   * trading; undefined when the markets are too recent to doubt (then it is not a delisting we can tell).
   */
  private unlistedAfterDownload(ex: ProExchange, symbols: readonly string[]): Promise<readonly string[]> | undefined {
    const download = this.recheck.run(() => this.refreshMarkets(ex));
    if (!download) return undefined;
    this.log.warn(`${this.exchangeId} refused a subscription without naming the market; the markets are downloaded again to find it`);
    this.track(download);
    return download.then(() => symbols.filter((s) => !tradesOn(ex, s)));
  }

  /**
   * Downloads the markets on a separate ccxt instance (a failed load would stay memoised in the one the streams
   * use), then hands them to the one in use and to the cache. A failure keeps the cached markets in use.
   */
  private async refreshMarkets(ex: ProExchange): Promise<void> {
    let fresh: ProExchange | undefined;
    try {
      fresh = await this.createExchange();
      await fresh.loadMarkets();
      // An answer listing no market would take every market in use away (their streams failed as delisted).
      if (!listsAMarket(fresh)) throw new EmptyMarketsError(this.exchangeId, Object.keys(fresh.markets ?? {}).length);
      await afterEventLoopTurn();
      const before = this.listing;
      ex.setMarkets(Object.values(fresh.markets ?? {}) as never, fresh.currencies as never);
      this.recheck.loaded(this.clock.now());
      const after = (this.listing = this.marketInfos(ex));
      this.marketsPromise = Promise.resolve(after);
      this.delistings.marketsDownloaded((symbol) => tradesOn(ex, symbol));
      const changed = !sameListing(before, after);
      this.log.info(`markets refreshed in the background: ${after.length}${changed ? ' (the listing changed)' : ''}`);
      this.refreshFailure = undefined;
      if (changed) this.marketsChanged.fire();
      await this.saveMarkets(ex);
    } catch (err) {
      this.refreshFailure = err;
      this.log.warn(`background refresh of the ${this.exchangeId} markets failed (the cached ones stay in use): ${errorMessage(err)}`);
    } finally {
      await fresh?.close();
    }
  }

  /** Saves the downloaded markets after the cache's save delay, or at once on close (see MarketsCacheOptions). */
  private saveMarketsSoon(ex: ProExchange): Promise<void> {
    const delay = this.marketsCache?.saveDelayMs ?? 0;
    return new Promise<void>((resolve) => {
      const save = () => {
        clearTimeout(timer);
        this.flushMarketsSave = undefined;
        resolve(this.saveMarkets(ex));
      };
      const timer = setTimeout(save, delay);
      timer.unref?.();
      this.flushMarketsSave = save;
    });
  }

  private async saveMarkets(ex: ProExchange): Promise<void> {
    if (!this.marketsCache) return;
    try {
      const markets = Object.values((ex.markets ?? {}) as Record<string, CcxtMarket>);
      await this.marketsCache.save(this.exchangeId, marketsSource(this.settings), markets, ex.currencies as Record<string, unknown> | undefined);
    } catch (err) {
      this.log.warn(`cannot save the ${this.exchangeId} markets to ${this.marketsCache.file(this.exchangeId)}: ${errorMessage(err)}`);
    }
  }

  private track(work: Promise<void>): void {
    const all = Promise.all([this.cacheWork, work]).then(() => undefined);
    this.cacheWork = all;
    void all.then(() => {
      if (this.cacheWork === all) this.cacheWork = undefined;
    });
  }

  private marketInfos(ex: ProExchange): readonly MarketInfo[] {
    const out: MarketInfo[] = [];
    let dropped = 0;
    for (const m of Object.values((ex.markets ?? {}) as Record<string, unknown>)) {
      const r = checkMarket(m, ex.precisionMode);
      if (r.ok) {
        const aliasOf = this.feedSymbol(ex, r.value.symbol);
        out.push(aliasOf === undefined || aliasOf === r.value.symbol ? r.value : { ...r.value, aliasOf });
      } else if (dropped++ === 0) this.log.warn(`dropped invalid market from ${this.exchangeId}: ${r.issue}`);
    }
    if (dropped > 1) this.log.warn(`dropped ${dropped} invalid markets from ${this.exchangeId} in all`);
    return out.sort((a, b) => a.symbol.localeCompare(b.symbol));
  }

  /** What the boundary checks a value of `symbol` against; history is not held to today's price. */
  private context(ex: ProExchange, symbol: string, live: boolean): MarketContext {
    const market = (ex.markets as Record<string, { precision?: unknown } | undefined> | undefined)?.[symbol];
    const now = this.clock.now();
    const ahead = this.exchangeClock.ahead();
    return {
      now,
      latest: ahead === undefined ? undefined : now + ahead + EXCHANGE_CLOCK_SLACK_MS,
      exchangeNow: ahead === undefined ? undefined : now + ahead,
      tickSize: tickSizeOf(market?.precision, ex.precisionMode),
      referencePrice: live ? this.references.get(symbol) : undefined,
    };
  }

  /** As `context`, with a trade's latest time held to the exchange's clock strictly while its measure is fresh. */
  private tradeContext(ex: ProExchange, symbol: string, live: boolean): MarketContext {
    const ctx = this.context(ex, symbol, live);
    return { ...ctx, latest: this.exchangeClock.latestTrade(ctx.now) };
  }

  /** `liveSymbol`: each rejected row counts against the market's reference price. */
  private keepValid<T>(rows: readonly unknown[], check: (row: unknown) => Checked<T>, what: string, liveSymbol?: string): T[] {
    const out: T[] = [];
    for (const row of rows) {
      const r = check(row);
      if (r.ok) out.push(r.value);
      else {
        this.log.warn(`dropped invalid data from ${this.exchangeId} ${what}: ${r.issue}`);
        if (liveSymbol !== undefined) this.references.rejected(liveSymbol);
      }
    }
    return out;
  }
}

/**
 * A trade stream's first answer with a trade made this shortly before the stream started shows its market trading
 * (a busy market's snapshot); one with only older trades has its listing checked before it makes the stream live.
 */
const SNAPSHOT_RECENT_MS = 10_000;

const activeKey = (kind: StreamKind, symbol: string) => `${kind} ${symbol}`;

/** Resolves false once `signal` aborts: a confirmation that cannot come. */
function untilAborted(signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(false), { once: true }));
}

function unwrap<T>(checked: Checked<T>, where: string): T {
  if (checked.ok) return checked.value;
  throw new InvalidDataError(where, checked.issue);
}

/** ccxt deep-merges constructor urls for most exchanges, but not all: make sure the override won. */
function mergeUrls(ex: ProExchange, urls: Record<string, unknown>): void {
  const target = ex as unknown as { urls: Record<string, unknown> };
  const api = { ...((target.urls.api ?? {}) as Record<string, unknown>), ...((urls.api ?? {}) as Record<string, unknown>) };
  target.urls = { ...target.urls, api };
}

/** A watched batch in time order: ccxt's Coinbase trade cache can hand two trades back swapped after a resubscribe. */
function inTimeOrder<T extends { readonly timestamp: number }>(trades: T[]): T[] {
  let previous = -Infinity;
  for (const t of trades) {
    if (t.timestamp < previous) return trades.sort((a, b) => a.timestamp - b.timestamp);
    previous = t.timestamp;
  }
  return trades;
}

/**
 * Empties ccxt's trade cache of a market once its update is read (the rows are a copy). ccxt keeps the newest
 * `tradesLimit` trades and, once full, shifts all of them down for every trade it appends and copies all of them into
 * every read: work per trade that grows with the cache, for trades this client has already taken. Emptied, the cache
 * holds only what came since the last read. Safe here: this runs in the same microtask chain as ccxt's read, so no
 * socket message can come in between, and each market's trade stream has one reader (the hub's). The client's own
 * ids (`seenTrades`) replace the by-id merging some caches do (Coinbase's), across reads.
 */
function emptyTradeCache(ex: ProExchange, symbol: string): void {
  const cache = (ex as unknown as { trades?: Record<string, unknown> }).trades?.[symbol];
  if (Array.isArray(cache) && typeof (cache as { clear?: unknown }).clear === 'function') (cache as unknown as { clear(): void }).clear();
}

/** How many trades ccxt keeps per market between two reads of a trade stream (its `tradesLimit` option). */
function tradeCacheSize(ex: ProExchange): number {
  const limit = (ex as unknown as { options?: Record<string, unknown> }).options?.['tradesLimit'];
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : 1000;
}

/** Whether ccxt's markets hold one market the boundary takes (checked as marketInfos does, up to the first). */
function listsAMarket(ex: ProExchange): boolean {
  for (const m of Object.values((ex.markets ?? {}) as Record<string, unknown>)) if (checkMarket(m, ex.precisionMode).ok) return true;
  return false;
}

/** Whether the exchange's markets list `symbol` as trading (ccxt's `active` is undefined when it cannot tell). */
function tradesOn(ex: ProExchange, symbol: string): boolean {
  const market = (ex.markets as Record<string, { active?: unknown } | undefined> | undefined)?.[symbol];
  return market !== undefined && market.active !== false;
}

/** Whether a watch's first answer holds a trade made at `recentFrom` or later (see Delistings.watch's `showsTrading`). */
function madeSince(recentFrom: number): (rows: unknown) => boolean {
  return (rows) => Array.isArray(rows) && rows.some((r: unknown) => typeof r === 'object' && r !== null && Number((r as { timestamp?: unknown }).timestamp) >= recentFrom);
}

/** The newest `timestamp` among ccxt's trade rows (anything not a number counts for nothing: the check names it). */
function newestTimestamp(rows: readonly unknown[]): number {
  let newest = -Infinity;
  for (const r of rows) {
    const t = typeof r === 'object' && r !== null ? (r as { timestamp?: unknown }).timestamp : undefined;
    if (typeof t === 'number' && t > newest) newest = t;
  }
  return newest;
}
