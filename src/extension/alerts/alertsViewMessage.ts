import type * as vscode from 'vscode';

/** The problems of alerts.yaml as the Problems panel shows them; `keptPrevious`: none of it loaded, the last valid rules run. */
export interface AlertsProblems {
  readonly errors: number;
  readonly warnings: number;
  readonly keptPrevious: boolean;
}

const count = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The line above the Alerts view's rules while alerts.yaml has problems: a rule with an error is not listed, so
 * without it a typo would make a rule vanish from the view without a word.
 */
export function alertsViewMessage(problems: AlertsProblems, file: string): string | undefined {
  const { errors, warnings, keptPrevious } = problems;
  if (errors === 0 && warnings === 0) return undefined;
  const what = [errors > 0 ? count(errors, 'error') : '', warnings > 0 ? count(warnings, 'warning') : ''].filter(Boolean).join(' and ');
  const effect = keptPrevious ? 'the rules of its last valid version keep running' : errors > 0 ? 'a rule with an error is not listed' : 'its rules run';
  return `${file} has ${what}: ${effect}. See the Problems panel.`;
}

/** Keeps the view's message in step with the file's problems. */
export function followAlertProblems(view: vscode.TreeView<unknown>, alerts: { readonly onDidChange: vscode.Event<{ readonly kind: string }>; problemSummary(): AlertsProblems; readonly config: vscode.Uri | undefined }): vscode.Disposable {
  const show = (): void => {
    const file = alerts.config?.path.split('/').pop() ?? 'alerts.yaml';
    view.message = alertsViewMessage(alerts.problemSummary(), file);
  };
  show();
  return alerts.onDidChange((change) => change.kind === 'problems' && show());
}
