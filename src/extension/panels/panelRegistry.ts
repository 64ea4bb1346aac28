import * as vscode from 'vscode';
import { DisposableStore } from '../../shared/util/disposable';
import type { PanelKind } from '../../shared/protocol';
import { ChartPanel } from './chartPanel';
import { DomPanel } from './domPanel';
import { HeatmapPanel } from './heatmapPanel';
import { OrderBookPanel } from './orderBookPanel';
import { panelTitle, VIEW_TYPES, type PanelContext, type PanelState, type TradePanel } from './panelContext';
import { parseState } from './panelState';
import { panelToReveal, type WantedPanel } from './panelToReveal';
import { TapePanel } from './tapePanel';
import { newPanelOptions, webviewOptions } from './webviewHtml';

/** A panel VS Code was asked to show and still has no column after this long is taken for one it never showed. */
export const UNPLACED_AFTER_MS = 5000;

/**
 * Every open TradeSuite panel: opens new ones, restores them after a window reload (one serializer per view
 * type; the state is the PanelState kept by the webview), and knows which one is active.
 */
export class PanelRegistry implements vscode.Disposable {
  private readonly panels = new Set<TradePanel>();
  private readonly disposables = new DisposableStore();
  private readonly changed = new vscode.EventEmitter<void>();
  private activePanel: TradePanel | undefined;
  /** The panel that was last the active editor, and when it last was (now, if it still is). */
  private lastActivePanel: { panel: TradePanel; until: number | undefined } | undefined;
  readonly onDidChange = this.changed.event;
  /**
   * The group a panel was opened in, until VS Code reports its column: a panel's `viewColumn` stays undefined until the
   * workbench has shown it, so a double click on a market (two opens in a row) would otherwise open it twice.
   */
  private readonly placedIn = new WeakMap<TradePanel, number>();
  /** When each panel was last opened or active, as a count: VS Code's visibility of a panel just opened lags too. */
  private readonly recency = new WeakMap<TradePanel, number>();
  private recencyCount = 0;
  /** When VS Code was asked to show a panel it gives no column until it has (the active group, or beside it). */
  private readonly askedAt = new WeakMap<TradePanel, number>();

  constructor(
    private readonly ctx: PanelContext,
    private readonly clock: { now(): number; unplacedAfterMs: number } = { now: Date.now, unplacedAfterMs: UNPLACED_AFTER_MS },
  ) {
    for (const kind of Object.keys(VIEW_TYPES) as PanelKind[]) {
      this.disposables.add(
        vscode.window.registerWebviewPanelSerializer(VIEW_TYPES[kind], {
          deserializeWebviewPanel: async (panel, state: unknown) => {
            const restored = parseState(state, kind);
            if (!restored) {
              ctx.log.warn(`could not restore a ${kind} panel: its saved state ${JSON.stringify(state)} is not valid`);
              panel.dispose();
              return;
            }
            panel.webview.options = webviewOptions(ctx.extensionUri);
            this.adopt(panel, restored);
          },
        }),
      );
    }
  }

  open(state: PanelState, column: vscode.ViewColumn = vscode.ViewColumn.Active): TradePanel {
    const group = column === vscode.ViewColumn.Active ? vscode.window.tabGroups.activeTabGroup.viewColumn : column > 0 ? column : undefined;
    const panel = vscode.window.createWebviewPanel(VIEW_TYPES[state.kind], panelTitle(state), { viewColumn: column, preserveFocus: false }, newPanelOptions(this.ctx.extensionUri, this.ctx.settings().panels.keepHiddenPages));
    const p = this.adopt(panel, state);
    if (group !== undefined) this.placedIn.set(p, group);
    if (column < 0) this.askedAt.set(p, this.clock.now());
    this.recency.set(p, ++this.recencyCount);
    return p;
  }

  /**
   * Brings forward an open panel showing `wanted` where VS Code would reuse an open file's editor (the active group,
   * or any with `workbench.editor.revealIfOpen` or `anyGroup`); undefined when there is none and the caller should open one.
   */
  reveal(wanted: WantedPanel, options: { anyGroup?: boolean } = {}): TradePanel | undefined {
    this.closeUnplaced();
    const open = [...this.panels].map((p) => ({ state: p.state, column: p.panel.viewColumn ?? this.placedIn.get(p), visible: p.panel.visible, recency: this.recency.get(p) ?? 0, p }));
    const revealIfOpen = options.anyGroup === true || vscode.workspace.getConfiguration('workbench.editor').get<boolean>('revealIfOpen', false);
    const found = panelToReveal(open, wanted, vscode.window.tabGroups.activeTabGroup.viewColumn, revealIfOpen)?.p;
    found?.panel.reveal(found.panel.viewColumn, false);
    return found;
  }

  /**
   * Closes the panels VS Code was asked to show but never placed in a group (no column long after): seen in the real
   * workbench, a panel whose editor never opened, so no tab, while its page and feed ran. Brought forward, it would
   * show nothing, and every later open of its market would bring it forward again: it is closed, and opened anew.
   */
  private closeUnplaced(): void {
    const now = this.clock.now();
    for (const p of [...this.panels]) {
      const asked = this.askedAt.get(p);
      if (asked === undefined) continue;
      if (p.panel.viewColumn !== undefined) this.askedAt.delete(p);
      else if (now - asked >= this.clock.unplacedAfterMs) {
        this.ctx.log.warn(`${p.panel.title}: VS Code never showed this panel (asked ${Math.round((now - asked) / 1000)} s ago): closed, to be opened again`);
        p.panel.dispose();
      }
    }
  }

  get active(): TradePanel | undefined {
    return this.activePanel;
  }

  /** The state of the active panel, or of the one active last and when it stopped being active (for splits). */
  lastActive(): { state: PanelState; at: number } | undefined {
    const last = this.lastActivePanel;
    return last && this.panels.has(last.panel) ? { state: last.panel.state, at: last.until ?? Date.now() } : undefined;
  }

  all(): TradePanel[] {
    return [...this.panels];
  }

  resubscribeAll(): void {
    for (const p of this.panels) p.resubscribe();
  }

  /** `tradesuite.*` settings changed: every open panel shows them (see TradePanel.settingsChanged). */
  settingsChanged(affects: (key: string) => boolean): void {
    for (const p of this.panels) p.settingsChanged(affects);
  }

  dispose(): void {
    for (const p of [...this.panels]) p.panel.dispose();
    this.disposables.dispose();
    this.changed.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, state: PanelState): TradePanel {
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extensionUri, 'media', `${state.kind}.svg`);
    const p = create(panel, state, this.ctx);
    this.panels.add(p);
    this.ctx.engine.warm(state.exchange); // its own exchange's markets first, then every other's for Find Market… and the next panel
    if (panel.active) this.setActive(p);
    const subs = [
      p.onDidChange(() => this.changed.fire()),
      panel.onDidChangeViewState(() => {
        if (panel.active) this.setActive(p);
        else if (this.activePanel === p) {
          this.activePanel = undefined;
          this.lastActivePanel = { panel: p, until: Date.now() };
        }
        this.changed.fire();
      }),
      panel.onDidDispose(() => {
        this.panels.delete(p);
        if (this.activePanel === p) this.activePanel = undefined;
        for (const s of subs) s.dispose();
        this.changed.fire();
      }),
    ];
    this.changed.fire();
    return p;
  }

  private setActive(p: TradePanel): void {
    this.activePanel = p;
    this.recency.set(p, ++this.recencyCount);
    this.lastActivePanel = { panel: p, until: undefined };
  }
}

function create(panel: vscode.WebviewPanel, state: PanelState, ctx: PanelContext): TradePanel {
  switch (state.kind) {
    case 'chart':
      return new ChartPanel(panel, state, ctx);
    case 'orderbook':
      return new OrderBookPanel(panel, state, ctx);
    case 'dom':
      return new DomPanel(panel, state, ctx);
    case 'tape':
      return new TapePanel(panel, state, ctx);
    case 'heatmap':
      return new HeatmapPanel(panel, state, ctx);
  }
}
