import * as vscode from 'vscode';
import type { AggregateDefinition } from '../../core/aggregate/aggregateDefinition';
import { AGGREGATE_EXCHANGE } from '../aggregates/aggregateRef';
import type { RecordingInfo } from '../../shared/protocol';
import type { RowTicker } from './marketTickers';
import { formatBytes } from '../formatBytes';
import { localTime } from '../localTime';
import { formatDerivativesDetail, formatTicker } from './tickerFormat';
import { utcMinutes } from '../../shared/util/utcTime';

export type MarketNode =
  | { readonly kind: 'favourites' }
  | { readonly kind: 'favourite'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'exchange'; readonly exchange: string }
  /** `notTrading`: how many of the group's markets the exchange lists as not trading (listed last). */
  | { readonly kind: 'quote'; readonly exchange: string; readonly quote: string; readonly count: number; readonly notTrading?: number }
  /** `notTrading`: the exchange lists the market as not trading (halted or delisted): no live prices come. */
  | { readonly kind: 'market'; readonly exchange: string; readonly symbol: string; readonly favourite: boolean; readonly notTrading?: true }
  | { readonly kind: 'aggregates' }
  | { readonly kind: 'aggregate'; readonly aggregate: AggregateDefinition }
  /** What is recorded in `tradesuite.recording.directory` (shown when something is). */
  | { readonly kind: 'recordings' }
  | { readonly kind: 'recording'; readonly exchange: string; readonly symbol: string; readonly first: number; readonly last: number; readonly bytes: number }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly icon: string; readonly detail?: string; readonly command?: vscode.Command };

/**
 * The command a Markets row runs when clicked (or opened with Enter): without arguments, it opens what the selected row
 * names (rowClick.ts; why: treeRowClick.ts).
 */
export const ROW_CLICK_COMMAND = 'tradesuite.markets.openSelected';

export const isMarket = (n: unknown): n is { exchange: string; symbol: string } =>
  typeof n === 'object' && n !== null && typeof (n as { exchange?: unknown }).exchange === 'string' && typeof (n as { symbol?: unknown }).symbol === 'string';

/** An aggregate's node in the Markets view as the market it names (pseudo-exchange `aggregate`, its name as symbol), or undefined. */
export function aggregateNodeMarket(n: unknown): { exchange: string; symbol: string } | undefined {
  if (typeof n !== 'object' || n === null || (n as { kind?: unknown }).kind !== 'aggregate') return undefined;
  const name = (n as { aggregate?: { name?: unknown } }).aggregate?.name;
  return typeof name === 'string' ? { exchange: AGGREGATE_EXCHANGE, symbol: name } : undefined;
}

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
  /** The market's tick size, once its exchange's markets are loaded (its prices read with its decimals). */
  tickSize?(exchange: string, symbol: string): number | undefined;
  /** The market this one is another name of (MarketInfo.aliasOf: Coinbase's BTC/USDC is BTC/USD's book), once loaded. */
  aliasOf?(exchange: string, symbol: string): string | undefined;
  /** Whether a market is being recorded, and how (absent: nothing is). */
  recording?(market: { exchange: string; symbol: string }): RecordingInfo;
  /** The Recordings node's note: how many markets are recorded now ("recording 1 now": its rows list every recording), the store's trouble. */
  recordingSummary?(): string | undefined;
}

/**
 * Price and 24h change, prefixed by "stale Ns" when the row's stream is not live (a quiet row's price is current: it
 * reads as it is); "unavailable · retrying" when its stream is down before any price came.
 */
export function rowDescription(row: RowTicker, now: number, tick?: number): string | undefined {
  if (!row.ticker) return row.retrying === undefined ? undefined : 'unavailable · retrying';
  const text = formatTicker(row.ticker, tick);
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
      const tick = ctx.tickSize?.(node.exchange, node.symbol);
      const rec = ctx.recording?.(node);
      const recorded = rec !== undefined && rec.status !== 'off';
      const price = row.error !== undefined ? 'unavailable' : rowDescription(row, ctx.now, tick);
      const described = node.kind === 'favourite' ? `${price ?? '…'} · ${node.exchange}` : price;
      item.description = recorded ? [rec.text, described].filter(Boolean).join(' · ') : described;
      const unavailable = row.error !== undefined || (row.ticker === undefined && row.retrying !== undefined);
      // Prices that still come are shown; a stale or quiet price of a market listed as not trading is from before it stopped.
      const notTrading = node.kind === 'market' && node.notTrading === true && (row.ticker === undefined || row.staleSince !== undefined || row.quietSince !== undefined);
      if (notTrading && !recorded) item.description = 'not trading';
      const dim = row.staleSince !== undefined || unavailable || notTrading ? new vscode.ThemeColor('disabledForeground') : undefined;
      item.iconPath =
        unavailable
          ? new vscode.ThemeIcon('warning', dim)
          : notTrading && !recorded
            ? new vscode.ThemeIcon('circle-slash', dim)
          : recorded
            ? new vscode.ThemeIcon('record', new vscode.ThemeColor(rec.status === 'starting' || rec.status === 'recording' ? 'charts.red' : 'charts.yellow'))
            : new vscode.ThemeIcon(fav ? 'star-full' : 'graph-line', dim);
      item.contextValue = `${fav ? 'market.favourite' : 'market'}${recorded ? '.recording' : ''}`;
      const derivatives = formatDerivativesDetail(row.ticker, tick);
      const recordedNote = recorded && rec.detail ? `\n${rec.text}: ${rec.detail}` : '';
      const retrying = row.retrying === undefined ? '' : `\n${row.ticker === undefined ? 'Prices unavailable' : 'Stale'}, retrying: ${row.retrying}`;
      const notTradingNote = notTrading ? `\n${node.exchange} lists it as not trading (halted or delisted): it has no live data` : '';
      const quietNote = row.quietSince !== undefined && !notTrading ? `\nQuiet: no price change since ${localTime(row.quietSince, ctx.now)} (the stream is live)` : '';
      const aliasOf = ctx.aliasOf?.(node.exchange, node.symbol);
      const aliasNote = aliasOf === undefined ? '' : `\n${node.exchange} lists ${node.symbol} as another name of ${aliasOf}: one order book, so its prices, chart, book and trades are ${aliasOf}'s`;
      item.tooltip = row.error ?? `${node.symbol} on ${node.exchange} — click to open a chart${aliasNote}${notTradingNote}${quietNote}${retrying}${derivatives ? `\n${derivatives}` : ''}${recordedNote}`;
      item.command = { command: ROW_CLICK_COMMAND, title: 'Open Chart' };
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
      const count = `${node.count.toLocaleString('en-US')} market${node.count === 1 ? '' : 's'}`;
      item.description = node.notTrading ? `${count} · ${node.notTrading.toLocaleString('en-US')} not trading` : count;
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
      item.command = { command: ROW_CLICK_COMMAND, title: 'Open Chart' };
      return item;
    }
    case 'recordings': {
      const item = new vscode.TreeItem('Recordings', state('recordings'));
      item.id = 'recordings';
      item.iconPath = new vscode.ThemeIcon('history');
      item.tooltip = 'Markets recorded in tradesuite.recording.directory: click one to replay it';
      const summary = ctx.recordingSummary?.();
      if (summary) item.description = summary;
      return item;
    }
    case 'recording': {
      const item = new vscode.TreeItem(node.symbol, vscode.TreeItemCollapsibleState.None);
      item.id = nodeId(node);
      item.description = `${node.exchange} · ${formatBytes(node.bytes)}`;
      // No tooltip here: it is made as the row is hovered, with the recording's holes (MarketsTreeProvider.resolveTreeItem).
      item.iconPath = new vscode.ThemeIcon('history');
      item.contextValue = 'recording';
      item.command = { command: ROW_CLICK_COMMAND, title: 'Open Replay' };
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

/** A recording row's tooltip before its holes are read: what is recorded, when, and its size. */
export function recordingTooltip(node: Extract<MarketNode, { kind: 'recording' }>): string {
  const utc = (ms: number) => `${utcMinutes(ms)} UTC`;
  return `${node.symbol} on ${node.exchange}: recorded from ${utc(node.first)} to ${utc(node.last)}, ${formatBytes(node.bytes)} on disk — click to replay`;
}
