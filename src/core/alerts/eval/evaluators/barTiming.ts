import { nextBucketStart, type Timeframe } from '../../../timeframes';
import type { Candle } from '../../../types';
import type { Clock } from '../../../util/clock';
import { reading, type Reading } from '../reading';

/**
 * Candle deltas carry no trade time: a bar close is dated at the bar's end, an update within the bar at the
 * clock's time clamped into the bar (live, market time and the clock agree; a backtest replaying trades sets its
 * clock to each trade's time).
 */
export function barReading(timeframe: Timeframe, candle: Candle, final: boolean, clock: Clock, value: number, ref?: number): Reading {
  const end = nextBucketStart(timeframe, candle.time);
  const time = final ? end : Math.min(Math.max(clock.now(), candle.time), end - 1);
  return reading(time, candle.time, final, value, ref);
}
