/** The legs New Aggregate proposes for a base: on every configured exchange, its dollar spot market and its dollar perpetual. */
import type { AggregateLeg } from '../../core/aggregate/aggregateDefinition';
import type { MarketInfo } from '../../core/exchange/marketDataClient';

/** Quotes in order of preference for a leg of a dollar aggregate. */
const DOLLARS = ['USDT', 'USD', 'USDC'];

const rank = (m: MarketInfo) => DOLLARS.indexOf(m.quote);
const segmentOf = (m: MarketInfo) => (m.contract === undefined ? 'spot' : typeof m.contract === 'string' ? undefined : m.contract.segment);

/**
 * Every active market of `base` (the choices, dollar quotes first), and the proposed legs among them: per exchange
 * the best-quoted spot market and the best-quoted perpetual.
 */
export function legChoices(lists: ReadonlyArray<{ exchange: string; markets: readonly MarketInfo[] }>, base: string): { choices: AggregateLeg[]; proposed: AggregateLeg[] } {
  const choices: AggregateLeg[] = [];
  const proposed: AggregateLeg[] = [];
  for (const { exchange, markets } of lists) {
    const ofBase = markets.filter((m) => m.base === base && m.active && segmentOf(m) !== undefined);
    ofBase.sort((a, b) => (rank(a) < 0 ? 99 : rank(a)) - (rank(b) < 0 ? 99 : rank(b)) || a.symbol.localeCompare(b.symbol));
    for (const m of ofBase) choices.push({ exchange, symbol: m.symbol });
    for (const segment of ['spot', 'perp'] as const) {
      const best = ofBase.find((m) => segmentOf(m) === segment && rank(m) >= 0);
      if (best) proposed.push({ exchange, symbol: best.symbol });
    }
  }
  return { choices, proposed };
}
