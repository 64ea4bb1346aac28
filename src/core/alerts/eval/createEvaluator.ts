import type { Clock } from '../../util/clock';
import { assertNever } from '../../util/assertNever';
import type { AlertRule } from '../rules';
import type { Comparison } from './comparator';
import type { Evaluator } from './evaluator';
import { CvdChangeEvaluator, CvdLevelEvaluator, CvdRatioEvaluator } from './evaluators/cvd';
import { IndicatorEvaluator } from './evaluators/indicator';
import { PercentageChangeEvaluator } from './evaluators/percentageChange';
import { LastPriceEvaluator, QuotePriceEvaluator } from './evaluators/priceLevel';
import { LiquidationsEvaluator } from './evaluators/liquidations';
import { SpreadEvaluator } from './evaluators/spread';
import { VolatilityEvaluator } from './evaluators/volatility';

/** `clock` dates updates of a bar in progress (see barReading); tick-based rules use the data's own time. */
export function createEvaluator(rule: AlertRule, clock: Clock): Evaluator {
  switch (rule.type) {
    case 'price_level':
      return rule.source === 'last' ? new LastPriceEvaluator(rule) : new QuotePriceEvaluator({ ...rule, source: rule.source });
    case 'percentage_change':
      return new PercentageChangeEvaluator(rule, clock);
    case 'volatility':
      return new VolatilityEvaluator(rule, clock);
    case 'cvd_change':
      return new CvdChangeEvaluator(rule);
    case 'cvd_level':
      return new CvdLevelEvaluator(rule);
    case 'cvd_ratio':
      return new CvdRatioEvaluator(rule);
    case 'indicator':
      return new IndicatorEvaluator(rule, clock);
    case 'spread':
      return new SpreadEvaluator(rule);
    case 'liquidations':
      return new LiquidationsEvaluator(rule);
    default:
      return assertNever(rule);
  }
}

/** The rule's condition as comparisons of its value. */
export function comparisonsOf(rule: AlertRule): Comparison[] {
  switch (rule.type) {
    case 'indicator':
      return [{ op: rule.op, level: typeof rule.right === 'number' ? rule.right : undefined }];
    case 'price_level':
    case 'percentage_change':
    case 'volatility':
    case 'cvd_change':
    case 'cvd_level':
    case 'cvd_ratio':
    case 'spread':
    case 'liquidations':
      return rule.clauses.map((c) => ({ op: c.op, level: c.level }));
    default:
      return assertNever(rule);
  }
}
