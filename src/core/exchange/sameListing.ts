import type { MarketInfo } from './marketDataClient';

/**
 * Whether two downloads of an exchange's markets list the same markets with the same trading state, each the same
 * book (`aliasOf`): what the Markets tree and Find Market… show of them, and which book the hub streams for each.
 * Precisions and limits may change without either noticing.
 */
export function sameListing(a: readonly MarketInfo[], b: readonly MarketInfo[]): boolean {
  if (a.length !== b.length) return false;
  const listed = new Map<string, MarketInfo>();
  for (const m of a) listed.set(m.symbol, m);
  return b.every((m) => {
    const before = listed.get(m.symbol);
    return before !== undefined && before.active === m.active && before.aliasOf === m.aliasOf;
  });
}
