import type * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE } from '../aggregates/aggregateRef';
import { registerRowClick, type RowOpen, type TreeChange } from '../treeRowClick';
import { ROW_CLICK_COMMAND, type MarketNode } from './marketNodes';

/** The command (with the market) that a click on this Markets row runs, if the row opens something. */
export function rowOpens(node: MarketNode): RowOpen | undefined {
  switch (node.kind) {
    case 'market':
    case 'favourite':
      return { command: 'tradesuite.openChart', arguments: [{ exchange: node.exchange, symbol: node.symbol }] };
    case 'aggregate':
      return { command: 'tradesuite.openChart', arguments: [{ exchange: AGGREGATE_EXCHANGE, symbol: node.aggregate.name }] };
    case 'recording':
      return { command: 'tradesuite.openReplay', arguments: [{ exchange: node.exchange, symbol: node.symbol }] };
    case 'favourites':
    case 'exchange':
    case 'quote':
    case 'aggregates':
    case 'recordings':
    case 'message':
      return undefined;
  }
}

/** Whether the node has rows under it: a redraw of it makes VS Code fetch them again (treeRowClick's fetchesRowsAgain). */
export function hasChildren(node: MarketNode): boolean {
  switch (node.kind) {
    case 'favourites':
    case 'exchange':
    case 'quote':
    case 'aggregates':
    case 'recordings':
      return true;
    case 'market':
    case 'favourite':
    case 'aggregate':
    case 'recording':
    case 'message':
      return false;
  }
}

/** A Markets row's click (ROW_CLICK_COMMAND): what rowOpens() says for the selected row. */
export function registerMarketsRowClick(view: vscode.TreeView<MarketNode>, treeChanged: vscode.Event<TreeChange<MarketNode>>, redrawWaitMs?: number): vscode.Disposable {
  return registerRowClick(ROW_CLICK_COMMAND, view, rowOpens, treeChanged, hasChildren, redrawWaitMs);
}
