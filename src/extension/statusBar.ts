import * as vscode from 'vscode';
import type { PanelState } from './panels/panelContext';
import type { PanelRegistry } from './panels/panelRegistry';
import type { ConnectionStatus } from '../shared/protocol';
import { marketPlace } from '../shared/util/replayId';

const ICONS: Readonly<Record<ConnectionStatus, string>> = {
  live: '$(pulse)',
  reconnecting: '$(sync~spin)',
  retrying: '$(sync~spin)',
  degraded: '$(warning)',
  failed: '$(error)',
  connecting: '$(circle-outline)',
  stopped: '$(circle-outline)',
};

/** "$(pulse) BTC/USDT 1m · binance"; a replay reads where it was recorded and from when, as its tab title does. */
export function statusText(state: PanelState, connection: ConnectionStatus): string {
  return `${ICONS[connection]} ${state.symbol}${state.kind === 'chart' ? ` ${state.timeframe}` : ''} · ${marketPlace(state.exchange)}`;
}

/** What a click on the item does, said in its tooltip: a chart's changes its timeframe, another panel's reconnects. */
export function statusTooltip(state: PanelState, connection: ConnectionStatus): string {
  const click = state.kind === 'chart' ? 'Click to change the timeframe.' : `Click to reconnect ${state.symbol}'s streams (shared by every panel and rule on this market).`;
  return `TradeSuite: ${state.symbol} on ${marketPlace(state.exchange)} — ${connection}. ${click}`;
}

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
    item.text = statusText(state, p.connection);
    item.tooltip = statusTooltip(state, p.connection);
    item.command = state.kind === 'chart' ? 'tradesuite.changeTimeframe' : 'tradesuite.reconnect';
    item.show();
  };
  const sub = panels.onDidChange(update);
  update();
  return vscode.Disposable.from(item, sub);
}
