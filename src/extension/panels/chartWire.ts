/** An engine candle as the chart's protocol carries it: compact, with the `partial` flag only when it is set. */
import type { Candle } from '../../core/types';
import type { CandleWire } from '../../shared/protocol';

export function candleWire(c: Candle): CandleWire {
  return c.partial === true ? [c.time, c.open, c.high, c.low, c.close, c.volume, true] : [c.time, c.open, c.high, c.low, c.close, c.volume];
}
