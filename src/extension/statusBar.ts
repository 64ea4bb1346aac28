import * as vscode from 'vscode';
import type { PanelRegistry } from './panels/panelRegistry';
import type { ConnectionStatus } from '../shared/protocol';

const ICONS: Readonly<Record<ConnectionStatus, string>> = {
  live: '$(pulse)',
  reconnecting: '$(sync~spin)',
  retrying: '$(sync~spin)',
  degraded: '$(warning)',
  failed: '$(error)',
  connecting: '$(circle-outline)',
  stopped: '$(circle-outline)',
};

/** Shows the focused panel's market and connection; hidden when no TradeSuite panel is focused. */
export function createStatusBar(panels: PanelRegistry): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('tradesuite.market', vscode.StatusBarAlignment.Left, 50);
  item.name = 'TradeSuite market';
  const update = () => {
    const p = panels.active;
    if (!p) {
      item.hide();
      return;
    }
    const state = p.state;
    const { symbol, exchange } = state;
    const icon = ICONS[p.connection];
    item.text = `${icon} ${symbol}${state.kind === 'chart' ? ` ${state.timeframe}` : ''} · ${exchange}`;
    item.tooltip = `TradeSuite: ${symbol} on ${exchange} — ${p.connection}. Click to change the timeframe.`;
    item.command = state.kind === 'chart' ? 'tradesuite.changeTimeframe' : 'tradesuite.reconnect';
    item.show();
  };
  const sub = panels.onDidChange(update);
  update();
  return vscode.Disposable.from(item, sub);
}
