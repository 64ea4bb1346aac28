// A rule evaluated on its own (backtests, tests): its runner in a group of one, with an evaluator of its own.
import type { AlertRule } from '../rules';
import { createEvaluator } from './createEvaluator';
import { EvaluatorGroup, type RunnerErrorHandler } from './evaluatorGroup';
import { isCloseOnly } from './evaluatorKey';
import { RuleRunner, type RunnerHooks } from './ruleRunner';

export function soloRule(rule: AlertRule, hooks: RunnerHooks, onRunnerError: RunnerErrorHandler = rethrow): { readonly runner: RuleRunner; readonly group: EvaluatorGroup } {
  const evaluator = createEvaluator(rule, hooks.clock);
  const runner = new RuleRunner(rule, hooks, evaluator);
  const group = new EvaluatorGroup(evaluator, isCloseOnly(rule), onRunnerError);
  group.add(runner);
  return { runner, group };
}

function rethrow(_runner: RuleRunner, err: unknown): never {
  throw err;
}
