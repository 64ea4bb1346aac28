import * as vscode from 'vscode';
import { AGGREGATE_EXCHANGE } from '../aggregates/aggregateRef';
import { ROW_CLICK_COMMAND, type MarketNode } from './marketNodes';


/** The command (with the market) that a click on this row runs, if the row opens something. */
export function rowOpens(node: MarketNode): { readonly command: string; readonly arguments: readonly unknown[] } | undefined {
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

/** The row's click (ROW_CLICK_COMMAND): what rowOpens() says for the selected row. */
export function registerRowClick(view: vscode.TreeView<MarketNode>): vscode.Disposable {
  return vscode.commands.registerCommand(ROW_CLICK_COMMAND, () => {
    const node = view.selection[0];
    const open = node && rowOpens(node);
    return open ? vscode.commands.executeCommand(open.command, ...open.arguments) : undefined;
  });
}
