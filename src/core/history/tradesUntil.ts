/** REST trades from a time up to another, asked again where an answer was cut short by the page budget. */
import type { MissingTrades, Trade } from '../types';
import type { TradesSince } from './seamTrades';

/** Requests one span may take (each up to the page budget) before the rest of it is left out. */
export const MAX_TRADE_ROUNDS = 20;

export interface TradesUntil {
  /** Every trade from `from` on, oldest first; those at or after `until` too, where an answer held them. */
  readonly trades: Trade[];
  /** The first answer's: no trade from `from` on is missing before its first one. */
  readonly complete: boolean;
  /**
   * Where the trades stopped short of `until`: the span after it is missing (see `stoppedBecause`). Every trade up to
   * it is in.
   */
  readonly stoppedAt: number | undefined;
  /** Why they stopped at `stoppedAt`: MAX_TRADE_ROUNDS answers were not enough, or a later answer was not `complete`. */
  readonly stoppedBecause?: 'rounds' | 'incomplete';
  /** The first answer's spans known to be missing (see TradesSince.missing). */
  readonly missing?: readonly MissingTrades[];
}

/**
 * Asks `since(from)`, then again from the last trade of each answer cut short (`truncated`) before `until`; the trades
 * at that millisecond already given are not repeated. A later answer that is not `complete` may have left trades out
 * right after the last one held: its trades are not taken and the result stops there, so the span is said missing.
 */
export async function tradesUntil(since: (from: number) => Promise<TradesSince>, from: number, until: number, maxRounds = MAX_TRADE_ROUNDS): Promise<TradesUntil> {
  const first = await since(from);
  const trades = first.trades;
  let truncated = first.truncated === true;
  for (let round = 1; truncated && round < maxRounds; round++) {
    const last = trades.at(-1);
    if (last === undefined || last.timestamp >= until) break;
    const taken = new Set<string>();
    for (let i = trades.length - 1; i >= 0 && (trades[i] as Trade).timestamp === last.timestamp; i--) taken.add((trades[i] as Trade).id);
    const next = await since(last.timestamp);
    if (!next.complete) return stopped(first, trades, last.timestamp, 'incomplete');
    let added = 0;
    for (const t of next.trades) {
      if (t.timestamp < last.timestamp || (t.timestamp === last.timestamp && taken.has(t.id))) continue;
      trades.push(t);
      added++;
    }
    truncated = next.truncated === true;
    if (added === 0) break; // an answer that adds nothing: stopped where it is
  }
  const end = trades.at(-1)?.timestamp;
  if (truncated && end !== undefined && end < until) return stopped(first, trades, end, 'rounds');
  return { trades, complete: first.complete, stoppedAt: undefined, ...(first.missing ? { missing: first.missing } : {}) };
}

function stopped(first: TradesSince, trades: Trade[], at: number, because: 'rounds' | 'incomplete'): TradesUntil {
  return { trades, complete: first.complete, stoppedAt: at, stoppedBecause: because, ...(first.missing ? { missing: first.missing } : {}) };
}
