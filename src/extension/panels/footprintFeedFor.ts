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
}

/** The market's recent closed bars of the chart's timeframe, when the chart has none yet. */
function recentBars(hub: MarketHub, req: FootprintRequest): Promise<Candle[]> {
  const now = Date.now();
  return hub.candlesBetween({ exchange: req.exchange, symbol: req.symbol }, req.timeframe, bucketStart(req.timeframe, now) - 60 * timeframeMs(req.timeframe), now);
}

export function subscribeFootprint(hub: MarketHub, req: FootprintRequest, log: Logger, onEvent: (e: FootprintFeedEvent, buckets: PriceBuckets) => void): FootprintSubscription {
  let feed: FootprintFeed | undefined;
  let disposed = false;
  const ready = (async () => {
    const markets = await hub.markets(req.exchange);
    const tick = markets.find((m) => m.symbol === req.symbol)?.tickSize;
    if (tick === undefined || !(tick > 0)) throw new Error(`${req.exchange} publishes no tick size for ${req.symbol}: the footprint cannot build its price cells`);
    if (disposed) return;
    const multiple = req.settings.bucketTicks > 0 ? req.settings.bucketTicks : autoMultipleForBars(tick, (req.bars() ?? (await recentBars(hub, req))).slice(-60));
    if (disposed) return;
    const buckets = priceBuckets(tick, multiple);
    const now = Date.now();
    const historyFrom = bucketStart(req.timeframe, now) - (req.settings.historyBars - 1) * timeframeMs(req.timeframe);
    feed = new FootprintFeed({
      hub,
      history: (market, from, ctx) => hub.tradesSince(market, from, ctx),
      market: { exchange: req.exchange, symbol: req.symbol },
      timeframes: [req.timeframe],
      buckets,
      historyFrom,
      imbalanceRatio: req.settings.imbalanceRatio,
      cvdReset: req.settings.cvdReset,
      maxBars: Math.max(req.settings.historyBars, 1000),
      log,
    });
    feed.onEvent((e) => onEvent(e, buckets));
    feed.start();
  })();
  let bucket = 0;
  return {
    ready: ready.then(() => {
      bucket = feed ? bucketPrice(1, feed.buckets) : 0;
    }),
    snapshot: () => {
      const snap = feed?.snapshot(req.timeframe);
      return snap ? { ...snap, bucket } : undefined;
    },
    dispose: () => {
      disposed = true;
      feed?.dispose();
    },
  };
}
