import * as vscode from 'vscode';
import type { Ticker } from '../../core/types';

export type MarketNode =
  | { readonly kind: 'favourites' }
  | { readonly kind: 'favourite'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'exchange'; readonly exchange: string }
  | { readonly kind: 'quote'; readonly exchange: string; readonly quote: string; readonly count: number }
  | { readonly kind: 'market'; readonly exchange: string; readonly symbol: string; readonly favourite: boolean }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly icon: string; readonly detail?: string; readonly command?: vscode.Command };

export const isMarket = (n: unknown): n is { exchange: string; symbol: string } =>
  typeof n === 'object' && n !== null && typeof (n as { exchange?: unknown }).exchange === 'string' && typeof (n as { symbol?: unknown }).symbol === 'string';

export function formatTicker(t: Ticker | undefined): string {
  if (!t) return '…';
  const change = t.change24hPercent === undefined ? '' : `  ${t.change24hPercent >= 0 ? '+' : ''}${t.change24hPercent.toFixed(2)}%`;
  return `${formatPrice(t.last)}${change}`;
}

export function formatPrice(p: number): string {
  const digits = p >= 1000 ? 2 : p >= 1 ? 4 : 8;
  return p.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Math.min(2, digits) });
}

export function toTreeItem(node: MarketNode, ticker: (exchange: string, symbol: string) => Ticker | undefined): vscode.TreeItem {
  switch (node.kind) {
    case 'favourites': {
      const item = new vscode.TreeItem('Favourites', vscode.TreeItemCollapsibleState.Expanded);
      item.id = 'favourites';
      item.iconPath = new vscode.ThemeIcon('star-full');
      item.contextValue = 'favourites';
      return item;
    }
    case 'favourite':
    case 'market': {
      const fav = node.kind === 'favourite' || node.favourite;
      const item = new vscode.TreeItem(node.symbol, vscode.TreeItemCollapsibleState.None);
      item.id = `${node.kind}:${node.exchange}:${node.symbol}`;
      item.description = node.kind === 'favourite' ? `${formatTicker(ticker(node.exchange, node.symbol))} · ${node.exchange}` : undefined;
      item.iconPath = new vscode.ThemeIcon(fav ? 'star-full' : 'graph-line');
      item.contextValue = fav ? 'market.favourite' : 'market';
      item.tooltip = `${node.symbol} on ${node.exchange} — click to open a chart`;
      item.command = { command: 'tradesuite.openChart', title: 'Open Chart', arguments: [{ exchange: node.exchange, symbol: node.symbol }] };
      return item;
    }
    case 'exchange': {
      const item = new vscode.TreeItem(node.exchange, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `exchange:${node.exchange}`;
      item.iconPath = new vscode.ThemeIcon('globe');
      item.contextValue = 'exchange';
      return item;
    }
    case 'quote': {
      const item = new vscode.TreeItem(node.quote, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `quote:${node.exchange}:${node.quote}`;
      item.description = `${node.count} markets`;
      item.iconPath = new vscode.ThemeIcon('symbol-folder');
      return item;
    }
    case 'message': {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.id = node.id;
      item.iconPath = new vscode.ThemeIcon(node.icon);
      if (node.detail) item.tooltip = node.detail;
      if (node.command) item.command = node.command;
      item.contextValue = 'message';
      return item;
    }
  }
}
