import * as vscode from 'vscode';
import type { PanelState } from './panelContext';

/**
 * VS Code cannot copy a webview panel into a split: "Split Editor Right/Down" on a TradeSuite panel opens an empty
 * editor group (webviews have no serializable input to duplicate, and no split hook exists for extensions). So a new
 * group that opens empty while a TradeSuite panel was the active editor, or within a moment after it stopped being
 * active (the split moves focus to the new group, and the two events reach the extension host in either order), gets
 * the same view. Reacting to the tab-group event works for the command, its keybinding and the title-bar button
 * alike, which overriding the split commands (palette and menus bypass keybindings) would not.
 */
export function followSplits(lastActive: () => { state: PanelState; at: number } | undefined, open: (state: PanelState, column: vscode.ViewColumn) => void, windowMs = 1500): vscode.Disposable {
  const timers = new Set<NodeJS.Timeout>();
  const listener = vscode.window.tabGroups.onDidChangeTabGroups((e) => {
    for (const group of e.opened) {
      if (group.tabs.length > 0) continue;
      const last = lastActive();
      if (!last || Date.now() - last.at > windowMs) continue;
      // "Open to the Side" also creates a group first and fills it a moment later: only a group still empty is a split.
      const column = group.viewColumn;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const now = vscode.window.tabGroups.all.find((g) => g.viewColumn === column);
        if (now && now.tabs.length === 0) open(last.state, column);
      }, 150);
      timers.add(timer);
    }
  });
  return new vscode.Disposable(() => {
    listener.dispose();
    for (const t of timers) clearTimeout(t);
  });
}
