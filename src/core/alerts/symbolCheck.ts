/**
 * Rules that can never alert because their exchange lists no such symbol, found once the markets load: an error
 * diagnostic at the rule's `symbol:` value, with a did-you-mean. The bot refuses such a config (exit 2); the editor
 * shows them in the Problems panel. An exchange whose markets cannot be loaded yet is left unchecked, not failed.
 * A rule on `exchange: aggregate` must name one of `aggregates` (whose legs are checked when it runs).
 */
import { AGGREGATE_EXCHANGE } from '../aggregate/aggregateDefinition';
import type { MarketInfo } from '../exchange/marketDataClient';
import { suggestSymbols } from '../hub/validateRequest';
import { errorMessage } from '../util/log';
import { didYouMean } from './config/didYouMean';
import type { Diagnostic } from './config/diagnostics';
import { MAX_EXCHANGE_ID_CHARS } from '../../shared/util/marketName';
import type { RuleRanges } from './config/parseRule';
import type { AlertRule } from './rules';
import { aggregateHint } from './aggregateAlertHub';
import { quoteShort, shortText } from '../../shared/util/shortText';

/** A failure to load an exchange's markets, as reported: an exchange's error can carry a whole HTML page. */
const MAX_REASON_CHARS = 300;

export interface SymbolCheck {
  /** One error per rule whose symbol is unknown, in rule order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Exchanges whose markets could not be loaded, with the reason. */
  readonly unchecked: ReadonlyArray<{ readonly exchange: string; readonly reason: string }>;
}

/** "did you mean …?": the closest spelling, else markets of the same base or quote, else nothing; only markets that trade. */
function suggestion(symbol: string, markets: readonly MarketInfo[]): string {
  const close = didYouMean(symbol, markets.filter((m) => m.active).map((m) => m.symbol));
  if (close !== undefined) return `; did you mean ${quoteShort(close)}?`;
  const related = suggestSymbols(symbol, markets);
  return related.length > 0 ? `; did you mean one of ${related.map((s) => quoteShort(s)).join(', ')}?` : '';
}

export async function checkRuleSymbols(
  rules: readonly AlertRule[],
  ranges: ReadonlyMap<string, RuleRanges>,
  marketsOf: (exchange: string) => Promise<readonly MarketInfo[]>,
  aggregates: readonly string[] = [],
): Promise<SymbolCheck> {
  const exchanges = [...new Set(rules.map((r) => r.exchange))].filter((e) => e !== AGGREGATE_EXCHANGE);
  const markets = new Map<string, readonly MarketInfo[]>();
  const unchecked: Array<{ exchange: string; reason: string }> = [];
  await Promise.all(
    exchanges.map(async (exchange) => {
      try {
        markets.set(exchange, await marketsOf(exchange));
      } catch (err) {
        unchecked.push({ exchange, reason: shortText(errorMessage(err), MAX_REASON_CHARS) });
      }
    }),
  );
  const diagnostics: Diagnostic[] = [];
  const at = (rule: AlertRule) => {
    const where = ranges.get(rule.id);
    return where?.fields.symbol ?? where?.rule ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  };
  for (const rule of rules) {
    if (rule.exchange === AGGREGATE_EXCHANGE) {
      if (!aggregates.includes(rule.symbol)) diagnostics.push({ ...at(rule), severity: 'error', message: `unknown aggregate ${quoteShort(rule.symbol)}: rule ${quoteShort(rule.id)} can never alert${aggregateHint(rule.symbol, aggregates)}` });
      continue;
    }
    const listed = markets.get(rule.exchange);
    if (listed === undefined || listed.some((m) => m.symbol === rule.symbol)) continue;
    diagnostics.push({ ...at(rule), severity: 'error', message: `unknown symbol ${quoteShort(rule.symbol)} on ${shortText(rule.exchange, MAX_EXCHANGE_ID_CHARS)}: rule ${quoteShort(rule.id)} can never alert${suggestion(rule.symbol, listed)}` });
  }
  return { diagnostics, unchecked };
}
