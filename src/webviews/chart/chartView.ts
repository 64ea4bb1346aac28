/**
 * Owns the lightweight-charts (v5) objects of one chart panel. The series hold a window of the bars around the view
 * (seriesWindow.ts), set again when the view nears its edge, and the footprint's, the panes' and the lanes' series
 * hold the same bars (their TimeSpan); ticks go through `series.update()` (none for a bar
 * outside the window) and incremental EMAs, so nothing per update is O(number of bars). Legend values are
 * published to a Store at most once per host batch (`flush`).
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  createChart,
  createSeriesMarkers,
  type CandlestickData,
  type IChartApi,
  type ISeriesApi,
  type LogicalRange,
  type ISeriesMarkersPluginApi,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { CandleWire, ChartOptionsWire, MarkerWire } from '../../shared/protocol';
import { withAlpha } from '../shared/color';
import { decimalsOf } from '../../shared/util/decimals';
import type { Store } from '../shared/store';
import type { Theme } from '../shared/themeModel';
import { pageShown, ShownSize } from '../shared/keptPageShown';
import { chartSizeFor, followContainerSize, type ChartSize } from './chartSize';
import { LegendRoom } from './legendRoom';
import { CHART_LOOK, emaColour } from './chartLook';
import { candlePriceFormat } from './candlePriceFormat';
import { chartThemeOptions } from './chartTheme';
import { timeLabelOptions } from './timeLabels';
import { BarStore, legendFor, partialSince, placeMarkers, pricePrecision, type Bar, type LegendValues, type PlacedMarker } from './barStore';
import { EmaTracker, normalizePeriods, type EmaPoint } from './emaTracker';
import { AggregateFlowLayer } from './aggregateFlowLayer';
import { FlowBook } from './flowBook';
import { LanesLayer } from './lanesLayer';
import { LastPriceLine } from './lastPriceLine';
import { OrderFlowLayer } from './orderFlowLayer';
import { keepView, viewRange } from './keptView';
import { ALL_TIMES, firstAtOrAfter, needsMove, sameSpan, shiftedRange, spanOf, windowFor, type BarWindow, type TimeSpan } from './seriesWindow';

export interface EmaLegend {
  readonly period: number;
  readonly color: string;
  readonly value: number | null;
}

export interface LegendState {
  readonly bar: LegendValues | null;
  readonly emas: readonly EmaLegend[];
  readonly decimals: number;
  readonly hovering: boolean;
  /** While the newest bar is partial, since when (UTC seconds) its trades may be missing. */
  readonly partialSince: number | null;
}

const VOLUME_SCALE = 'volume';
const ts = (seconds: number) => seconds as UTCTimestamp;

export class ChartView {
  private readonly chart: IChartApi;
  private readonly container: HTMLElement;
  private readonly stopSizing: () => void;
  /** The chart's size: its container's, or none while its page is hidden. */
  private readonly sizing: ShownSize<ChartSize>;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly lastPrice: LastPriceLine;
  /**
   * Attached only while there are markers: lightweight-charts' markers primitive copies every bar of the series
   * (`series.data()`) at each data change, even with no marker, which made each live update O(bars).
   */
  private markersApi: ISeriesMarkersPluginApi<Time> | undefined;
  private volume: ISeriesApi<'Histogram'> | undefined;
  private emaLines: { period: number; series: ISeriesApi<'Line'> }[] = [];
  private readonly store = new BarStore();
  /** The store's bars held in the series (see seriesWindow.ts). */
  private window: BarWindow = { start: 0, end: 0 };
  /** The window's times, which the layers' series hold. */
  private span: TimeSpan = ALL_TIMES;
  /** A pointer is down on the chart: its drag scrolls from where it began, measured from the newest bar held, so the window's end stays put until it is released. */
  private dragging = false;
  /** The window is being set: the range changes that causes are the window's own. */
  private moving = false;
  private rangeCheckQueued = false;
  private disposed = false;
  private ema = new EmaTracker([]);
  /** Every bar's EMA points per period (the series get the window's part). */
  private emaPoints: EmaPoint[][] = [];
  private markerWires: readonly MarkerWire[] = [];
  private markers: PlacedMarker[] = [];
  private theme: Theme;
  private decimals = 2;
  private hoverIndex: number | null = null;
  private hoverEmas: (number | null)[] = [];
  private legendDirty = false;
  private hasData = false;
  private seriesKey = '';
  /** The footprint mode's series and panes (made when it is switched on). */
  readonly orderFlow: OrderFlowLayer;
  /** The candles' margins: room for a tall legend (LegendRoom). */
  readonly legendRoom: LegendRoom;
  /** An aggregate's delta and CVD panes (none on a chart of one market). */
  readonly aggregateFlow: AggregateFlowLayer;
  /** An aggregate's liquidation, open-interest and funding lanes (made at its first lanes). */
  readonly lanes: LanesLayer;

  /** `flowBook`: an aggregate's flows, which the legend reads too. */
  constructor(
    container: HTMLElement,
    theme: Theme,
    private readonly legend: Store<LegendState>,
    flowBook = new FlowBook(),
  ) {
    this.container = container;
    this.theme = theme;
    const box = container.getBoundingClientRect();
    const size = chartSizeFor(box.width, box.height);
    const labels = timeLabelOptions('1m');
    this.chart = createChart(container, {
      ...size,
      // The logo injects an inline <style>, which the webview CSP blocks; attribution is shown in our own markup.
      layout: { attributionLogo: false, background: { type: ColorType.Solid, color: theme.background } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { scaleMargins: { top: CHART_LOOK.marginTop, bottom: CHART_LOOK.marginBottomWithVolume } },
      timeScale: { rightOffset: CHART_LOOK.rightOffset, ...labels.timeScale },
      localization: labels.localization,
      handleScale: { axisPressedMouseMove: true },
    });
    // Hidden with its page kept, the chart has no size: its canvases' pixels are freed (keptPageShown.ts). The time
    // scale ignores a width of 0, so the view (scroll, zoom) is as it was when the size comes back. Drawn at once:
    // hidden, a frame may get no animation frames; shown, with the draw left to the next frame one exchanges e2e run
    // saw the view go from 93 to 77 bars across (not explained), drawn at once it stayed.
    this.sizing = new ShownSize(size, { width: 0, height: 0 }, ({ width, height }) => {
      this.chart.resize(width, height, true);
      this.legendRoom.refresh();
    });
    const stopFollowingBox = followContainerSize(container, size, (next) => this.sizing.resized(next));
    // The series' own last-value label and line are the last visible bar's: LastPriceLine shows the newest bar's.
    this.candles = this.chart.addSeries(CandlestickSeries, { borderVisible: false, lastValueVisible: false, priceLineVisible: false });
    this.lastPrice = new LastPriceLine(this.candles, theme);
    this.legendRoom = new LegendRoom(
      (margins) => this.candles.priceScale().applyOptions({ scaleMargins: margins }),
      () => (this.sizing.current.height > 0 ? (this.chart.panes()[0]?.getHeight() ?? 0) : undefined),
    );
    this.chart.subscribeCrosshairMove(this.onCrosshair);
    // Before any other range listener (the left edge's): they see the window that holds the new view.
    this.chart.timeScale().subscribeVisibleLogicalRangeChange(this.onRange);
    container.addEventListener('pointerdown', this.onPointerDown, true);
    container.addEventListener('dblclick', this.onDoubleClick);
    window.addEventListener('pointerup', this.onPointerUp, true);
    window.addEventListener('pointercancel', this.onPointerUp, true);
    this.orderFlow = new OrderFlowLayer(this.chart, theme);
    this.aggregateFlow = new AggregateFlowLayer(this.chart, theme, flowBook);
    this.lanes = new LanesLayer(this.chart, this.candles, theme);
    this.applyTheme(theme);
    const stopFollowingShown = this.sizing.follow(pageShown);
    this.stopSizing = () => {
      stopFollowingShown();
      stopFollowingBox();
    };
  }

  /** Decimals the prices are shown with. */
  get priceDecimals(): number {
    return this.decimals;
  }

  /** Every bar held, oldest first (the series shows a window of them). */
  get bars(): readonly Bar[] {
    return this.store.bars;
  }

  get barCount(): number {
    return this.store.length;
  }

  get lastBar(): Bar | undefined {
    return this.store.last;
  }

  /** The price the price axis labels as the market's (the newest bar's close). */
  get lastPriceLabel(): number | undefined {
    return this.lastPrice.price;
  }

  get firstBar(): Bar | undefined {
    return this.store.at(0);
  }

  /** The bar index (of every bar, not of the window's) at the left of the view (negative: empty space before the oldest bar), for tests. */
  get viewFrom(): number | undefined {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    return range ? Math.round((range.from + this.window.start) * 100) / 100 : undefined;
  }

  /** The view in indices of every bar (fractions, and space beyond either end, allowed). */
  get viewSpan(): { readonly from: number; readonly to: number } | undefined {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    return range && this.hasData ? { from: range.from + this.window.start, to: range.to + this.window.start } : undefined;
  }

  /** Shows bars `from` to `to` (indices of every bar), the window set around them. */
  showRange(from: number, to: number): void {
    if (!this.hasData) return;
    const next = windowFor(from, to, this.store.length);
    this.showWindow(next, null);
    this.chart.timeScale().setVisibleLogicalRange({ from: from - next.start, to: to - next.start });
  }

  /** The candles' price scale's width (px) as last laid out: the legend and the newest button keep clear of it. */
  get priceScaleWidth(): number {
    return this.chart.priceScale('right').width();
  }

  /** The newest bar at the right edge again, at the zoom the user chose; the view follows it from then on. */
  showNewest(): void {
    const total = this.store.length;
    if (!this.hasData) return;
    // No bar (a snapshot of none: cached bars withdrawn from a market that failed its check): the series are emptied,
    // not left holding the bars before it.
    if (total === 0) return this.showWindow({ start: 0, end: 0 }, null);
    this.showWindow(windowFor(total - 1, total - 1, total, true), null);
    // Not animated: an animation is stopped by the next window move, half way.
    this.chart.timeScale().scrollToPosition(this.chart.timeScale().options().rightOffset, false);
  }

  /** The bars held in the series, for tests: [start, end) of every bar. */
  get heldWindow(): BarWindow {
    return this.window;
  }

  /** Calls `listener` with whether the view reaches the oldest bar (fewer than `edgeBars` bars left of it). */
  onLeftEdge(edgeBars: number, listener: (atEdge: boolean) => void): () => void {
    const handler = () => {
      const range = this.chart.timeScale().getVisibleLogicalRange();
      if (range && this.hasData) listener(range.from + this.window.start < edgeBars);
    };
    const timeScale = this.chart.timeScale();
    timeScale.subscribeVisibleLogicalRangeChange(handler);
    return () => timeScale.unsubscribeVisibleLogicalRangeChange(handler);
  }

  /**
   * Older bars in front (a page loaded by scrolling left). EMAs are recomputed over every bar (O(n) once per page,
   * never per tick), the window is set around the view again and the visible range moved by the bars added, so the
   * user keeps looking at the same bars. Returns how many were added.
   */
  prependCandles(candles: readonly CandleWire[]): number {
    if (!this.hasData) return 0;
    const range = this.chart.timeScale().getVisibleLogicalRange();
    const added = this.store.prepend(candles);
    if (added === 0) return 0;
    // The same bars as before, at their new indices.
    this.window = { start: this.window.start + added, end: this.window.end + added };
    this.emaPoints = this.ema.reset(this.store.bars);
    this.markers = placeMarkers(this.markerWires, this.store);
    this.showWindow(range ? this.windowAround(range) : this.window, range);
    this.hoverIndex = null;
    this.legendDirty = true;
    return added;
  }

  /**
   * Replaces all data. `seriesKey` names the market and timeframe: the view jumps to the latest bar only when it
   * changes, so a new snapshot of the same series keeps the user's scroll position (by bar time, keptView.ts). A page
   * loaded again, when its tab is shown or after a reload, starts a new ChartView: main.tsx shows the view it kept.
   */
  setSnapshot(candles: readonly CandleWire[], options: ChartOptionsWire, markers: readonly MarkerWire[], timeframe: string, seriesKey: string, tickSize?: number): void {
    const sameSeries = seriesKey === this.seriesKey && this.hasData;
    const span = sameSeries ? this.viewSpan : undefined;
    const kept = span && keepView(seriesKey, this.store.bars, span.from, span.to);
    const bars = this.store.reset(candles);
    this.setPriceFormat(bars, tickSize);
    this.chart.applyOptions(timeLabelOptions(timeframe));

    this.setVolumeVisible(options.showVolume !== false);
    this.setEmaPeriods(options.emaPeriods ?? []);

    this.emaPoints = this.ema.reset(bars);
    this.markerWires = markers;
    this.markers = placeMarkers(markers, this.store);
    this.seriesKey = seriesKey;
    this.hasData = true;
    // The same series keeps the bars in view, by their time (its new bars may start elsewhere: a cached series topped
    // up from the exchange); a view on the newest bar keeps following it. Another series, or a view on bars no longer
    // held (a replay rewound), opens at the newest bar.
    const range = kept && viewRange(kept, seriesKey, bars);
    if (range) this.showRange(range.from, range.to);
    else this.showNewest();
    this.hoverIndex = null;
    this.legendDirty = true;
    this.lastPrice.set(this.lastBar);
  }

  /** The market's tick size, learnt after its bars were drawn: the price format only, no redraw of the bars. */
  setTickSize(tickSize: number | undefined): void {
    this.setPriceFormat(this.store.bars, tickSize);
    this.legendDirty = true;
  }

  private setPriceFormat(bars: readonly Bar[], tickSize: number | undefined): void {
    // The market's tick when the host knows it: a chart opened with no bar yet (a replay at its start) still shows 2,976.82.
    this.decimals = Math.max(pricePrecision(bars, decimalsOf), tickSize === undefined ? 0 : Math.min(8, decimalsOf(tickSize)));
    this.candles.applyOptions({ priceFormat: candlePriceFormat(this.decimals) });
  }

  /** Changed bars, oldest first. Before the first snapshot there is nothing to update, so they are ignored. */
  applyCandles(candles: readonly CandleWire[]): void {
    if (!this.hasData) return;
    let rebuildEmas = false;
    let rebuildAll = false;
    let appended = false;
    for (const c of candles) {
      const change = this.store.apply(c);
      const b = change.bar;
      const w = this.window;
      switch (change.kind) {
        case 'append':
        case 'replace': {
          // A new bar joins a window that holds the newest bar; a window further back holds neither.
          if (change.kind === 'append' && w.end === change.index) this.window = { start: w.start, end: w.end + 1 };
          const held = change.index < this.window.end;
          if (held) {
            this.candles.update(this.candlePoint(b));
            this.volume?.update(this.volumePoint(b));
          }
          if (!rebuildEmas) this.updateEmas(this.ema.update(b, change.kind === 'append'), held);
          appended ||= change.kind === 'append';
          break;
        }
        case 'revise':
          // An older bar was corrected (a reconnect re-seed): the candle updates in place, EMAs after it are recomputed once.
          if (change.index >= w.start && change.index < w.end) {
            this.candles.update(this.candlePoint(b), true);
            this.volume?.update(this.volumePoint(b), true);
          }
          rebuildEmas = true;
          break;
        case 'insert':
          // The bars from the index on moved up one: the window keeps the same bars (and the new one, inside it).
          this.window = { start: w.start + (change.index <= w.start ? 1 : 0), end: w.end + (change.index < w.end ? 1 : 0) };
          rebuildAll = true;
          break;
      }
    }
    if (rebuildEmas || rebuildAll) this.emaPoints = this.ema.reset(this.store.bars);
    if (rebuildAll) this.showWindow(this.window);
    else if (rebuildEmas) this.setEmaData();
    // Live bars appended to a window that holds the newest: it may have grown past what the view needs.
    if (appended && !this.dragging) this.keepWindowAroundView();
    if (candles.length > 0) {
      this.legendDirty = true;
      this.lastPrice.set(this.lastBar);
    }
  }

  /** Publishes the legend if anything changed since the last flush (called once per host batch). */
  flush(): void {
    this.legendRoom.refresh();
    if (!this.legendDirty) return;
    this.legendDirty = false;
    this.publishLegend();
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    const look = chartThemeOptions(theme);
    this.chart.applyOptions({ ...look, layout: { ...look.layout, background: { type: ColorType.Solid, color: theme.background } } });
    this.candles.applyOptions({ upColor: theme.green, downColor: theme.red, wickUpColor: theme.green, wickDownColor: theme.red });
    this.lastPrice.setTheme(theme);
    this.emaLines.forEach((l, i) => l.series.applyOptions({ color: emaColour(this.theme, i) }));
    // Volume colours, and a partial bar's, are per bar: re-set them (a theme change is rare; the only O(n) outside snapshots).
    if (this.volume && this.hasData) this.volume.setData(this.heldBars().map((b) => this.volumePoint(b)));
    if (this.hasData && this.heldBars().some((b) => b.partial)) this.candles.setData(this.heldBars().map((b) => this.candlePoint(b)));
    this.renderMarkers();
    this.orderFlow.applyTheme(theme);
    this.aggregateFlow.applyTheme(theme);
    this.lanes.applyTheme(theme);
    this.legendDirty = true;
    this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.chart.unsubscribeCrosshairMove(this.onCrosshair);
    this.chart.timeScale().unsubscribeVisibleLogicalRangeChange(this.onRange);
    this.container.removeEventListener('pointerdown', this.onPointerDown, true);
    this.container.removeEventListener('dblclick', this.onDoubleClick);
    window.removeEventListener('pointerup', this.onPointerUp, true);
    window.removeEventListener('pointercancel', this.onPointerUp, true);
    this.stopSizing();
    this.chart.remove();
  }

  private readonly onCrosshair = (param: MouseEventParams<Time>): void => {
    const logical = param.point && param.logical !== undefined ? Math.round(param.logical) + this.window.start : null;
    const index = logical !== null && logical >= this.window.start && logical < this.window.end ? logical : null;
    if (index === this.hoverIndex) return;
    this.hoverIndex = index;
    this.hoverEmas = this.emaLines.map((l) => {
      const d = param.seriesData.get(l.series);
      return d && 'value' in d && Number.isFinite(d.value) ? d.value : null;
    });
    this.publishLegend();
  };

  private publishLegend(): void {
    const last = this.store.length - 1;
    const index = this.hoverIndex ?? last;
    const bar = legendFor(this.store, index);
    // The hovered bar's EMA values come from the crosshair event; the last bar's from the tracker (it moves).
    const latest = this.ema.latest();
    const emas = this.emaLines.map((l, i) => ({
      period: l.period,
      color: emaColour(this.theme, i),
      value: index === last ? (latest[i]?.value ?? null) : (this.hoverEmas[i] ?? null),
    }));
    this.legend.set({ bar, emas, decimals: this.decimals, hovering: this.hoverIndex !== null, partialSince: partialSince(this.store, index) });
  }

  private setVolumeVisible(visible: boolean): void {
    if (visible && !this.volume) {
      this.volume = this.chart.addSeries(HistogramSeries, {
        priceScaleId: VOLUME_SCALE,
        priceFormat: { type: 'volume' },
        lastValueVisible: false,
        priceLineVisible: false,
      });
      this.chart.priceScale(VOLUME_SCALE).applyOptions({ scaleMargins: { top: CHART_LOOK.volumeTop, bottom: 0 }, visible: false });
    } else if (!visible && this.volume) {
      this.chart.removeSeries(this.volume);
      this.volume = undefined;
    }
    this.legendRoom.setVolume(visible);
  }

  private setEmaPeriods(periods: readonly number[]): void {
    const wanted = normalizePeriods(periods);
    const same = wanted.length === this.emaLines.length && wanted.every((p, i) => this.emaLines[i]!.period === p);
    if (!same) {
      for (const l of this.emaLines) this.chart.removeSeries(l.series);
      this.emaLines = wanted.map((period, i) => ({
        period,
        series: this.chart.addSeries(LineSeries, {
          color: emaColour(this.theme, i),
          lineWidth: 1,
          priceLineVisible: false,
          lastValueVisible: false,
          crosshairMarkerVisible: false,
        }),
      }));
    }
    this.ema = new EmaTracker(wanted);
  }

  /** The window's part of every EMA line. */
  private setEmaData(): void {
    const first = this.store.at(this.window.start);
    const last = this.store.at(this.window.end - 1);
    this.emaLines.forEach((l, i) => {
      const points = this.emaPoints[i] ?? [];
      const held = first && last ? points.slice(firstAtOrAfter(points, first.time), firstAtOrAfter(points, last.time + 1)) : [];
      l.series.setData(held.map((p) => ({ time: ts(p.time), value: p.value })));
    });
  }

  /** The newest bar's EMA points: kept, and drawn when the window holds that bar. */
  private updateEmas(points: readonly (EmaPoint | null)[], held: boolean): void {
    points.forEach((p, i) => {
      if (!p) return;
      const all = (this.emaPoints[i] ??= []);
      if (all[all.length - 1]?.time === p.time) all[all.length - 1] = p;
      else all.push(p);
      if (held) this.emaLines[i]?.series.update({ time: ts(p.time), value: p.value });
    });
  }

  private heldBars(): readonly Bar[] {
    return this.store.bars.slice(this.window.start, this.window.end);
  }

  /** The window for a view given in the held series' logical indices (during a drag its end stays: see `dragging`). */
  private windowAround(range: { readonly from: number; readonly to: number }): BarWindow {
    const total = this.store.length;
    const next = windowFor(range.from + this.window.start, range.to + this.window.start, total);
    return this.dragging ? { start: Math.min(next.start, this.window.end), end: Math.min(this.window.end, total) } : next;
  }

  private keepWindowAroundView(): void {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    if (!range) return;
    const total = this.store.length;
    const w = this.window;
    const from = range.from + w.start;
    const to = range.to + w.start;
    if (!needsMove(w, from, to, total)) return;
    const next = this.windowAround(range);
    if (next.start === w.start && next.end === w.end) return;
    this.showWindow(next, range);
  }

  /**
   * Sets the series to `next`'s bars and, given the view before (`range`, in the old window's logical indices),
   * moves it by the bars the window's start moved, so the same bars stay in view.
   */
  private showWindow(next: BarWindow, range: LogicalRange | null = this.chart.timeScale().getVisibleLogicalRange()): void {
    const before = this.window;
    this.window = next;
    this.moving = true;
    try {
      const bars = this.heldBars();
      this.candles.setData(bars.map((b) => this.candlePoint(b)));
      this.volume?.setData(bars.map((b) => this.volumePoint(b)));
      this.setEmaData();
      this.renderMarkers();
      this.setLayerSpan();
      if (range) this.chart.timeScale().setVisibleLogicalRange(shiftedRange(range, before, next));
    } finally {
      this.moving = false;
    }
  }

  /** The footprint's, the panes' and the lanes' series hold the bars the candles hold: they are told when those change. */
  private setLayerSpan(): void {
    const span = spanOf(this.window, this.store.length, (i) => {
      const bar = this.store.at(i);
      return bar === undefined ? undefined : bar.time * 1000;
    });
    if (sameSpan(span, this.span)) return;
    this.span = span;
    this.orderFlow.setSpan(span);
    this.aggregateFlow.setSpan(span);
    this.lanes.setSpan(span);
  }

  /** The window is checked after lightweight-charts' own handling of the change (which may be inside its paint), not within it. */
  private readonly onRange = (): void => {
    if (!this.hasData || this.moving || this.rangeCheckQueued) return;
    this.rangeCheckQueued = true;
    queueMicrotask(() => {
      this.rangeCheckQueued = false;
      if (this.hasData && !this.disposed) this.keepWindowAroundView();
    });
  };

  /**
   * A drag begins: lightweight-charts scrolls it from the offset to the newest bar held at its start, so the window's
   * end must not move until it ends; it is put far enough right now for a long drag towards the newest bars.
   */
  private readonly onPointerDown = (): void => {
    if (this.dragging || !this.hasData) return;
    const total = this.store.length;
    if (this.window.end < total) this.showWindow({ start: this.window.start, end: Math.min(total, this.window.end + 2 * (this.window.end - this.window.start)) });
    this.dragging = true;
  };

  /**
   * A double click on the time axis resets the view to the newest bar held (lightweight-charts' own reset): to the
   * newest bar of all, the window comes back to it first.
   */
  private readonly onDoubleClick = (e: MouseEvent): void => {
    const total = this.store.length;
    const box = this.container.getBoundingClientRect();
    if (!this.hasData || this.window.end === total || e.clientY < box.bottom - this.chart.timeScale().height()) return;
    this.showNewest();
  };

  private readonly onPointerUp = (): void => {
    if (!this.dragging) return;
    this.dragging = false;
    if (this.hasData) this.keepWindowAroundView();
  };

  private volumePoint(b: Bar) {
    const color = withAlpha(b.close >= b.open ? this.theme.green : this.theme.red, b.partial ? 0.15 : 0.4);
    return { time: ts(b.time), value: b.volume, color };
  }

  /** A bar as the candle series draws it; a partial one (its trades may be missing) faded, so a hole does not read as a quiet market. */
  private candlePoint(b: Bar): CandlestickData<UTCTimestamp> {
    const point = { time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close };
    if (!b.partial) return point;
    const color = withAlpha(b.close >= b.open ? this.theme.green : this.theme.red, 0.35);
    return { ...point, color, wickColor: color, borderColor: color };
  }

  private renderMarkers(): void {
    const first = this.store.at(this.window.start)?.time ?? Number.POSITIVE_INFINITY;
    const last = this.store.at(this.window.end - 1)?.time ?? Number.NEGATIVE_INFINITY;
    const markers: SeriesMarker<Time>[] = this.markers.filter((m) => m.time >= first && m.time <= last).map((m) => ({
      time: ts(m.time),
      position: m.position === 'above' ? 'aboveBar' : 'belowBar',
      shape: m.position === 'above' ? 'arrowDown' : 'arrowUp',
      color: m.position === 'above' ? this.theme.orange : this.theme.blue,
      text: m.text,
    }));
    if (markers.length === 0) {
      this.markersApi?.detach();
      this.markersApi = undefined;
      return;
    }
    (this.markersApi ??= createSeriesMarkers(this.candles, [])).setMarkers(markers);
  }
}
