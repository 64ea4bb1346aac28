import * as vscode from 'vscode';
import { describeStatus, type RuleStatusEntry } from '../../core/alerts';
import type { AlertsChange } from './alertsController';
import type { RowOpen } from '../treeRowClick';
import { scheduleTimeout, type Schedule } from '../schedule';
import { localTime } from '../localTime';

const ICONS: Record<RuleStatusEntry['status']['kind'], string> = {
  armed: 'bell',
  warming_up: 'loading~spin',
  cooling: 'watch',
  snoozed: 'bell-slash',
  paused: 'debug-pause',
  done: 'check',
  expired: 'history',
  disabled: 'circle-slash',
  catching_up: 'sync~spin',
  retrying: 'sync~spin',
  degraded: 'warning',
  failed: 'error',
};

/** A rule's row: the same object for as long as the rule is loaded, so a change of its status redraws that row alone. */
export interface AlertRow {
  readonly ruleId: string;
}

/** What the view reads of the alerts (AlertsController). */
export interface AlertsSource {
  readonly onDidChange: vscode.Event<AlertsChange>;
  /** alerts.yaml has been read once (its rules, if any, are in statuses()). */
  readonly read: boolean;
  /** Resolves when `read` becomes true. */
  whenRead(): Promise<void>;
  statuses(): RuleStatusEntry[];
  status(ruleId: string): RuleStatusEntry | undefined;
}

export interface AlertsTreeOptions {
  readonly now?: () => number;
  readonly schedule?: Schedule;
  /**
   * Called once, with the first empty list given to VS Code after alerts.yaml was read: the view's "No alert rules yet"
   * welcome waits for it. Never for a list of rules: the context key got to the workbench before the rows and the
   * welcome flashed over the view.
   */
  readonly onEmptyAfterRead?: () => void;
}

/**
 * At most one redraw per this many ms. VS Code's extension host debounces a tree's changes by 200 ms and restarts that
 * wait on every change, so changes closer together than that (hundreds of rules firing and cooling down) would hold
 * the view's redraw back until they paused; spaced wider, each redraw is drawn at once.
 */
export const ALERT_REDRAW_MS = 250;

/** A rule row's click, without arguments (treeRowClick.ts: the rows are redrawn on every status change). */
export const ALERT_ROW_CLICK_COMMAND = 'tradesuite.alerts.openSelected';

/** A click on a rule: alerts.yaml at that rule. */
export const alertRowOpens = (row: AlertRow): RowOpen => ({ command: 'tradesuite.alerts.openConfig', arguments: [row.ruleId] });

/**
 * Rules with their live status: armed, cooling down until t, paused (why), retrying / degraded / failed (what). A
 * status change redraws only its rule's row, and the changes are drawn together at most every ALERT_REDRAW_MS; a
 * new set of rules redraws the list.
 */
export class AlertsTreeProvider implements vscode.TreeDataProvider<AlertRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AlertRow[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows = new Map<string, AlertRow>();
  private readonly pendingRows = new Set<string>();
  private pendingList = false;
  private redrawTimer: { dispose(): void } | undefined;
  private lastRedraw = -Infinity;
  private readonly subscription: vscode.Disposable;
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private onEmptyAfterRead: (() => void) | undefined;

  constructor(
    private readonly alerts: AlertsSource,
    options: AlertsTreeOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? scheduleTimeout;
    this.onEmptyAfterRead = options.onEmptyAfterRead;
    this.subscription = alerts.onDidChange((change) => this.onChange(change));
  }

  /**
   * Until alerts.yaml is read the answer waits for it (VS Code shows the view's progress bar meanwhile): an empty
   * answer and a change event after the read cost a second round trip behind the extension host's 200 ms debounce of
   * tree changes, and the rules came that much later.
   */
  getChildren(): AlertRow[] | Promise<AlertRow[]> {
    return this.alerts.read ? this.list() : this.alerts.whenRead().then(() => this.list());
  }

  getTreeItem(row: AlertRow): vscode.TreeItem {
    const e = this.alerts.status(row.ruleId);
    if (!e) return new vscode.TreeItem(row.ruleId, vscode.TreeItemCollapsibleState.None); // removed; the list's redraw is queued
    const item = new vscode.TreeItem(e.ruleName, vscode.TreeItemCollapsibleState.None);
    item.id = `alert:${e.ruleId}`;
    const now = this.now();
    const local = (ms: number) => localTime(ms, now);
    item.description = `${describeStatus(e.status, local)} · ${e.symbol} ${e.timeframe}`;
    item.tooltip = new vscode.MarkdownString(`**${e.ruleName}** (\`${e.ruleId}\`, ${e.ruleType})\n\n${e.exchange} ${e.symbol} ${e.timeframe}\n\nStatus: ${describeStatus(e.status, local)} (${describeStatus(e.status)})\n\nFired ${e.fireCount} time(s)${e.lastFiredAt ? `, last at ${localTime(e.lastFiredAt, now)}` : ''}`);
    item.iconPath = new vscode.ThemeIcon(ICONS[e.status.kind]);
    item.contextValue = e.status.kind === 'disabled' ? 'alertRule.disabled' : 'alertRule.enabled';
    item.command = { command: ALERT_ROW_CLICK_COMMAND, title: 'Open Config' };
    return item;
  }

  dispose(): void {
    this.redrawTimer?.dispose();
    this.redrawTimer = undefined;
    this.subscription.dispose();
    this.changed.dispose();
  }

  private list(): AlertRow[] {
    const rows = new Map<string, AlertRow>();
    for (const entry of this.alerts.statuses()) rows.set(entry.ruleId, this.rows.get(entry.ruleId) ?? { ruleId: entry.ruleId });
    this.rows = rows;
    this.pendingList = false; // VS Code has the current list: a queued redraw of it would only ask again
    if (rows.size === 0 && this.onEmptyAfterRead) {
      const empty = this.onEmptyAfterRead;
      this.onEmptyAfterRead = undefined;
      empty();
    }
    return [...rows.values()];
  }

  private onChange(change: AlertsChange): void {
    switch (change.kind) {
      case 'rules':
        this.pendingList = true;
        break;
      case 'rule':
        this.pendingRows.add(change.ruleId);
        break;
      case 'problems':
        return; // the view's message (alertsViewMessage.ts), not its rows
      default: {
        const never: never = change;
        throw new Error(`unknown alerts change ${JSON.stringify(never)}`);
      }
    }
    this.redrawTimer ??= this.schedule(() => this.redraw(), Math.max(0, this.lastRedraw + ALERT_REDRAW_MS - this.now()));
  }

  private redraw(): void {
    this.redrawTimer = undefined;
    this.lastRedraw = this.now();
    const rows: AlertRow[] = [];
    if (!this.pendingList) {
      for (const id of this.pendingRows) {
        const row = this.rows.get(id);
        if (row) rows.push(row);
      }
    }
    const list = this.pendingList;
    this.pendingList = false;
    this.pendingRows.clear();
    if (list) this.changed.fire(undefined);
    else if (rows.length > 0) this.changed.fire(rows);
  }
}
