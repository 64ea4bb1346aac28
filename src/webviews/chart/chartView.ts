/**
 * Owns the lightweight-charts (v5) objects of one chart panel. A snapshot is the only `setData`; ticks go through
 * `series.update()` and incremental EMAs, so nothing per update is O(number of bars). Legend values are published
 * to a Store at most once per host batch (`flush`).
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineSeries,
  LineStyle,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
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
import { BarStore, legendFor, partialSince, placeMarkers, pricePrecision, type Bar, type LegendValues, type PlacedMarker } from './barStore';
import { EmaTracker, normalizePeriods, type EmaPoint } from './emaTracker';
import { AggregateFlowLayer } from './aggregateFlowLayer';
import { FlowBook } from './flowBook';
import { LanesLayer } from './lanesLayer';
import { OrderFlowLayer } from './orderFlowLayer';

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
  private readonly candles: ISeriesApi<'Candlestick'>;
  /**
   * Attached only while there are markers: lightweight-charts' markers primitive copies every bar of the series
   * (`series.data()`) at each data change, even with no marker, which made each live update O(bars).
   */
  private markersApi: ISeriesMarkersPluginApi<Time> | undefined;
  private volume: ISeriesApi<'Histogram'> | undefined;
  private emaLines: { period: number; series: ISeriesApi<'Line'> }[] = [];
  private readonly store = new BarStore();
  private ema = new EmaTracker([]);
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
    this.theme = theme;
    this.chart = createChart(container, {
      autoSize: true,
      // The logo injects an inline <style>, which the webview CSP blocks; attribution is shown in our own markup.
      layout: { attributionLogo: false, background: { type: ColorType.Solid, color: theme.background } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.24 } },
      timeScale: { rightOffset: 4, timeVisible: true, secondsVisible: false },
      handleScale: { axisPressedMouseMove: true },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, { borderVisible: false, priceLineStyle: LineStyle.Dotted });
    this.chart.subscribeCrosshairMove(this.onCrosshair);
    this.orderFlow = new OrderFlowLayer(this.chart, theme);
    this.aggregateFlow = new AggregateFlowLayer(this.chart, theme, flowBook);
    this.lanes = new LanesLayer(this.chart, this.candles, theme);
    this.applyTheme(theme);
  }

  /** Decimals the prices are shown with. */
  get priceDecimals(): number {
    return this.decimals;
  }

  get barCount(): number {
    return this.store.length;
  }

  get lastBar(): Bar | undefined {
    return this.store.last;
  }

  get firstBar(): Bar | undefined {
    return this.store.at(0);
  }

  /** The bar index at the left of the view (negative: empty space before the oldest bar), for tests. */
  get viewFrom(): number | undefined {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    return range ? Math.round(range.from * 100) / 100 : undefined;
  }

  /** Calls `listener` with whether the view reaches the oldest bar (fewer than `edgeBars` bars left of it). */
  onLeftEdge(edgeBars: number, listener: (atEdge: boolean) => void): () => void {
    const handler = (range: { from: number } | null) => {
      if (range && this.hasData) listener(range.from < edgeBars);
    };
    const timeScale = this.chart.timeScale();
    timeScale.subscribeVisibleLogicalRangeChange(handler);
    return () => timeScale.unsubscribeVisibleLogicalRangeChange(handler);
  }

  /**
   * Older bars in front (a page loaded by scrolling left). The series are set again (lightweight-charts has no
   * prepend: this O(n) happens once per page, never per tick), EMAs recomputed over every bar, and the visible
   * range moved by the bars added, so the user keeps looking at the same bars. Returns how many were added.
   */
  prependCandles(candles: readonly CandleWire[]): number {
    if (!this.hasData) return 0;
    const timeScale = this.chart.timeScale();
    const range = timeScale.getVisibleLogicalRange();
    const added = this.store.prepend(candles);
    if (added === 0) return 0;
    const bars = this.store.bars;
    this.candles.setData(bars.map((b) => ({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close })));
    this.volume?.setData(bars.map((b) => this.volumePoint(b)));
    this.setEmaData();
    this.markers = placeMarkers(this.markerWires, this.store);
    this.renderMarkers();
    if (range) timeScale.setVisibleLogicalRange({ from: range.from + added, to: range.to + added });
    this.hoverIndex = null;
    this.legendDirty = true;
    return added;
  }

  /**
   * Replaces all data. `seriesKey` names the market and timeframe: the view jumps to the latest bar only when it
   * changes, so a resync of the same series (the host re-sends a snapshot when the tab is shown) keeps the user's
   * scroll position.
   */
  setSnapshot(candles: readonly CandleWire[], options: ChartOptionsWire, markers: readonly MarkerWire[], timeframe: string, seriesKey: string, tickSize?: number): void {
    const bars = this.store.reset(candles);
    // The market's tick when the host knows it: a chart opened with no bar yet (a replay at its start) still shows 2,976.82.
    this.decimals = Math.max(pricePrecision(bars, decimalsOf), tickSize === undefined ? 0 : Math.min(8, decimalsOf(tickSize)));
    const minMove = Number((10 ** -this.decimals).toFixed(this.decimals));
    this.candles.applyOptions({ priceFormat: { type: 'price', precision: this.decimals, minMove } });
    this.chart.applyOptions({ timeScale: { timeVisible: !/^\d+[dwM]$/.test(timeframe), secondsVisible: timeframe.endsWith('s') } });

    this.setVolumeVisible(options.showVolume !== false);
    this.setEmaPeriods(options.emaPeriods ?? []);

    this.candles.setData(bars.map((b) => ({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close })));
    this.volume?.setData(bars.map((b) => this.volumePoint(b)));
    this.setEmaData();
    this.markerWires = markers;
    this.markers = placeMarkers(markers, this.store);
    this.renderMarkers();
    if (seriesKey !== this.seriesKey) this.chart.timeScale().scrollToRealTime();
    this.seriesKey = seriesKey;
    this.hasData = true;
    this.hoverIndex = null;
    this.legendDirty = true;
  }

  /** Changed bars, oldest first. Before the first snapshot there is nothing to update, so they are ignored. */
  applyCandles(candles: readonly CandleWire[]): void {
    if (!this.hasData) return;
    let rebuildEmas = false;
    let rebuildAll = false;
    for (const c of candles) {
      const change = this.store.apply(c);
      const b = change.bar;
      switch (change.kind) {
        case 'append':
        case 'replace': {
          this.candles.update({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close });
          this.volume?.update(this.volumePoint(b));
          if (!rebuildEmas) this.updateEmas(this.ema.update(b, change.kind === 'append'));
          break;
        }
        case 'revise':
          // An older bar was corrected (a reconnect re-seed): the candle updates in place, EMAs after it are recomputed once.
          this.candles.update({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close }, true);
          this.volume?.update(this.volumePoint(b), true);
          rebuildEmas = true;
          break;
        case 'insert':
          rebuildAll = true;
          break;
      }
    }
    if (rebuildAll) {
      const bars = this.store.bars;
      this.candles.setData(bars.map((b) => ({ time: ts(b.time), open: b.open, high: b.high, low: b.low, close: b.close })));
      this.volume?.setData(bars.map((b) => this.volumePoint(b)));
      rebuildEmas = true;
    }
    if (rebuildEmas) this.setEmaData();
    if (candles.length > 0) this.legendDirty = true;
  }

  /** Publishes the legend if anything changed since the last flush (called once per host batch). */
  flush(): void {
    if (!this.legendDirty) return;
    this.legendDirty = false;
    this.publishLegend();
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    const grid = withAlpha(theme.foreground, theme.kind.startsWith('high-contrast') ? 0.18 : 0.07);
    const border = withAlpha(theme.border, 0.9);
    this.chart.applyOptions({
      layout: {
        background: { type: ColorType.Solid, color: theme.background },
        textColor: theme.foreground,
        fontFamily: theme.fontFamily,
        fontSize: Math.max(10, Math.round(theme.fontSize * 0.85)),
      },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      rightPriceScale: { borderColor: border },
      timeScale: { borderColor: border },
      crosshair: {
        vertLine: { color: withAlpha(theme.foreground, 0.45), labelBackgroundColor: theme.blue },
        horzLine: { color: withAlpha(theme.foreground, 0.45), labelBackgroundColor: theme.blue },
      },
    });
    this.candles.applyOptions({ upColor: theme.green, downColor: theme.red, wickUpColor: theme.green, wickDownColor: theme.red });
    this.emaLines.forEach((l, i) => l.series.applyOptions({ color: this.emaColor(i) }));
    // Volume colours are per bar: re-set them (a theme change is rare; this is the only O(n) outside snapshots).
    if (this.volume && this.hasData) this.volume.setData(this.store.bars.map((b) => this.volumePoint(b)));
    this.renderMarkers();
    this.orderFlow.applyTheme(theme);
    this.aggregateFlow.applyTheme(theme);
    this.lanes.applyTheme(theme);
    this.legendDirty = true;
    this.flush();
  }

  dispose(): void {
    this.chart.unsubscribeCrosshairMove(this.onCrosshair);
    this.chart.remove();
  }

  private readonly onCrosshair = (param: MouseEventParams<Time>): void => {
    const logical = param.point && param.logical !== undefined ? Math.round(param.logical) : null;
    const index = logical !== null && logical >= 0 && logical < this.store.length ? logical : null;
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
      color: this.emaColor(i),
      value: index === last ? (latest[i]?.value ?? null) : (this.hoverEmas[i] ?? null),
    }));
    this.legend.set({ bar, emas, decimals: this.decimals, hovering: this.hoverIndex !== null, partialSince: partialSince(this.store) });
  }

  private setVolumeVisible(visible: boolean): void {
    if (visible && !this.volume) {
      this.volume = this.chart.addSeries(HistogramSeries, {
        priceScaleId: VOLUME_SCALE,
        priceFormat: { type: 'volume' },
        lastValueVisible: false,
        priceLineVisible: false,
      });
      this.chart.priceScale(VOLUME_SCALE).applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false });
    } else if (!visible && this.volume) {
      this.chart.removeSeries(this.volume);
      this.volume = undefined;
    }
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: visible ? 0.24 : 0.08 } });
  }

  private setEmaPeriods(periods: readonly number[]): void {
    const wanted = normalizePeriods(periods);
    const same = wanted.length === this.emaLines.length && wanted.every((p, i) => this.emaLines[i]!.period === p);
    if (!same) {
      for (const l of this.emaLines) this.chart.removeSeries(l.series);
      this.emaLines = wanted.map((period, i) => ({
        period,
        series: this.chart.addSeries(LineSeries, {
          color: this.emaColor(i),
          lineWidth: 1,
          priceLineVisible: false,
          lastValueVisible: false,
          crosshairMarkerVisible: false,
        }),
      }));
    }
    this.ema = new EmaTracker(wanted);
  }

  private setEmaData(): void {
    const points = this.ema.reset(this.store.bars);
    this.emaLines.forEach((l, i) => l.series.setData((points[i] ?? []).map((p) => ({ time: ts(p.time), value: p.value }))));
  }

  private updateEmas(points: readonly (EmaPoint | null)[]): void {
    points.forEach((p, i) => {
      if (p) this.emaLines[i]?.series.update({ time: ts(p.time), value: p.value });
    });
  }

  private volumePoint(b: Bar) {
    const color = withAlpha(b.close >= b.open ? this.theme.green : this.theme.red, 0.4);
    return { time: ts(b.time), value: b.volume, color };
  }

  private emaColor(i: number): string {
    const palette = [this.theme.blue, this.theme.yellow, this.theme.purple, this.theme.orange];
    return palette[i % palette.length]!;
  }

  private renderMarkers(): void {
    const markers: SeriesMarker<Time>[] = this.markers.map((m) => ({
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
