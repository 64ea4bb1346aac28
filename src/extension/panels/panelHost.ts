import * as vscode from 'vscode';
import type { Logger } from '../../core/util/log';
import { parseWebviewMessage, type HostMessage, type MarketRef, type PageBoot, type PaintTimes, type PanelKind, type WebviewMessage } from '../../shared/protocol';
import { FrameCoalescer, type MergeRules, type Pending } from './frameCoalescer';
import { PageState } from './pageState';
import { PanelSync } from './panelSync';
import { pageResyncMessage, pageScriptMessage } from '../../shared/pageScript';
import { webviewPage } from './webviewHtml';
import { PageAsks } from './pageAsks';
import type { HoldEnd } from './firstPaintHold';

/** A panel's first start on both clocks (epoch ms; host and webview share the machine), for benchmarks and troubleshooting. */
export interface PanelStartup {
  readonly createdAt: number;
  /** When the host last heard the page say ready. */
  readyAt?: number;
  /** The page's own timings of its last start. */
  page?: PageBoot;
  firstPostAt?: number;
  /** The page's times of its last first paint (received, applied), when it reports them. */
  paint?: PaintTimes;
  /** When the page's HTML was set, and whether it carried data for the first paint (see PanelHost.showPage). */
  pageSetAt?: number;
  inline?: boolean;
  /** Times the page asked for its bundle again (shared/pageScript.ts): after being hidden, or when the first post was lost. */
  scriptRequests?: number;
  /** Posts of the bundle VS Code said it did not deliver (no page to hold them for). */
  scriptPostsDropped?: number;
  /** When the panel first had bars to show (a chart's: cached, live or loaded). */
  firstBarsAt?: number;
  /** Resyncs posted to a page as it was shown again, before its ready (PanelSync); taken by its ready; not delivered. */
  early?: { posted: number; taken: number; lost: number };
  /** Times the panel was shown again with the page it kept while hidden (resynced without a reload). */
  keptPageShown?: number;
  /** A chart's: when its feed was let start (FirstPaintHold), and what ended the wait. */
  feedHeld?: { until: number; by: HoldEnd };
}

export interface PanelHostHandlers {
  /**
   * The webview's page (re)loaded (first open, or shown again after being hidden): send it a full snapshot of the
   * panel's data. The host follows it with the newest connection badge and error sent so far (see PageState).
   */
  resync(): void;
  onMessage(message: WebviewMessage): void;
  onDispose(): void;
  /** The market the page shows, named in its HTML: its toolbar says which before (or without) any data. */
  market?(): MarketRef;
  /** How long a page kept while hidden keeps its canvases' pixels (setting `panels.freeHiddenCanvasesAfterSeconds`); 0 by default. */
  freeCanvasesAfterMs?(): number;
}

/**
 * What every TradeSuite panel shares: the page, validated incoming messages, coalesced outgoing ones, and the
 * visibility rule (hidden → gather nothing; shown → one resync, with the panel's state held meanwhile: see
 * PageState; a page kept while hidden gets it at once, a discarded one as it loads again).
 */
export class PanelHost implements vscode.Disposable {
  readonly coalescer: FrameCoalescer;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly sync: PanelSync;
  private readonly pageState: PageState;
  private disposed = false;
  rendered: { items: number; at: number } | undefined;
  /** Settles when the page first says it painted (ChartPanel's first paint hold). */
  readonly firstRendered: Promise<void>;
  private markRendered!: () => void;
  readonly startup: PanelStartup = { createdAt: Date.now() };
  /** Messages posted to the webview so far (for benchmarks and troubleshooting). */
  posted = 0;
  private pageShown = false;
  /** The panel's visibility at its last view state change (its page is discarded when hidden). */
  private wasVisible: boolean;
  /** The bundle posted after the HTML (shared/pageScript.ts), when it is not in the HTML. */
  private postedScript: string | undefined;
  /** What the page may cost the host: its asks answered at most so often, its costly commands too (pageAsks.ts). */
  readonly asks: PageAsks;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly kind: PanelKind,
    private readonly extensionUri: vscode.Uri,
    log: Logger,
    private readonly handlers: PanelHostHandlers,
    mergeRules: MergeRules = {},
    /** The caller sets the page with `showPage` (when it has data for the first paint), not at once. */
    deferPage = false,
  ) {
    this.firstRendered = new Promise((resolve) => (this.markRendered = resolve));
    this.coalescer = new FrameCoalescer(
      (m) => {
        if (this.posted++ === 0) this.startup.firstPostAt = Date.now();
        this.panel.webview.postMessage(m).then((delivered) => {
          if (!delivered) this.sync.postLost();
        }, () => this.sync.postLost());
      },
      undefined,
      mergeRules,
    );
    this.pageState = new PageState();
    this.asks = new PageAsks(() => `${kind} panel "${panel.title}"`, log, () => this.resync(), () => this.postScript());
    this.sync = new PanelSync(() => this.asks.resync());
    if (!deferPage) this.showPage();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => this.visibilityChanged()),
      panel.onDidDispose(() => this.dispose()),
    );
    this.wasVisible = panel.visible;
    if (!panel.visible) this.coalescer.pause();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Whether the page's HTML is set. */
  get pageSet(): boolean {
    return this.pageShown;
  }

  /**
   * Sets the page's HTML (once; later calls do nothing) and posts its bundle. `inline`: a message the page handles as
   * it starts, so its first paint does not wait for its ready to reach the host and the answer to come back (two trips
   * through VS Code's message passing, 0.2–0.3 s each under load).
   */
  showPage(inline?: HostMessage): void {
    if (this.pageShown || this.disposed) return;
    this.pageShown = true;
    this.startup.pageSetAt = Date.now();
    this.startup.inline = inline !== undefined;
    const page = webviewPage(this.panel.webview, this.extensionUri, this.kind, this.panel.title, inline, this.handlers.market?.());
    this.panel.webview.html = page.html;
    this.postedScript = page.postedScript;
    // Held by VS Code until the page has loaded (even in a panel not shown yet); a page that misses it asks again.
    this.postScript();
  }

  private postScript(): void {
    if (this.postedScript === undefined) return;
    const dropped = () => (this.startup.scriptPostsDropped = (this.startup.scriptPostsDropped ?? 0) + 1);
    // Not delivered (no page to hold it for) or refused (the panel went meanwhile): the page, if any, asks again.
    this.panel.webview.postMessage(pageScriptMessage(this.postedScript)).then((delivered) => {
      if (!delivered) dropped();
    }, dropped);
  }

  /** Sends to the page if it listens; a state message is kept for a page that loads later either way. */
  send(message: Pending): void {
    this.pageState.note(message);
    if (this.sync.ready) this.coalescer.send(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.coalescer.dispose();
    this.asks.dispose();
    for (const d of this.subscriptions) d.dispose();
    this.handlers.onDispose();
    this.panel.dispose();
  }

  private visibilityChanged(): void {
    const shownAgain = this.panel.visible && !this.wasVisible;
    const hidden = !this.panel.visible && this.wasVisible;
    this.wasVisible = this.panel.visible;
    if (this.panel.visible) this.coalescer.resume();
    else this.coalescer.pause();
    // A kept page gets nothing while hidden: its badge must not count that time as the market's quiet.
    if (hidden && this.keepsHiddenPage && this.sync.ready) this.postHidden();
    if (!shownAgain || !this.pageShown) return;
    if (this.keepsHiddenPage) {
      // The page was kept and still listens; it only missed what happened while hidden (nothing was gathered).
      this.startup.keptPageShown = (this.startup.keptPageShown ?? 0) + 1;
      if (!this.sync.ready) {
        // A page that never loaded (a panel restored in a tab not shown) loads now: its bundle goes with it.
        this.postScript();
        return;
      }
      // Before the resync: the page sizes its canvases again (freed while hidden), the resync then draws on them.
      this.postShown();
      this.resync();
      return;
    }
    // Its page loads again from the same HTML: the bundle goes with it, not a round trip after its ask, and so does
    // its resync, not a round trip after its ready. The resync goes first: the loader runs the bundle as the bundle
    // comes, and keeps the resync only if it came before.
    this.postEarlyResync();
    this.postScript();
  }

  /** Posted at once, not gathered: the coalescer is paused while hidden, and `panel/shown` goes before the resync. */
  private postHidden(): void {
    this.postAtOnce({ method: 'panel/hidden', params: { freeCanvasesAfterMs: this.handlers.freeCanvasesAfterMs?.() ?? 0 } });
  }

  private postShown(): void {
    this.postAtOnce({ method: 'panel/shown', params: {} });
  }

  private postAtOnce(message: HostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  /**
   * Made to keep its page while hidden (settings `panels.keepHiddenPages`; webviewHtml.ts). Should VS Code load that
   * page again all the same, its ready gets the resync and it asks for its bundle, as any page.
   */
  private get keepsHiddenPage(): boolean {
    return this.panel.options.retainContextWhenHidden === true;
  }

  private resync(): void {
    this.pageState.resync(() => this.handlers.resync(), (m) => this.coalescer.send(m));
  }

  /** The resync as one message, posted to a page still loading (PanelSync, shared/pageScript.ts). */
  private postEarlyResync(): void {
    // A page that never loaded (a panel restored hidden) gets its first resync at its ready: the panel sends nothing before.
    if (!this.sync.ready) return;
    const batch = this.coalescer.take(() => this.resync());
    if (batch === undefined) return;
    const token = this.sync.earlyPosted();
    const early = (this.startup.early ??= { posted: 0, taken: 0, lost: 0 });
    early.posted++;
    const lost = () => {
      early.lost++;
      this.sync.postLost();
    };
    this.panel.webview.postMessage(pageResyncMessage(token, batch)).then((delivered) => {
      if (!delivered) lost();
    }, lost);
  }

  private receive(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.asks.line('warn', `dropped a message: ${parsed.error}`);
      return;
    }
    const msg = parsed.message;
    switch (msg.method) {
      case 'webview/ready':
        this.startup.readyAt = Date.now();
        if (msg.params.boot) this.startup.page = msg.params.boot;
        if (!this.sync.readyReceived(msg.params.early) && this.startup.early) this.startup.early.taken++;
        return;
      case 'webview/rendered':
        this.rendered = { items: msg.params.items, at: Date.now() };
        this.markRendered();
        if (msg.params.times) this.startup.paint = msg.params.times;
        return;
      case 'webview/script':
        this.startup.scriptRequests = (this.startup.scriptRequests ?? 0) + 1;
        this.asks.script();
        return;
      case 'panel/dismissError':
        this.pageState.dismissError(msg.params.message);
        return;
      case 'webview/log':
        this.asks.line(msg.params.level, `webview: ${msg.params.message}`);
        return;
      default:
        this.handlers.onMessage(msg);
    }
  }
}
