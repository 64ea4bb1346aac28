import type * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE } from '../aggregates/aggregateRef';
import { registerRowClick, type RowOpen } from '../treeRowClick';
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

/** A Markets row's click (ROW_CLICK_COMMAND): what rowOpens() says for the selected row. */
export function registerMarketsRowClick(view: vscode.TreeView<MarketNode>, treeChanged: vscode.Event<unknown>, redrawWaitMs?: number): vscode.Disposable {
  return registerRowClick(ROW_CLICK_COMMAND, view, rowOpens, treeChanged, redrawWaitMs);
}
