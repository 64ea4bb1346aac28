/**
 * Bybit v5 linear perpetuals as the ExchangeProtocol of the core: market REST, and a public stream with
 * publicTrade (real time), orderbook.{1,50,200,1000} (snapshot then deltas, u per topic, seq across the market),
 * tickers (snapshot then deltas of the changed fields, with funding, open interest and mark price) and
 * allLiquidation (every 500 ms).
 */
import type { Json } from '../json';
import type { LevelUnits } from '../orderBook';
import type { DerivativesApi, ExchangeProtocol, ProtocolHost, ProtocolSettings, ProtocolTimer } from '../protocol';
import type { RestResult } from '../restResult';
import type { SymbolMarket } from '../symbolMarket';
import { isTrading } from '../symbols';
import type { EmulatorTrade, MalformedKind, RestFaultStatus } from '../types';
import { DepthView } from './depthView';
import { sendMalformedFrames } from '../malformedFrames';
import { Perpetual } from '../perpetual';
import { FUNDING_CAP, FUNDING_INTERVAL_MIN } from './instruments';
import { bybitRestFault, handleBybitRest, isBybitRestPath } from './rest';
import { tickerFields } from './ticker';
import { price, qty, tradeId } from './wire';
import { crossedBidUnits, FUTURE_TRADE_AHEAD_MS, FUTURE_TRADE_ID_OFFSET, NEAR_FUTURE_TRADE_AHEAD_MS } from '../malformedFrames';
import { BybitStreams, type BybitConn } from './ws';
import { BookGaps } from '../bookGaps';

const DEPTHS = [1, 50, 200, 1000] as const;
/** Bybit pushes the trades printed since its last push in one publicTrade message, at most this many ("1–1024 trades" per packet). */
const MAX_TRADES_PER_MESSAGE = 1024;
const LIQUIDATION_PUSH_MS = 500;
const BYBIT_FUNDING = { cap: FUNDING_CAP, intervalMs: FUNDING_INTERVAL_MIN * 60_000 };

type Topic = { kind: 'publicTrade' | 'tickers' | 'allLiquidation'; id: string } | { kind: 'orderbook'; depth: number; id: string };

interface MarketState {
  readonly perpetual: Perpetual;
  readonly views: Map<number, DepthView>;
  /** Cross sequence: grows with every trade and book change of the market. */
  seq: number;
  /** The ticker fields as the subscribers last got them (deltas are taken against these). */
  tickerSent: Record<string, string> | undefined;
}

export class BybitProtocol implements ExchangeProtocol {
  readonly exchange = 'bybit';
  readonly derivatives: DerivativesApi;
  private readonly streams: BybitStreams;
  private readonly states = new Map<string, MarketState>();
  /** Per publicTrade topic, the trades made in the current run not sent yet (sent at its end, or before any other message). */
  private readonly tradeBatches = new Map<string, { time: number; readonly data: Json[] }>();
  private tradesFlushQueued = false;
  private readonly gaps = new BookGaps();

  constructor(
    private readonly host: ProtocolHost,
    private readonly settings: ProtocolSettings,
  ) {
    this.streams = new BybitStreams({ isTopic: (t) => this.isTopic(t), subscribed: (conn, topic) => this.sendSnapshot(conn, topic) }, host.delayMs, host.changed, host.connectionRules);
    this.derivatives = {
      snapshot: (market, at) => this.state(market).perpetual.snapshot(at),
      openInterestAt: (market, at) => this.state(market).perpetual.openInterestAt(at),
      liquidations: (market, since) => this.state(market).perpetual.liquidations.filter((l) => since === undefined || l.timestamp >= since),
      injectLiquidations: (market, inputs) => this.state(market).perpetual.inject(inputs, host.now()),
    };
  }

  get hub(): BybitStreams['hub'] {
    return this.streams.hub;
  }

  isRestPath(pathname: string): boolean {
    return isBybitRestPath(pathname);
  }

  handleRest(method: string, url: URL): RestResult {
    return handleBybitRest(method, url, { markets: this.host.markets, now: this.host.now, perpetual: (m) => this.state(m).perpetual, seq: (m) => this.state(m).seq, bookUpdateId: (m) => this.restUpdateId(m) });
  }

  restFault(status: RestFaultStatus, retryAfterSec: number): RestResult {
    return bybitRestFault(status, retryAfterSec, this.host.now());
  }

  tradeAppended(market: SymbolMarket, index: number, origin: 'generated' | 'injected'): void {
    const state = this.state(market);
    state.seq += 1;
    if (origin === 'generated') state.perpetual.afterGeneratedTrade(index);
    const topic = `publicTrade.${market.spec.id}`;
    if (!this.hub.hasSubscribers(topic)) return;
    const { log, spec } = market;
    const t = log.at(index);
    const move = index > 0 ? log.priceUnitsAt(index) - log.priceUnitsAt(index - 1) : 0;
    const item = { T: t.timestamp, s: spec.id, S: t.side === 'buy' ? 'Buy' : 'Sell', v: qty(spec, log.amountUnitsAt(index)), p: price(spec, log.priceUnitsAt(index)), L: move > 0 ? 'PlusTick' : move < 0 ? 'MinusTick' : 'ZeroPlusTick', i: tradeId(spec, t.id), BT: false, RPI: false, seq: state.seq };
    let batch = this.tradeBatches.get(topic);
    if (batch && batch.data.length >= MAX_TRADES_PER_MESSAGE) {
      this.sendTrades(topic, batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { time: t.timestamp, data: [] };
      this.tradeBatches.set(topic, batch);
    }
    batch.data.push(item);
    batch.time = t.timestamp;
    if (!this.tradesFlushQueued) {
      this.tradesFlushQueued = true;
      queueMicrotask(() => this.flushTrades());
    }
  }

  /** Sends the trades held back; called before any other message too, so every topic keeps the order of events. */
  private flushTrades(): void {
    this.tradesFlushQueued = false;
    for (const [topic, batch] of this.tradeBatches) this.sendTrades(topic, batch);
    this.tradeBatches.clear();
  }

  private sendTrades(topic: string, batch: { time: number; readonly data: Json[] }): void {
    this.tradeBatches.delete(topic);
    this.hub.broadcast(topic, JSON.stringify({ topic, type: 'snapshot', ts: Math.max(this.host.now(), batch.time), data: batch.data }));
  }

  bookStepped(market: SymbolMarket): void {
    this.flushTrades();
    const state = this.state(market);
    state.seq += 1;
    for (const depth of DEPTHS) {
      const topic = `orderbook.${depth}.${market.spec.id}`;
      if (!this.hub.hasSubscribers(topic)) {
        // Spent all the same: an arm kept for a topic nobody subscribes to hit a later subscriber's first delta.
        this.gaps.take(topic);
        continue;
      }
      const view = this.view(state, depth);
      const delta = view.step(market.book);
      if (delta === undefined || this.gaps.take(topic)) continue;
      const now = this.host.now();
      // Level 1 has snapshots only.
      const data = depth === 1 ? this.bookData(market, view.reset(market.book), view.u, state.seq) : this.bookData(market, delta, view.u, state.seq);
      this.hub.broadcast(topic, JSON.stringify({ topic, type: depth === 1 ? 'snapshot' : 'delta', ts: now, data, cts: now }));
    }
  }

  timers(): readonly ProtocolTimer[] {
    return [
      { periodMs: this.settings.tickerIntervalMs, run: () => this.pushTickers() },
      { periodMs: LIQUIDATION_PUSH_MS, run: () => this.pushLiquidations() },
    ];
  }

  isTopic(topic: string): boolean {
    return this.parse(topic) !== undefined;
  }

  topicMarketId(topic: string): string | undefined {
    return this.parse(topic)?.id;
  }

  sendMalformed(kind: MalformedKind, topic?: string): number {
    this.flushTrades();
    switch (kind) {
      case 'crossed-level':
        return this.sendCrossedLevels(topic);
      case 'future-trade':
        return this.sendFutureTrades(topic, FUTURE_TRADE_AHEAD_MS);
      case 'near-future-trade':
        return this.sendFutureTrades(topic, NEAR_FUTURE_TRADE_AHEAD_MS);
      case 'book-gap':
        return this.loseNextBookMessage(topic);
      case 'book-snapshot':
        return this.sendFreshSnapshots(topic);
      case 'trade-gap':
        // Bybit numbers no publicTrade message: a lost one could not be told by a client.
        return 0;
      case 'trade-snapshot-gap':
        // Bybit's publicTrade sends no snapshot on a subscribe.
        return 0;
      case 'invalid-json':
      case 'bad-fields':
        return this.sendBrokenFrames(kind, topic);
    }
  }

  /** The orderbook topics of `topic` (default every subscribed one) with their market. */
  private bookTopics(topic: string | undefined): Array<{ name: string; depth: number; market: SymbolMarket }> {
    const out: Array<{ name: string; depth: number; market: SymbolMarket }> = [];
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      const t = this.parse(name);
      const market = t?.kind === 'orderbook' ? this.host.markets.byId(t.id) : undefined;
      if (t?.kind === 'orderbook' && market !== undefined) out.push({ name, depth: t.depth, market });
    }
    return out;
  }

  /**
   * Each orderbook topic loses its next message: the view moves on (u too) and nothing is sent, so the next delta's
   * u is two more than the last one received. On orderbook.1 (snapshots only) the next snapshot mends it.
   */
  private loseNextBookMessage(topic: string | undefined): number {
    let armed = 0;
    for (const { name } of this.bookTopics(topic)) {
      this.gaps.arm(name);
      armed += this.hub.subscribersOf(name).size;
    }
    return armed;
  }

  /**
   * A snapshot of each orderbook topic now, in sequence (the next u), as Bybit documents: "If you receive a new
   * snapshot message, you will have to reset your local orderbook. If there is a problem on Bybit's end, a snapshot
   * will be re-sent, which is guaranteed to contain the latest data."
   */
  private sendFreshSnapshots(topic: string | undefined): number {
    let sent = 0;
    for (const { name, depth, market } of this.bookTopics(topic)) {
      if (!isTrading(market.spec)) continue;
      const state = this.state(market);
      const view = this.view(state, depth);
      view.u += 1;
      const levels = view.reset(market.book);
      const now = this.host.now();
      sent += this.hub.broadcast(name, JSON.stringify({ topic: name, type: 'snapshot', ts: now, data: this.bookData(market, levels, view.u, state.seq), cts: now }));
    }
    return sent;
  }

  private sendBrokenFrames(kind: 'invalid-json' | 'bad-fields', topic: string | undefined): number {
    return sendMalformedFrames(this.hub, kind, topic, (name) => {
      const t = this.parse(name);
      if (t === undefined) return 0;
      const ts = this.host.now();
      const bad = 'not-a-number';
      const message =
        t.kind === 'publicTrade'
          ? { topic: name, type: 'snapshot', ts, data: [{ T: ts, s: t.id, S: 'Buy', v: 'NaN', p: bad, L: 'PlusTick', i: 'malformed', BT: false }] }
          : t.kind === 'orderbook'
            ? { topic: name, type: 'delta', ts, data: { s: t.id, b: [[bad, 'NaN']], a: [], u: bad, seq: bad }, cts: ts }
            : t.kind === 'tickers'
              ? { topic: name, type: 'delta', data: { symbol: t.id, lastPrice: bad, bid1Price: 'NaN', markPrice: bad }, cs: 0, ts }
              : { topic: name, type: 'snapshot', ts, data: [{ T: ts, s: t.id, S: 'Buy', v: 'NaN', p: bad }] };
      return this.hub.broadcast(name, JSON.stringify(message));
    });
  }

  /**
   * A delta in sequence (the topic's next u) on each orderbook topic (of `topic`, default every subscribed one)
   * adding a bid 1% above the best ask: the book and the topic's view stay as they are, so no later delta
   * removes the level, and a snapshot lacks it. orderbook.1 sends snapshots only: there it is a snapshot whose bid
   * is that level.
   */
  private sendCrossedLevels(topic: string | undefined): number {
    const topics = new Map<SymbolMarket, Array<{ name: string; depth: number }>>();
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      const t = this.parse(name);
      const market = t?.kind === 'orderbook' ? this.host.markets.byId(t.id) : undefined;
      if (t?.kind !== 'orderbook' || market === undefined) continue;
      topics.set(market, [...(topics.get(market) ?? []), { name, depth: t.depth }]);
    }
    let sent = 0;
    for (const [market, named] of topics) {
      const ask = market.book.bestAsk();
      if (ask === undefined) continue;
      const state = this.state(market);
      state.seq += 1;
      const crossed: LevelUnits = [crossedBidUnits(ask[0]), ask[1]];
      const now = this.host.now();
      for (const { name, depth } of named) {
        const view = this.view(state, depth);
        view.u += 1;
        const levels = depth === 1 ? { bids: [crossed], asks: view.current().asks } : { bids: [crossed], asks: [] };
        sent += this.hub.broadcast(name, JSON.stringify({ topic: name, type: depth === 1 ? 'snapshot' : 'delta', ts: now, data: this.bookData(market, levels, view.u, state.seq), cts: now }));
      }
    }
    return sent;
  }

  /** The newest trade again on each publicTrade topic (of `topic`, default every subscribed one), ahead by `aheadMs`, under a new id. */
  private sendFutureTrades(topic: string | undefined, aheadMs: number): number {
    let sent = 0;
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      const t = this.parse(name);
      const market = t?.kind === 'publicTrade' ? this.host.markets.byId(t.id) : undefined;
      const last = market === undefined ? -1 : market.log.length - 1;
      if (market === undefined || last < 0) continue;
      const { log, spec } = market;
      const state = this.state(market);
      state.seq += 1;
      const now = this.host.now();
      const side = log.at(last).side === 'buy' ? 'Buy' : 'Sell';
      const item = { T: now + aheadMs, s: spec.id, S: side, v: qty(spec, log.amountUnitsAt(last)), p: price(spec, log.priceUnitsAt(last)), L: 'ZeroPlusTick', i: tradeId(spec, log.lastTradeIdAt(last) + FUTURE_TRADE_ID_OFFSET), BT: false, RPI: false, seq: state.seq };
      sent += this.hub.broadcast(name, JSON.stringify({ topic: name, type: 'snapshot', ts: now, data: [item] }));
    }
    return sent;
  }

  wireTradeId(market: SymbolMarket, trade: EmulatorTrade): string {
    return tradeId(market.spec, trade.id);
  }

  /** A restarted service starts every topic over: the next orderbook snapshot carries u = 1. */
  restarted(): void {
    for (const state of this.states.values()) {
      state.views.clear();
      state.tickerSent = undefined;
    }
  }

  /**
   * The REST orderbook's u: the 1000-level topic's. Followed, its view is stepped with the book; unfollowed, it was
   * not, so it catches up now (one update for every change since), and a later subscriber's snapshot comes next.
   */
  private restUpdateId(market: SymbolMarket): number {
    const view = this.view(this.state(market), 1000);
    if (!this.hub.hasSubscribers(`orderbook.1000.${market.spec.id}`)) view.step(market.book);
    return view.u;
  }

  private state(market: SymbolMarket): MarketState {
    let state = this.states.get(market.spec.id);
    if (state === undefined) {
      state = { perpetual: new Perpetual(market, this.host.seed, this.settings.liquidationsPerTrade, BYBIT_FUNDING), views: new Map(), seq: 0, tickerSent: undefined };
      this.states.set(market.spec.id, state);
    }
    return state;
  }

  private view(state: MarketState, depth: number): DepthView {
    let view = state.views.get(depth);
    if (view === undefined) {
      view = new DepthView(depth);
      state.views.set(depth, view);
    }
    return view;
  }

  private parse(topic: string): Topic | undefined {
    const parts = topic.split('.');
    const id = parts[parts.length - 1] ?? '';
    if (this.host.markets.spec(id)?.id !== id) return undefined;
    if (parts.length === 2 && (parts[0] === 'publicTrade' || parts[0] === 'tickers' || parts[0] === 'allLiquidation')) return { kind: parts[0], id };
    if (parts.length === 3 && parts[0] === 'orderbook' && (DEPTHS as readonly number[]).includes(Number(parts[1]))) return { kind: 'orderbook', depth: Number(parts[1]), id };
    return undefined;
  }

  private bookData(market: SymbolMarket, levels: { bids: readonly LevelUnits[]; asks: readonly LevelUnits[] }, u: number, seq: number): Json {
    const { spec } = market;
    const wire = (side: readonly LevelUnits[]): Json => side.map(([p, q]) => [price(spec, p), qty(spec, q)]);
    return { s: spec.id, b: wire(levels.bids), a: wire(levels.asks), u, seq };
  }

  /** What a new subscriber of an orderbook or tickers topic gets first. */
  private sendSnapshot(conn: BybitConn, topic: string): void {
    this.flushTrades();
    const t = this.parse(topic);
    const market = t === undefined ? undefined : this.host.markets.byId(t.id);
    // A pre-market (halted) contract has no feed until it trades.
    if (t === undefined || market === undefined || !isTrading(market.spec)) return;
    const state = this.state(market);
    const now = this.host.now();
    if (t.kind === 'orderbook') {
      const view = this.view(state, t.depth);
      // The only subscriber: the view was not kept up to date, so it starts over from the book.
      if (this.hub.subscribersOf(topic).size === 1) {
        view.u += 1;
        view.reset(market.book);
      }
      this.hub.send(conn, JSON.stringify({ topic, type: 'snapshot', ts: now, data: this.bookData(market, view.current(), view.u, state.seq), cts: now }));
      return;
    }
    if (t.kind === 'tickers') {
      const ticker = tickerFields(market, state.perpetual, now);
      if (ticker === undefined) return;
      if (state.tickerSent !== undefined) this.pushTicker(market, state, now, conn);
      state.tickerSent = ticker.fields;
      this.hub.send(conn, JSON.stringify({ topic, type: 'snapshot', data: ticker.fields, cs: state.seq, ts: now }));
      market.logTicker(ticker.truth);
    }
  }

  private pushTickers(): void {
    this.flushTrades();
    const now = this.host.now();
    for (const market of this.host.markets.live()) {
      const state = this.states.get(market.spec.id);
      if (state?.tickerSent !== undefined && this.hub.hasSubscribers(`tickers.${market.spec.id}`)) this.pushTicker(market, state, now);
    }
  }

  /** A delta of the fields that changed since the subscribers' last ticker (to all of them but `except`), logged. */
  private pushTicker(market: SymbolMarket, state: MarketState, now: number, except?: BybitConn): void {
    const ticker = tickerFields(market, state.perpetual, now);
    const sent = state.tickerSent;
    if (ticker === undefined || sent === undefined) return;
    const delta: Record<string, string> = { symbol: market.spec.id };
    let changed = false;
    for (const [key, value] of Object.entries(ticker.fields)) {
      if (sent[key] !== value) {
        delta[key] = value;
        changed = true;
      }
    }
    if (!changed) return;
    state.tickerSent = ticker.fields;
    const topic = `tickers.${market.spec.id}`;
    const text = JSON.stringify({ topic, type: 'delta', data: delta, cs: state.seq, ts: now });
    let receivers = 0;
    for (const conn of this.hub.subscribersOf(topic)) {
      if (conn === except) continue;
      this.hub.send(conn, text);
      receivers += 1;
    }
    if (receivers > 0) market.logTicker(ticker.truth);
  }

  private pushLiquidations(): void {
    this.flushTrades();
    const now = this.host.now();
    for (const [id, state] of this.states) {
      const all = state.perpetual.liquidations;
      if (state.perpetual.sent >= all.length) continue;
      const fresh = all.slice(state.perpetual.sent);
      state.perpetual.sent = all.length;
      const topic = `allLiquidation.${id}`;
      if (!this.hub.hasSubscribers(topic)) continue;
      const spec = this.host.markets.spec(id);
      if (spec === undefined) continue;
      const data = fresh.map((l) => ({ T: l.timestamp, s: id, S: l.side === 'buy' ? 'Buy' : 'Sell', v: l.amount.toFixed(spec.amountPrecision), p: l.price.toFixed(spec.pricePrecision) }));
      this.hub.broadcast(topic, JSON.stringify({ topic, type: 'snapshot', ts: now, data }));
    }
  }
}
