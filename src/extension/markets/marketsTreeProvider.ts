import * as vscode from 'vscode';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { userMessage } from '../../core/util/log';
import { networkFailure } from '../../core/util/networkFailure';
import type { EngineHost } from '../engineHost';
import type { RecordingStatusSource } from '../recording/recordingController';
import type { RecordingInfo } from '../../shared/protocol';
import { favouriteId, type Settings } from '../settings';
import { MarketTickers, type ShownGroup } from './marketTickers';
import { nodeId, recordingTooltip, toTreeItem, type MarketNode } from './marketNodes';
import { TreeExpansion } from './treeExpansion';
import { readRecordingHoles } from '../replay/readRecordingHoles';
import { holesSentence } from '../replay/replayStartHoles';

/** How often the Recordings node's sizes are read again while something is recorded and the view shows. */
export const RECORDINGS_REFRESH_MS = 10_000;

/** A loaded exchange keeps its markets grouped by quote, so opening a group costs its own rows, not every market. */
type Load = { state: 'loaded'; markets: readonly MarketInfo[]; byQuote: ReadonlyMap<string, readonly MarketInfo[]>; bySymbol: ReadonlyMap<string, MarketInfo> } | { state: 'failed'; reason: string };

/**
 * Exchanges → quote currencies → markets, with favourites on top. Favourites and the rows of every quote group that
 * is showing carry the last price and 24h change (per-symbol streams for favourites, multi-symbol streams for the
 * groups: see MarketTickers), marked stale when their stream is not live, and saying why when it has no prices. The expansion survives a window reload.
 */
export class MarketsTreeProvider implements vscode.TreeDataProvider<MarketNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<MarketNode | MarketNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private loads = new Map<string, Promise<Load>>();
  /** The loads that have settled, read synchronously when the ticker streams are synced. */
  private loaded = new Map<string, Load>();
  private visible = false;
  private readonly tickers: MarketTickers;
  private readonly expansion: TreeExpansion;
  private readonly pendingRows = new Set<string>();
  private redrawTimer: NodeJS.Timeout | undefined;
  // Stable node objects: refreshing a node (fire(node)) needs the very object the tree was given.
  private readonly nodes = new Map<string, MarketNode>();
  /** Re-reads the recordings' sizes while a recorder writes (they grow) and the view is visible. */
  private recordingsTimer: NodeJS.Timeout | undefined;
  /** Each market row's recording state as last drawn, so a recorder's change redraws only the rows it touches. */
  private readonly drawnRecording = new Map<string, string>();
  /** The Recordings node's description as last drawn: a recorder's change redraws the node only when it differs. */
  private drawnSummary: string | undefined;
  /** When the recordings' sizes were last read (ms): a recorder's writes redraw them at most once a second. */
  private sizesReadAt = Number.NEGATIVE_INFINITY;
  /** The Recordings node's read in flight: ended by the next one (VS Code asked again) or the tree's disposal. */
  private recordingsRead: AbortController | undefined;

  constructor(
    private readonly engine: EngineHost,
    private readonly settings: () => Settings,
    memento: vscode.Memento,
    private readonly recording?: RecordingStatusSource,
    private readonly recordingsRefreshMs = RECORDINGS_REFRESH_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.expansion = new TreeExpansion(memento, [nodeId({ kind: 'favourites' })]);
    this.tickers = new MarketTickers(engine, (ids) => this.rowsChanged(ids));
  }

  getTreeItem(node: MarketNode): vscode.TreeItem {
    const recording = this.recording;
    return toTreeItem(node, {
      ticker: (exchange, symbol) => this.tickers.row(exchange, symbol),
      tickSize: (exchange, symbol) => {
        const load = this.loaded.get(exchange);
        return load?.state === 'loaded' ? load.bySymbol.get(symbol)?.tickSize : undefined;
      },
      aliasOf: (exchange, symbol) => {
        const load = this.loaded.get(exchange);
        return load?.state === 'loaded' ? load.bySymbol.get(symbol)?.aliasOf : undefined;
      },
      expanded: (id) => this.expansion.has(id),
      now: Date.now(),
      ...(recording ? { recording: (m: { exchange: string; symbol: string }) => this.drawn(node, recording.info(m)), recordingSummary: () => (this.drawnSummary = recording.summary()) } : {}),
    });
  }

  /**
   * VS Code asks for a node's children only when it shows them (expanded by the user, or restored expanded; a folded
   * node's refresh marks it stale without asking). Its expand event alone is not enough: the extension host drops
   * one for an element it is resolving again (a click during a refresh of the roots), and a Recordings node so
   * expanded never had its sizes refreshed, nor a quote group its tickers held.
   */
  private shown(node: Extract<MarketNode, { kind: 'favourites' | 'exchange' | 'quote' | 'recordings' }>): void {
    this.expansion.set(nodeId(node), true);
  }

  /** A row's recording state as it is drawn (read once per draw), kept for recordingsChanged(). */
  private drawn(node: MarketNode, info: RecordingInfo): RecordingInfo {
    if (node.kind === 'market' || node.kind === 'favourite') this.drawnRecording.set(nodeId(node), recordingKey(info));
    return info;
  }

  async getChildren(node?: MarketNode): Promise<MarketNode[]> {
    const s = this.settings();
    if (!node) {
      // VS Code asks for the roots when the view is first shown: markets load from then on, before a group is opened.
      if (s.exchanges.length > 0) this.engine.warm();
      const roots: MarketNode[] = [];
      if (s.favourites.length > 0) roots.push(this.stable({ kind: 'favourites' }));
      if (s.aggregates.length > 0) roots.push(this.stable({ kind: 'aggregates' }));
      for (const e of s.exchanges) roots.push(this.stable({ kind: 'exchange', exchange: e.id }));
      if (await this.hasRecordings()) roots.push(this.stable({ kind: 'recordings' }));
      this.syncRecordingsRefresh();
      if (roots.length === 0) {
        roots.push({ kind: 'message', id: 'no-exchanges', text: 'No exchanges configured', icon: 'gear', command: { command: 'workbench.action.openSettings', title: 'Settings', arguments: ['tradesuite.exchanges'] } });
      }
      return roots;
    }
    switch (node.kind) {
      case 'favourites':
        this.shown(node);
        this.syncTickers();
        return s.favourites.map((f) => this.stable({ kind: 'favourite', ...f }));
      case 'aggregates':
        return s.aggregates.map((aggregate) => ({ kind: 'aggregate', aggregate }));
      case 'exchange':
        this.shown(node);
        return this.exchangeChildren(node.exchange);
      case 'recordings':
        this.shown(node);
        this.syncRecordingsRefresh();
        return this.recordingChildren();
      case 'quote': {
        this.shown(node);
        const load = await this.load(node.exchange);
        const favs = new Set(s.favourites.map(favouriteId));
        const rows = load.state === 'loaded'
          ? (load.byQuote.get(node.quote) ?? []).map((m) => this.stable({ kind: 'market', exchange: node.exchange, symbol: m.symbol, favourite: favs.has(favouriteId({ exchange: node.exchange, symbol: m.symbol })), ...(m.active ? {} : { notTrading: true as const }) }))
          : [];
        this.syncTickers(); // VS Code asks for a group's rows when it shows them (also a group restored as expanded)
        return rows;
      }
      default:
        return [];
    }
  }

  /** The markets of an exchange (loading them if needed), for Find Market. */
  async markets(exchange: string): Promise<readonly MarketInfo[]> {
    const load = await this.load(exchange);
    if (load.state === 'failed') throw new Error(load.reason);
    return load.markets;
  }

  /** The view's expand/collapse events and visibility: they decide which ticker streams are held. */
  watch(view: vscode.TreeView<MarketNode>): vscode.Disposable[] {
    this.visible = view.visible;
    this.syncTickers();
    this.syncRecordingsRefresh();
    const expand = (node: MarketNode, expanded: boolean) => {
      if (node.kind === 'message') return;
      this.expansion.set(nodeId(node), expanded);
      this.syncTickers();
      if (node.kind === 'recordings') this.syncRecordingsRefresh();
    };
    return [
      view.onDidExpandElement((e) => expand(e.element, true)),
      view.onDidCollapseElement((e) => expand(e.element, false)),
      view.onDidChangeVisibility((e) => {
        this.visible = e.visible;
        this.syncTickers();
        this.syncRecordingsRefresh();
      }),
    ];
  }

  /** Whether the multi-symbol ticker stream of an exchange is held now (for "Debug: Engine State"). */
  holdsTickers(exchange: string): boolean {
    return this.tickers.holds(exchange);
  }

  /**
   * The engine was restarted (settings it is built from changed): everything read from the old one is read again, and
   * the ticker streams of the rows showing are subscribed again on the new one (the old one's ended with it: kept,
   * the favourites' and groups' prices froze and soon read as quiet, though the stream was gone).
   */
  refresh(): void {
    this.loads = new Map();
    this.loaded = new Map();
    this.nodes.clear();
    this.drawnRecording.clear();
    this.tickers.restarted();
    this.syncTickers();
    this.changed.fire(undefined);
  }

  /**
   * The exchange's markets were downloaded again and list other markets, or others as trading (a background refresh
   * found one delisted): its groups and rows are read again, so a market gone is no longer offered. Only that
   * exchange's node is redrawn; VS Code asks again for the rows of its groups that show.
   */
  marketsChanged(exchange: string): void {
    this.readAgain(exchange);
  }

  /**
   * Refresh Markets: the markets of every exchange read here are downloaded again now, with progress on the view; a
   * new listing redraws its exchange (marketsChanged). Markets that failed to load are read again (Retry). A failed
   * download keeps the markets listed and says why; one that finds nothing new says so in the status bar.
   */
  async downloadAgain(): Promise<void> {
    const downloads: Array<Promise<string | undefined>> = [];
    for (const { id } of this.settings().exchanges) {
      const load = this.loaded.get(id);
      if (load?.state === 'loaded') downloads.push(this.engine.hub.reloadMarkets(id).then(() => undefined, (err: unknown) => `${id}: ${userMessage(err)}`));
      else if (load?.state === 'failed') this.readAgain(id);
    }
    if (downloads.length === 0) return;
    const failures = (await vscode.window.withProgress({ location: { viewId: 'tradesuite.markets' } }, () => Promise.all(downloads))).filter((f) => f !== undefined);
    if (failures.length > 0) void vscode.window.showWarningMessage(`Could not download the markets again; those listed stay in use. ${failures.join(' · ')}`);
    else vscode.window.setStatusBarMessage(`$(check) Markets downloaded again (${downloads.length === 1 ? '1 exchange' : `${downloads.length} exchanges`})`, 5000);
  }

  /** Favourites changed: re-subscribe tickers and redraw. */
  favouritesChanged(): void {
    this.nodes.clear();
    this.drawnRecording.clear();
    this.syncTickers();
    this.syncRecordingsRefresh();
    this.changed.fire(undefined);
  }

  /**
   * A recorder started, stopped or changed state: redraws the market rows whose recording state changed and the
   * Recordings node when its description changed, never the whole tree. A whole-tree refresh raced the user's
   * clicks: a node expanded while the roots were being fetched again came back collapsed; and a recorder changes
   * state on every flush, so redrawing the node each time could land while a click was expanding it.
   */
  recordingsChanged(): void {
    this.syncRecordingsRefresh();
    const recording = this.recording;
    if (!recording) return;
    const nodes: MarketNode[] = [];
    for (const node of this.nodes.values()) {
      if (node.kind !== 'market' && node.kind !== 'favourite') continue;
      const drawn = this.drawnRecording.get(nodeId(node));
      if (drawn !== undefined && drawn !== recordingKey(recording.info(node))) nodes.push(node);
    }
    const recordings = this.nodes.get(nodeId({ kind: 'recordings' }));
    // Shown sizes (the node expanded in a visible view: the timer runs) follow a recorder's writes, at most once a
    // second; a new market's first files then show at once, not at the next tick.
    const sizesShowing = this.recordingsTimer !== undefined && this.now() - this.sizesReadAt >= 1000;
    if (recordings && (recording.summary() !== this.drawnSummary || sizesShowing)) nodes.push(recordings);
    if (nodes.length > 0) this.changed.fire(nodes);
    // The node appears with the first files written; until then the roots are read again when they change.
    if (!recordings) void this.hasRecordings().then((any) => any && this.changed.fire(undefined));
  }

  /** Whether the recordings' sizes are being refreshed now (for tests and "Debug: Engine State"). */
  get refreshesRecordings(): boolean {
    return this.recordingsTimer !== undefined;
  }

  dispose(): void {
    this.recordingsRead?.abort(new Error('the Markets view was closed'));
    this.stopRecordingsRefresh();
    this.tickers.dispose();
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.changed.dispose();
  }

  /**
   * Resolves only once the markets are loaded (VS Code shows progress meanwhile): a "Loading…" child replaced later
   * by a refresh lost the refresh when it came while VS Code was still resolving the node (the tree then hung).
   */
  private async exchangeChildren(exchange: string): Promise<MarketNode[]> {
    const load = await vscode.window.withProgress({ location: { viewId: 'tradesuite.markets' } }, () => this.load(exchange));
    if (load.state === 'failed') {
      // The row says what it means ("offline?"), the tooltip keeps the exchange's own words.
      const meaning = networkFailure(load.reason);
      const text = meaning ? `No markets: ${meaning.summary}` : `Could not load markets: ${load.reason}`;
      const detail = `${meaning ? `${meaning.explanation}.\n\n${load.reason}` : load.reason}\nClick to try again.`;
      return [{ kind: 'message', id: `failed:${exchange}`, text, detail, icon: 'error', command: { command: 'tradesuite.refreshMarkets', title: 'Retry' } }];
    }
    if (load.markets.length === 0) return [{ kind: 'message', id: `empty:${exchange}`, text: 'This exchange lists no markets', icon: 'info' }];
    return [...load.byQuote.entries()].sort((a, b) => b[1].length - a[1].length).map(([quote, markets]) => {
      const notTrading = countNotTrading(markets);
      return this.stable({ kind: 'quote', exchange, quote, count: markets.length, ...(notTrading > 0 ? { notTrading } : {}) });
    });
  }

  /** Forgets what was read of the exchange's markets and redraws its node: VS Code asks again for what shows of it. */
  private readAgain(exchange: string): void {
    if (!this.loads.delete(exchange)) return; // never read here: nothing of it is on screen
    this.loaded.delete(exchange);
    for (const [id, node] of this.nodes) if (node.kind === 'market' && node.exchange === exchange) this.nodes.delete(id);
    const node = this.nodes.get(nodeId({ kind: 'exchange', exchange }));
    if (node) this.changed.fire(node); // absent: read for Find Market… only, never drawn
  }

  /**
   * A timer only while something is recorded, the view is visible and the Recordings node is expanded (its sizes
   * show) or not drawn yet (it appears with the first files). A folded node is left alone: redrawing it on a timer
   * bought nothing on screen and could land while a click was expanding it.
   */
  private syncRecordingsRefresh(): void {
    const id = nodeId({ kind: 'recordings' });
    const wanted = this.visible && this.recording?.summary() !== undefined && (!this.nodes.has(id) || this.expansion.has(id));
    if (!wanted) return this.stopRecordingsRefresh();
    this.recordingsTimer ??= setInterval(() => {
      const node = this.nodes.get(nodeId({ kind: 'recordings' }));
      if (node) this.changed.fire(node);
      else void this.hasRecordings().then((any) => any && this.recordingsTimer && this.changed.fire(undefined)); // the node appears with the first files
    }, this.recordingsRefreshMs);
  }

  private stopRecordingsRefresh(): void {
    if (this.recordingsTimer) clearInterval(this.recordingsTimer);
    this.recordingsTimer = undefined;
  }

  /** Whether anything is recorded: one directory read, so the roots stay cheap (the sizes are read when opened). */
  private async hasRecordings(): Promise<boolean> {
    if (this.engine.clickHouse) return true; // a server store: listed (and its problems shown) when opened
    try {
      return (await fs.readdir(path.join(this.engine.recordingRoot, 'trades'))).some((n) => n.startsWith('exchange='));
    } catch {
      return false;
    }
  }

  /**
   * A recording row's tooltip, made as it is hovered (VS Code resolves only what getTreeItem left undefined): where its
   * trades are missing, from its stored holes, read then rather than with every row.
   */
  async resolveTreeItem(item: vscode.TreeItem, node: MarketNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.kind !== 'recording') return item;
    item.tooltip = recordingTooltip(node);
    const hover = new AbortController();
    const cancelled = token.onCancellationRequested(() => hover.abort());
    try {
      const { holes, unread } = await readRecordingHoles(this.engine.recordSource, { exchange: node.exchange, symbol: node.symbol }, node.first, node.last, hover.signal);
      item.tooltip = `${recordingTooltip(node)}\n${[holesSentence(holes) ?? 'No trades are known to be missing.', unread].filter(Boolean).join(' ')}`;
    } catch {
      // The hover ended before the read: its tooltip is not shown.
    } finally {
      cancelled.dispose();
    }
    return item;
  }

  /** A read superseded or ended by the disposal answers with no rows: VS Code drops an answer it asked again for. */
  private async recordingChildren(): Promise<MarketNode[]> {
    const source = this.engine.recordSource;
    this.sizesReadAt = this.now();
    this.recordingsRead?.abort(new Error('the recordings were read again'));
    const read = (this.recordingsRead = new AbortController());
    try {
      const markets = await source.markets(read.signal);
      if (markets.length === 0) return [{ kind: 'message', id: 'recordings:none', text: 'Nothing recorded yet', icon: 'info' }];
      return markets.map((m) => this.stable({ kind: 'recording', ...m.market, first: m.first, last: m.last, bytes: m.bytes }));
    } catch (err) {
      if (read.signal.aborted) return [];
      return [{ kind: 'message', id: 'recordings:failed', text: `Could not read ${source.name}: ${userMessage(err)}`, icon: 'error' }];
    } finally {
      if (this.recordingsRead === read) this.recordingsRead = undefined;
    }
  }

  private load(exchange: string): Promise<Load> {
    let load = this.loads.get(exchange);
    if (!load) {
      const started = this.engine.hub.markets(exchange).then(
        (markets): Load => ({ state: 'loaded', markets, byQuote: groupByQuote(markets), bySymbol: new Map(markets.map((m) => [m.symbol, m])) }),
        (err: unknown): Load => ({ state: 'failed', reason: userMessage(err) }),
      );
      // A refresh, or the exchange's markets changing, meanwhile: this load is no longer the exchange's.
      void started.then((l) => this.loads.get(exchange) === started && this.loaded.set(exchange, l));
      this.loads.set(exchange, (load = started));
    }
    return load;
  }

  private stable<N extends MarketNode>(node: N): N {
    const id = node.kind === 'message' ? node.id : nodeId(node);
    const held = this.nodes.get(id) as N | undefined;
    if (held && sameFields(held, node)) return held;
    this.nodes.set(id, node);
    return node;
  }

  /** The quote groups on screen, with their markets: the view is visible, the group and its exchange are expanded and loaded. */
  private showingGroups(): ShownGroup[] {
    if (!this.visible) return [];
    const groups: ShownGroup[] = [];
    for (const { id: exchange } of this.settings().exchanges) {
      const load = this.loaded.get(exchange);
      if (load?.state !== 'loaded' || !this.expansion.has(nodeId({ kind: 'exchange', exchange }))) continue;
      for (const quote of this.expandedQuotes(exchange)) groups.push({ exchange, markets: load.byQuote.get(quote) ?? [] });
    }
    return groups;
  }

  private *expandedQuotes(exchange: string): Iterable<string> {
    for (const node of this.nodes.values()) if (node.kind === 'quote' && node.exchange === exchange && this.expansion.has(nodeId(node))) yield node.quote;
  }

  private syncTickers(): void {
    const s = this.settings();
    const favouritesShowing = this.visible && this.expansion.has(nodeId({ kind: 'favourites' }));
    this.tickers.sync(favouritesShowing ? s.favourites : [], this.showingGroups());
  }

  /** Ticker updates redraw the rows they touch that are on screen, at most once a second. */
  private rowsChanged(ids: readonly string[]): void {
    for (const id of ids) this.pendingRows.add(id);
    this.redrawTimer ??= setTimeout(() => this.redraw(), 1000);
  }

  private redraw(): void {
    this.redrawTimer = undefined;
    const due = this.tickers.rowsDue(); // stale rows' age moves on; a row turned quiet may now read 'not trading'
    for (const id of due.ids) this.pendingRows.add(id);
    const nodes: MarketNode[] = [];
    for (const id of this.pendingRows) {
      for (const kind of ['favourite', 'market'] as const) {
        const node = this.nodes.get(`${kind}:${id}`);
        if (node) nodes.push(node);
      }
    }
    this.pendingRows.clear();
    if (nodes.length > 0) this.changed.fire(nodes);
    if (due.more) this.redrawTimer = setTimeout(() => this.redraw(), 1000);
  }
}

/** The markets by quote, each group's trading ones first (in the exchange's order), then those not trading. */
function groupByQuote(markets: readonly MarketInfo[]): Map<string, MarketInfo[]> {
  const groups = new Map<string, MarketInfo[]>();
  for (const trading of [true, false]) {
    for (const m of markets) {
      if (m.active !== trading) continue;
      const group = groups.get(m.quote);
      if (group) group.push(m);
      else groups.set(m.quote, [m]);
    }
  }
  return groups;
}

/** A group's markets not trading: they come last, so counted from the end. */
function countNotTrading(group: readonly MarketInfo[]): number {
  let n = 0;
  for (let i = group.length - 1; i >= 0 && group[i]?.active === false; i--) n++;
  return n;
}

/** What a market row shows of its recording: a change of it redraws the row. */
const recordingKey = (info: RecordingInfo): string => `${info.status}\u0000${info.text}`;

/** Nodes are flat records: equal fields make the same node (cheaper than comparing JSON, per row of a big group). */
function sameFields(a: MarketNode, b: MarketNode): boolean {
  const ka = Object.keys(a) as Array<keyof MarketNode>;
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
