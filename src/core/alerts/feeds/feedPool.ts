/**
 * The hub subscriptions the alert rules hold, one feed per FeedSpec: a rule attaches to its feed (created on
 * demand, candles as deep as asked) and detaches from it; the last rule leaving releases the subscription.
 */
import { assertNever } from '../../util/assertNever';
import { CandleFeed } from './candleFeed';
import type { Feed, FeedContext, FeedMember } from './feed';
import { feedId, type FeedSpec } from './feedSpec';
import { TickFeed } from './tickFeed';

export class FeedPool {
  private readonly feeds = new Map<string, Feed>();

  constructor(
    private readonly ctx: FeedContext,
    /** Candle feeds ask for at least this many bars (see AlertEngineOptions.minHistoryBars). */
    private readonly minHistoryBars: number,
  ) {}

  get size(): number {
    return this.feeds.size;
  }

  /** "trades binance BTC/USDT", "1m candles binance BTC/USDT", … one per subscription held. */
  descriptions(): string[] {
    return [...this.feeds.values()].map((f) => f.description);
  }

  /**
   * Adds `member` to the feed of `spec` and returns it. A feed created now subscribes at once; a candle feed asks
   * for `historyBars` (at least minHistoryBars). No crossing state is carried over from before a detach.
   */
  attach(member: FeedMember, spec: FeedSpec, historyBars: number): Feed {
    const id = feedId(spec);
    let feed = this.feeds.get(id);
    if (!feed) {
      feed = this.create(spec, historyBars);
      this.feeds.set(id, feed);
      feed.start();
    }
    feed.add(member);
    return feed;
  }

  /** Removes `member` from `feed`; an empty feed is released after the event being handled (it may be rejoined). */
  detach(member: FeedMember, feed: Feed): void {
    feed.remove(member);
    if (feed.size > 0) return;
    const id = feedId(feed.spec);
    queueMicrotask(() => {
      if (feed.size > 0 || this.feeds.get(id) !== feed) return;
      this.feeds.delete(id);
      feed.dispose();
    });
  }

  /** The market data of `exchange` went back in time (a replay seeked back): its feeds start over. */
  rewound(exchange: string): void {
    for (const feed of this.feeds.values()) if (feed.spec.exchange === exchange) feed.rewound();
  }

  /** Releases every subscription at once. */
  dispose(): void {
    for (const feed of this.feeds.values()) feed.dispose();
    this.feeds.clear();
  }

  private create(spec: FeedSpec, historyBars: number): Feed {
    // A feed dates bars on its market's clock: a replay's bars close on the replay's time, not the wall clock's.
    const ctx: FeedContext = { ...this.ctx, clock: this.ctx.hub.clockOf?.(spec.exchange) ?? this.ctx.clock, onChange: (feed) => this.ctx.onChange(feed) };
    switch (spec.kind) {
      case 'candles':
        return new CandleFeed(spec, ctx, Math.max(historyBars, this.minHistoryBars));
      case 'trades':
      case 'ticker':
      case 'liquidations':
        return new TickFeed(spec, ctx);
      default:
        return assertNever(spec);
    }
  }
}
