import * as vscode from 'vscode';
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import { AGGREGATE_EXCHANGE } from '../aggregates/aggregateRef';
import type { RowTicker } from './marketTickers';
import { formatBytes } from '../formatBytes';
import { formatDerivativesDetail, formatTicker } from './tickerFormat';

export type MarketNode =
  | { readonly kind: 'favourites' }
  | { readonly kind: 'favourite'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'exchange'; readonly exchange: string }
  | { readonly kind: 'quote'; readonly exchange: string; readonly quote: string; readonly count: number }
  | { readonly kind: 'market'; readonly exchange: string; readonly symbol: string; readonly favourite: boolean }
  | { readonly kind: 'aggregates' }
  | { readonly kind: 'aggregate'; readonly aggregate: AggregateDefinition }
  /** What is recorded in `tradesuite.recording.directory` (shown when something is). */
  | { readonly kind: 'recordings' }
  | { readonly kind: 'recording'; readonly exchange: string; readonly symbol: string; readonly first: number; readonly last: number; readonly bytes: number }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly icon: string; readonly detail?: string; readonly command?: vscode.Command };

export const isMarket = (n: unknown): n is { exchange: string; symbol: string } =>
  typeof n === 'object' && n !== null && typeof (n as { exchange?: unknown }).exchange === 'string' && typeof (n as { symbol?: unknown }).symbol === 'string';

/** Nodes with an identity of their own (a message carries its id). */
export type ItemNode = Exclude<MarketNode, { kind: 'message' }>;

/** The TreeItem id of a node: also the key of its persisted expansion. */
export function nodeId(node: ItemNode): string {
  switch (node.kind) {
    case 'favourites':
      return 'favourites';
    case 'favourite':
    case 'market':
      return `${node.kind}:${node.exchange}:${node.symbol}`;
    case 'exchange':
      return `exchange:${node.exchange}`;
    case 'quote':
      return `quote:${node.exchange}:${node.quote}`;
    case 'aggregates':
      return 'aggregates';
    case 'aggregate':
      return `aggregate:${node.aggregate.name}`;
    case 'recordings':
      return 'recordings';
    case 'recording':
      return `recording:${node.exchange}:${node.symbol}`;
  }
}

/** "3 legs · USDT ≈ USD": the note is always visible where USDT is counted as USD. */
export function aggregateDescription(a: AggregateDefinition): string {
  return `${a.legs.length} legs${a.usdtIsUsd ? ' · USDT ≈ USD' : ''}`;
}

export interface TreeItemContext {
  ticker(exchange: string, symbol: string): RowTicker;
  expanded(id: string): boolean;
  readonly now: number;
}

/** Price and 24h change, prefixed by "stale Ns" when the row's stream is not live or has gone quiet. */
export function rowDescription(row: RowTicker, now: number): string | undefined {
  if (!row.ticker) return undefined;
  const text = formatTicker(row.ticker);
  return row.staleSince === undefined ? text : `stale ${Math.max(0, Math.floor((now - row.staleSince) / 1000))}s · ${text}`;
}

export function toTreeItem(node: MarketNode, ctx: TreeItemContext): vscode.TreeItem {
  const state = (id: string) => (ctx.expanded(id) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  switch (node.kind) {
    case 'favourites': {
      const item = new vscode.TreeItem('Favourites', state('favourites'));
      item.id = 'favourites';
      item.iconPath = new vscode.ThemeIcon('star-full');
      item.contextValue = 'favourites';
      return item;
    }
    case 'favourite':
    case 'market': {
      const fav = node.kind === 'favourite' || node.favourite;
      const item = new vscode.TreeItem(node.symbol, vscode.TreeItemCollapsibleState.None);
      item.id = nodeId(node);
      const row = ctx.ticker(node.exchange, node.symbol);
      const price = row.error !== undefined ? 'unavailable' : rowDescription(row, ctx.now);
      item.description = node.kind === 'favourite' ? `${price ?? '…'} · ${node.exchange}` : price;
      const dim = row.staleSince !== undefined || row.error !== undefined ? new vscode.ThemeColor('disabledForeground') : undefined;
      item.iconPath = new vscode.ThemeIcon(row.error !== undefined ? 'warning' : fav ? 'star-full' : 'graph-line', dim);
      item.contextValue = fav ? 'market.favourite' : 'market';
      const derivatives = formatDerivativesDetail(row.ticker);
      item.tooltip = row.error ?? `${node.symbol} on ${node.exchange} — click to open a chart${derivatives ? `\n${derivatives}` : ''}`;
      item.command = { command: 'tradesuite.openChart', title: 'Open Chart', arguments: [{ exchange: node.exchange, symbol: node.symbol }] };
      return item;
    }
    case 'exchange': {
      const item = new vscode.TreeItem(node.exchange, state(nodeId(node)));
      item.id = nodeId(node);
      item.iconPath = new vscode.ThemeIcon('globe');
      item.contextValue = 'exchange';
      return item;
    }
    case 'quote': {
      const item = new vscode.TreeItem(node.quote, state(nodeId(node)));
      item.id = nodeId(node);
      item.description = `${node.count} markets`;
      item.iconPath = new vscode.ThemeIcon('symbol-folder');
      return item;
    }
    case 'aggregates': {
      const item = new vscode.TreeItem('Aggregates', state('aggregates'));
      item.id = 'aggregates';
      item.iconPath = new vscode.ThemeIcon('layers');
      item.tooltip = 'Markets across exchanges (the setting tradesuite.aggregates)';
      item.contextValue = 'aggregates';
      return item;
    }
    case 'aggregate': {
      const a = node.aggregate;
      const item = new vscode.TreeItem(a.name, vscode.TreeItemCollapsibleState.None);
      item.id = nodeId(node);
      item.description = aggregateDescription(a);
      item.iconPath = new vscode.ThemeIcon('layers');
      item.tooltip = `${a.name}: ${a.legs.map((l) => `${l.exchange} ${l.symbol}`).join(' + ')}\nPrice: ${a.price.kind === 'vwap' ? 'volume-weighted across the legs' : `${a.legs[a.price.leg]?.exchange ?? '?'} ${a.legs[a.price.leg]?.symbol ?? ''}`}${a.usdtIsUsd ? '\nUSDT is counted as USD (usdtIsUsd)' : ''}\nClick to open a chart`;
      item.contextValue = 'aggregate';
      item.command = { command: 'tradesuite.openChart', title: 'Open Chart', arguments: [{ exchange: AGGREGATE_EXCHANGE, symbol: a.name }] };
      return item;
    }
    case 'recordings': {
      const item = new vscode.TreeItem('Recordings', state('recordings'));
      item.id = 'recordings';
      item.iconPath = new vscode.ThemeIcon('history');
      item.tooltip = 'Markets recorded in tradesuite.recording.directory: click one to replay it';
      return item;
    }
    case 'recording': {
      const item = new vscode.TreeItem(node.symbol, vscode.TreeItemCollapsibleState.None);
      item.id = nodeId(node);
      item.description = `${node.exchange} · ${formatBytes(node.bytes)}`;
      const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      item.tooltip = `${node.symbol} on ${node.exchange}: recorded from ${utc(node.first)} to ${utc(node.last)}, ${formatBytes(node.bytes)} on disk — click to replay`;
      item.iconPath = new vscode.ThemeIcon('history');
      item.contextValue = 'recording';
      item.command = { command: 'tradesuite.openReplay', title: 'Open Replay', arguments: [{ exchange: node.exchange, symbol: node.symbol }] };
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
