import { nextBucketStart, type Timeframe } from '../../../timeframes';
import type { Clock } from '../../../util/clock';
import type { BarUpdate } from '../evaluator';
import { reading, type Reading } from '../reading';

/**
 * A bar's reading is dated by the data, as a trade's is: a bar close at the bar's end, an update within the bar at
 * the time of the newest trade in it (the update's `dataTime`), clamped into the bar. An update that does not say
 * (a backtest replaying trades, whose clock is each trade's time) is dated by the clock.
 */
export function barReading(timeframe: Timeframe, update: BarUpdate, clock: Clock, value: number, ref?: number): Reading {
  const { candle, final } = update;
  const end = nextBucketStart(timeframe, candle.time);
  const time = final ? end : Math.min(Math.max(update.dataTime ?? clock.now(), candle.time), end - 1);
  return reading(time, candle.time, final, value, ref);
}
