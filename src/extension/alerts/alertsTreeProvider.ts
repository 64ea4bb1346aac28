import * as vscode from 'vscode';
import { describeStatus, type RuleStatusEntry } from '../../core/alerts';
import type { AlertsController } from './alertsController';
import type { RowOpen } from '../treeRowClick';

const ICONS: Record<RuleStatusEntry['status']['kind'], string> = {
  armed: 'bell',
  warming_up: 'loading~spin',
  cooling: 'watch',
  snoozed: 'bell-slash',
  paused: 'debug-pause',
  done: 'check',
  expired: 'history',
  disabled: 'circle-slash',
  retrying: 'sync~spin',
  degraded: 'warning',
  failed: 'error',
};

/** A rule row's click, without arguments (treeRowClick.ts: the rows are redrawn on every status change). */
export const ALERT_ROW_CLICK_COMMAND = 'tradesuite.alerts.openSelected';

/** A click on a rule: alerts.yaml at that rule. */
export const alertRowOpens = (e: RuleStatusEntry): RowOpen => ({ command: 'tradesuite.alerts.openConfig', arguments: [e.ruleId] });

/** Rules with their live status: armed, cooling down until t, paused (why), retrying / degraded / failed (what). */
export class AlertsTreeProvider implements vscode.TreeDataProvider<RuleStatusEntry> {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly alerts: AlertsController) {
    alerts.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(): RuleStatusEntry[] {
    return this.alerts.statuses();
  }

  getTreeItem(e: RuleStatusEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(e.ruleName, vscode.TreeItemCollapsibleState.None);
    item.id = `alert:${e.ruleId}`;
    item.description = `${describeStatus(e.status)} · ${e.symbol} ${e.timeframe}`;
    item.tooltip = new vscode.MarkdownString(`**${e.ruleName}** (\`${e.ruleId}\`, ${e.ruleType})\n\n${e.exchange} ${e.symbol} ${e.timeframe}\n\nStatus: ${describeStatus(e.status)}\n\nFired ${e.fireCount} time(s)${e.lastFiredAt ? `, last at ${new Date(e.lastFiredAt).toISOString()}` : ''}`);
    item.iconPath = new vscode.ThemeIcon(ICONS[e.status.kind]);
    item.contextValue = e.status.kind === 'disabled' ? 'alertRule.disabled' : 'alertRule.enabled';
    item.command = { command: ALERT_ROW_CLICK_COMMAND, title: 'Open Config' };
    return item;
  }
}
