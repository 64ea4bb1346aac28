/**
 * Coinbase Advanced Trade (spot) as the ExchangeProtocol of the core: public REST, and a market data feed whose
 * market_trades batches arrive every 250 ms, level2 sends a snapshot then every book change, ticker updates once per
 * batch of matches, and ticker_batch every 5 s (tickerBatch.ts).
 */
import type { Json } from '../json';
import type { DepthUpdate, LevelUnits } from '../orderBook';
import type { ExchangeProtocol, ProtocolHost, ProtocolTimer } from '../protocol';
import type { RestResult } from '../restResult';
import type { SymbolMarket } from '../symbolMarket';
import type { CoinbaseAliasSubscriptions, CoinbaseRefusal, EmulatorTrade, MalformedKind, RestFaultStatus } from '../types';
import { coinbaseRestFault, handleCoinbaseRest, isCoinbaseRestPath, tradeJson } from './rest';
import { CHANNELS, CoinbaseFeed, topicOf, type CoinbaseChannel, type CoinbaseConn } from './ws';
import { heartbeatTime, isoMicros, price, size } from './wire';
import { crossedBidUnits, FUTURE_TRADE_AHEAD_MS, FUTURE_TRADE_ID_OFFSET, NEAR_FUTURE_TRADE_AHEAD_MS, sendMalformedFrames } from '../malformedFrames';
import { tickerJson } from './ticker';
import { aliasesTo, usdAliasOf } from './products';
import { TickerBatches } from './tickerBatch';
import { BookGaps } from '../bookGaps';

const HEARTBEAT_MS = 1000;
/** Trades in the market_trades snapshot a new subscriber gets. */
const SNAPSHOT_TRADES = 50;
/** The trades just before its newest that a snapshot armed by `trade-snapshot-gap` leaves out. */
export const SNAPSHOT_GAP_TRADES = 3;
/** A snapshot's level entries carry no event time of their own. */
const SNAPSHOT_EVENT_TIME = '1970-01-01T00:00:00Z';

export class CoinbaseProtocol implements ExchangeProtocol {
  readonly exchange = 'coinbase';
  private readonly feed: CoinbaseFeed;
  /** The trades since the last batch, per product id, as log index + trades trimmed (the log may trim before the batch goes). */
  private readonly pending = new Map<string, number[]>();
  private readonly batches: TickerBatches;
  private readonly gaps = new BookGaps();
  private readonly tradeGaps = new BookGaps();
  /** market_trades topics whose next snapshot leaves out SNAPSHOT_GAP_TRADES trades (`trade-snapshot-gap`). */
  private readonly snapshotGaps = new Set<string>();
  private readonly started = performance.now();

  /**
   * @param batchMs the market_trades (and ticker update) batch period: Coinbase's 250 ms unless a test wants it faster.
   * @param tickerBatchMs the ticker_batch period: Coinbase's 5,000 ms unless a test wants it faster.
   */
  constructor(
    private readonly host: ProtocolHost,
    private readonly batchMs: number,
    private readonly tickerBatchMs: number,
    refusal: CoinbaseRefusal = 'names-products',
    private readonly idleChannelsMs = 0,
    private readonly aliasSubscriptions: CoinbaseAliasSubscriptions = 'own',
  ) {
    this.feed = new CoinbaseFeed(
      {
        isProduct: (id) => host.markets.spec(id)?.id === id,
        streamedAs: (id) => this.streamedAs(id),
        aliasSubscriptions,
        refusal,
        now: host.now,
        subscribed: (conn, channel, id) => this.sendSnapshot(conn, channel, id),
      },
      host.delayMs,
      host.changed,
      host.connectionRules,
    );
    this.batches = new TickerBatches(this.feed, (id) => host.markets.byId(id), host.now, (id) => this.topicsCarrying('ticker_batch', id));
  }

  /** The product whose data a channel of `id` carries: the -USD product for a -USDC alias (usdAliasOf), else itself. */
  private streamedAs(id: string): string {
    const spec = this.host.markets.spec(id);
    return (spec && usdAliasOf(spec, this.listed)) ?? id;
  }

  private readonly listed = (id: string): boolean => this.host.markets.spec(id)?.id === id;

  /**
   * The topics a product's messages of `channel` go out on: its own, and with 'own' alias subscriptions those of its
   * -USDC aliases (each a subscription of its own carrying the same messages, named for the -USD product).
   */
  private topicsCarrying(channel: CoinbaseChannel, id: string): string[] {
    const own = topicOf(channel, id);
    if (this.aliasSubscriptions === 'shared') return [own];
    const spec = this.host.markets.spec(id);
    return spec === undefined ? [own] : [own, ...aliasesTo(spec, this.listed).map((alias) => topicOf(channel, alias))];
  }

  /** Whether anyone takes a product's messages of `channel` (on its own topic or an alias's). */
  private carried(channel: CoinbaseChannel, id: string): boolean {
    return this.topicsCarrying(channel, id).some((topic) => this.hub.hasSubscribers(topic));
  }

  get hub(): CoinbaseFeed['hub'] {
    return this.feed.hub;
  }

  isRestPath(pathname: string): boolean {
    return isCoinbaseRestPath(pathname);
  }

  handleRest(method: string, url: URL): RestResult {
    return handleCoinbaseRest(method, url, { markets: this.host.markets, now: this.host.now, candleLagMs: this.host.candleLagMs, takeStaleTradesMs: this.host.takeStaleTradesMs });
  }

  restFault(status: RestFaultStatus): RestResult {
    return coinbaseRestFault(status);
  }

  tradeAppended(market: SymbolMarket, index: number): void {
    const id = market.spec.id;
    this.batches.traded(id);
    if (!this.carried('market_trades', id) && !this.carried('ticker', id)) return;
    let list = this.pending.get(id);
    if (list === undefined) {
      list = [];
      this.pending.set(id, list);
    }
    list.push(index + market.log.trimmed);
  }

  bookStepped(market: SymbolMarket, update: DepthUpdate): void {
    let message: { readonly now: number; readonly events: Json[] } | undefined;
    for (const topic of this.topicsCarrying('level2', market.spec.id)) {
      // Taken before the subscriber check: the message due now is the one lost, listened to or not. An arm kept for a
      // topic nobody subscribes to any more hit a later subscriber's first update (a gap right after its snapshot).
      const lost = this.gaps.take(topic);
      if (!this.hub.hasSubscribers(topic)) continue;
      if (lost) {
        this.feed.lose(topic);
        continue;
      }
      message ??= stepMessage(market, update, this.host.now());
      this.feed.publish(topic, 'l2_data', message.now, message.events);
    }
  }

  timers(): readonly ProtocolTimer[] {
    return [
      { periodMs: this.batchMs, run: () => this.flushTrades() },
      { periodMs: this.tickerBatchMs, run: () => this.batches.flush() },
      {
        periodMs: HEARTBEAT_MS,
        run: () => {
          this.feed.heartbeat((now) => heartbeatTime(now, performance.now() - this.started));
          if (this.idleChannelsMs > 0) this.feed.closeIdleChannels(this.idleChannelsMs);
        },
      },
    ];
  }

  isTopic(topic: string): boolean {
    const colon = topic.indexOf(':');
    const channel = colon < 0 ? topic : topic.slice(0, colon);
    if (!(CHANNELS as readonly string[]).includes(channel)) return false;
    if (colon < 0) return channel === 'heartbeats';
    const id = topic.slice(colon + 1);
    return channel !== 'heartbeats' && this.host.markets.spec(id)?.id === id;
  }

  topicMarketId(topic: string): string | undefined {
    return this.isTopic(topic) && topic.includes(':') ? topic.slice(topic.indexOf(':') + 1) : undefined;
  }

  sendMalformed(kind: MalformedKind, topic?: string): number {
    switch (kind) {
      case 'crossed-level':
        return this.sendCrossedLevels(topic);
      case 'future-trade':
        return this.sendFutureTrades(topic, FUTURE_TRADE_AHEAD_MS);
      case 'near-future-trade':
        return this.sendFutureTrades(topic, NEAR_FUTURE_TRADE_AHEAD_MS);
      case 'book-gap':
        return this.loseNextUpdate(topic);
      case 'book-snapshot':
        // Coinbase documents no snapshot mid-stream: a level2 snapshot comes only after a subscribe.
        return 0;
      case 'trade-gap':
        return this.loseNextTrades(topic);
      case 'trade-snapshot-gap':
        return this.gapNextSnapshot(topic);
      case 'invalid-json':
      case 'bad-fields':
        return this.sendBrokenFrames(kind, topic);
    }
  }

  /** Each level2 topic (of `topic`, default every subscribed one) loses its next update; returns the subscribers that miss it. */
  private loseNextUpdate(topic: string | undefined): number {
    let armed = 0;
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      if (!name.startsWith('level2:')) continue;
      this.gaps.arm(name);
      armed += this.hub.subscribersOf(name).size;
    }
    return armed;
  }

  /** Each market_trades topic (of `topic`, default every subscribed one) loses its next batch; returns the subscribers that miss it. */
  private loseNextTrades(topic: string | undefined): number {
    let armed = 0;
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      if (!name.startsWith('market_trades:')) continue;
      this.tradeGaps.arm(name);
      armed += this.hub.subscribersOf(name).size;
    }
    return armed;
  }

  /** Each market_trades topic (of `topic`, default every subscribed one) sends its next snapshot with a hole; returns its subscribers now. */
  private gapNextSnapshot(topic: string | undefined): number {
    let armed = 0;
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      if (!name.startsWith('market_trades:')) continue;
      this.snapshotGaps.add(name);
      armed += this.hub.subscribersOf(name).size;
    }
    return armed;
  }

  private sendBrokenFrames(kind: 'invalid-json' | 'bad-fields', topic: string | undefined): number {
    return sendMalformedFrames(this.hub, kind, topic, (name) => {
      const [channel, id = ''] = name.split(':');
      const now = this.host.now();
      const bad = 'not-a-number';
      if (channel === 'market_trades') return this.feed.publish(name, 'market_trades', now, [{ type: 'update', trades: [{ trade_id: '-1', product_id: id, price: bad, size: 'NaN', side: 'BUY', time: isoMicros(now) }] }]);
      if (channel === 'level2') return this.feed.publish(name, 'l2_data', now, [{ type: 'update', product_id: id, updates: [{ side: 'bid', event_time: isoMicros(now), price_level: bad, new_quantity: 'NaN' }] }]);
      if (channel === 'ticker') return this.feed.publish(name, 'ticker', now, [{ type: 'update', tickers: [{ type: 'ticker', product_id: id, price: bad, best_bid: 'NaN', best_ask: 'NaN' }] }]);
      return 0;
    });
  }

  /**
   * An update on each level2 topic (of `topic`, default every subscribed one) setting a bid 1% above the best
   * ask: in sequence (each connection's next sequence_num), while the book stays as it is, so no later update removes
   * the level, and a snapshot lacks it.
   */
  private sendCrossedLevels(topic: string | undefined): number {
    let sent = 0;
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      const [channel, id = ''] = name.split(':');
      const market = channel === 'level2' ? this.host.markets.byId(this.streamedAs(id)) : undefined;
      const ask = market?.book.bestAsk();
      if (market === undefined || ask === undefined) continue;
      const now = this.host.now();
      sent += this.feed.publish(name, 'l2_data', now, [{ type: 'update', product_id: market.spec.id, updates: levelUpdates(market, 'bid', [[crossedBidUnits(ask[0]), ask[1]]], isoMicros(now)) }]);
    }
    return sent;
  }

  /** The newest trade again on each market_trades topic (of `topic`, default every subscribed one), 23 h ahead, under a new trade_id. */
  private sendFutureTrades(topic: string | undefined, aheadMs: number): number {
    let sent = 0;
    for (const name of topic === undefined ? this.hub.activeTopics() : [topic]) {
      const [channel, id = ''] = name.split(':');
      const market = channel === 'market_trades' ? this.host.markets.byId(this.streamedAs(id)) : undefined;
      const last = market === undefined ? -1 : market.log.length - 1;
      if (market === undefined || last < 0) continue;
      const now = this.host.now();
      const trade = { ...(wsTrade(market, last) as Record<string, Json>), trade_id: String(market.log.lastTradeIdAt(last) + FUTURE_TRADE_ID_OFFSET), time: isoMicros(now + aheadMs) };
      sent += this.feed.publish(name, 'market_trades', now, [{ type: 'update', trades: [trade] }]);
    }
    return sent;
  }

  wireTradeId(_market: SymbolMarket, trade: EmulatorTrade): string {
    return String(trade.id);
  }


  /** Sends each product's trades of the last batch (newest first) on market_trades, then its ticker. */
  private flushTrades(): void {
    if (this.pending.size === 0) return;
    const now = this.host.now();
    for (const [id, indexes] of this.pending) {
      const market = this.host.markets.byId(id);
      if (market === undefined || indexes.length === 0) continue;
      const trimmed = market.log.trimmed;
      const trades = indexes.filter((i) => i >= trimmed).map((i) => wsTrade(market, i - trimmed));
      const events = [{ type: 'update', trades: trades.reverse() }];
      for (const topic of this.topicsCarrying('market_trades', id)) {
        if (this.tradeGaps.take(topic)) this.feed.lose(topic);
        else if (this.hub.hasSubscribers(topic)) this.feed.publish(topic, 'market_trades', now, events);
      }
      this.publishTicker(market, 'update', now);
    }
    this.pending.clear();
  }

  /** A ticker message to every subscriber of the product's ticker, logged as sent. */
  private publishTicker(market: SymbolMarket, type: 'snapshot' | 'update', now: number, only?: CoinbaseConn): void {
    if (only === undefined && !this.carried('ticker', market.spec.id)) return;
    const ticker = tickerJson(market, now);
    if (ticker === undefined) return;
    const events = [{ type, tickers: [ticker.json] }];
    if (only === undefined) for (const topic of this.topicsCarrying('ticker', market.spec.id)) this.feed.publish(topic, 'ticker', now, events);
    else this.feed.sendTo(only, 'ticker', now, events);
    market.logTicker({ timestamp: now, bid: ticker.bid, ask: ticker.ask, last: ticker.last });
  }

  /**
   * What a new subscriber of a channel of `asked` gets first: the whole book (level2), recent trades, the current
   * ticker, of the product whose data the channel carries (the -USD product for an alias).
   */
  private sendSnapshot(conn: CoinbaseConn, channel: CoinbaseChannel, asked: string): void {
    const id = this.streamedAs(asked);
    const market = this.host.markets.byId(id);
    if (market === undefined) return;
    const now = this.host.now();
    switch (channel) {
      case 'level2': {
        const snap = market.book.snapshot(Number.MAX_SAFE_INTEGER);
        const updates = [...levelUpdates(market, 'bid', snap.bids, SNAPSHOT_EVENT_TIME), ...levelUpdates(market, 'offer', snap.asks, SNAPSHOT_EVENT_TIME)];
        this.feed.sendTo(conn, 'l2_data', now, [{ type: 'snapshot', product_id: id, updates }]);
        return;
      }
      case 'market_trades': {
        const { log } = market;
        const trades: Json[] = [];
        // Armed, it keeps its newest trade and leaves out the few before it (they stay in the log: REST has them).
        const skipped = this.snapshotGaps.delete(topicOf('market_trades', asked)) ? SNAPSHOT_GAP_TRADES : 0;
        for (let i = log.length - 1; i >= 0 && trades.length < SNAPSHOT_TRADES; i--) if (i === log.length - 1 || i < log.length - 1 - skipped) trades.push(wsTrade(market, i));
        this.feed.sendTo(conn, 'market_trades', now, [{ type: 'snapshot', trades }]);
        return;
      }
      case 'ticker':
        this.publishTicker(market, 'snapshot', now, conn);
        return;
      case 'ticker_batch':
        this.batches.snapshot(conn, market);
        return;
      case 'heartbeats':
        return;
    }
  }
}

function wsTrade(market: SymbolMarket, index: number): Json {
  const { trade_id, product_id, price: p, size: s, side, time } = tradeJson(market, index);
  return { trade_id, product_id, price: p, size: s, side, time } as Json;
}

/** The level2 update of one book step, sent at `now`. */
function stepMessage(market: SymbolMarket, update: DepthUpdate, now: number): { readonly now: number; readonly events: Json[] } {
  const time = isoMicros(now);
  return { now, events: [{ type: 'update', product_id: market.spec.id, updates: [...levelUpdates(market, 'bid', update.bids, time), ...levelUpdates(market, 'offer', update.asks, time)] }] };
}

function levelUpdates(market: SymbolMarket, side: 'bid' | 'offer', levels: readonly LevelUnits[], eventTime: string): Json[] {
  return levels.map(([p, q]) => ({ side, event_time: eventTime, price_level: price(market.spec, p), new_quantity: size(market.spec, q) }));
}
