import type { Trade } from '../types';

/**
 * The oldest timestamp of `trades`, undefined when there are none. A loop, not Math.min(...): a batch may be longer
 * than the stack allows arguments, and a stream's batch need not be in time order (ccxt's Coinbase cache can swap two).
 */
export function oldestTime(trades: readonly Trade[]): number | undefined {
  let oldest: number | undefined;
  for (const t of trades) if (oldest === undefined || t.timestamp < oldest) oldest = t.timestamp;
  return oldest;
}

/** The newest timestamp of `trades`, undefined when there are none (a loop, as oldestTime's). */
export function newestTime(trades: readonly Trade[]): number | undefined {
  let newest: number | undefined;
  for (const t of trades) if (newest === undefined || t.timestamp > newest) newest = t.timestamp;
  return newest;
}
