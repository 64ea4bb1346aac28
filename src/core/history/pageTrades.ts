import { listedRows } from '../exchange/listedRows';
import type { Trade } from '../types';

/** One page of trades from `since` on; `windowEnd` (inclusive) bounds it where the exchange answers a span at most. */
export type TradePage = (since: number, limit: number, windowEnd?: number) => Promise<Trade[]>;

export interface PagedTrades {
  readonly trades: Trade[];
  /** The page budget ran out before `until`: trades after the last one given may exist (ask again from its time). */
  readonly truncated: boolean;
}

export interface TradePaging {
  readonly limit: number;
  readonly maxPages?: number;
  /**
   * The longest span one request may cover (Binance aggTrades: one hour from `startTime`). A page shorter than
   * `limit` then ends its window, not the trades: an hour with few or no trades is followed by the next.
   */
  readonly windowMs?: number;
  /** Windows go on while they end before this (default `until`): the exchange's now, where `until` is open-ended. */
  readonly reach?: number;
  /** After each page: the time every trade is in up to (progress). */
  readonly onPage?: (reached: number) => void;
}

/**
 * All trades in [from, until), oldest first. Pages on the last timestamp seen (inclusive) and drops the ids
 * already taken at that millisecond, so trades sharing a millisecond across a page boundary are neither lost nor
 * repeated.
 */
export async function pageTrades(fetchPage: TradePage, from: number, until: number, paging: TradePaging): Promise<PagedTrades> {
  const { limit, maxPages = 50, windowMs, reach = until, onPage } = paging;
  const out: Trade[] = [];
  let since = from;
  let idsAtSince = new Set<string>();
  for (let page = 0; page < maxPages; page++) {
    if (since >= until) return { trades: out, truncated: false };
    const windowEnd = windowMs === undefined ? undefined : since + windowMs;
    const batch = await fetchPage(since, limit, windowEnd);
    let added = 0;
    for (const t of batch) {
      if (t.timestamp < since || t.timestamp >= until) continue;
      if (t.timestamp === since && idsAtSince.has(t.id)) continue;
      const prev = out[out.length - 1];
      if (prev && t.timestamp < prev.timestamp) continue;
      if (t.timestamp > since) {
        since = t.timestamp;
        idsAtSince = new Set();
      }
      idsAtSince.add(t.id);
      out.push(t);
      added++;
    }
    // As the exchange listed it: a row the boundary dropped does not make a full page short (the end).
    if (listedRows(batch) < limit) {
      // The window held no more: the trades go on in the next one, unless it reached the end.
      if (windowEnd === undefined || windowEnd >= reach) return { trades: out, truncated: false };
      if (windowEnd > since) {
        since = windowEnd;
        idsAtSince = new Set();
      }
      onPage?.(since);
      continue;
    }
    onPage?.(since);
    if (added === 0) {
      // A full page of already-seen trades at one millisecond: move past it (more than `limit` trades in one
      // millisecond is the only case that can still drop any).
      since++;
      idsAtSince = new Set();
    }
  }
  return { trades: out, truncated: since < until };
}
