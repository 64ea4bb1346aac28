import * as vscode from 'vscode';
import { userMessage } from '../../core/util/log';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import type { MarketsTreeProvider } from './marketsTreeProvider';
import { MarketSearch, heldRowsServe, type MarketSearchResult } from './marketSearch';
import { keepRowOrder } from '../keepRowOrder';

export type MarketPickItem = vscode.QuickPickItem & { exchange: string; symbol: string };

type MarketLists = ReadonlyArray<{ exchange: string; markets: readonly MarketInfo[] }>;

/** How many rows the picker holds at once: VS Code filters and sorts every row it holds in the renderer per keystroke. */
export const SHOWN_ROWS = 100;

/**
 * The picker's rows and their search, built once per set of market lists (a load of an exchange's markets is one
 * array, held until it is reloaded), so opening Find Market… again costs no per-market work.
 */
export class MarketPickRows {
  private last: { lists: MarketLists; items: readonly MarketPickItem[]; search: MarketSearch<MarketPickItem> } | undefined;

  rows(lists: MarketLists): readonly MarketPickItem[] {
    return this.held(lists).items;
  }

  search(lists: MarketLists): MarketSearch<MarketPickItem> {
    return this.held(lists).search;
  }

  private held(lists: MarketLists) {
    const last = this.last;
    const same = last && last.lists.length === lists.length && last.lists.every((l, i) => l.exchange === lists[i]?.exchange && l.markets === lists[i]?.markets);
    if (same) return last;
    const items = marketPickItems(lists);
    this.last = { lists: [...lists], items, search: new MarketSearch(items) };
    return this.last;
  }
}

/** The picker's title: how many markets match, and that only the best are listed when there are more. */
export function pickerTitle(title: string, query: string, found: MarketSearchResult<unknown>, of: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const q = query.trim();
  if (!q) return found.total > found.rows.length ? `${title} — ${n(of)} markets; type to search` : `${title} — ${n(of)} markets`;
  const matching = `${n(found.total)} of ${n(of)} markets match "${q}"`;
  return found.total > found.rows.length ? `${title} — ${matching}; the best ${n(found.rows.length)} listed` : `${title} — ${matching}`;
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

/**
 * A QuickPick over every market of every configured exchange; loads markets with progress as needed. It answers
 * (undefined) as soon as it is closed, even while the markets are still loading.
 */
export function pickMarket(tree: MarketsTreeProvider, rows: MarketPickRows, exchanges: readonly string[], title = 'Find Market'): Promise<{ exchange: string; symbol: string } | undefined> {
  const qp = vscode.window.createQuickPick<MarketPickItem>();
  qp.title = title;
  qp.placeholder = 'Type a symbol, e.g. BTC/USDT';
  qp.matchOnDescription = true;
  keepRowOrder(qp);
  // Markets can take seconds to load; a webview that grabs focus meanwhile must not close the picker (Escape does).
  qp.ignoreFocusOut = true;
  qp.busy = true;
  // Searched here on each keystroke, so VS Code holds (and filters and sorts in the renderer) at most SHOWN_ROWS rows.
  let search: MarketSearch<MarketPickItem> | undefined;
  let held: { query: string; found: MarketSearchResult<MarketPickItem> } | undefined;
  const showBest = () => {
    if (!search) return;
    const found = search.best(qp.value, SHOWN_ROWS);
    if (!held || !heldRowsServe(held, qp.value, found)) {
      qp.items = found.beyondVsCodeFilter ? found.rows.map((r) => ({ ...r, alwaysShow: true })) : found.rows;
      held = { query: qp.value, found };
    }
    qp.title = pickerTitle(title, qp.value, found, search.size);
  };
  let closed = false;
  const answer = new Promise<{ exchange: string; symbol: string } | undefined>((resolve) => {
    const typing = qp.onDidChangeValue(showBest);
    qp.onDidAccept(() => {
      // No selection where Enter came as new rows replaced the ones VS Code had highlighted: the best row then, as
      // VS Code lists it first. Before the markets are listed, Enter picks nothing and keeps the picker open.
      const picked = qp.selectedItems[0] ?? search?.best(qp.value, 1).rows[0];
      if (!picked) return;
      resolve({ exchange: picked.exchange, symbol: picked.symbol });
      qp.hide();
    });
    qp.onDidHide(() => {
      closed = true;
      resolve(undefined);
      typing.dispose();
      qp.dispose();
    });
  });
  qp.show();
  void listMarkets(tree, exchanges).then(({ lists, problems }) => {
    if (closed) return;
    search = rows.search(lists);
    showBest();
    qp.busy = false;
    if (problems.length) void vscode.window.showWarningMessage(`TradeSuite could not load markets from ${problems.join('; ')}`);
  });
  return answer;
}

/** Every exchange's markets, in the settings' order (not the order they finish loading), so the same loads give the same held rows. */
async function listMarkets(tree: MarketsTreeProvider, exchanges: readonly string[]): Promise<{ lists: MarketLists; problems: string[] }> {
  const problems: string[] = [];
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
  return { lists: loaded.filter((l) => l !== undefined), problems };
}
