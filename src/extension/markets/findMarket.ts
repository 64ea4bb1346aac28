import * as vscode from 'vscode';
import { userMessage } from '../../core/util/log';
import type { MarketsTreeProvider } from './marketsTreeProvider';

/** A QuickPick over every market of every configured exchange; loads markets with progress as needed. */
export async function pickMarket(tree: MarketsTreeProvider, exchanges: readonly string[], title = 'Find Market'): Promise<{ exchange: string; symbol: string } | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { exchange: string; symbol: string }>();
  qp.title = title;
  qp.placeholder = 'Type a symbol, e.g. BTC/USDT';
  qp.matchOnDescription = true;
  // Markets can take seconds to load; a webview that grabs focus meanwhile must not close the picker (Escape does).
  qp.ignoreFocusOut = true;
  qp.busy = true;
  qp.show();
  const items: Array<vscode.QuickPickItem & { exchange: string; symbol: string }> = [];
  const problems: string[] = [];
  await Promise.all(
    exchanges.map(async (exchange) => {
      try {
        for (const m of await tree.markets(exchange)) items.push({ label: m.symbol, description: exchange, detail: m.active ? undefined : 'inactive', exchange, symbol: m.symbol });
      } catch (err) {
        problems.push(`${exchange}: ${userMessage(err)}`);
      }
    }),
  );
  qp.items = items.sort((a, b) => a.label.localeCompare(b.label));
  qp.busy = false;
  if (problems.length) void vscode.window.showWarningMessage(`TradeSuite could not load markets from ${problems.join('; ')}`);
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0];
      resolve(picked ? { exchange: picked.exchange, symbol: picked.symbol } : undefined);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
  });
}
