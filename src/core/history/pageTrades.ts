import type { Trade } from '../types';

export type TradePage = (since: number, limit: number) => Promise<Trade[]>;

/**
 * All trades in [from, until), oldest first. Pages on the last timestamp seen (inclusive) and drops the ids
 * already taken at that millisecond, so trades sharing a millisecond across a page boundary are neither lost nor
 * repeated.
 */
export async function pageTrades(fetchPage: TradePage, from: number, until: number, limit: number, maxPages = 50): Promise<Trade[]> {
  const out: Trade[] = [];
  let since = from;
  let idsAtSince = new Set<string>();
  for (let page = 0; page < maxPages && since < until; page++) {
    const batch = await fetchPage(since, limit);
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
    if (batch.length < limit) break;
    if (added === 0) {
      // A full page of already-seen trades at one millisecond: move past it (more than `limit` trades in one
      // millisecond is the only case that can still drop any).
      since++;
      idsAtSince = new Set();
    }
  }
  return out;
}
