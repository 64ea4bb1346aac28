/**
 * ExchangeEmulator: a local exchange (Binance spot, Coinbase Advanced Trade or Bybit v5 linear perpetuals: REST +
 * market streams) over a deterministic, seeded market, with scripting, fault injection and observability for
 * tests. The market, trade logs and fault knobs are shared; each exchange's wire protocol is an ExchangeProtocol.
 * It never imports ccxt.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { endpointOptions, endpointUrls } from '../core/exchange/endpointOverrides';
import { handleControl, CONTROL_PREFIX, type ControlTarget } from './controlApi';
import { unitsToNumber } from './decimal';
import { Faults } from './faults';
import { DEFAULT_HISTORY_TRADES_PER_MINUTE, DEFAULT_TRADES_PER_SECOND } from './historyVolume';
import { HttpFront, readBody, sendJson } from './httpServer';
import { MarketSet } from './marketSet';
import type { DerivativesApi, DerivativesSnapshot, ExchangeProtocol } from './protocol';
import type { LivenessRules } from './wsLiveness';
import { createProtocol } from './protocols';
import { TICKER_BATCH_MS } from './coinbase/tickerBatch';
import type { RestResult } from './restResult';
import type { Json } from './json';
import { pathToTrades } from './script';
import { SymbolMarket } from './symbolMarket';
import { checkReplayOptions, planReplay, Replay } from './replay/replay';
import { DEFAULT_SYMBOLS_BY_EXCHANGE, isTrading, symbolSpec, type SymbolSpec } from './symbols';
import { isMarketsSize, realSizeUniverse } from './universe';
import {
  isExchangeId,
  isMalformedKind,
  MALFORMED_KINDS,
  type CoinbaseAliasSubscriptions,
  type CoinbaseRefusal,
  type EmulatorLiquidation,
  type EmulatorOptions,
  type EmulatorStats,
  type EmulatorTicker,
  type EmulatorTrade,
  type ExchangeId,
  type LiquidationInput,
  type MalformedKind,
  type PlayPathOptions,
  type RestFault,
  type RestLogEntry,
  type TradeInput,
  type WeightLimit,
} from './types';

/** The `urls` option that points ccxt's exchange class at the emulator, per exchange (src/core/exchange/endpointOverrides.ts). */
export interface CcxtUrlsByExchange {
  binance: { api: { public: string; ws: { spot: string } } };
  coinbase: { api: { rest: string; ws: string } };
  bybit: {
    api: {
      spot: string;
      futures: string;
      v2: string;
      public: string;
      private: string;
      ws: { public: { spot: string; linear: string; inverse: string; option: string }; private: Record<string, unknown> };
    };
  };
}

/** Binance's urls (kept for existing callers). */
export type CcxtUrls = CcxtUrlsByExchange['binance'];

export interface BookLevelsSnapshot {
  readonly lastUpdateId: number;
  readonly bids: [price: number, amount: number][];
  readonly asks: [price: number, amount: number][];
}

interface Resolved {
  readonly host: string;
  readonly seed: number;
  readonly tradesPerSecond: number;
  readonly depthIntervalMs: number;
  readonly tickerIntervalMs: number;
  readonly tickerBatchMs: number;
  readonly coinbaseRefusal: CoinbaseRefusal;
  readonly coinbaseAliasSubscriptions: CoinbaseAliasSubscriptions;
  readonly coinbaseIdleChannelsMs: number;
  readonly connectionRules: LivenessRules;
  readonly now: () => number;
}

/** Coinbase closes a connection's channels after 60-90 s without a message: its lower bound. */
const COINBASE_IDLE_CHANNELS_MS = 60_000;

/** Each exchange's documented hold on a WebSocket connection (see EmulatorOptions.connectionLifetimeMs and after). */
const CONNECTION_DEFAULTS: Readonly<Record<ExchangeId, { lifetimeMs: number; pingIntervalMs: number; idleMs: number; maxIncomingPerSecond: number }>> = {
  binance: { lifetimeMs: 24 * 3_600_000, pingIntervalMs: 20_000, idleMs: 0, maxIncomingPerSecond: 5 },
  coinbase: { lifetimeMs: 0, pingIntervalMs: 0, idleMs: 0, maxIncomingPerSecond: 0 },
  bybit: { lifetimeMs: 0, pingIntervalMs: 0, idleMs: 600_000, maxIncomingPerSecond: 0 },
};
const PONG_TIMEOUT_MS = 60_000;
/** Bybit looks for idle connections every 30 s; a shorter idle limit (a test's) is looked for four times per limit. */
const idleScanMs = (idleMs: number): number => Math.min(30_000, Math.max(10, idleMs / 4));

/** Most trades one generation tick may emit per symbol (after a long event-loop stall). */
const MAX_CATCH_UP = 1000;

/** Each exchange's own ticker push period. */
const TICKER_INTERVAL_MS: Readonly<Record<ExchangeId, number>> = { binance: 1000, coinbase: 250, bybit: 100 };
const MAX_REST_LOG = 10_000;
/** How long after a `serverShutdown` notice the told connections are closed, unless a test says otherwise. */
const DEFAULT_SHUTDOWN_CLOSE_MS = 10_000;

/**
 * Events: 'stats' (sockets/subscriptions/REST counts changed), 'trade' (any appended trade), 'book' (a symbol's book
 * stepped and its update was published: `orderBook(symbol)` is the book from now on), 'listening', 'stopped'.
 */
export interface EmulatorEvents {
  stats: [stats: EmulatorStats];
  trade: [symbol: string, trade: EmulatorTrade];
  book: [symbol: string, lastUpdateId: number];
  listening: [port: number];
  stopped: [];
}

type Listener<K extends keyof EmulatorEvents> = (...args: EmulatorEvents[K]) => void;

export declare interface ExchangeEmulator<E extends ExchangeId = 'binance'> {
  on<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  once<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  off<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
}

export class ExchangeEmulator<E extends ExchangeId = 'binance'> extends EventEmitter implements ControlTarget {
  private readonly markets: MarketSet;
  private readonly faults = new Faults();
  private readonly protocol: ExchangeProtocol;
  private readonly http: HttpFront;
  private readonly restCounts: Record<string, number> = {};
  /** Changes to the body of a coming successful REST answer, by path (see alterNextRest). */
  private readonly restAlters: { readonly path: string; readonly alter: (body: Json) => Json }[] = [];
  private restLogEntries: RestLogEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly playResolvers = new Set<() => void>();
  /** REST requests waiting for holdRest()'s release, in arrival order; undefined while REST answers. */
  private heldRest: Array<() => void> | undefined;
  /** While REST is held: only requests to this path are (undefined: every request). */
  private heldRestPath: string | undefined;
  private readonly waiters = new Set<(error: Error) => void>();
  private tradeTimer: NodeJS.Timeout | undefined;
  private replayValue: Replay | undefined;
  private tradesPerSecondValue: number;
  private portValue = 0;
  private closed = false;

  private constructor(
    private readonly opts: Resolved,
    readonly exchange: E,
    specs: readonly SymbolSpec[],
    history: { minutes: number; perMinute: number; volumeScale: number; bookLevels: number; maxTrades: number; liquidationsPerTrade: number; realSize: boolean },
  ) {
    super();
    const started = opts.now();
    this.markets = new MarketSet(
      (spec) =>
        new SymbolMarket(spec, {
          seed: opts.seed,
          // A halted or delisted market stopped trading before the emulator started, and its book is empty.
          startTime: isTrading(spec) ? opts.now() : started,
          historyMinutes: history.minutes,
          historyTradesPerMinute: history.perMinute,
          historyVolumeScale: history.volumeScale,
          bookLevels: isTrading(spec) ? history.bookLevels : 0,
          maxTrades: history.maxTrades,
        }),
    );
    for (const spec of specs) this.markets.add(spec, true);
    if (history.realSize) for (const spec of realSizeUniverse(exchange, opts.seed, new Set(specs.map((s) => s.symbol)))) this.markets.add(spec, false);
    this.tradesPerSecondValue = opts.tradesPerSecond;
    this.protocol = createProtocol(
      exchange,
      { markets: this.markets, seed: opts.seed, now: opts.now, delayMs: () => this.faults.delayMs, candleLagMs: () => this.faults.candleLagMs, weightLimit: () => this.faults.weightLimit, takeStaleTradesMs: () => this.faults.takeStaleTradesMs(), changed: () => this.emitStats(), connectionRules: opts.connectionRules },
      { tickerIntervalMs: opts.tickerIntervalMs, tickerBatchMs: opts.tickerBatchMs, coinbaseRefusal: opts.coinbaseRefusal, coinbaseAliasSubscriptions: opts.coinbaseAliasSubscriptions, coinbaseIdleChannelsMs: opts.coinbaseIdleChannelsMs, liquidationsPerTrade: history.liquidationsPerTrade },
    );
    this.http = new HttpFront({
      onRequest: (req, res) => this.onRequest(req, res),
      onUpgrade: (req, socket, head) => this.onUpgrade(req, socket, head),
    });
  }

  /** Builds the market (with its history) and listens; resolves once the port is bound. */
  static async start<X extends ExchangeId = 'binance'>(options: EmulatorOptions & { exchange?: X } = {}): Promise<ExchangeEmulator<X>> {
    const num = (value: number | undefined, fallback: number, name: string, min = 0): number => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`EmulatorOptions.${name} must be a number >= ${min}, got ${String(value)}`);
      return v;
    };
    const exchange = (options.exchange ?? 'binance') as X;
    if (!isExchangeId(exchange)) throw new Error(`EmulatorOptions.exchange must be one of binance, coinbase, bybit, got ${String(options.exchange)}`);
    const symbols = options.symbols ?? [...DEFAULT_SYMBOLS_BY_EXCHANGE[exchange]];
    if (!Array.isArray(symbols) || symbols.length === 0) throw new Error('EmulatorOptions.symbols must be a non-empty array');
    if (options.replay !== undefined) checkReplayOptions(options);
    const plan = options.replay === undefined ? undefined : await planReplay(options.replay);
    if (options.markets !== undefined && !isMarketsSize(options.markets)) throw new Error(`EmulatorOptions.markets must be 'small' or 'real-size', got ${String(options.markets)}`);
    const liquidationsPerTrade = num(options.liquidationsPerTrade, 0.02, 'liquidationsPerTrade');
    if (options.coinbaseRefusal !== undefined && options.coinbaseRefusal !== 'names-products' && options.coinbaseRefusal !== 'generic') throw new Error(`EmulatorOptions.coinbaseRefusal must be 'names-products' or 'generic', got ${String(options.coinbaseRefusal)}`);
    if (options.coinbaseAliasSubscriptions !== undefined && options.coinbaseAliasSubscriptions !== 'own' && options.coinbaseAliasSubscriptions !== 'shared') throw new Error(`EmulatorOptions.coinbaseAliasSubscriptions must be 'own' or 'shared', got ${String(options.coinbaseAliasSubscriptions)}`);
    if (liquidationsPerTrade > 1) throw new Error(`EmulatorOptions.liquidationsPerTrade must be at most 1, got ${liquidationsPerTrade}`);
    const emulator = new ExchangeEmulator<X>(
      {
        host: options.host ?? '127.0.0.1',
        seed: Math.floor(num(options.seed, 1, 'seed', -Infinity)),
        tradesPerSecond: plan ? 0 : num(options.tradesPerSecond, DEFAULT_TRADES_PER_SECOND, 'tradesPerSecond'),
        depthIntervalMs: num(options.depthIntervalMs, 100, 'depthIntervalMs'),
        tickerIntervalMs: num(options.tickerIntervalMs, TICKER_INTERVAL_MS[exchange], 'tickerIntervalMs', 10),
        tickerBatchMs: num(options.tickerBatchMs, TICKER_BATCH_MS, 'tickerBatchMs', 10),
        coinbaseRefusal: options.coinbaseRefusal ?? 'names-products',
        coinbaseAliasSubscriptions: options.coinbaseAliasSubscriptions ?? 'own',
        coinbaseIdleChannelsMs: num(options.coinbaseIdleChannelsMs, COINBASE_IDLE_CHANNELS_MS, 'coinbaseIdleChannelsMs'),
        connectionRules: connectionRules(exchange, options, num),
        now: plan ? () => plan.clock.now() : (options.now ?? Date.now),
      },
      exchange,
      plan ? [plan.recording.spec] : symbols.map((symbol) => symbolSpec(symbol, exchange)),
      {
        minutes: plan ? 0 : num(options.historyMinutes, 360, 'historyMinutes'),
        perMinute: num(options.historyTradesPerMinute, DEFAULT_HISTORY_TRADES_PER_MINUTE, 'historyTradesPerMinute'),
        volumeScale: num(options.historyVolumeScale, 1, 'historyVolumeScale', 1),
        bookLevels: Math.floor(num(options.bookLevels, 200, 'bookLevels', 1)),
        maxTrades: Math.max(plan?.recording.trades.length ?? 0, Math.floor(num(options.maxTradesPerSymbol, 500_000, 'maxTradesPerSymbol', 1000))),
        liquidationsPerTrade,
        realSize: options.markets === 'real-size',
      },
    );
    if (plan !== undefined) {
      const market = emulator.market(plan.recording.symbol);
      const publish = (from: number, to: number): void => {
        for (let i = from; i < to; i++) emulator.publishTrade(market, i, 'generated');
      };
      emulator.replayValue = new Replay(plan, market, (from, to) => emulator.protocol.hub.batch(() => publish(from, to)));
    }
    emulator.portValue = await emulator.http.listen(emulator.opts.host, Math.floor(num(options.port, 0, 'port')));
    emulator.startTimers();
    return emulator;
  }

  // ---------------------------------------------------------------- addresses

  get port(): number {
    return this.portValue;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://${this.publicHost()}:${this.portValue}`;
  }

  /** The `urls` option that points ccxt's exchange class at this emulator (the settings' `endpoint` mapping). */
  ccxtUrls(): CcxtUrlsByExchange[E] {
    return endpointUrls(this.exchange, this.url) as unknown as CcxtUrlsByExchange[E];
  }

  /** `urls` plus the options that keep ccxt to the markets this emulator serves (besides an httpAgent, ccxt needs no more). */
  ccxtConfig(): { urls: CcxtUrlsByExchange[E]; options: Record<string, unknown> } {
    return { urls: this.ccxtUrls(), options: endpointOptions(this.exchange) };
  }

  /** Unified symbols served, in configuration order (with `markets: 'real-size'`, the generated ones follow). */
  get symbols(): string[] {
    return this.markets.symbols();
  }

  /** The markets whose simulation runs (configured ones, and listed ones used since); idle listed markets cost only their spec. */
  liveSymbols(): string[] {
    return [...this.markets.live()].map((m) => m.spec.symbol);
  }

  /** A listed market's id on this exchange's wire ('BTCUSDT', 'BTC-USD'). */
  marketId(symbol: string): string {
    const spec = this.markets.spec(symbol);
    if (spec === undefined) throw new Error(`unknown emulator symbol '${symbol}'`);
    return spec.id;
  }

  /** Base units one unit of the market's amounts is (its log, book and klines): a future's contract size, else 1. */
  contractSize(symbol: string): number {
    const spec = this.markets.spec(symbol);
    if (spec === undefined) throw new Error(`unknown emulator symbol '${symbol}'`);
    return spec.contract?.size ?? 1;
  }

  /**
   * Halts or delists a listed market now, or lists it as trading again, as an exchange does while clients run: its
   * markets answer (exchangeInfo, products, instruments) say so from the next request, and it stops trading.
   */
  setMarketStatus(symbol: string, status: 'trading' | 'halted' | 'delisted'): void {
    this.markets.setStatus(symbol, status);
    this.emitStats();
  }

  /** A listed market's status: 'trading', 'halted' or 'delisted'. */
  marketStatus(symbol: string): 'trading' | 'halted' | 'delisted' {
    const spec = this.markets.spec(symbol);
    if (spec === undefined) throw new Error(`unknown emulator symbol '${symbol}'`);
    return spec.status ?? 'trading';
  }

  get seed(): number {
    return this.opts.seed;
  }

  get isListening(): boolean {
    return this.http.listening;
  }

  /** The replay of a recording (EmulatorOptions.replay): its clock, controls and ground truth; undefined otherwise. */
  get replay(): Replay | undefined {
    return this.replayValue;
  }

  // ---------------------------------------------------------------- market data

  /** A copy of the ground-truth trade log of a symbol (unified, or the exchange's id), oldest first; `since` filters by timestamp. */
  trades(symbol: string, since?: number): readonly EmulatorTrade[] {
    return this.market(symbol).tradesSince(since);
  }

  /** The ticker events sent for a symbol (timestamp = event time, best bid, best ask, and more where sent), oldest first. */
  tickers(symbol: string, since?: number): readonly EmulatorTicker[] {
    return this.market(symbol).tickersSince(since);
  }

  /**
   * Sets the spread: from the next book step on, `levels` grid levels on each side of the last price stay empty,
   * so ask − bid widens by 2 × levels × the level spacing (0 restores the tightest book).
   */
  setSpread(symbol: string, levels: number): void {
    this.assertOpen();
    if (!Number.isInteger(levels) || levels < 0 || levels > 1000) throw new Error(`setSpread: levels must be an integer from 0 to 1000, got ${String(levels)}`);
    this.market(symbol).book.setGap(levels);
  }

  /**
   * Makes the book's level spacing irregular: from the next book step on, each of the top levels behind the best
   * one is missing with probability `chance`, drawn afresh every step (0 restores the regular grid).
   */
  setBookHoles(symbol: string, chance: number): void {
    this.assertOpen();
    if (!(chance >= 0 && chance <= 1)) throw new Error(`setBookHoles: chance must be a number from 0 to 1, got ${String(chance)}`);
    this.market(symbol).book.setHoles(chance);
  }

  /** The current order book (best first; prices and amounts as numbers) and the update id it is consistent with. */
  orderBook(symbol: string, limit = 1000): BookLevelsSnapshot {
    const m = this.market(symbol);
    const snap = m.book.snapshot(limit);
    const { pricePrecision: pp, amountPrecision: ap } = m.spec;
    const levels = (side: typeof snap.bids): [number, number][] => side.map(([p, q]) => [unitsToNumber(p, pp), unitsToNumber(q, ap)]);
    return { lastUpdateId: snap.lastUpdateId, bids: levels(snap.bids), asks: levels(snap.asks) };
  }

  /** The id a logged trade carries on this exchange's wire (REST and WebSocket). */
  wireTradeId(symbol: string, trade: EmulatorTrade): string {
    return this.protocol.wireTradeId(this.market(symbol), trade);
  }

  /** Derivatives exchanges: the liquidations that happened on a symbol (generated and injected), oldest first. */
  liquidations(symbol: string, since?: number): readonly EmulatorLiquidation[] {
    return this.derivativesApi().liquidations(this.market(symbol), since);
  }

  /** Derivatives exchanges: appends liquidations (all or nothing); they go out with the next liquidation push. */
  injectLiquidations(symbol: string, liquidations: readonly LiquidationInput[]): EmulatorLiquidation[] {
    this.assertOpen();
    if (!Array.isArray(liquidations)) throw new Error('injectLiquidations: liquidations must be an array');
    return this.derivativesApi().injectLiquidations(this.market(symbol), liquidations);
  }

  /** Derivatives exchanges: mark and index price, funding rate, next funding time and open interest now. */
  derivatives(symbol: string): DerivativesSnapshot {
    return this.derivativesApi().snapshot(this.market(symbol), this.opts.now());
  }

  /** Derivatives exchanges: the open interest recorded at `at` (what an open-interest history row for `at` says). */
  openInterestAt(symbol: string, at: number): number {
    return this.derivativesApi().openInterestAt(this.market(symbol), at);
  }

  /** Appends scripted trades (all or nothing) and pushes them to subscribers immediately. */
  injectTrades(symbol: string, trades: readonly TradeInput[]): EmulatorTrade[] {
    this.assertOpen();
    this.assertGenerated('injectTrades');
    if (!Array.isArray(trades)) throw new Error('injectTrades: trades must be an array');
    const market = this.market(symbol);
    if (!isTrading(market.spec)) throw new Error(`injectTrades: ${market.spec.symbol} is ${market.spec.status}: it does not trade`);
    const indexes = market.inject(trades, this.opts.now());
    return indexes.map((i) => this.publishTrade(market, i, 'injected'));
  }

  /**
   * Plays `prices` as trades, one every `intervalMs` (side: buy when the price does not fall). Resolves with the
   * logged trades once played (or with those played so far if the emulator is closed meanwhile).
   */
  playPath(symbol: string, prices: readonly number[], options: PlayPathOptions = {}): Promise<EmulatorTrade[]> {
    let inputs: TradeInput[];
    const intervalMs = options.intervalMs ?? 100;
    try {
      this.assertOpen();
      this.assertGenerated('playPath');
      const market = this.market(symbol);
      if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new Error('playPath: intervalMs must be >= 0');
      inputs = pathToTrades(prices, market.log.last()?.price, market.spec.typicalAmount, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (intervalMs === 0) {
      try {
        return Promise.resolve(this.injectTrades(symbol, inputs));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise((resolve, reject) => {
      const played: EmulatorTrade[] = [];
      const finish = (): void => {
        this.playResolvers.delete(finish);
        resolve(played);
      };
      this.playResolvers.add(finish);
      const step = (i: number): void => {
        if (this.closed) return finish();
        try {
          played.push(...this.injectTrades(symbol, [inputs[i] as TradeInput]));
        } catch (error) {
          this.playResolvers.delete(finish);
          reject(error);
          return;
        }
        if (i + 1 >= inputs.length) return finish();
        this.later(intervalMs, () => step(i + 1));
      };
      step(0);
    });
  }

  /** Changes the generated trade rate per symbol (0 stops generation). */
  setTradesPerSecond(rate: number): void {
    this.assertGenerated('setTradesPerSecond');
    if (!Number.isFinite(rate) || rate < 0) throw new Error(`tradesPerSecond must be >= 0, got ${rate}`);
    this.tradesPerSecondValue = rate;
    if (!this.closed) this.startTradeTimer();
  }

  get tradesPerSecond(): number {
    return this.tradesPerSecondValue;
  }

  // ---------------------------------------------------------------- faults

  /**
   * Abruptly terminates every WebSocket connection, or with `symbol` only those subscribed to a topic of that market
   * (a connection that also carries other markets drops them too, as on the real exchange); returns how many.
   */
  dropConnections(symbol?: string): number {
    return this.protocol.hub.terminateWhere(this.carrying(symbol));
  }

  /**
   * The network under every WebSocket connection (or, with `symbol`, those carrying that market) goes away silently:
   * they stay open, nothing more is sent on them, and nothing the client sends (pings, a close) is read or answered,
   * as after a lost Wi-Fi or a laptop's sleep. New connections are served as usual. Returns how many.
   */
  silenceConnections(symbol?: string): number {
    return this.protocol.hub.silenceWhere(this.carrying(symbol));
  }

  /**
   * What the client sends on every WebSocket connection (or those carrying `symbol`) is left unread until `release`,
   * while the server goes on sending: the time our close or unsubscribe takes to reach a real exchange, during which
   * it still sends. Returns how many connections, and the release.
   */
  holdClientFrames(symbol?: string): { readonly held: number; release(): void } {
    return this.protocol.hub.holdClientFramesWhere(this.carrying(symbol));
  }

  /** Whether a connection's topics carry `symbol` (every connection when undefined). */
  private carrying(symbol: string | undefined): (topics: ReadonlySet<string>) => boolean {
    if (symbol === undefined) return () => true;
    const id = this.marketId(symbol);
    return (topics) => [...topics].some((topic) => this.protocol.topicMarketId(topic) === id);
  }

  /**
   * Holds every REST request (not the control API) until the returned release is called, then answers them in
   * arrival order from the state at that moment: an exchange that answers only when a test has looked, however long
   * the machine took (a fixed delay is a guess about load). Closing the emulator answers them too. With `path`
   * (e.g. `/api/v3/exchangeInfo`) only requests to that path are held, the others answered as usual.
   */
  holdRest(path?: string): () => void {
    const held = (this.heldRest ??= []);
    this.heldRestPath = path;
    return () => {
      if (this.heldRest !== held) return;
      this.heldRest = undefined;
      this.heldRestPath = undefined;
      for (const answer of held.splice(0)) answer();
    };
  }

  /**
   * Every WebSocket connection, open or to come, is closed `ms` after it opened (0 = never): the exchange's "24 hour
   * mark" reached in a test's seconds. Those already older close now. Binance's default is 24 h, the others' 0.
   */
  setConnectionLifetime(ms: number): void {
    this.protocol.hub.setConnectionLifetime(ms);
  }

  get connectionLifetimeMs(): number {
    return this.protocol.hub.connectionLifetimeMs;
  }

  /**
   * Binance: every open market-data connection is sent `serverShutdown` ("the server is about to shutdown, resulting in
   * disconnection"), and those still open `closeAfterMs` later are closed (1001). Connections made after it are not
   * told. Returns how many were told; other exchanges document no such notice (an error).
   */
  announceServerShutdown(closeAfterMs = DEFAULT_SHUTDOWN_CLOSE_MS): number {
    if (!Number.isFinite(closeAfterMs) || closeAfterMs < 0) throw new Error(`closeAfterMs must be a number of ms >= 0, got ${String(closeAfterMs)}`);
    if (this.protocol.announceShutdown === undefined) throw new Error(`announceServerShutdown: ${this.exchange} documents no server shutdown notice (Binance's serverShutdown)`);
    const { told, close } = this.protocol.announceShutdown();
    this.later(closeAfterMs, close);
    return told;
  }

  /** Delays every REST response and WS frame by `ms` (0 restores). */
  setDelay(ms: number): void {
    this.faults.setDelay(ms);
  }

  /**
   * Coinbase: its candles lag behind its trades by `ms` (0 restores). A candles response is built from the trades up
   * to now − `ms`: a minute whose trades are all newer is left out (as a minute without trades is), and the newest
   * candle it does return may lack its latest trades, as Coinbase's own candles may ("historical rate data may be
   * incomplete").
   */
  setCandleLag(ms: number): void {
    if (this.exchange !== 'coinbase') throw new Error(`setCandleLag: only the coinbase protocol models a candle lag, not ${this.exchange}`);
    this.faults.setCandleLag(ms);
  }

  /**
   * Coinbase: its next market trades answer (REST) lists the trades up to now − `ms` only, as a replica behind the
   * matching engine would; the answers after it are current. Coinbase documents no such lag; it stands for any REST
   * answer made before trades the stream already sent.
   */
  staleNextTrades(ms: number): void {
    if (this.exchange !== 'coinbase') throw new Error(`staleNextTrades: only the coinbase protocol models a stale trades answer, not ${this.exchange}`);
    this.faults.setStaleTrades(ms);
  }

  /**
   * The next `count` REST requests (matching `path`) fail as this exchange fails: `status` 429 is its rate-limit
   * answer, 418 its ban, 500 / 503 its server errors (statuses, bodies and headers per exchange: see the README).
   */
  failRest(fault: RestFault): void {
    this.faults.addRestFault(fault, fault.symbol === undefined ? undefined : this.marketId(fault.symbol));
  }

  /**
   * The next successful REST answer whose path ends with `path` has its JSON body replaced by `alter(body)`: a row of
   * the wrong type, a NaN price, an answer cut short, as a real exchange (or a proxy before it) may send. For tests
   * (not on the control API); cleared by clearFaults.
   */
  alterNextRest(path: string, alter: (body: Json) => Json): void {
    this.restAlters.push({ path, alter });
  }

  /**
   * Binance: the request-weight limit per IP is `limit` per `windowMs` (default a minute) instead of spot's 6000 a
   * minute; past it a request is refused with 429 and Retry-After, and an IP that keeps sending is banned with 418
   * (see the README). A short window keeps a test's Retry-After short. Cleared by clearFaults.
   */
  setWeightLimit(weight: WeightLimit): void {
    if (this.exchange !== 'binance') throw new Error(`setWeightLimit: only the binance protocol models a request-weight limit, not ${this.exchange}`);
    this.faults.setWeightLimit(weight);
  }

  /** Removes the delay, the weight limit, every IP's used weight and ban, and pending REST faults. */
  clearFaults(): void {
    this.restAlters.length = 0;
    this.faults.clear();
    this.protocol.resetRateLimits?.();
  }

  /**
   * Pushes a broken frame to the subscribers of `stream` (a stream, channel or topic name of this exchange; default:
   * every subscribed one, or with `symbol` every subscribed one of that market): see MalformedKind. Returns the
   * number of frames sent.
   */
  sendMalformed(kind: MalformedKind, stream?: string, symbol?: string): number {
    if (!isMalformedKind(kind)) throw new Error(`malformed kind must be one of ${MALFORMED_KINDS.join(', ')}, got ${String(kind)}`);
    if (stream !== undefined && !this.protocol.isTopic(stream)) throw new Error(`unknown stream '${stream}'`);
    if (symbol === undefined) return this.protocol.sendMalformed(kind, stream);
    const id = this.marketId(symbol);
    if (stream !== undefined && this.protocol.topicMarketId(stream) !== id) throw new Error(`stream '${stream}' does not carry ${symbol}`);
    const topics = stream !== undefined ? [stream] : this.protocol.hub.activeTopics().filter((topic) => this.protocol.topicMarketId(topic) === id);
    return topics.reduce((sent, topic) => sent + this.protocol.sendMalformed(kind, topic), 0);
  }

  /** Closes the HTTP and WS server and every socket (emits 'stopped'); the market keeps running. */
  async stop(): Promise<void> {
    const wasListening = this.http.listening;
    this.protocol.hub.terminateAll();
    await this.http.stop();
    await this.untilNoSockets();
    if (wasListening) this.emit('stopped');
  }

  /** Listens again on the same port with the same market state (stops first if still listening; emits 'listening'). */
  async restart(): Promise<void> {
    this.assertOpen();
    await this.stop();
    this.assertOpen();
    await this.http.listen(this.opts.host, this.portValue);
    this.protocol.restarted?.();
    this.emit('listening', this.portValue);
  }

  /** stop(), then listen again after `afterMs` (used by the HTTP control API, which must answer first). */
  restartAfter(afterMs: number): void {
    this.assertOpen();
    void this.stop().then(() => {
      if (this.closed) return;
      this.later(afterMs, () => {
        if (this.closed || this.http.listening) return;
        this.http.listen(this.opts.host, this.portValue).then(
          () => {
            this.protocol.restarted?.();
            this.emit('listening', this.portValue);
          },
          (error: unknown) => console.error(`[emulator] could not listen again on port ${this.portValue}:`, error),
        );
      });
    });
  }

  // ---------------------------------------------------------------- observability

  /**
   * The REST requests received (newest 10,000), oldest first: wall-clock arrival time, path and the status answered,
   * so a test can check that no request came before an answer's Retry-After had passed.
   */
  restLog(since?: number): RestLogEntry[] {
    return since === undefined ? [...this.restLogEntries] : this.restLogEntries.filter((e) => e.at >= since);
  }

  stats(): EmulatorStats {
    const hub = this.protocol.hub;
    return {
      openSockets: hub.openSockets,
      silentSockets: hub.silentSockets,
      subscriptions: hub.subscriptionCounts(),
      restRequests: { ...this.restCounts },
      wsConnectionsTotal: hub.connectionsTotal,
      restHeld: this.heldRest?.length ?? 0,
    };
  }

  /** Resolves with the stats as soon as `predicate` holds (checked now and on every 'stats' event). */
  waitForStats(predicate: (stats: EmulatorStats) => boolean, timeoutMs = 5000): Promise<EmulatorStats> {
    const current = this.stats();
    if (predicate(current)) return Promise.resolve(current);
    if (this.closed) return Promise.reject(new Error('waitForStats: the emulator is closed'));
    return new Promise((resolve, reject) => {
      let last = current;
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('stats', onStats);
        this.waiters.delete(onClose);
      };
      const onStats = (stats: EmulatorStats): void => {
        last = stats;
        if (predicate(stats)) {
          cleanup();
          resolve(stats);
        }
      };
      const onClose = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waitForStats: condition not met within ${timeoutMs} ms; last stats: ${JSON.stringify(last)}`));
      }, timeoutMs);
      this.on('stats', onStats);
      this.waiters.add(onClose);
    });
  }

  /** Stops every timer, server and socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.intervals) clearInterval(t);
    this.intervals.clear();
    if (this.tradeTimer !== undefined) clearInterval(this.tradeTimer);
    this.tradeTimer = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const finish of [...this.playResolvers]) finish();
    for (const answer of this.heldRest?.splice(0) ?? []) answer();
    this.heldRest = undefined;
    this.replayValue?.close();
    await this.stop();
    for (const reject of [...this.waiters]) reject(new Error('waitForStats: the emulator was closed'));
  }

  // ---------------------------------------------------------------- internals

  private publicHost(): string {
    return this.opts.host === '0.0.0.0' || this.opts.host === '::' ? '127.0.0.1' : this.opts.host;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the emulator is closed');
  }

  /** Scripting a replayed recording would falsify it. */
  private assertGenerated(what: string): void {
    if (this.replayValue !== undefined) throw new Error(`${what} is not available while replaying a recording`);
  }

  /** Market by unified symbol ('BTC/USDT') or the exchange's id ('BTCUSDT', 'BTC-USD'). */
  private market(symbol: string): SymbolMarket {
    const market = this.markets.get(symbol) ?? this.protocol.marketOfSymbol?.(symbol);
    if (market === undefined) throw new Error(`unknown emulator symbol '${symbol}' (have ${this.symbols.slice(0, 20).join(', ')}${this.markets.size > 20 ? ', …' : ''})`);
    return market;
  }

  private derivativesApi(): DerivativesApi {
    const api = this.protocol.derivatives;
    if (api === undefined) throw new Error(`${this.exchange} lists no derivatives: liquidations, funding and open interest exist only on bybit and binance`);
    return api;
  }

  resolveSymbol(symbol: string): string {
    return this.market(symbol).spec.symbol;
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private every(ms: number, fn: () => void): void {
    this.intervals.add(setInterval(fn, ms));
  }

  private logRest(entry: RestLogEntry): void {
    if (this.restLogEntries.length >= MAX_REST_LOG) this.restLogEntries = this.restLogEntries.slice(MAX_REST_LOG / 2);
    this.restLogEntries.push(entry);
  }

  private emitStats(): void {
    if (this.listenerCount('stats') > 0) this.emit('stats', this.stats());
  }

  private untilNoSockets(): Promise<void> {
    if (this.protocol.hub.openSockets === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('stats', check);
        resolve();
      };
      const check = (): void => {
        if (this.protocol.hub.openSockets === 0) done();
      };
      const timer = setTimeout(done, 2000);
      this.on('stats', check);
    });
  }

  private startTimers(): void {
    this.startTradeTimer();
    this.replayValue?.start();
    if (this.opts.depthIntervalMs > 0) this.every(this.opts.depthIntervalMs, () => this.stepBooks());
    for (const timer of [...this.protocol.timers(), ...this.protocol.hub.livenessTimers()]) this.every(timer.periodMs, () => timer.run());
  }

  /** One book step per live market: re-centre on the last trade and churn a few levels. */
  private stepBooks(): void {
    for (const market of this.markets.live()) {
      if (!isTrading(market.spec)) continue;
      const mid = market.log.lastPriceUnits();
      if (mid === undefined) continue;
      const update = market.book.tick(mid);
      if (update === undefined) continue;
      this.protocol.bookStepped(market, update);
      if (this.listenerCount('book') > 0) this.emit('book', market.spec.symbol, update.finalUpdateId);
    }
  }

  private startTradeTimer(): void {
    if (this.tradeTimer !== undefined) clearInterval(this.tradeTimer);
    this.tradeTimer = undefined;
    const rate = this.tradesPerSecondValue;
    if (rate <= 0) return;
    const period = Math.min(1000, Math.max(10, 1000 / rate));
    const t0 = performance.now();
    let generated = 0;
    this.tradeTimer = setInterval(() => {
      const due = Math.floor(((performance.now() - t0) * rate) / 1000) - generated;
      const count = Math.min(due, MAX_CATCH_UP);
      generated += due;
      if (count <= 0) return;
      const now = this.opts.now();
      for (const market of this.markets.live()) {
        if (!isTrading(market.spec)) continue;
        for (let i = 0; i < count; i++) this.publishTrade(market, market.generate(now), 'generated');
      }
    }, period);
  }

  private publishTrade(market: SymbolMarket, index: number, origin: 'generated' | 'injected'): EmulatorTrade {
    this.protocol.tradeAppended(market, index, origin);
    const trade = market.log.at(index);
    if (this.listenerCount('trade') > 0) this.emit('trade', market.spec.symbol, trade);
    return trade;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.protocol.hub.handleUpgrade(req, socket, head);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      readBody(req)
        .then((body) => handleControl(this, method, url, body))
        .then(
          (reply) => {
            if (reply.after) res.once('finish', reply.after);
            // A reply whose action stops the server (the restart fault) closes its connection: a client must not
            // keep it pooled and send its next request down a socket the restart is about to cut.
            sendJson(res, reply.after ? { ...reply, headers: { Connection: 'close' } } : reply, method);
          },
          (error: unknown) => sendJson(res, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } }, method),
        );
      return;
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    if (this.heldRest && (this.heldRestPath === undefined || url.pathname === this.heldRestPath)) {
      this.heldRest.push(() => this.answerRest(method, url, client, res));
      this.emitStats();
      return;
    }
    this.answerRest(method, url, client, res);
  }

  private answerRest(method: string, url: URL, client: string, res: ServerResponse): void {
    this.restCounts[url.pathname] = (this.restCounts[url.pathname] ?? 0) + 1;
    this.emitStats();
    const fault = this.protocol.isRestPath(url.pathname) ? this.faults.takeRestFault(url) : undefined;
    let result: RestResult = fault ? this.protocol.restFault(fault.status, fault.retryAfterSec, url.pathname, client) : this.protocol.handleRest(method, url, client);
    const alter = result.status === 200 ? this.restAlters.findIndex((a) => url.pathname.endsWith(a.path)) : -1;
    if (alter >= 0) result = { ...result, body: (this.restAlters.splice(alter, 1)[0] as (typeof this.restAlters)[number]).alter(result.body) };
    this.logRest({ at: Date.now(), path: url.pathname, status: result.status });
    const send = () => {
      // A server stamps its answers with its own clock: a client can tell from them how far its clock is off.
      if (!res.headersSent) res.setHeader('Date', new Date(this.opts.now()).toUTCString());
      sendJson(res, result, method);
    };
    const delay = this.faults.delayMs;
    if (delay > 0) this.later(delay, send);
    else send();
  }
}

/** The exchange's connection rules, with the options' overrides (validated by `num`). */
function connectionRules(exchange: ExchangeId, options: EmulatorOptions, num: (value: number | undefined, fallback: number, name: string, min?: number) => number): LivenessRules {
  const defaults = CONNECTION_DEFAULTS[exchange];
  const idleMs = num(options.idleDisconnectMs, defaults.idleMs, 'idleDisconnectMs');
  return {
    lifetimeMs: num(options.connectionLifetimeMs, defaults.lifetimeMs, 'connectionLifetimeMs'),
    pingIntervalMs: num(options.serverPingIntervalMs, defaults.pingIntervalMs, 'serverPingIntervalMs'),
    pongTimeoutMs: num(options.pongTimeoutMs, PONG_TIMEOUT_MS, 'pongTimeoutMs', 1),
    idleMs,
    idleScanMs: idleScanMs(idleMs),
    maxIncomingPerSecond: Math.floor(num(options.maxIncomingPerSecond, defaults.maxIncomingPerSecond, 'maxIncomingPerSecond')),
  };
}
