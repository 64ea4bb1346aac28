/** Turns market changes into Binance stream events for the subscribed streams (and nothing for unwatched ones). */
import type { Json } from '../json';
import type { MarketSet } from '../marketSet';
import type { DepthUpdate } from '../orderBook';
import { aggTradeEvent, bookTickerEvent, depthEvent, streamName, tradeEvent } from '../streams';
import type { SymbolMarket } from '../symbolMarket';
import { isTrading } from '../symbols';
import { tickerStats, windowKey, wsMiniTicker, wsTicker } from '../ticker';
import { ChangedTickers } from './changedTickers';
import { DepthBatch } from './depthBatch';
import type { BinanceStreams } from './ws';
import type { BookGaps } from '../bookGaps';

export class MarketFeed {
  /** Diffs accumulated per market id for the 1000 ms `@depth` streams. */
  private readonly depthBatches = new Map<string, DepthBatch>();
  private readonly changedTickers = new ChangedTickers();

  constructor(
    private readonly streams: BinanceStreams,
    private readonly markets: MarketSet,
    private readonly now: () => number,
    private readonly gaps: BookGaps,
  ) {}

  /** Pushes the logged trade at `index` on `<symbol>@trade` and `<symbol>@aggTrade` (unless the stream is to lose it: `trade-gap`). */
  publishTrade(market: SymbolMarket, index: number): void {
    const eventTime = Math.max(this.now(), market.log.at(index).timestamp);
    const trade = streamName(market.spec, 'trade');
    if (this.streams.hub.hasSubscribers(trade) && !this.gaps.take(trade)) this.streams.publish(trade, tradeEvent(market.log, index, eventTime));
    const agg = streamName(market.spec, 'aggTrade');
    if (this.streams.hub.hasSubscribers(agg) && !this.gaps.take(agg)) this.streams.publish(agg, aggTradeEvent(market.log, index, eventTime));
  }

  /** One book step of a market: push the diff on `@depth@100ms` and `@bookTicker`, and batch it for `@depth`. */
  publishBookStep(market: SymbolMarket, update: DepthUpdate): void {
    let batch = this.depthBatches.get(market.spec.id);
    if (batch === undefined) {
      batch = new DepthBatch();
      this.depthBatches.set(market.spec.id, batch);
    }
    batch.add(update);
    const fast = streamName(market.spec, 'depth@100ms');
    // The gap is spent listened to or not: one kept for a stream nobody subscribes to hit a later subscriber's first diff.
    if (!this.gaps.take(fast) && this.streams.hub.hasSubscribers(fast)) this.streams.publish(fast, depthEvent(market.spec, update, this.now()));
    const bookTicker = streamName(market.spec, 'bookTicker');
    if (!this.streams.hub.hasSubscribers(bookTicker)) return;
    const bid = market.book.bestBid();
    const ask = market.book.bestAsk();
    if (bid && ask) this.streams.publish(bookTicker, bookTickerEvent(market.spec, update.finalUpdateId, bid, ask));
  }

  /** Pushes the diffs merged since the last call on `@depth` / `@depth@1000ms`. */
  flushDepthBatches(): void {
    const now = this.now();
    for (const market of this.markets.live()) {
      const merged = this.depthBatches.get(market.spec.id)?.take();
      if (merged === undefined) continue;
      for (const stream of [streamName(market.spec, 'depth'), streamName(market.spec, 'depth@1000ms')]) {
        if (!this.gaps.take(stream) && this.streams.hub.hasSubscribers(stream)) this.streams.publish(stream, depthEvent(market.spec, merged, now));
      }
    }
  }

  /** Pushes `@ticker` (logged) and `@miniTicker` every second, `!ticker@arr` and `!miniTicker@arr` with the markets that changed, where subscribed. */
  pushTickers(): void {
    const hub = this.streams.hub;
    const wantAll = hub.hasSubscribers('!ticker@arr');
    const wantAllMini = hub.hasSubscribers('!miniTicker@arr');
    const now = this.now();
    const all: Json[] = [];
    const allMini: Json[] = [];
    for (const market of this.markets.live()) {
      if (!isTrading(market.spec)) continue;
      const ticker = streamName(market.spec, 'ticker');
      const mini = streamName(market.spec, 'miniTicker');
      const wantTicker = hub.hasSubscribers(ticker);
      const wantMini = hub.hasSubscribers(mini);
      const changed = this.changedTickers.changed(market.spec.id, windowKey(market.log, now));
      if (!wantTicker && !wantMini && !((wantAll || wantAllMini) && changed)) continue;
      const stats = tickerStats(market.log, market.book, now);
      const eventTime = Math.max(now, stats.closeTime);
      if (wantTicker) {
        this.streams.publish(ticker, wsTicker(stats, eventTime));
        market.logTicker({ timestamp: eventTime, bid: Number(stats.bidPrice), ask: Number(stats.askPrice) });
      }
      if (wantMini) this.streams.publish(mini, wsMiniTicker(stats, eventTime));
      if (!changed) continue;
      if (wantAll) all.push(wsTicker(stats, eventTime));
      if (wantAllMini) allMini.push(wsMiniTicker(stats, eventTime));
    }
    if (all.length > 0) this.streams.publish('!ticker@arr', all);
    if (allMini.length > 0) this.streams.publish('!miniTicker@arr', allMini);
  }
}
