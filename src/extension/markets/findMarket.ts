import * as vscode from 'vscode';
import { userMessage } from '../../core/util/log';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import type { MarketsTreeProvider } from './marketsTreeProvider';

export type MarketPickItem = vscode.QuickPickItem & { exchange: string; symbol: string };

type MarketLists = ReadonlyArray<{ exchange: string; markets: readonly MarketInfo[] }>;

/**
 * The picker's rows, built once per set of market lists (a load of an exchange's markets is one array, held until
 * it is reloaded), so opening Find Market… again costs no per-market work; VS Code filters them per keystroke.
 */
export class MarketPickRows {
  private last: { lists: MarketLists; items: readonly MarketPickItem[] } | undefined;

  rows(lists: MarketLists): readonly MarketPickItem[] {
    const last = this.last;
    const same = last && last.lists.length === lists.length && last.lists.every((l, i) => l.exchange === lists[i]?.exchange && l.markets === lists[i]?.markets);
    if (same) return last.items;
    const items = marketPickItems(lists);
    this.last = { lists: [...lists], items };
    return items;
  }
}

/** Every market of every exchange as a picker row, sorted by symbol. */
export function marketPickItems(lists: ReadonlyArray<{ exchange: string; markets: readonly MarketInfo[] }>): MarketPickItem[] {
  const items: MarketPickItem[] = [];
  for (const { exchange, markets } of lists) {
    for (const m of markets) items.push({ label: m.symbol, description: exchange, detail: m.active ? undefined : 'inactive', exchange, symbol: m.symbol });
  }
  // Plain code-unit order: symbols are ASCII, and localeCompare over 4,000 rows can cost tens of ms (its collator).
  return items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0));
}

/** A QuickPick over every market of every configured exchange; loads markets with progress as needed. */
export async function pickMarket(tree: MarketsTreeProvider, rows: MarketPickRows, exchanges: readonly string[], title = 'Find Market'): Promise<{ exchange: string; symbol: string } | undefined> {
  const qp = vscode.window.createQuickPick<MarketPickItem>();
  qp.title = title;
  qp.placeholder = 'Type a symbol, e.g. BTC/USDT';
  qp.matchOnDescription = true;
  // Markets can take seconds to load; a webview that grabs focus meanwhile must not close the picker (Escape does).
  qp.ignoreFocusOut = true;
  qp.busy = true;
  qp.show();
  const problems: string[] = [];
  // In the settings' order (not the order they finish loading), so the same loads give the same held rows.
  const loaded = await Promise.all(
    exchanges.map(async (exchange) => {
      try {
        return { exchange, markets: await tree.markets(exchange) };
      } catch (err) {
        problems.push(`${exchange}: ${userMessage(err)}`);
        return undefined;
      }
    }),
  );
  qp.items = rows.rows(loaded.filter((l) => l !== undefined));
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
