import * as vscode from 'vscode';
import { scopedLogger, type LogBuffer } from '../core/util/log';
import { registerCommands } from './commands';
import { EngineHost } from './engineHost';
import { MarketsTreeProvider } from './markets/marketsTreeProvider';
import { outputLogger } from './outputLogger';
import { PanelRegistry } from './panels/panelRegistry';
import { followSplits } from './panels/splitFollower';
import { readSettings, SECTION, type Settings } from './settings';
import { settingsChanges } from './settingsChanges';
import { SettingsProblemReporter } from './settingsProblems';
import { createStatusBar } from './statusBar';
import { ALERTS_READ_CONTEXT, AlertsController } from './alerts/alertsController';
import { ALERT_ROW_CLICK_COMMAND, AlertsTreeProvider, alertRowOpens } from './alerts/alertsTreeProvider';
import { followAlertProblems } from './alerts/alertsViewMessage';
import { openRuleChart, registerAlertCommands } from './alerts/alertCommands';
import { registerReplayCommands } from './replayCommands';
import { registerMarketsRowClick } from './markets/rowClick';
import { registerRowClick } from './treeRowClick';
import { RecordingController } from './recording/recordingController';
import { registerRecordingCommands } from './recording/recordingCommands';

let engine: EngineHost | undefined;
let alerts: AlertsController | undefined;
let recording: RecordingController | undefined;

/**
 * Activation registers views, commands and serializers only: no engine, no ccxt, no network. Those start when a
 * view first needs market data. `startLog`: what dist/extension.js (entry.ts) said while loading this bundle.
 */
export function activate(context: vscode.ExtensionContext, startLog?: LogBuffer): void {
  const output = vscode.window.createOutputChannel('TradeSuite', { log: true });
  const log = outputLogger(output);
  startLog?.attach(scopedLogger(log, 'start'));
  // A bad setting never fails activation: it is reported once (log + one warning) and its default used.
  const problems = new SettingsProblemReporter((p) => output.warn(p), (m) => void vscode.window.showWarningMessage(m));
  const read = (): Settings => {
    const r = readSettings();
    problems.report(r.problems);
    return r.settings;
  };
  let settings: Settings = read();
  const current = () => settings;
  engine = new EngineHost(current, context.globalStorageUri, log);
  const recorder = new RecordingController(engine, current, log, (m) => void vscode.window.showWarningMessage(m));
  recording = recorder;
  const panels = new PanelRegistry({ extensionUri: context.extensionUri, engine, log: scopedLogger(log, 'panel'), settings: current, recording: recorder });
  const tree = new MarketsTreeProvider(engine, current, context.workspaceState, recorder);
  const view = vscode.window.createTreeView('tradesuite.markets', { treeDataProvider: tree, showCollapseAll: true });
  alerts = new AlertsController(engine, context.globalStorageUri, output, log, (target) => Promise.resolve(openRuleChart(panels, target)), current);
  // The view's "No alert rules yet" welcome waits for this context key: set once the file is read and lists no rule.
  const alertsTree = new AlertsTreeProvider(alerts, { onEmptyAfterRead: () => void vscode.commands.executeCommand('setContext', ALERTS_READ_CONTEXT, true) });
  const alertsView = vscode.window.createTreeView('tradesuite.alerts', { treeDataProvider: alertsTree });
  // Reading alerts.yaml happens after activation returns; the engine starts only if there are rules. The view shows
  // progress until it is read.
  const alertsRead = alerts.start().catch((err: unknown) => output.error(`alerts: ${String(err)}`));
  void vscode.window.withProgress({ location: { viewId: 'tradesuite.alerts' } }, () => alertsRead);

  const applyChange = settingsChanges({ recorder, engine: () => engine, panels, alerts: () => alerts, tree, log: output });

  context.subscriptions.push(
    output,
    panels,
    tree,
    view,
    registerMarketsRowClick(view, tree.onDidChangeTreeData),
    ...tree.watch(view),
    createStatusBar(panels),
    followSplits(() => panels.lastActive(), (state, column) => panels.open(state, column)),
    alertsTree,
    alertsView,
    followAlertProblems(alertsView, alerts),
    registerRowClick(ALERT_ROW_CLICK_COMMAND, alertsView, alertRowOpens, alertsTree.onDidChangeTreeData, () => false), // every rule's row is a leaf
    { dispose: () => void alerts?.dispose() },
    ...registerCommands({ engine, panels, tree, settings: current, output, alerts }),
    ...registerAlertCommands(alerts, panels, engine, output),
    ...registerReplayCommands({ engine, panels, settings: current }),
    ...registerRecordingCommands({ panels, tree, settings: current }),
    // The recorders start once the panels are known (a restored panel's market is recorded when it is open).
    recorder.followPanels(panels),
    recorder.onDidChange(() => tree.recordingsChanged()),
    engine.onDidChangeMarkets((exchange) => tree.marketsChanged(exchange)),
    recorder,
    // alerts.yaml of the first workspace folder: a folder added (or the first one removed) names another file.
    vscode.workspace.onDidChangeWorkspaceFolders(() => void alerts?.configLocationChanged()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings = read();
      void applyChange((key) => e.affectsConfiguration(`${SECTION}.${key}`));
    }),
  );
}

export async function deactivate(): Promise<void> {
  await recording?.stop(); // writes what the recorders hold, before the engine closes their streams
  recording = undefined;
  await alerts?.dispose();
  alerts = undefined;
  await engine?.stop();
  engine = undefined;
}
