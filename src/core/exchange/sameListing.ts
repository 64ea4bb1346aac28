import type { MarketInfo } from './marketDataClient';

/**
 * Whether two downloads of an exchange's markets list the same markets with the same trading state: what the Markets
 * tree and Find Market… show of them. Precisions and limits may change without either noticing.
 */
export function sameListing(a: readonly MarketInfo[], b: readonly MarketInfo[]): boolean {
  if (a.length !== b.length) return false;
  const trading = new Map<string, boolean>();
  for (const m of a) trading.set(m.symbol, m.active);
  return b.every((m) => trading.get(m.symbol) === m.active);
}
