/** The exchange markets a set of rules reads: each rule's own, or for a rule on an aggregate, its legs. */
import { AGGREGATE_EXCHANGE, type AggregateDefinition } from '../aggregate/aggregateDefinition';
import type { MarketKey } from '../keys';
import type { AlertRule } from './rules';

/** Each market once, in first-use order; a rule naming an unknown aggregate reads none. */
export function ruleMarkets(rules: readonly AlertRule[], aggregates: readonly AggregateDefinition[]): MarketKey[] {
  const byName = new Map(aggregates.map((a) => [a.name, a]));
  const out = new Map<string, MarketKey>();
  const add = (m: MarketKey) => out.set(`${m.exchange}\u0000${m.symbol}`, { exchange: m.exchange, symbol: m.symbol });
  for (const r of rules) {
    if (r.exchange !== AGGREGATE_EXCHANGE) add(r);
    else for (const leg of byName.get(r.symbol)?.legs ?? []) add(leg);
  }
  return [...out.values()];
}
