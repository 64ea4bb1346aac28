/** A chart's view of an aggregated market: its bars at one timeframe as candles and flows, its legs, its state. */
import { AggregateMarket } from '../../core/aggregate/aggregateMarket';
import type { AggregateBar } from '../../core/aggregate/aggregateBar';
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import type { MarketHub } from '../../core/hub/marketHub';
import { describeMarket } from '../../core/keys';
import type { Timeframe } from '../../core/timeframes';
import type { Candle, StreamState } from '../../core/types';
import type { Logger } from '../../core/util/log';
import { assertNever } from '../../core/util/assertNever';
import type { FlowWire } from '../../shared/protocol';
import { flowWire } from './chartMessages';

export interface AggregateChartHandlers {
  /** The legs are known (or every bar changed): send a snapshot. */
  readonly onSnapshot: () => void;
  readonly onBars: (candles: readonly Candle[], flows: readonly FlowWire[]) => void;
  readonly onState: (state: StreamState) => void;
}

export const barCandle = (b: AggregateBar): Candle => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, ...(b.partial ? { partial: true } : {}) });

/** The legs as the legend names them ("binance BTC/USDT"). */
export function legLabels(def: AggregateDefinition): string[] {
  return def.legs.map((l) => describeMarket(l));
}

/** Opens the aggregate for one chart; the returned market is the chart's subscription (ready, dispose). */
export function openAggregateChart(hub: MarketHub, def: AggregateDefinition, timeframe: Timeframe, log: Logger, on: AggregateChartHandlers): AggregateMarket {
  return new AggregateMarket(hub, def, { timeframes: [timeframe], log }, (e) => {
    switch (e.type) {
      case 'resolved':
        on.onSnapshot();
        return;
      case 'deltas': {
        const bars = e.deltas.map((d) => d.bar);
        on.onBars(bars.map(barCandle), bars.map(flowWire));
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
