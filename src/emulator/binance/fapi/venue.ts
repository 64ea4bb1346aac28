/**
 * Binance USDⓈ-M perpetuals over the spot markets: each configured USDT market has a contract of the same id that
 * shares its trade log and book (so the emulated perpetual trades where its spot market trades), with its own
 * index/mark price, funding, open interest and liquidations from the shared Perpetual model. Publishes the
 * futures streams: trade, aggTrade, depth diffs with `pu`, forceOrder (the latest liquidation per symbol each
 * second, as Binance snapshots it), and the 24h tickers (`@ticker`, `@miniTicker`, `!ticker@arr`, `!miniTicker@arr`).
 */
import { formatUnits } from '../../decimal';
import type { Json } from '../../json';
import type { DepthUpdate } from '../../orderBook';
import type { MarketSet } from '../../marketSet';
import { Perpetual, type FundingRules } from '../../perpetual';
import type { DerivativesApi } from '../../protocol';
import { aggTradeEvent, isStreamName, wireLevels } from '../../streams';
import type { SymbolMarket } from '../../symbolMarket';
import type { SymbolSpec } from '../../symbols';
import { tickerStats, windowKey, wsMiniTicker, wsTicker } from '../../ticker';
import type { EmulatorLiquidation } from '../../types';
import { ChangedTickers } from '../changedTickers';
import { FUTURES_TOPIC, type BinanceStreams } from '../ws';
import type { FapiContext } from './rest';
import type { BookGaps } from '../../bookGaps';

/** Funding every 8 h, capped at ±0.3 % (BTCUSDT's cap on Binance). */
const BINANCE_FUNDING: FundingRules = { cap: 0.003, intervalMs: 8 * 3_600_000 };
/** forceOrder pushes at most one liquidation per symbol per second. */
export const FORCE_ORDER_MS = 1000;
const MAX_PUSHED = 100_000;
const PUBLIC_CHANNELS = ['trade', 'depth@100ms'];
const MARKET_CHANNELS = ['aggTrade', 'forceOrder', 'ticker', 'miniTicker'];
const CHANNELS = [...PUBLIC_CHANNELS, ...MARKET_CHANNELS];
const ALL_LIQUIDATIONS = '!forceOrder@arr';
const ALL_TICKERS = '!ticker@arr';
const ALL_MINI_TICKERS = '!miniTicker@arr';
const ALL_MARKET_STREAMS: readonly string[] = [ALL_LIQUIDATIONS, ALL_TICKERS, ALL_MINI_TICKERS];

interface Contract {
  readonly market: SymbolMarket;
  readonly perpetual: Perpetual;
  /** The liquidations the forceOrder stream carried (whether anyone listened), oldest first. */
  pushed: EmulatorLiquidation[];
}

export class FuturesVenue {
  private readonly specsList: readonly SymbolSpec[];
  private readonly ids: ReadonlySet<string>;
  private readonly idsByStreamId: ReadonlyMap<string, string>;
  private readonly contracts = new Map<string, Contract>();
  private readonly changedTickers = new ChangedTickers();
  readonly derivatives: DerivativesApi;

  constructor(
    private readonly markets: MarketSet,
    private readonly streams: BinanceStreams,
    private readonly seed: number,
    private readonly liquidationsPerTrade: number,
    private readonly now: () => number,
    private readonly gaps: BookGaps,
  ) {
    // The configured (live at start) USDT markets; the generated real-size universe lists no contracts.
    this.specsList = [...markets.live()].map((m) => m.spec).filter((s) => s.quote === 'USDT' && s.contract === undefined);
    this.ids = new Set(this.specsList.map((s) => s.id));
    this.idsByStreamId = new Map(this.specsList.map((s) => [s.streamId, s.id]));
    this.derivatives = {
      snapshot: (market, at) => this.contractOf(market).perpetual.snapshot(at),
      openInterestAt: (market, at) => this.contractOf(market).perpetual.openInterestAt(at),
      liquidations: (market, since) => this.contractOf(market).pushed.filter((l) => since === undefined || l.timestamp >= since),
      injectLiquidations: (market, inputs) => this.contractOf(market).perpetual.inject(inputs, this.now()),
    };
  }

  get specs(): readonly SymbolSpec[] {
    return this.specsList;
  }

  /** The spot market a perpetual's unified symbol ('BTC/USDT:USDT') stands on. */
  marketOfSymbol(symbol: string): SymbolMarket | undefined {
    const spec = this.specsList.find((s) => `${s.base}/${s.quote}:${s.quote}` === symbol);
    return spec === undefined ? undefined : this.markets.byId(spec.id);
  }

  restContext(): FapiContext {
    return { now: this.now, specs: () => this.specsList, contract: (id) => (this.ids.has(id) ? this.contract(id) : undefined) };
  }

  /** A well-formed futures stream name, listed contract or not (Binance accepts either; only a listed one delivers). */
  isStreamName(name: string): boolean {
    return isStreamName(name, CHANNELS, ALL_MARKET_STREAMS);
  }

  /** Whether `name` is a futures stream of a listed contract. */
  isStream(name: string): boolean {
    if (ALL_MARKET_STREAMS.includes(name)) return true;
    const at = name.indexOf('@');
    if (at <= 0 || !this.idsByStreamId.has(name.slice(0, at))) return false;
    const channel = name.slice(at + 1);
    return PUBLIC_CHANNELS.includes(channel) || MARKET_CHANNELS.includes(channel);
  }

  route(name: string): 'public' | 'market' {
    const at = name.indexOf('@');
    return PUBLIC_CHANNELS.includes(name.slice(at + 1)) ? 'public' : 'market';
  }

  marketIdOf(name: string): string | undefined {
    const at = name.indexOf('@');
    return at > 0 ? this.idsByStreamId.get(name.slice(0, at)) : undefined;
  }

  tradeAppended(market: SymbolMarket, index: number, origin: 'generated' | 'injected'): void {
    if (!this.ids.has(market.spec.id)) return;
    const contract = this.contract(market.spec.id);
    if (origin === 'generated') contract.perpetual.afterGeneratedTrade(index);
    const { log, spec } = market;
    const t = log.at(index);
    const eventTime = Math.max(this.now(), t.timestamp);
    const trade = this.topic(spec, 'trade');
    if (this.streams.hub.hasSubscribers(trade)) {
      const { pricePrecision: pp, amountPrecision: ap } = spec;
      this.streams.publish(trade, { e: 'trade', E: eventTime, T: t.timestamp, s: spec.id, t: log.firstTradeIdAt(index), p: formatUnits(log.priceUnitsAt(index), pp, pp), q: formatUnits(log.amountUnitsAt(index), ap, ap), X: 'MARKET', m: t.side === 'sell' });
    }
    const agg = this.topic(spec, 'aggTrade');
    if (this.streams.hub.hasSubscribers(agg)) {
      const { M: _bestMatch, ...event } = aggTradeEvent(log, index, eventTime) as Record<string, Json>;
      this.streams.publish(agg, event);
    }
  }

  /** `@depth@100ms`: every book step, its `pu` the previous step's final id (steps are contiguous). */
  bookStepped(market: SymbolMarket, update: DepthUpdate): void {
    if (!this.ids.has(market.spec.id)) return;
    const topic = this.topic(market.spec, 'depth@100ms');
    // Spent listened to or not, as on spot (feed.ts).
    if (!this.gaps.take(topic) && this.streams.hub.hasSubscribers(topic)) this.streams.publish(topic, this.depthEvent(market.spec, update, update.firstUpdateId - 1));
  }

  /** Whether a hub topic (FUTURES_TOPIC + name) is a contract's diff depth stream. */
  isDepthTopic(topic: string): boolean {
    const name = topic.slice(FUTURES_TOPIC.length);
    return topic.startsWith(FUTURES_TOPIC) && name.endsWith('@depth@100ms') && this.marketIdOf(name) !== undefined;
  }

  /**
   * `<symbol>@ticker`, `<symbol>@miniTicker`, `!ticker@arr` and `!miniTicker@arr` (the contracts that changed) where subscribed: the contract's 24h
   * statistics from the trade log it shares with its spot market. A futures 24hrTicker has no best bid and ask (nor
   * the previous close) as the spot one does.
   */
  pushTickers(): void {
    const hub = this.streams.hub;
    const wantAll = hub.hasSubscribers(FUTURES_TOPIC + ALL_TICKERS);
    const wantAllMini = hub.hasSubscribers(FUTURES_TOPIC + ALL_MINI_TICKERS);
    const now = this.now();
    const all: Json[] = [];
    const allMini: Json[] = [];
    for (const spec of this.specsList) {
      const ticker = this.topic(spec, 'ticker');
      const mini = this.topic(spec, 'miniTicker');
      const wantTicker = hub.hasSubscribers(ticker);
      const wantMini = hub.hasSubscribers(mini);
      const live = this.markets.ifLive(spec.id);
      const changed = live !== undefined && this.changedTickers.changed(spec.id, windowKey(live.log, now));
      if (!wantTicker && !wantMini && !((wantAll || wantAllMini) && changed)) continue;
      const market = live ?? this.markets.byId(spec.id);
      if (market === undefined) continue;
      const stats = tickerStats(market.log, market.book, now);
      const eventTime = Math.max(now, stats.closeTime);
      const { x: _prevClose, b: _bid, B: _bidQty, a: _ask, A: _askQty, ...full } = wsTicker(stats, eventTime);
      const miniEvent = wsMiniTicker(stats, eventTime);
      if (wantTicker) this.streams.publish(ticker, full);
      if (wantMini) this.streams.publish(mini, miniEvent);
      if (!changed) continue;
      if (wantAll) all.push(full);
      if (wantAllMini) allMini.push(miniEvent);
    }
    if (all.length > 0) this.streams.publish(FUTURES_TOPIC + ALL_TICKERS, all);
    if (allMini.length > 0) this.streams.publish(FUTURES_TOPIC + ALL_MINI_TICKERS, allMini);
  }

  /** Each second, the latest liquidation of every contract since the last push goes out on forceOrder. */
  pushLiquidations(): void {
    const now = this.now();
    const all: Json[] = [];
    const wantAll = this.streams.hub.hasSubscribers(FUTURES_TOPIC + ALL_LIQUIDATIONS);
    for (const contract of this.contracts.values()) {
      const log = contract.perpetual.liquidations;
      if (contract.perpetual.sent >= log.length) continue;
      const latest = log[log.length - 1] as EmulatorLiquidation;
      contract.perpetual.sent = log.length;
      if (contract.pushed.length >= MAX_PUSHED) contract.pushed = contract.pushed.slice(MAX_PUSHED / 2);
      contract.pushed.push(latest);
      const event = this.forceOrderEvent(contract.market.spec, latest, now);
      const topic = FUTURES_TOPIC + `${contract.market.spec.streamId}@forceOrder`;
      if (this.streams.hub.hasSubscribers(topic)) this.streams.publish(topic, event);
      if (wantAll) all.push(event);
    }
    for (const event of all) this.streams.publish(FUTURES_TOPIC + ALL_LIQUIDATIONS, event);
  }

  private forceOrderEvent(spec: SymbolSpec, l: EmulatorLiquidation, now: number): Json {
    const { pricePrecision: pp, amountPrecision: ap } = spec;
    const q = l.amount.toFixed(ap);
    const p = l.price.toFixed(pp);
    // The emulator's side is the liquidated position's (buy: a long); Binance's S is the liquidation order's, which
    // closes a long by selling.
    return { e: 'forceOrder', E: Math.max(now, l.timestamp), o: { s: spec.id, S: l.side === 'buy' ? 'SELL' : 'BUY', o: 'LIMIT', f: 'IOC', q, p, ap: p, X: 'FILLED', l: q, z: q, T: l.timestamp } };
  }

  private depthEvent(spec: SymbolSpec, update: DepthUpdate, previousU: number): Json {
    const now = this.now();
    return { e: 'depthUpdate', E: now, T: now, s: spec.id, U: update.firstUpdateId, u: update.finalUpdateId, pu: previousU, b: wireLevels(spec, update.bids), a: wireLevels(spec, update.asks) };
  }

  private topic(spec: SymbolSpec, channel: string): string {
    return `${FUTURES_TOPIC}${spec.streamId}@${channel}`;
  }

  private contractOf(market: SymbolMarket): Contract {
    if (!this.ids.has(market.spec.id)) throw new Error(`binance lists no USDⓈ-M perpetual on ${market.spec.symbol}`);
    return this.contract(market.spec.id);
  }

  private contract(id: string): Contract {
    let contract = this.contracts.get(id);
    if (contract === undefined) {
      const market = this.markets.byId(id) as SymbolMarket;
      contract = { market, perpetual: new Perpetual(market, this.seed, this.liquidationsPerTrade, BINANCE_FUNDING), pushed: [] };
      this.contracts.set(id, contract);
    }
    return contract;
  }
}
