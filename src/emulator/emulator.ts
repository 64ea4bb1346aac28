/**
 * ExchangeEmulator: a local Binance spot exchange (REST + market streams) over a deterministic, seeded market,
 * with scripting, fault injection and observability for tests. It never imports ccxt.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { handleControl, CONTROL_PREFIX, type ControlTarget } from './controlApi';
import { Faults } from './faults';
import { HttpFront, readBody, sendJson } from './httpServer';
import { MarketFeed } from './feed';
import { pathToTrades } from './script';
import { badFieldsEvent, INVALID_JSON_FRAME } from './malformed';
import { handleRest, isRestPath, type RestResult } from './restRoutes';
import { parseStream, wireLevels } from './streams';
import { SymbolMarket } from './symbolMarket';
import { DEFAULT_SYMBOLS, symbolSpec } from './symbols';
import type { EmulatorOptions, EmulatorStats, EmulatorTicker, EmulatorTrade, MalformedKind, PlayPathOptions, RestFault, TradeInput } from './types';
import { WsHub } from './wsServer';

export interface CcxtUrls {
  api: { public: string; ws: { spot: string } };
}

export interface BookLevelsSnapshot {
  readonly lastUpdateId: number;
  readonly bids: [price: string, amount: string][];
  readonly asks: [price: string, amount: string][];
}

interface Resolved {
  readonly host: string;
  readonly seed: number;
  readonly tradesPerSecond: number;
  readonly depthIntervalMs: number;
  readonly tickerIntervalMs: number;
  readonly now: () => number;
}

/** Most trades one generation tick may emit per symbol (after a long event-loop stall). */
const MAX_CATCH_UP = 1000;
const DEPTH_BATCH_MS = 1000;

/** Events: 'stats' (sockets/subscriptions/REST counts changed), 'trade' (any appended trade), 'listening', 'stopped'. */
export interface EmulatorEvents {
  stats: [stats: EmulatorStats];
  trade: [symbol: string, trade: EmulatorTrade];
  listening: [port: number];
  stopped: [];
}

type Listener<K extends keyof EmulatorEvents> = (...args: EmulatorEvents[K]) => void;

export declare interface ExchangeEmulator {
  on<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  once<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
  off<K extends keyof EmulatorEvents>(event: K, listener: Listener<K>): this;
}

export class ExchangeEmulator extends EventEmitter implements ControlTarget {
  private readonly markets = new Map<string, SymbolMarket>();
  private readonly bySymbol = new Map<string, SymbolMarket>();
  private readonly streamIds: Set<string>;
  private readonly faults = new Faults();
  private readonly hub: WsHub;
  private readonly http: HttpFront;
  private readonly feed: MarketFeed;
  private readonly restCounts: Record<string, number> = {};
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly playResolvers = new Set<() => void>();
  private readonly waiters = new Set<(error: Error) => void>();
  private tradeTimer: NodeJS.Timeout | undefined;
  private tradesPerSecondValue: number;
  private portValue = 0;
  private closed = false;

  private constructor(private readonly opts: Resolved, symbols: readonly string[], history: { minutes: number; perMinute: number; bookLevels: number; maxTrades: number }) {
    super();
    const startTime = opts.now();
    for (const symbol of symbols) {
      const spec = symbolSpec(symbol);
      if (this.bySymbol.has(spec.symbol)) throw new Error(`duplicate emulator symbol ${symbol}`);
      const market = new SymbolMarket(spec, {
        seed: opts.seed,
        startTime,
        historyMinutes: history.minutes,
        historyTradesPerMinute: history.perMinute,
        bookLevels: history.bookLevels,
        maxTrades: history.maxTrades,
      });
      this.markets.set(spec.id, market);
      this.bySymbol.set(spec.symbol, market);
    }
    this.streamIds = new Set([...this.markets.values()].map((m) => m.spec.streamId));
    this.tradesPerSecondValue = opts.tradesPerSecond;
    this.hub = new WsHub({
      isValidStream: (name) => parseStream(name, this.streamIds) !== undefined,
      delayMs: () => this.faults.delayMs,
      onChange: () => this.emitStats(),
    });
    this.feed = new MarketFeed(this.hub, this.markets, opts.now);
    this.http = new HttpFront({
      onRequest: (req, res) => this.onRequest(req, res),
      onUpgrade: (req, socket, head) => this.onUpgrade(req, socket, head),
    });
  }

  /** Builds the market (with its history) and listens; resolves once the port is bound. */
  static async start(options: EmulatorOptions = {}): Promise<ExchangeEmulator> {
    const num = (value: number | undefined, fallback: number, name: string, min = 0): number => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`EmulatorOptions.${name} must be a number >= ${min}, got ${String(value)}`);
      return v;
    };
    const symbols = options.symbols ?? [...DEFAULT_SYMBOLS];
    if (!Array.isArray(symbols) || symbols.length === 0) throw new Error('EmulatorOptions.symbols must be a non-empty array');
    const emulator = new ExchangeEmulator(
      {
        host: options.host ?? '127.0.0.1',
        seed: Math.floor(num(options.seed, 1, 'seed', -Infinity)),
        tradesPerSecond: num(options.tradesPerSecond, 5, 'tradesPerSecond'),
        depthIntervalMs: num(options.depthIntervalMs, 100, 'depthIntervalMs'),
        tickerIntervalMs: num(options.tickerIntervalMs, 1000, 'tickerIntervalMs', 10),
        now: options.now ?? Date.now,
      },
      symbols,
      {
        minutes: num(options.historyMinutes, 360, 'historyMinutes'),
        perMinute: num(options.historyTradesPerMinute, 6, 'historyTradesPerMinute'),
        bookLevels: Math.floor(num(options.bookLevels, 200, 'bookLevels', 1)),
        maxTrades: Math.floor(num(options.maxTradesPerSymbol, 500_000, 'maxTradesPerSymbol', 1000)),
      },
    );
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

  /** The `urls` option for ccxt.pro.binance. */
  ccxtUrls(): CcxtUrls {
    return { api: { public: `${this.url}/api/v3`, ws: { spot: `ws://${this.publicHost()}:${this.portValue}/stream/ws` } } };
  }

  /** Unified symbols served, in configuration order. */
  get symbols(): string[] {
    return [...this.bySymbol.keys()];
  }

  get seed(): number {
    return this.opts.seed;
  }

  get isListening(): boolean {
    return this.http.listening;
  }

  // ---------------------------------------------------------------- market data

  /** A copy of the ground-truth trade log of a symbol ('BTC/USDT' or 'BTCUSDT'), oldest first; `since` filters by timestamp. */
  trades(symbol: string, since?: number): readonly EmulatorTrade[] {
    return this.market(symbol).tradesSince(since);
  }

  /** The `@ticker` events sent for a symbol (timestamp = event time, best bid, best ask), oldest first. */
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

  /** The current order book, as the REST depth endpoint would answer. */
  orderBook(symbol: string, limit = 1000): BookLevelsSnapshot {
    const m = this.market(symbol);
    const snap = m.book.snapshot(limit);
    return { lastUpdateId: snap.lastUpdateId, bids: wireLevels(m.spec, snap.bids) as [string, string][], asks: wireLevels(m.spec, snap.asks) as [string, string][] };
  }

  /** Appends scripted trades (all or nothing) and pushes them to subscribers immediately. */
  injectTrades(symbol: string, trades: readonly TradeInput[]): EmulatorTrade[] {
    this.assertOpen();
    if (!Array.isArray(trades)) throw new Error('injectTrades: trades must be an array');
    const market = this.market(symbol);
    const indexes = market.inject(trades, this.opts.now());
    return indexes.map((i) => this.publishTrade(market, i));
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
    if (!Number.isFinite(rate) || rate < 0) throw new Error(`tradesPerSecond must be >= 0, got ${rate}`);
    this.tradesPerSecondValue = rate;
    if (!this.closed) this.startTradeTimer();
  }

  get tradesPerSecond(): number {
    return this.tradesPerSecondValue;
  }

  // ---------------------------------------------------------------- faults

  /** Abruptly terminates every WebSocket connection; returns how many were open. */
  dropConnections(): number {
    return this.hub.terminateAll();
  }

  /** Delays every REST response and WS frame by `ms` (0 restores). */
  setDelay(ms: number): void {
    this.faults.setDelay(ms);
  }

  /** The next `count` REST requests (matching `path`) fail with `status` and a Binance error body. */
  failRest(fault: RestFault): void {
    this.faults.addRestFault(fault);
  }

  /** Removes the delay and pending REST faults. */
  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Pushes a broken frame to the subscribers of `stream` (default: every subscribed stream). 'invalid-json' sends
   * text that is not JSON; 'bad-fields' sends an event of the stream's type with non-numeric price fields.
   * Returns the number of frames sent.
   */
  sendMalformed(kind: MalformedKind, stream?: string): number {
    if (kind !== 'invalid-json' && kind !== 'bad-fields') throw new Error(`malformed kind must be 'invalid-json' or 'bad-fields', got ${String(kind)}`);
    if (stream !== undefined && parseStream(stream, this.streamIds) === undefined) throw new Error(`unknown stream '${stream}'`);
    const streams = stream === undefined ? this.hub.activeStreams() : [stream];
    let sent = 0;
    for (const name of streams) {
      const parsed = parseStream(name, this.streamIds);
      if (kind === 'invalid-json') {
        sent += this.hub.sendText(name, INVALID_JSON_FRAME);
      } else if (parsed?.kind === 'symbol') {
        const market = [...this.markets.values()].find((m) => m.spec.streamId === parsed.streamId) as SymbolMarket;
        const count = this.stats().subscriptions[name] ?? 0;
        this.hub.broadcast(name, badFieldsEvent(name, market.spec.id, this.opts.now()));
        sent += count;
      }
    }
    return sent;
  }

  /** Closes the HTTP and WS server and every socket (emits 'stopped'); the market keeps running. */
  async stop(): Promise<void> {
    const wasListening = this.http.listening;
    this.hub.terminateAll();
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
          () => this.emit('listening', this.portValue),
          (error: unknown) => console.error(`[emulator] could not listen again on port ${this.portValue}:`, error),
        );
      });
    });
  }

  // ---------------------------------------------------------------- observability

  stats(): EmulatorStats {
    return {
      openSockets: this.hub.openSockets,
      subscriptions: this.hub.subscriptionCounts(),
      restRequests: { ...this.restCounts },
      wsConnectionsTotal: this.hub.connectionsTotal,
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

  /** Market by unified symbol ('BTC/USDT') or Binance id ('BTCUSDT'). */
  private market(symbol: string): SymbolMarket {
    const market = this.bySymbol.get(symbol) ?? this.markets.get(symbol);
    if (market === undefined) throw new Error(`unknown emulator symbol '${symbol}' (have ${this.symbols.join(', ')})`);
    return market;
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

  private emitStats(): void {
    if (this.listenerCount('stats') > 0) this.emit('stats', this.stats());
  }

  private untilNoSockets(): Promise<void> {
    if (this.hub.openSockets === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('stats', check);
        resolve();
      };
      const check = (): void => {
        if (this.hub.openSockets === 0) done();
      };
      const timer = setTimeout(done, 2000);
      this.on('stats', check);
    });
  }

  private startTimers(): void {
    this.startTradeTimer();
    if (this.opts.depthIntervalMs > 0) this.every(this.opts.depthIntervalMs, () => this.feed.tickBooks());
    this.every(DEPTH_BATCH_MS, () => this.feed.flushDepthBatches());
    this.every(this.opts.tickerIntervalMs, () => this.feed.pushTickers());
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
      for (const market of this.markets.values()) {
        for (let i = 0; i < count; i++) this.publishTrade(market, market.generate(now));
      }
    }, period);
  }

  private publishTrade(market: SymbolMarket, index: number): EmulatorTrade {
    this.feed.publishTrade(market, index);
    const trade = market.log.at(index);
    if (this.listenerCount('trade') > 0) this.emit('trade', market.spec.symbol, trade);
    return trade;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.hub.handleUpgrade(req, socket, head);
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
            sendJson(res, reply, method);
          },
          (error: unknown) => sendJson(res, { status: 500, body: { error: error instanceof Error ? error.message : String(error) } }, method),
        );
      return;
    }
    this.restCounts[url.pathname] = (this.restCounts[url.pathname] ?? 0) + 1;
    this.emitStats();
    const fault = isRestPath(url.pathname) ? this.faults.takeRestFault(url.pathname) : undefined;
    const result: RestResult = fault ?? handleRest(method, url.pathname, url.searchParams, { now: this.opts.now, markets: this.markets });
    const delay = this.faults.delayMs;
    if (delay > 0) this.later(delay, () => sendJson(res, result, method));
    else sendJson(res, result, method);
  }
}
