/** A chart's footprint feed: the market's buckets from its tick size and the settings, history from N bars back. */
import type { Subscription } from '../../core/hub/requests';
import type { MarketHub } from '../../core/hub/marketHub';
import type { DeltaBar } from '../../core/orderflow/cvdSeries';
import type { FootprintBar } from '../../core/orderflow/footprintBar';
import { FootprintFeed, type FootprintFeedEvent } from '../../core/orderflow/footprintFeed';
import { autoMultipleForBars, bucketPrice, priceBuckets, type PriceBuckets } from '../../core/orderflow/priceBuckets';
import type { Candle } from '../../core/types';
import { bucketStart, timeframeMs, type Timeframe } from '../../core/timeframes';
import type { Logger } from '../../core/util/log';
import type { FootprintSettings } from '../parseSettings';

export interface FootprintRequest {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly settings: FootprintSettings;
  /** The chart's bars, for the automatic bucket (a typical bar's range); undefined while it has none. */
  readonly bars: () => readonly Candle[] | undefined;
}

/**
 * Starts a FootprintFeed once the market's tick size is known; the Subscription's `ready` rejects (the panel shows
 * why) when the market has no tick size to build buckets on. Disposing stops the feed and gives its stream back.
 */
export interface FootprintSubscription extends Subscription {
  /** Every bar held now with the bucket size, for a webview that (re)loads; undefined before the history is in. */
  snapshot(): { readonly bars: readonly FootprintBar[]; readonly deltas: readonly DeltaBar[]; readonly depth: number; readonly bucket: number } | undefined;
  /**
   * The market went back in time (a replay seeked back): the bars held are dropped at once (the snapshot is empty
   * until the new history is in) and a new feed counts the trades from the history before the new position.
   */
  startOver(): void;
}

/** The market's recent closed bars of the chart's timeframe, when the chart has none yet. */
function recentBars(hub: MarketHub, req: FootprintRequest): Promise<Candle[]> {
  const now = hub.clockOf(req.exchange).now();
  return hub.candlesBetween({ exchange: req.exchange, symbol: req.symbol }, req.timeframe, bucketStart(req.timeframe, now) - 60 * timeframeMs(req.timeframe), now);
}

export function subscribeFootprint(hub: MarketHub, req: FootprintRequest, log: Logger, onEvent: (e: FootprintFeedEvent, buckets: PriceBuckets) => void): FootprintSubscription {
  let feed: FootprintFeed | undefined;
  let buckets: PriceBuckets | undefined;
  let disposed = false;
  let restarted = false;
  /** A feed counting from `historyBars` before the market's now (a replay's position, not the wall clock). */
  const startFeed = (b: PriceBuckets) => {
    const clock = hub.clockOf(req.exchange);
    const historyFrom = bucketStart(req.timeframe, clock.now()) - (req.settings.historyBars - 1) * timeframeMs(req.timeframe);
    const next = new FootprintFeed({
      hub,
      history: (market, from, ctx) => hub.tradesSince(market, from, ctx),
      market: { exchange: req.exchange, symbol: req.symbol },
      timeframes: [req.timeframe],
      buckets: b,
      historyFrom,
      imbalanceRatio: req.settings.imbalanceRatio,
      cvdReset: req.settings.cvdReset,
      maxBars: Math.max(req.settings.historyBars, 1000),
      clock,
      log,
    });
    feed = next;
    next.onEvent((e) => onEvent(e, b));
    next.start();
  };
  const ready = (async () => {
    const markets = await hub.markets(req.exchange);
    const tick = markets.find((m) => m.symbol === req.symbol)?.tickSize;
    if (tick === undefined || !(tick > 0)) throw new Error(`${req.exchange} publishes no tick size for ${req.symbol}: the footprint cannot build its price cells`);
    if (disposed) return;
    const multiple = req.settings.bucketTicks > 0 ? req.settings.bucketTicks : autoMultipleForBars(tick, (req.bars() ?? (await recentBars(hub, req))).slice(-60));
    if (disposed) return;
    buckets = priceBuckets(tick, multiple);
    startFeed(buckets);
  })();
  let bucket = 0;
  return {
    ready: ready.then(() => {
      bucket = buckets ? bucketPrice(1, buckets) : 0;
    }),
    snapshot: () => {
      const snap = feed?.snapshot(req.timeframe);
      if (snap) return { ...snap, bucket };
      // Started over: nothing of the abandoned future is shown while the new history loads.
      return restarted ? { bars: [], deltas: [], depth: hub.clockOf(req.exchange).now(), bucket } : undefined;
    },
    startOver: () => {
      if (disposed || !buckets) return;
      feed?.dispose();
      restarted = true;
      startFeed(buckets);
    },
    dispose: () => {
      disposed = true;
      feed?.dispose();
    },
  };
}
