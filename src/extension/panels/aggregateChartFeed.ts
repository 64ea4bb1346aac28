/** A chart's view of an aggregated market: its bars at one timeframe as candles and flows, its legs, its state. */
import type { AggregateBar } from '../../core/aggregate/aggregateBar';
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import type { ResolvedLeg } from '../../core/aggregate/legResolution';
import type { AggregateSubscription } from '../../core/aggregate/sharedAggregates';
import type { MarketHub } from '../../core/hub/marketHub';
import { legLabel } from './legLabel';
import type { Timeframe } from '../../core/timeframes';
import type { Candle, StreamState } from '../../core/types';
import { assertNever } from '../../core/util/assertNever';
import type { FlowWire } from '../../shared/protocol';
import { decimalsOf, MOST_TICK_DECIMALS } from '../../shared/util/decimals';
import { flowWires } from './chartMessages';
import { aggregateOlderBars } from '../../core/aggregate/aggregateOlderBars';
import type { Logger } from '../../core/util/log';
import type { OlderBarsSource } from './olderBarsLoader';

export interface AggregateChartHandlers {
  /** The legs are known (their finest tick rounds the prices shown): send a snapshot. */
  readonly onSnapshot: (tick: number | undefined, legs: readonly ResolvedLeg[]) => void;
  readonly onBars: (candles: readonly Candle[], flows: readonly FlowWire[]) => void;
  readonly onState: (state: StreamState) => void;
}

/** An aggregate bar as the chart draws it: prices rounded to `tick` (a volume-weighted price has every decimal). */
export function barCandle(b: AggregateBar, tick?: number): Candle {
  const round = tick === undefined ? (p: number) => p : priceRounder(tick);
  return { time: b.time, open: round(b.open), high: round(b.high), low: round(b.low), close: round(b.close), volume: b.volume, ...(b.partial ? { partial: true, ...(b.partialSince !== undefined ? { partialSince: b.partialSince } : {}) } : {}) };
}

/** The finest price increment of the legs (undefined when none is known). */
export function finestTick(legs: readonly ResolvedLeg[]): number | undefined {
  const ticks = legs.map((l) => l.tickSize).filter((t): t is number => t !== undefined && t > 0);
  return ticks.length > 0 ? Math.min(...ticks) : undefined;
}

function priceRounder(tick: number): (p: number) => number {
  const decimals = Math.min(MOST_TICK_DECIMALS, decimalsOf(tick));
  return (p) => Number((Math.round(p / tick) * tick).toFixed(decimals));
}

/** The legs as the legend names them ("binance BTC/USDT"). */
export function legLabels(def: AggregateDefinition): string[] {
  return def.legs.map(legLabel);
}

/**
 * Pages of the aggregate's bars before the oldest held, as candles (prices rounded to `tick`): each leg's previous
 * page merged; a leg without bars there leaves its buckets partial, and the log names it.
 */
export function aggregateOlderSource(hub: MarketHub, def: AggregateDefinition, legs: readonly ResolvedLeg[], tick: number | undefined, timeframe: Timeframe, log: Logger): OlderBarsSource {
  return async (before, count, signal) => {
    const page = await aggregateOlderBars(hub, { name: def.name, legs, price: def.price }, timeframe, before, count, { signal }, log);
    return { candles: page.bars.map((b) => barCandle(b, tick)), exhausted: page.exhausted };
  };
}

/** Joins the aggregate's shared market for one chart; the returned subscription is the chart's (ready, bars, dispose). */
export function openAggregateChart(hub: MarketHub, def: AggregateDefinition, timeframe: Timeframe, on: AggregateChartHandlers): AggregateSubscription {
  let tick: number | undefined;
  return hub.subscribeAggregate(def, timeframe, (e) => {
    switch (e.type) {
      case 'resolved':
        tick = finestTick(e.legs);
        on.onSnapshot(tick, e.legs);
        return;
      case 'deltas': {
        const bars = e.deltas.map((d) => d.bar);
        on.onBars(
          bars.map((b) => barCandle(b, tick)),
          flowWires(bars),
        );
        return;
      }
      case 'state':
        on.onState(e.state);
        return;
      default:
        assertNever(e);
    }
  });
}
