import * as vscode from 'vscode';
import { scopedLogger } from '../core/util/log';
import { registerCommands } from './commands';
import { EngineHost } from './engineHost';
import { MarketsTreeProvider } from './markets/marketsTreeProvider';
import { outputLogger } from './outputLogger';
import { PanelRegistry } from './panels/panelRegistry';
import { readSettings, SECTION, type Settings } from './settings';
import { createStatusBar } from './statusBar';

let engine: EngineHost | undefined;

/**
 * Activation registers views, commands and serializers only: no engine, no ccxt, no network. Those start when a
 * view first needs market data.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('TradeSuite', { log: true });
  const log = outputLogger(output);
  let settings: Settings = readSettings((p) => output.warn(p));
  const current = () => settings;
  engine = new EngineHost(current, context.globalStorageUri, log);
  const panels = new PanelRegistry({ extensionUri: context.extensionUri, engine, log: scopedLogger(log, 'panel'), settings: current });
  const tree = new MarketsTreeProvider(engine, current);
  const view = vscode.window.createTreeView('tradesuite.markets', { treeDataProvider: tree, showCollapseAll: true });
  tree.setVisible(view.visible);

  context.subscriptions.push(
    output,
    panels,
    tree,
    view,
    view.onDidChangeVisibility((e) => tree.setVisible(e.visible)),
    createStatusBar(panels),
    ...registerCommands({ engine, panels, tree, settings: current, output }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const problems: string[] = [];
      settings = readSettings((p) => problems.push(p));
      for (const p of problems) output.warn(p);
      if (problems.length) void vscode.window.showWarningMessage(`TradeSuite settings: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more in the TradeSuite log)` : ''}`);
      if (e.affectsConfiguration(`${SECTION}.exchanges`) || e.affectsConfiguration(`${SECTION}.historyBars`) || e.affectsConfiguration(`${SECTION}.cacheDirectory`)) {
        output.info('exchange settings changed: restarting the engine');
        await engine?.stop();
        panels.resubscribeAll();
        tree.refresh();
      } else tree.favouritesChanged();
    }),
  );
}

export async function deactivate(): Promise<void> {
  await engine?.stop();
  engine = undefined;
}
