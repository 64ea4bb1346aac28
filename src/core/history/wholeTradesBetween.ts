// A reconnect's hole asked of REST whole, or refused: a part of it sent late would pass for all of it.
import { HoleOutOfReachError } from '../errors';
import type { MarketKey } from '../keys';
import type { Trade } from '../types';
import type { HistoryService } from './historyService';

/**
 * The market's REST trades in [from, until) (HistoryService.tradesBetween), rejecting with HoleOutOfReachError where
 * the exchange's REST trades do not reach back to `from`.
 */
export async function wholeTradesBetween(history: Pick<HistoryService, 'tradesBetween'>, market: MarketKey, from: number, until: number, signal: AbortSignal): Promise<Trade[]> {
  let reached: number | undefined;
  const trades = await history.tradesBetween(market, from, until, { signal, onMissing: (_from, at) => (reached = at) });
  if (reached !== undefined) throw new HoleOutOfReachError(from, reached);
  return trades;
}
