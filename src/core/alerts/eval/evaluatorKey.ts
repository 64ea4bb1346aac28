/**
 * Rules whose evaluators would compute the same readings share one evaluator (see EvaluatorGroup): ten CVD rules
 * on one market and window keep one rolling window, ten RSI(14) rules on 1m candles one RSI. The key is the rule
 * minus what only the comparison and the gate use. Fields are removed by name, so a field added to a rule later
 * is part of the key by default: at worst two rules stop sharing, never do they share wrongly.
 */
import { assertNever } from '../../util/assertNever';
import { stableStringify } from '../ruleIdentity';
import type { AlertRule } from '../rules';

export function evaluatorKey(rule: AlertRule): string {
  const { id: _id, name: _name, enabled: _enabled, cooldownMs: _cooldown, expires: _expires, autoPause: _autoPause, frequency: _frequency, ...evaluated } = rule;
  const decision = { closeOnly: isCloseOnly(rule) };
  switch (evaluated.type) {
    case 'indicator': {
      // The operator and a constant right-hand side are compared with, not computed.
      const { op: _op, right, ...series } = evaluated;
      return stableStringify({ ...series, right: typeof right === 'number' ? 'constant' : right, ...decision });
    }
    case 'price_level':
    case 'percentage_change':
    case 'volatility':
    case 'cvd_change':
    case 'cvd_level':
    case 'cvd_ratio':
    case 'spread':
    case 'liquidations': {
      const { clauses: _clauses, ...series } = evaluated;
      return stableStringify({ ...series, ...decision });
    }
    default:
      return assertNever(evaluated);
  }
}

/** Close-only rules look at bar closes only, so their evaluators can skip the updates within a bar. */
export function isCloseOnly(rule: AlertRule): boolean {
  return rule.frequency === 'once_per_bar_close';
}
