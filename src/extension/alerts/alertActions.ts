import type { AlertEvent, AlertRule } from '../../core/alerts';
import { isTimeframe, type Timeframe } from '../../core/timeframes';

/** The buttons of an alert's notification, in the order shown. */
export const ALERT_ACTIONS = ['Open Chart', 'Snooze 1h', 'Disable Rule'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** The market a chart opens on. */
export interface ChartTarget {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface AlertActionTargets {
  openChart(target: ChartTarget): void;
  snooze(ruleId: string): void;
  disable(ruleId: string): void;
  /** The rule has left alerts.yaml since it fired: `message` says what could not be done. */
  ruleGone(message: string): void;
}

/**
 * Carries out a notification's button. A notification outlives edits to alerts.yaml, so its rule may be gone (removed
 * or renamed) when the button is pressed: the chart still opens on the market and timeframe the alert named (the
 * default timeframe for an alert not scoped to a bar); snooze and disable say there is no such rule any more instead
 * of failing unseen.
 */
export function runAlertAction(choice: AlertAction | undefined, e: AlertEvent, rule: AlertRule | undefined, defaultTimeframe: Timeframe, to: AlertActionTargets): void {
  if (choice === undefined) return;
  switch (choice) {
    case 'Open Chart':
      to.openChart(rule ?? { exchange: e.exchange, symbol: e.symbol, timeframe: isTimeframe(e.timeframe) ? e.timeframe : defaultTimeframe });
      return;
    case 'Snooze 1h':
      if (rule) to.snooze(rule.id);
      else to.ruleGone(ruleGoneText(e, 'nothing to snooze'));
      return;
    case 'Disable Rule':
      if (rule) to.disable(rule.id);
      else to.ruleGone(ruleGoneText(e, 'nothing to disable'));
      return;
  }
}

/** Narrows a notification's answer (a button's title, or undefined when dismissed) to an action. */
export function alertActionOf(choice: string | undefined): AlertAction | undefined {
  return ALERT_ACTIONS.find((a) => a === choice);
}

const ruleGoneText = (e: AlertEvent, what: string): string =>
  `TradeSuite: the alert rule "${e.ruleName}" (id ${e.ruleId}) is no longer in alerts.yaml (removed or renamed since it fired): ${what}.`;
