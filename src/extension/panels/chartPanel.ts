import type * as vscode from 'vscode';
import type { Subscription } from '../../core/hub/requests';
import type { Timeframe } from '../../core/timeframes';
import type { Candle } from '../../core/types';
import type { DerivativesWire, FootprintLoadingWire, HistoryNote, HostMessage, MarkerWire, WebviewMessage } from '../../shared/protocol';
import type { AggregateSubscription } from '../../core/aggregate/sharedAggregates';
import { AGGREGATE_TIMEFRAMES, aggregateNamed, isAggregateMarket, missingAggregate } from '../aggregates/aggregateRef';
import { aggregateOlderSource, barCandle, legLabels, openAggregateChart } from './aggregateChartFeed';
import { AggregateLanes, type LaneBar } from '../../core/aggregate/aggregateLanes';
import { candleWire, CHART_MERGE_RULES, derivativesWire, flowWires, isContract, laneWire } from './chartMessages';
import { applyPolled, derivativesNote, derivativesWithPolls, tickerArrived, tickerStateChanged, type PolledDerivatives, type TickerFreshness } from './polledDerivatives';
import { derivativesSource } from '../../core/derivatives/derivativesSource';
import { subscribeAggregateFootprint } from './aggregateFootprintFor';
import { subscribeFootprint, type FootprintSubscription } from './footprintFeedFor';
import type { FootprintFeedEvent } from '../../core/orderflow/footprintFeed';
import { deltaWire, footprintBarWire, FOOTPRINT_MERGE_RULES } from './footprintMessages';
import { MarketPanel } from './marketPanel';
import { OlderBarsLoader } from './olderBarsLoader';
import { FirstPaintHold } from './firstPaintHold';
import { assertNever } from '../../core/util/assertNever';
import { setVolumeProfile, volumeProfileSetting } from '../volumeProfileSetting';
import { ChartPageCommands } from './chartPageCommands';
import { panelTitle, type ChartState, type PanelContext } from './panelContext';

/**
 * The longest a new chart's page waits for the disk cache's read (to carry its bars) before it is set without them.
 * The read ends the wait, bars or none: 0.01–0.1 s in a window that already showed a webview (where VS Code asks for
 * the page 0.1–0.5 s after the panel is made), 0.3–1.3 s as the first read of a new window's extension host (where VS
 * Code asks for it 1.7 s and more after).
 */
const PAGE_WAIT_MS = 1500;
/**
 * With nothing cached, how much longer the page waits for the exchange's first bars, to carry them too (within
 * PAGE_WAIT_MS). A market opened for the first time once the markets are loaded has them 0.2–0.4 s after the click,
 * before or about when VS Code asks for a new window's first page (0.6–0.85 s): carried in the page, they save its
 * ready's round trip through VS Code (0.25–0.35 s there). Where they come later the page is set without them.
 */
const FIRST_BARS_WAIT_MS = 400;
/**
 * The longest a chart's feed waits for its page's first paint (FirstPaintHold). A warm new window's page paints
 * 1.1–1.8 s after the click on this machine; past this the feed starts anyway.
 */
const PAINT_HOLD_MS = 2000;

/** The `footprint.*` settings a footprint is built with (its feed starts again when one changes). */
const FOOTPRINT_BUILD_SETTINGS = ['footprint.bucketTicks', 'footprint.imbalanceRatio', 'footprint.cvdReset', 'footprint.historyBars'];

/** A candlestick chart of one market and timeframe; the timeframe can change without closing the tab. */
export class ChartPanel extends MarketPanel<ChartState> {
  private timeframes: readonly string[] = [];
  private markers: readonly MarkerWire[] = [];
  /** What the legend says about the bars shown: topping up cached ones, or history offline. */
  private history: HistoryNote | undefined;
  /**
   * The bars shown until the hub's snapshot, for a webview that (re)loads meanwhile: the disk cache's, or none once
   * the market check failed (a page set with the cached bars must hear they are withdrawn).
   */
  private cachedBars: readonly Candle[] | undefined;
  /** Pages of older bars the user scrolled to, for the series shown; a new one per subscription. */
  private older: OlderBarsLoader | undefined;
  /** Set while the chart shows an aggregated market. */
  private aggregate:
    | { readonly market: AggregateSubscription; readonly lanes: AggregateLanes; readonly legs: readonly string[]; tick: number | undefined; lastClose: number | undefined; resolved: boolean }
    | undefined;
  /** A perpetual's newest mark, funding and open interest for the legend (resent with every snapshot). */
  private derivatives: DerivativesWire | undefined;
  /** The footprint feed while the mode is on. */
  private footprint: FootprintSubscription | undefined;
  /** Where the footprint's trades are while they load (sent again to a page that loads meanwhile). */
  private footprintLoading: FootprintLoadingWire | undefined;
  /** The footprint hole the banner names, until its trades are fetched after all. */
  private footprintHoleShown: string | undefined;
  /** The market's price increment, once its markets are loaded (a replay's from its recorded prices). */
  private tickSize: number | undefined;
  /** On a replay: its market's first recorded trade, before which there is no bar to page in. */
  private historyFrom: number | undefined;
  /** Until the page is set: its deadline (see PAGE_WAIT_MS). */
  private pageWait: ReturnType<typeof setTimeout> | undefined;
  /** The candle subscription's disk cache read (see Subscription.cacheRead), for the page's first paint. */
  private cacheRead: Promise<boolean> | undefined;
  /** Snapshots made so far (their `rev`: the page draws none older than one it drew). */
  private snapshotRev = 0;
  /** The feed's start waits for the page's first paint of its first bars. */
  private readonly paintHold: FirstPaintHold;
  /** The page's commands, held to what a page may cost. */
  private readonly commands: ChartPageCommands;

  constructor(panel: vscode.WebviewPanel, state: ChartState, ctx: PanelContext) {
    super(panel, state, ctx, { ...CHART_MERGE_RULES, ...FOOTPRINT_MERGE_RULES }, true);
    this.commands = new ChartPageCommands(this.host.asks, {
      setTimeframe: (timeframe) => this.setTimeframe(timeframe),
      offeredTimeframes: () => this.timeframes,
      setFootprint: (on) => this.setFootprint(on),
      writeVolumeProfile: setVolumeProfile,
      volumeProfile: volumeProfileSetting,
      loadOlderBars: (requestId, before, count) => {
        // An aggregate's pages come once its legs are resolved; before that there is nothing older to give yet.
        if (this.older) this.older.request(requestId, before, count);
        else this.host.send({ method: 'chart/olderBars', params: { requestId, candles: [], exhausted: false, error: 'the aggregate is still starting: its legs are not resolved yet' } });
      },
      send: (message) => this.host.send(message),
      showError: (message) => this.showError(message),
      resolveError: (message) => this.resolveError(message),
      // About its page, which may send them in a loop: at most so many lines (PageAsks.line), named by the panel.
      warn: (line) => this.host.asks.line('warn', line),
    });
    this.paintHold = new FirstPaintHold(ctx.paintHoldMs ?? PAINT_HOLD_MS, (by) => (this.host.startup.feedHeld = { until: Date.now(), by }));
    void this.host.firstRendered.then(() => this.paintHold.release('painted'));
    // The page is set with the first bars there are (a live series' at once, the disk cache's when read, the
    // exchange's when nothing is cached and they come soon), or without them (at once for an aggregate or a replay,
    // whose bars come from no cache).
    const waits = ctx.pageWaitMs ?? { cache: PAGE_WAIT_MS, firstBars: FIRST_BARS_WAIT_MS };
    const deadline = Date.now() + waits.cache;
    this.pageWait = setTimeout(() => this.showPage(), waits.cache);
    this.resubscribe();
    this.sendSnapshot();
    if (!this.cacheRead) this.showPage();
    else
      this.cacheRead.then(
        (had) => {
          if (had || this.host.pageSet || this.host.isDisposed) return; // with bars, their event sets it (or the deadline)
          clearTimeout(this.pageWait);
          this.pageWait = setTimeout(() => this.showPage(), Math.max(0, Math.min(waits.firstBars, deadline - Date.now())));
        },
        () => this.showPage(),
      );
    panel.onDidDispose(() => {
      this.older?.dispose();
      clearTimeout(this.pageWait);
      this.paintHold.release('closed');
    });
    if (isAggregateMarket(state)) {
      this.timeframes = AGGREGATE_TIMEFRAMES;
      return;
    }
    this.whenSubscribed().then(() => Promise.all([ctx.engine.hub.timeframes(state.exchange), ctx.engine.hub.markets(state.exchange)])).then(
      ([tfs, markets]) => {
        this.timeframes = tfs;
        this.tickSize = markets.find((m) => m.symbol === state.symbol)?.tickSize;
        this.render();
      },
      () => undefined, // the subscription reports the error
    );
  }

  /** The timeframes its exchange serves (the toolbar's list); empty until known. */
  get offeredTimeframes(): readonly string[] {
    return this.timeframes;
  }

  private get timeframe(): Timeframe {
    return this.state.timeframe;
  }

  /** Shows markers (e.g. backtest fire points) on the chart until the timeframe changes. */
  setMarkers(markers: readonly MarkerWire[]): void {
    this.markers = markers;
    this.render();
  }

  get markerCount(): number {
    return this.markers.length;
  }

  setTimeframe(timeframe: Timeframe): void {
    if (timeframe === this.timeframe) return;
    this.state = { ...this.state, timeframe };
    this.markers = [];
    this.panel.title = panelTitle(this.state);
    this.resubscribe();
    this.fireChanged();
  }

  /**
   * The volume profile mode goes to the page alone (its bars and cells are unchanged); the chart's look (EMAs, volume)
   * with a fresh snapshot; a footprint shown is built again with its new cells, imbalance ratio, CVD reset or history.
   */
  protected override applySettings(affects: (key: string) => boolean): void {
    if (affects('footprint.volumeProfile')) this.host.send({ method: 'chart/volumeProfile', params: { mode: this.ctx.settings().footprint.volumeProfile } });
    if (this.footprintOn && FOOTPRINT_BUILD_SETTINGS.some(affects)) this.resubscribe();
    else if (affects('chart')) this.render();
  }

  /** Footprint bars held (for tests and the debug state). */
  get footprintBarCount(): number {
    return this.footprint?.snapshot()?.bars.length ?? 0;
  }

  get footprintOn(): boolean {
    return this.state.footprint === true;
  }

  /** Switches the footprint mode; the panel's state (restored after a reload) remembers it. */
  setFootprint(on: boolean): void {
    if (on === this.footprintOn) return;
    const { footprint: _, ...rest } = this.state;
    this.state = on ? { ...rest, footprint: true } : rest;
    this.resubscribe();
    this.fireChanged();
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    this.history = undefined;
    this.cachedBars = undefined;
    this.older?.dispose();
    this.older = undefined;
    this.commands.seriesChanged();
    this.aggregate = undefined;
    this.footprint = undefined;
    this.cacheRead = undefined;
    if (isAggregateMarket(this.state)) return this.subscribeAggregate();
    const key = { exchange, symbol, timeframe: this.timeframe };
    // A replay pages its older bars from the recording, and none before the recording began (answered without a read).
    const historyFrom = (this.historyFrom = this.replaySession?.recordedFrom);
    this.older = new OlderBarsLoader(
      (before, count, signal) => (historyFrom !== undefined && before <= historyFrom ? Promise.resolve({ candles: [], exhausted: true }) : this.ctx.engine.hub.olderBars(key, before, count, { signal })),
      (answer) => this.host.send({ method: 'chart/olderBars', params: answer }),
      this.ctx.log,
    );
    this.footprintLoading = undefined;
    this.footprint = this.footprintOn ? this.subscribeFootprint() : undefined;
    const candles = this.ctx.engine.hub.subscribe({ kind: 'candles', exchange, symbol, timeframe: this.timeframe, historyBars: this.ctx.settings().historyBars }, (e) => {
      switch (e.type) {
        case 'cached':
          this.history = e.fromExchange ? 'loading' : 'cached';
          this.cachedBars = e.candles;
          this.sendSnapshot(e.candles);
          break;
        case 'snapshot':
          this.history = e.historyOffline ? 'offline' : undefined;
          this.cachedBars = undefined;
          this.sendSnapshot(e.candles);
          break;
        case 'deltas':
          if (e.deltas.length > 0) this.host.send({ method: 'chart/candles', params: { candles: e.deltas.map((d) => candleWire(d.candle)) } });
          this.onData();
          break;
        default:
          this.onStreamEvent(e);
      }
    }, { startAfter: this.paintHold.ended });
    this.cacheRead = candles.cacheRead;
    // A market the exchange does not serve (delisted, unknown) gets no bars: cached ones painted before the check are
    // withdrawn rather than left looking like a chart being topped up, and a page that loads later is told the same
    // (its HTML may carry them). The snapshot names the market; its error and `failed` badge say why.
    candles.ready.catch(() => {
      this.history = undefined;
      this.cachedBars = [];
      this.sendSnapshot([]);
      this.showPage(); // no bars will come to wait for: the error, at once
    });
    return [...(isContract(symbol) ? this.subscribeDerivatives() : []), ...(this.footprint ? [this.footprint] : []), candles];
  }

  /** An aggregate by its name in the settings; one that is not (any more) there is an error on the chart. */
  private subscribeAggregate(): Subscription[] {
    const def = aggregateNamed(this.ctx.settings().aggregates, this.state.symbol);
    if (!def) return [missingAggregate(this.state.symbol)];
    const market = openAggregateChart(this.ctx.engine.hub, def, this.timeframe, {
      onSnapshot: (tick, legs) => {
        if (this.aggregate) {
          this.aggregate.tick = tick;
          this.aggregate.resolved = true;
        }
        this.older?.dispose();
        this.older = new OlderBarsLoader(aggregateOlderSource(this.ctx.engine.hub, def, legs, tick, this.timeframe, this.ctx.log), (answer) => this.host.send({ method: 'chart/olderBars', params: answer }), this.ctx.log);
        this.sendSnapshot();
      },
      onBars: (candles, flows) => {
        this.host.send({ method: 'chart/candles', params: { candles: candles.map(candleWire), flows: [...flows] } });
        if (this.aggregate) this.aggregate.lastClose = candles[candles.length - 1]?.close ?? this.aggregate.lastClose;
        this.onData();
      },
      onState: (s) => this.onState(s),
    });
    const lanes = new AggregateLanes(this.ctx.engine.hub, def, this.timeframe, (bars) => this.onLanes(bars), { log: this.ctx.log, onFiguresNote: (note) => this.onFiguresNote(note) });
    this.aggregate = { market, lanes, legs: legLabels(def), tick: undefined, lastClose: undefined, resolved: false };
    const aggregateBars = () => market.bars().map((b) => barCandle(b));
    this.footprintLoading = undefined;
    this.footprint = this.footprintOn ? subscribeAggregateFootprint(this.ctx.engine.hub, { definition: def, timeframe: this.timeframe, settings: this.ctx.settings().footprint, bars: aggregateBars }, this.ctx.log, (e) => this.onFootprint(e)) : undefined;
    // An aggregate of spot markets has no lanes: nothing to show, nothing to say.
    lanes.ready.then(
      () => this.sendLanes(),
      () => undefined,
    );
    return [market, { ready: Promise.resolve(), dispose: () => lanes.dispose() }, ...(this.footprint ? [this.footprint] : [])];
  }

  private onLanes(bars: readonly LaneBar[]): void {
    // Before the aggregate's first snapshot the page has no panes to put them under: its lanes come with it.
    if (!this.aggregate?.resolved) return;
    this.host.send({ method: 'chart/lanes', params: { bars: bars.map(laneWire) } });
    const last = bars[bars.length - 1];
    const close = this.aggregate?.lastClose;
    if (last && close !== undefined && (last.openInterest !== undefined || last.fundingRate !== undefined)) {
      const note = this.aggregate?.lanes.figuresNote;
      this.derivatives = { last: close, ...(last.fundingRate !== undefined ? { fundingRate: last.fundingRate } : {}), ...(last.openInterest !== undefined ? { openInterest: last.openInterest } : {}), ...(note !== undefined ? { note: derivativesNote(note) } : {}) };
      this.host.send({ method: 'chart/derivatives', params: this.derivatives });
    }
  }

  /** An aggregate's open interest and funding went stale (a poll failing, a leg's ticker down) or fresh again: the legend says so at once. */
  private onFiguresNote(note: string | undefined): void {
    const last = this.derivatives?.last ?? this.aggregate?.lastClose;
    if (last === undefined) return; // the legend has no row yet: the note comes with its first figures
    const { note: _, ...rest } = this.derivatives ?? { last };
    this.derivatives = note === undefined ? rest : { ...rest, note: derivativesNote(note) };
    this.host.send({ method: 'chart/derivatives', params: this.derivatives });
  }

  /** Every lanes bar of an aggregate with a derivatives leg (after each snapshot: the page starts them afresh). */
  private sendLanes(): void {
    if (!this.aggregate?.resolved) return;
    const lanes = this.aggregate.lanes;
    lanes.ready.then(
      () => {
        if (this.aggregate?.lanes === lanes) this.host.send({ method: 'chart/lanes', params: { bars: lanes.snapshot().map(laneWire), reset: true } });
      },
      () => undefined,
    );
  }

  /**
   * The perpetual's ticker for the legend (the candles' stream owns the connection badge), and where the exchange's
   * ticker carries no open interest or funding, the hub's shared polls of them (their trouble named in the legend).
   */
  private subscribeDerivatives(): Subscription[] {
    const { exchange, symbol } = this.state;
    let last: number | undefined;
    let fromTicker: DerivativesWire | undefined;
    let polled: PolledDerivatives = {};
    let freshness: TickerFreshness = { wasLive: false };
    const show = () => {
      const wire = derivativesWithPolls(last, fromTicker, polled, freshness);
      if (wire === undefined) return;
      this.derivatives = wire;
      this.host.send({ method: 'chart/derivatives', params: wire });
    };
    const ticker = this.ctx.engine.hub.subscribe({ kind: 'ticker', exchange, symbol }, (e) => {
      if (e.type === 'state') {
        // Down, the legend's figures are the last ones: it says since when (the badge speaks for the candles' stream).
        const next = tickerStateChanged(freshness, e.state);
        const changed = next.note !== freshness.note;
        freshness = next;
        if (changed) show();
        return;
      }
      if (e.type !== 'ticker') return;
      last = e.ticker.last;
      fromTicker = derivativesWire(e.ticker);
      freshness = tickerArrived(e.ticker.timestamp);
      show();
    });
    if (derivativesSource(exchange) === 'stream') return [ticker];
    const polls = this.ctx.engine.hub.subscribeDerivatives({ exchange, symbol }, (e) => {
      polled = applyPolled(polled, e);
      show();
    });
    return [ticker, { ready: Promise.resolve(), dispose: () => polls.dispose() }];
  }

  private subscribeFootprint(): FootprintSubscription {
    const { exchange, symbol } = this.state;
    const bars = () => this.ctx.engine.hub.snapshot({ exchange, symbol, timeframe: this.timeframe });
    return subscribeFootprint(this.ctx.engine.hub, { exchange, symbol, timeframe: this.timeframe, settings: this.ctx.settings().footprint, bars }, this.ctx.log, (e) => this.onFootprint(e));
  }

  private onFootprint(e: FootprintFeedEvent): void {
    switch (e.type) {
      case 'snapshot':
        this.footprintLoading = undefined;
        this.sendFootprint();
        break;
      case 'bars':
        this.host.send({ method: 'chart/footprintBars', params: { bars: e.bars.map(footprintBarWire), deltas: e.deltas.map(deltaWire) } });
        break;
      case 'hole':
        // While a retry is due the dashed partial frames say enough; the banner is for a hole that stays.
        if (!e.retrying) this.showError((this.footprintHoleShown = `footprint: the trades from ${new Date(e.from).toISOString()} to ${new Date(e.until).toISOString()} could not be fetched (${e.reason}); those bars are marked partial`));
        break;
      case 'loading':
        this.footprintLoading = { from: e.from, until: e.until, ...(e.reached !== undefined ? { reached: e.reached } : {}) };
        this.host.send({ method: 'chart/footprintLoading', params: this.footprintLoading });
        break;
      case 'filled':
        // The bars came in a `bars` event, whole again: the hole's banner, if it said one, is over.
        if (this.footprintHoleShown !== undefined) this.resolveError(this.footprintHoleShown);
        this.footprintHoleShown = undefined;
        break;
      case 'state':
        break; // the candle subscription on the same trade stream shows the connection
      default:
        assertNever(e);
    }
  }

  private sendFootprint(): void {
    const snap = this.footprint?.snapshot();
    if (!snap) {
      // A page loaded again while the trades load: where they are.
      if (this.footprint && this.footprintLoading) this.host.send({ method: 'chart/footprintLoading', params: this.footprintLoading });
      return;
    }
    const { exchange, symbol } = this.state;
    const { cvdReset, imbalanceRatio } = this.ctx.settings().footprint;
    this.host.send({
      method: 'chart/footprint',
      params: { market: { exchange, symbol }, timeframe: this.timeframe, depth: snap.depth, bucket: snap.bucket, imbalanceRatio, cvdReset, bars: snap.bars.map(footprintBarWire), deltas: snap.deltas.map(deltaWire) },
    });
  }

  /** The candles start over in the hub (their snapshot comes from it); the footprint's feed starts over here. */
  protected override startOver(): void {
    this.footprint?.startOver();
  }

  protected render(): void {
    this.sendSnapshot();
    this.sendFootprint();
  }

  private sendSnapshot(candles?: readonly Candle[]): void {
    const { exchange, symbol } = this.state;
    const tf = this.timeframe;
    const aggregateBars = this.aggregate?.market.bars();
    const shown = aggregateBars ? aggregateBars.map((b) => barCandle(b, this.aggregate?.tick)) : (candles ?? this.ctx.engine.hub.snapshot({ exchange, symbol, timeframe: tf }) ?? this.cachedBars);
    if (!shown) return; // not ready yet: the hub's snapshot event will come
    const bars = this.older?.prependTo(shown) ?? shown;
    const snapshot: Extract<HostMessage, { method: 'chart/snapshot' }> = {
      method: 'chart/snapshot',
      params: {
        market: { exchange, symbol },
        timeframe: tf,
        timeframes: this.timeframes.length ? this.timeframes : [tf],
        candles: bars.map(candleWire),
        options: this.ctx.settings().chart,
        markers: [...this.markers],
        ...(this.history ? { history: this.history } : {}),
        ...(this.aggregate && aggregateBars ? { legs: [...this.aggregate.legs], flows: flowWires(aggregateBars) } : {}),
        footprint: this.footprintOn,
        ...(this.ctx.settings().footprint.volumeProfile === 'session' ? { volumeProfile: 'session' as const } : {}),
        ...(this.tickSize !== undefined && this.tickSize > 0 ? { tickSize: this.tickSize } : {}),
        ...(this.historyFrom !== undefined ? { historyFrom: this.historyFrom } : {}),
        rev: ++this.snapshotRev,
      },
    };
    // The page is sent one again once it says ready (the panel's resync); it draws that one only if its bars or their
    // look differ from what it painted from its HTML.
    if (bars.length > 0) {
      this.host.startup.firstBarsAt ??= Date.now();
      this.showPage(snapshot);
    }
    this.host.send(snapshot);
    if (this.derivatives) this.host.send({ method: 'chart/derivatives', params: this.derivatives });
    if (this.aggregate) this.sendLanes();
    this.host.send({ method: 'panel/connection', params: this.tracker.current });
  }

  /** Sets the page once, carrying `snapshot` for its first paint when there are bars. */
  private showPage(snapshot?: Extract<HostMessage, { method: 'chart/snapshot' }>): void {
    if (this.host.pageSet) return;
    clearTimeout(this.pageWait);
    this.host.showPage(snapshot);
    // Set without bars: the feed is what brings them, nothing painted to wait for.
    if (!snapshot?.params.candles.length) this.paintHold.release('no bars');
  }

  /** The older bars loaded by scrolling left (for tests and troubleshooting). */
  get olderBars(): OlderBarsLoader | undefined {
    return this.older;
  }

  protected onMessage(m: WebviewMessage): void {
    this.commands.handle(m);
  }
}
