import * as vscode from 'vscode';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import type { Subscription } from '../../core/hub/requests';
import type { Ticker } from '../../core/types';
import { userMessage } from '../../core/util/log';
import type { EngineHost } from '../engineHost';
import { favouriteId, type Settings } from '../settings';
import { toTreeItem, type MarketNode } from './marketNodes';

type Load = { state: 'loading' } | { state: 'loaded'; markets: readonly MarketInfo[] } | { state: 'failed'; reason: string };

/**
 * Exchanges → quote currencies → markets, with favourites on top showing last price and 24h change from the
 * ticker stream (subscribed only while the view is visible). Loading and failures are items, never an empty view.
 */
export class MarketsTreeProvider implements vscode.TreeDataProvider<MarketNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MarketNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loads = new Map<string, Load>();
  private readonly tickers = new Map<string, Ticker>();
  private tickerSubs: Subscription[] = [];
  private visible = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  // Stable node objects: refreshing one node (fire(node)) needs the very object the tree was given.
  private readonly favouritesNode: MarketNode = { kind: 'favourites' };
  private readonly exchangeNodes = new Map<string, MarketNode>();

  constructor(
    private readonly engine: EngineHost,
    private readonly settings: () => Settings,
  ) {}

  getTreeItem(node: MarketNode): vscode.TreeItem {
    return toTreeItem(node, (exchange, symbol) => this.tickers.get(favouriteId({ exchange, symbol })));
  }

  getChildren(node?: MarketNode): MarketNode[] {
    const s = this.settings();
    if (!node) {
      const roots: MarketNode[] = [];
      if (s.favourites.length > 0) roots.push(this.favouritesNode);
      for (const e of s.exchanges) roots.push(this.exchangeNode(e.id));
      if (roots.length === 0) {
        roots.push({ kind: 'message', id: 'no-exchanges', text: 'No exchanges configured', icon: 'gear', command: { command: 'workbench.action.openSettings', title: 'Settings', arguments: ['tradesuite.exchanges'] } });
      }
      return roots;
    }
    switch (node.kind) {
      case 'favourites':
        return s.favourites.map((f) => ({ kind: 'favourite', ...f }));
      case 'exchange':
        return this.exchangeChildren(node.exchange);
      case 'quote': {
        const load = this.loads.get(node.exchange);
        const favs = new Set(s.favourites.map(favouriteId));
        return load?.state === 'loaded'
          ? load.markets.filter((m) => m.quote === node.quote).map((m) => ({ kind: 'market', exchange: node.exchange, symbol: m.symbol, favourite: favs.has(favouriteId({ exchange: node.exchange, symbol: m.symbol })) }))
          : [];
      }
      default:
        return [];
    }
  }

  /** The markets of an exchange (loading them if needed), for Find Market. */
  async markets(exchange: string): Promise<readonly MarketInfo[]> {
    const markets = await this.engine.hub.markets(exchange);
    this.loads.set(exchange, { state: 'loaded', markets });
    return markets;
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.syncTickers();
  }

  refresh(): void {
    this.loads.clear();
    this.syncTickers();
    this.changed.fire(undefined);
  }

  /** Favourites changed: re-subscribe tickers and redraw. */
  favouritesChanged(): void {
    this.syncTickers();
    this.changed.fire(undefined);
  }

  dispose(): void {
    for (const s of this.tickerSubs) s.dispose();
    this.tickerSubs = [];
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }

  private exchangeChildren(exchange: string): MarketNode[] {
    const load = this.loads.get(exchange);
    if (!load) {
      this.startLoad(exchange);
      return [{ kind: 'message', id: `loading:${exchange}`, text: 'Loading markets…', icon: 'loading~spin' }];
    }
    switch (load.state) {
      case 'loading':
        return [{ kind: 'message', id: `loading:${exchange}`, text: 'Loading markets…', icon: 'loading~spin' }];
      case 'failed':
        return [{ kind: 'message', id: `failed:${exchange}`, text: `Could not load markets: ${load.reason}`, detail: `${load.reason}\nClick to try again.`, icon: 'error', command: { command: 'tradesuite.refreshMarkets', title: 'Retry' } }];
      case 'loaded': {
        if (load.markets.length === 0) return [{ kind: 'message', id: `empty:${exchange}`, text: 'This exchange lists no markets', icon: 'info' }];
        const byQuote = new Map<string, number>();
        for (const m of load.markets) byQuote.set(m.quote, (byQuote.get(m.quote) ?? 0) + 1);
        return [...byQuote.entries()].sort((a, b) => b[1] - a[1]).map(([quote, count]) => ({ kind: 'quote', exchange, quote, count }));
      }
    }
  }

  private exchangeNode(exchange: string): MarketNode {
    let node = this.exchangeNodes.get(exchange);
    if (!node) this.exchangeNodes.set(exchange, (node = { kind: 'exchange', exchange }));
    return node;
  }

  private startLoad(exchange: string): void {
    this.loads.set(exchange, { state: 'loading' });
    this.engine.hub.markets(exchange).then(
      (markets) => this.loads.set(exchange, { state: 'loaded', markets }),
      (err: unknown) => this.loads.set(exchange, { state: 'failed', reason: userMessage(err) }),
    ).finally(() => this.changed.fire(this.exchangeNode(exchange)));
  }

  private syncTickers(): void {
    for (const s of this.tickerSubs) s.dispose();
    this.tickerSubs = [];
    if (!this.visible) return;
    for (const f of this.settings().favourites) {
      const id = favouriteId(f);
      this.tickerSubs.push(
        this.engine.hub.subscribe({ kind: 'ticker', ...f }, (e) => {
          if (e.type !== 'ticker') return;
          this.tickers.set(id, e.ticker);
          this.scheduleRedraw();
        }),
      );
    }
  }

  /** Ticker updates redraw the favourites at most once a second. */
  private scheduleRedraw(): void {
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(this.favouritesNode);
    }, 1000);
  }
}
