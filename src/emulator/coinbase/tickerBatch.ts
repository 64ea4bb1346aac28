/**
 * Coinbase's ticker_batch channel, as its Advanced Trade WebSocket docs describe it: "latest price updates every
 * 5000 milliseconds (5 seconds) when there is a change", with the ticker channel's schema except that the envelope's
 * channel is `ticker_batch` and best bid / best ask are not provided. A new subscriber gets a `snapshot` of each
 * product; then, every period, each connection gets one `update` with the tickers of its products that traded since
 * the last one (none: no message).
 */
import type { Json } from '../json';
import type { SymbolMarket } from '../symbolMarket';
import { batchTickerJson } from './ticker';
import { topicOf, type CoinbaseConn, type CoinbaseFeed } from './ws';

/** Coinbase's documented ticker_batch period. */
export const TICKER_BATCH_MS = 5000;

export class TickerBatches {
  /** Products that traded since the last batch while someone was subscribed to them. */
  private readonly changed = new Set<string>();

  constructor(
    private readonly feed: CoinbaseFeed,
    private readonly market: (productId: string) => SymbolMarket | undefined,
    private readonly now: () => number,
    /** The ticker_batch topics a product's ticker goes out on: its own, and those of its aliases kept as their own. */
    private readonly topics: (productId: string) => readonly string[] = (id) => [topicOf('ticker_batch', id)],
  ) {}

  /** A trade of the product: its ticker goes out with the next batch, if anyone is subscribed. */
  traded(productId: string): void {
    if (this.topics(productId).some((topic) => this.feed.hub.hasSubscribers(topic))) this.changed.add(productId);
  }

  /** What a new subscriber of a product gets first: its ticker now. */
  snapshot(conn: CoinbaseConn, market: SymbolMarket): void {
    const now = this.now();
    const ticker = batchTickerJson(market, now);
    if (ticker !== undefined) this.feed.sendTo(conn, 'ticker_batch', now, [{ type: 'snapshot', tickers: [ticker] }]);
  }

  /** One `update` per connection with its products' changed tickers. */
  flush(): void {
    if (this.changed.size === 0) return;
    const now = this.now();
    const perConnection = new Map<CoinbaseConn, Json[]>();
    for (const id of this.changed) {
      // A connection subscribed under two names of the product (with 'own' alias subscriptions) gets its ticker twice.
      const subscribers = this.topics(id).flatMap((topic) => [...this.feed.hub.subscribersOf(topic)]);
      const market = subscribers.length === 0 ? undefined : this.market(id);
      const ticker = market === undefined ? undefined : batchTickerJson(market, now);
      if (ticker === undefined) continue;
      for (const conn of subscribers) {
        const tickers = perConnection.get(conn);
        if (tickers === undefined) perConnection.set(conn, [ticker]);
        else tickers.push(ticker);
      }
    }
    this.changed.clear();
    for (const [conn, tickers] of perConnection) this.feed.sendTo(conn, 'ticker_batch', now, [{ type: 'update', tickers }]);
  }
}
