/** Rolling 24 h statistics of a trade log in integer units, for the exchanges that format their own tickers. */
import type { RangeStats, TradeLog } from './tradeLog';

const DAY = 24 * 60 * 60 * 1000;

export interface DayStats {
  /** Trades in (ref − 24 h, ref], with ref = max(now, last trade time); undefined when there were none. */
  readonly range: RangeStats | undefined;
  /** The last price (units), the price 24 h ago (units; the first trade in the window when none before it). */
  readonly last: number;
  readonly previous: number;
}

export function dayStats(log: TradeLog, now: number): DayStats | undefined {
  const last = log.lastPriceUnits();
  if (last === undefined) return undefined;
  const ref = Math.max(now, log.last()?.timestamp ?? 0);
  const from = log.upperBound(ref - DAY);
  const range = from < log.length ? log.rangeStats(from, log.length) : undefined;
  const previous = from > 0 ? log.priceUnitsAt(from - 1) : (range?.open ?? last);
  return { range, last, previous };
}
