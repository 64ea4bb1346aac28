import * as vscode from 'vscode';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import type { Subscription } from '../../core/hub/requests';
import type { StreamState } from '../../core/types';
import { isReplayId } from '../../core/replay/replayId';
import type { ReplaySession } from '../../core/replay/replaySession';
import { userMessage } from '../../core/util/log';
import { MAX_PANEL_ERROR_CHARS, type ConnectionInfo, type ConnectionStatus, type MarketRef, type WebviewMessage } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { errorText } from '../../shared/util/shortText';
import { ConnectionTracker } from './connectionTracker';
import type { MergeRules } from './frameCoalescer';
import { panelTitle, type PanelContext, type PanelState, type TradePanel } from './panelContext';
import { PanelHost, type PanelStartup } from './panelHost';
import { ReplayControls } from './replayControls';
import { ReplayLink } from './replayLink';
import { NOT_RECORDED } from '../recording/recordingStatus';
import { aggregateNamed, isAggregateMarket } from '../aggregates/aggregateRef';

/**
 * Shared lifecycle of the order-book and DOM panels: a set of hub subscriptions made on open and after a
 * reconnect, torn down on close, with the connection badge kept current. Subclasses say what to subscribe to and
 * what to send.
 */
export abstract class MarketPanel<S extends PanelState = PanelState> implements TradePanel {
  protected readonly host: PanelHost;
  private readonly changed = new vscode.EventEmitter<void>();
  private subscriptions: Subscription[] = [];
  /** On a replayed market: the hold on its replay (the toolbar's state and controls). */
  private replay: ReplayLink | undefined;
  /** The toolbar's controls, applied to the replay at most so often (a page is untrusted). */
  private readonly replayControls: ReplayControls;
  protected tracker = new ConnectionTracker(Date.now, this.liveWithData);
  /**
   * Why a stream failed, shown by the banner until it is live again (a market trading again after a halt); the same
   * failure reported again (a stream restarted while its market still does not trade) does not bring back a banner
   * the user closed. As the banner shows it (shortened: see `bannerText`).
   */
  private failureShown: string | undefined;
  /** The newest error the banner was sent (as it shows it), until it is resolved. */
  private bannerShown: string | undefined;
  /** The aggregate definition the subscriptions were made with (see `settingsChanged`). */
  private aggregateSubscribed: string | undefined;
  /** The REC pill last sent (JSON), so only a change is sent. */
  private recordingSent: string | undefined;
  private readonly recordingWatch: vscode.Disposable | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private current: S,
    protected readonly ctx: PanelContext,
    mergeRules: MergeRules = {},
    /** The subclass sets the page itself (`host.showPage`), with data for its first paint. */
    deferPage = false,
  ) {
    panel.title = panelTitle(current);
    this.host = new PanelHost(panel, current.kind, ctx.extensionUri, ctx.log, {
      resync: () => {
        this.recordingSent = undefined;
        this.sendRecording();
        this.render();
        const replay = this.replay?.state;
        if (replay) this.host.send({ method: 'replay/state', params: replay });
      },
      onMessage: (m) => (m.method === 'replay/control' ? this.replayControls.handle(m.params) : this.onMessage(m)),
      market: () => ({ exchange: this.current.exchange, symbol: this.current.symbol }),
      freeCanvasesAfterMs: () => this.ctx.settings().panels.freeHiddenCanvasesAfterSeconds * 1000,
      onDispose: () => {
        this.recordingWatch?.dispose();
        this.unsubscribe();
        this.changed.fire();
        this.changed.dispose();
      },
    }, mergeRules, deferPage);
    this.replayControls = new ReplayControls(this.host.asks, (moves) => this.replay?.apply(moves) ?? Promise.resolve(), (line) => this.host.asks.line('warn', line));
    this.recordingWatch = ctx.recording?.onDidChange(() => this.sendRecording());
  }

  /** The REC pill: whether this market is recorded, and how that goes (sent when it changes). */
  private sendRecording(): void {
    const info = this.ctx.recording?.info(this.state) ?? NOT_RECORDED;
    const json = JSON.stringify(info);
    if (json === this.recordingSent) return;
    this.recordingSent = json;
    this.host.send({ method: 'panel/recording', params: info });
  }

  get state(): S {
    return this.current;
  }

  /** A panel whose market view changes in place (a chart's timeframe) updates what is persisted and shown. */
  protected set state(next: S) {
    this.current = next;
  }

  protected fireChanged(): void {
    this.changed.fire();
  }

  get connection(): ConnectionStatus {
    return this.tracker.current.status;
  }

  get connectionHistory(): readonly string[] {
    return this.tracker.history;
  }

  get rendered() {
    return this.host.rendered;
  }

  get startup(): PanelStartup {
    return this.host.startup;
  }

  get posted(): number {
    return this.host.posted;
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.changed.event(listener);
  }

  /**
   * Whether the panel's data is a whole order book: it reads live only once a book has come after its stream is live
   * again, so the held book never passes for the fresh one (ConnectionTracker's `liveWithData`).
   */
  protected get liveWithData(): boolean {
    return false;
  }

  resubscribe(): void {
    this.unsubscribe();
    this.tracker.restart();
    this.failureShown = undefined;
    // What the banner said of the subscriptions replaced (another timeframe, an edited aggregate) ends with them; the
    // new ones say their own.
    if (this.bannerShown !== undefined) this.host.send({ method: 'panel/errorResolved', params: { message: this.bannerShown } });
    this.bannerShown = undefined;
    this.aggregateSubscribed = this.aggregateDefinition();
    this.subscriptions = isReplayId(this.state.exchange) ? [this.linkReplay()] : this.subscribe();
    for (const s of this.subscriptions) s.ready.catch((err: unknown) => this.showError(userMessage(err)));
  }

  /**
   * A panel of an aggregate whose definition was edited (legs, price) subscribes again to the new one (or says it is
   * gone); then each kind of panel applies what it shows (`applySettings`).
   */
  settingsChanged(affects: (key: string) => boolean): void {
    if (affects('aggregates') && this.aggregateDefinition() !== this.aggregateSubscribed) {
      this.resubscribe();
      this.aggregateEdited();
    }
    this.applySettings(affects);
  }

  /** Subscribed again to its aggregate's edited definition: what was built from the old legs is not this market's. */
  protected aggregateEdited(): void {}

  /** What a kind of panel shows of the settings, applied to it open (see TradePanel.settingsChanged). */
  protected applySettings(_affects: (key: string) => boolean): void {}

  /** The panel's aggregate as the settings define it now (JSON; undefined on a single market). */
  private aggregateDefinition(): string | undefined {
    return isAggregateMarket(this.state) ? JSON.stringify(aggregateNamed(this.ctx.settings().aggregates, this.state.symbol) ?? null) : undefined;
  }

  /** Settles once the panel's subscriptions are made and validated (on a replay: once the replay is open). */
  protected whenSubscribed(): Promise<void> {
    return Promise.all(this.subscriptions.map((s) => s.ready)).then(() => undefined);
  }

  /**
   * The panel's market as its exchange lists it (tick size, lot step), once its subscriptions are made: a replay's
   * market exists only once the replay is open. Undefined for an aggregate, a market not listed, markets that failed
   * to load (the subscription reports it), or a panel closed meanwhile.
   */
  protected async listedMarket(): Promise<MarketInfo | undefined> {
    return isAggregateMarket(this.state) ? undefined : (await this.listedMarkets([this.state]))?.[0];
  }

  /**
   * Markets (an aggregate's legs) as their exchanges list them, in order (undefined for one not listed or whose markets
   * failed to load), once the panel's subscriptions are made; undefined for a panel closed meanwhile.
   */
  protected async listedMarkets(legs: readonly MarketRef[]): Promise<ReadonlyArray<MarketInfo | undefined> | undefined> {
    await this.whenSubscribed().catch(() => undefined);
    const found = await Promise.all(legs.map(async (leg) => (await this.ctx.engine.hub.markets(leg.exchange).catch(() => [])).find((m) => m.symbol === leg.symbol)));
    return this.host.isDisposed ? undefined : found;
  }

  private linkReplay(): Subscription {
    this.replay = new ReplayLink({
      replays: this.ctx.engine.replays,
      id: this.state.exchange,
      subscribe: () => [this.followRewinds(), ...this.subscribe()],
      onState: (params) => this.host.send({ method: 'replay/state', params }),
      onError: (message) => this.showError(message),
    });
    return this.replay;
  }

  /** The replay this panel shows, once it is open (undefined on a live market). */
  protected get replaySession(): ReplaySession | undefined {
    return this.replay?.session;
  }

  /**
   * A replay seeked back: what the panel built from the data released so far belongs to an abandoned future. The hub
   * fires this before any data from the new position, so the panel starts over and shows the emptied view.
   */
  private followRewinds(): Subscription {
    const listening = this.ctx.engine.hub.onDidRewind((exchange) => {
      if (exchange !== this.state.exchange) return;
      this.startOver();
      this.render();
    });
    return { ready: Promise.resolve(), dispose: () => listening.dispose() };
  }

  /** Forgets what was built from the market's data (a replay went back in time); the hub's own series start over by themselves. */
  protected startOver(): void {}

  protected abstract subscribe(): Subscription[];
  protected abstract render(): void;
  protected abstract onMessage(m: WebviewMessage): void;

  /** The events every subscription shares: connection state for the badge, errors for the banner. */
  protected onStreamEvent(e: { readonly type: 'state'; readonly state: StreamState } | { readonly type: 'error'; readonly message: string }): void {
    if (e.type === 'state') this.onState(e.state);
    // A subscription that fails reports its failed state, then the same words as an error: the state said it already.
    else if (bannerText(e.message) !== this.failureShown) this.showError(e.message);
  }

  /** `heldSince`: see ConnectionTracker.state. */
  protected onState(s: StreamState, heldSince?: number): void {
    const info = this.tracker.state(s, heldSince);
    if (info) this.showConnection(info);
  }

  protected onData(): void {
    const before = this.tracker.current.status;
    const info = this.tracker.data();
    if (!info) return;
    // Mostly the same status with a newer data time (once a second); a book panel's first book after a reconnect makes it live.
    if (info.status === before) this.host.send({ method: 'panel/connection', params: info });
    else this.showConnection(info);
  }

  private showConnection(info: ConnectionInfo): void {
    this.host.send({ method: 'panel/connection', params: info });
    // A stream that fails after it started (its market halted) says why in the banner, not only in the badge (a red
    // dot in a narrow pane); the banner goes when the stream is live again.
    if (info.status === 'failed' && info.reason && bannerText(info.reason) !== this.failureShown) {
      this.failureShown = bannerText(info.reason);
      this.showError(info.reason);
    } else if (info.status === 'live' && this.failureShown !== undefined) {
      this.host.send({ method: 'panel/errorResolved', params: { message: this.failureShown } });
      if (this.bannerShown === this.failureShown) this.bannerShown = undefined;
      this.failureShown = undefined;
    }
    this.fireChanged();
  }

  /** What a banner said has ended: the page drops it, and a reloaded page is no longer sent it. */
  protected resolveError(message: string): void {
    const text = bannerText(message);
    this.host.send({ method: 'panel/errorResolved', params: { message: text } });
    if (this.bannerShown === text) this.bannerShown = undefined;
  }

  protected showError(message: string): void {
    this.ctx.log.warn(`${panelTitle(this.state)}: ${errorText(message)}`);
    this.bannerShown = bannerText(message);
    this.host.send({ method: 'panel/error', params: { message: this.bannerShown } });
  }

  private unsubscribe(): void {
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions = [];
    this.replay = undefined;
  }
}

/**
 * An error as the banner shows it: shortened to what the page takes (an exchange's error can be a whole HTML page), the
 * same way each time, so the failure it resolves and the one a page says it dismissed are the same text.
 */
const bannerText = (message: string): string => clip(message, MAX_PANEL_ERROR_CHARS);
