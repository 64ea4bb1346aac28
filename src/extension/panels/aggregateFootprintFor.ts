/** An aggregate chart's footprint: buckets on the legs' finest tick, the legs' merged trades from the minute it opened. */
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import { aggregateFootprintFeed } from '../../core/aggregate/aggregateFootprint';
import { legMarketLists, resolveLegs } from '../../core/aggregate/legResolution';
import type { MarketHub } from '../../core/hub/marketHub';
import type { FootprintFeed, FootprintFeedEvent } from '../../core/orderflow/footprintFeed';
import { autoMultipleForBars, bucketPrice, priceBuckets, type PriceBuckets } from '../../core/orderflow/priceBuckets';
import { bucketStart, timeframeMs, type Timeframe } from '../../core/timeframes';
import type { Candle } from '../../core/types';
import type { Logger } from '../../core/util/log';
import type { FootprintSettings } from '../parseSettings';
import { finestTick } from './aggregateChartFeed';
import type { FootprintSubscription } from './footprintFeedFor';

export interface AggregateFootprintRequest {
  readonly definition: AggregateDefinition;
  readonly timeframe: Timeframe;
  readonly settings: FootprintSettings;
  /** The aggregate chart's bars, for the automatic bucket; the price leg's recent klines while it has none. */
  readonly bars: () => readonly Candle[];
  /** How far a slow leg may hold the others back (tests); 2 s. */
  readonly holdMs?: number;
}

/**
 * Prices are the aggregate's (its VWAP or its chosen leg, as its alert rules read them), so the cells sit on the
 * legs' finest tick × a multiple. `ready` rejects, naming why, when the legs do not resolve or none has a tick size.
 */
export function subscribeAggregateFootprint(hub: MarketHub, req: AggregateFootprintRequest, log: Logger, onEvent: (e: FootprintFeedEvent, buckets: PriceBuckets) => void): FootprintSubscription {
  const def = req.definition;
  const priceLeg = def.legs[def.price.kind === 'leg' ? def.price.leg : 0];
  const clock = hub.clockOf(priceLeg?.exchange ?? '');
  let feed: FootprintFeed | undefined;
  let buckets: PriceBuckets | undefined;
  let disposed = false;
  const startFeed = (b: PriceBuckets) => {
    const next = aggregateFootprintFeed({
      source: hub,
      definition: def,
      timeframes: [req.timeframe],
      buckets: b,
      since: bucketStart('1m', clock.now()),
      imbalanceRatio: req.settings.imbalanceRatio,
      cvdReset: req.settings.cvdReset,
      maxBars: Math.max(req.settings.historyBars, 1000),
      ...(req.holdMs !== undefined ? { holdMs: req.holdMs } : {}),
      clock,
      log,
    });
    feed = next;
    next.onEvent((e) => onEvent(e, b));
    next.start();
  };
  const recentBars = (): Promise<Candle[]> => {
    if (!priceLeg) return Promise.resolve([]);
    const now = clock.now();
    return hub.candlesBetween(priceLeg, req.timeframe, bucketStart(req.timeframe, now) - 60 * timeframeMs(req.timeframe), now).catch(() => []);
  };
  const ready = (async () => {
    const lists = await legMarketLists((exchange) => hub.markets(exchange), def.legs);
    const resolved = resolveLegs(def, (exchange) => lists.get(exchange) ?? 'its markets were not loaded');
    if (!resolved.ok) throw new Error(`aggregate ${def.name}: ${resolved.issues.join('; ')}`);
    const tick = finestTick(resolved.legs);
    if (tick === undefined) throw new Error(`aggregate ${def.name}: no leg publishes a tick size, so the footprint cannot build its price cells`);
    if (disposed) return;
    const shown = req.bars();
    const multiple = req.settings.bucketTicks > 0 ? req.settings.bucketTicks : autoMultipleForBars(tick, (shown.length > 1 ? shown : await recentBars()).slice(-60));
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
      return snap ? { ...snap, bucket } : undefined;
    },
    // An aggregate is not replayed: nothing goes back in time; a new feed counts from the minute in progress.
    startOver: () => {
      if (disposed || !buckets) return;
      feed?.dispose();
      startFeed(buckets);
    },
    dispose: () => {
      disposed = true;
      feed?.dispose();
    },
  };
}
