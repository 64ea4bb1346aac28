/** Turns market changes into Binance stream events for the subscribed streams (and nothing for unwatched ones). */
import { aggTradeEvent, bookTickerEvent, depthEvent, streamName, tradeEvent, type Json } from './streams';
import type { SymbolMarket } from './symbolMarket';
import { tickerStats, wsMiniTicker, wsTicker } from './ticker';
import type { WsHub } from './wsServer';

export class MarketFeed {
  constructor(
    private readonly hub: WsHub,
    private readonly markets: ReadonlyMap<string, SymbolMarket>,
    private readonly now: () => number,
  ) {}

  /** Pushes the logged trade at `index` on `<symbol>@trade` and `<symbol>@aggTrade`. */
  publishTrade(market: SymbolMarket, index: number): void {
    const eventTime = Math.max(this.now(), market.log.at(index).timestamp);
    const trade = streamName(market.spec, 'trade');
    if (this.hub.hasSubscribers(trade)) this.hub.broadcast(trade, tradeEvent(market.log, index, eventTime));
    const agg = streamName(market.spec, 'aggTrade');
    if (this.hub.hasSubscribers(agg)) this.hub.broadcast(agg, aggTradeEvent(market.log, index, eventTime));
  }

  /** One book step per symbol: re-centre on the last trade, push the diff on `@depth@100ms` and `@bookTicker`. */
  tickBooks(): void {
    const now = this.now();
    for (const market of this.markets.values()) {
      const mid = market.log.lastPriceUnits();
      if (mid === undefined) continue;
      const update = market.book.tick(mid);
      if (update === undefined) continue;
      market.depthBatch.add(update);
      const fast = streamName(market.spec, 'depth@100ms');
      if (this.hub.hasSubscribers(fast)) this.hub.broadcast(fast, depthEvent(market.spec, update, now));
      const bookTicker = streamName(market.spec, 'bookTicker');
      if (!this.hub.hasSubscribers(bookTicker)) continue;
      const bid = market.book.bestBid();
      const ask = market.book.bestAsk();
      if (bid && ask) this.hub.broadcast(bookTicker, bookTickerEvent(market.spec, update.finalUpdateId, bid, ask));
    }
  }

  /** Pushes the diffs merged since the last call on `@depth` / `@depth@1000ms`. */
  flushDepthBatches(): void {
    const now = this.now();
    for (const market of this.markets.values()) {
      const merged = market.depthBatch.take();
      if (merged === undefined) continue;
      for (const stream of [streamName(market.spec, 'depth'), streamName(market.spec, 'depth@1000ms')]) {
        if (this.hub.hasSubscribers(stream)) this.hub.broadcast(stream, depthEvent(market.spec, merged, now));
      }
    }
  }

  /** Pushes `@ticker` (logged), `@miniTicker`, `!ticker@arr` and `!miniTicker@arr` where subscribed. */
  pushTickers(): void {
    const wantAll = this.hub.hasSubscribers('!ticker@arr');
    const wantAllMini = this.hub.hasSubscribers('!miniTicker@arr');
    const now = this.now();
    const all: Json[] = [];
    const allMini: Json[] = [];
    for (const market of this.markets.values()) {
      const ticker = streamName(market.spec, 'ticker');
      const mini = streamName(market.spec, 'miniTicker');
      const wantTicker = this.hub.hasSubscribers(ticker);
      const wantMini = this.hub.hasSubscribers(mini);
      if (!wantTicker && !wantMini && !wantAll && !wantAllMini) continue;
      const stats = tickerStats(market.log, market.book, now);
      const eventTime = Math.max(now, stats.closeTime);
      if (wantTicker) {
        this.hub.broadcast(ticker, wsTicker(stats, eventTime));
        market.logTicker({ timestamp: eventTime, bid: Number(stats.bidPrice), ask: Number(stats.askPrice) });
      }
      if (wantMini) this.hub.broadcast(mini, wsMiniTicker(stats, eventTime));
      if (wantAll) all.push(wsTicker(stats, eventTime));
      if (wantAllMini) allMini.push(wsMiniTicker(stats, eventTime));
    }
    if (all.length > 0) this.hub.broadcast('!ticker@arr', all);
    if (allMini.length > 0) this.hub.broadcast('!miniTicker@arr', allMini);
  }
}
