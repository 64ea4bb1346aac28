/**
 * Two panes under the price pane: a per-bar delta histogram and a CVD line (with, for an aggregate, its spot and
 * derivatives CVD lines). The footprint mode and an aggregate chart both show them, through a SpanFeed (the bars the
 * candles hold). Bars older than the first point have no buy/sell split (an aggregate's history, from klines): over
 * them the panes show no value, their axes no labels, and a mark says since when the split is known.
 */
import { HistogramSeries, LineSeries, LineStyle, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import { deltaAutoscale, spanInView, type PointSpan } from './deltaScale';
import { LanesStartPrimitive } from './lanesStartPrimitive';
import { PartialLanesPrimitive } from './partialLanesPrimitive';
import { BLANK_AMOUNT_FORMAT, SIGNED_AMOUNT_FORMAT } from './signedAmountFormat';

/** One bar: `time` in ms, its delta, the CVD through it, and the extra lines' values (in the order they were named). */
export interface DeltaPoint {
  readonly time: number;
  readonly delta: number;
  readonly cvd: number;
  readonly extras?: readonly number[];
}

/** A CVD line besides the whole one (e.g. the spot legs'), dashed, in a theme colour. */
export interface ExtraLine {
  readonly title: string;
  readonly color: (theme: Theme) => string;
}

const ts = (ms: number) => (ms / 1000) as UTCTimestamp;

/** The mark over the bars before the first point. */
const SPLIT_SINCE = 'buy/sell split';

export class DeltaPanes {
  private readonly delta: ISeriesApi<'Histogram'>;
  private readonly cvd: ISeriesApi<'Line'>;
  private readonly extras: ISeriesApi<'Line'>[];
  private readonly starts: readonly LanesStartPrimitive[];
  /** Hatching over the bars whose flow may lack a source's (setPartialTimes), in both panes. */
  private readonly hatching: readonly PartialLanesPrimitive[];
  /** The points' oldest and newest times (ms); undefined: none. */
  private span: PointSpan | undefined;
  /** Whether a point is in view: the axes' labels are shown. */
  private labelled = true;
  private readonly viewChanged = () => this.label();

  /** The delta pane at `pane`, the CVD pane below it. */
  constructor(
    private readonly chart: IChartApi,
    private theme: Theme,
    readonly pane: number,
    private readonly extraLines: readonly ExtraLine[] = [],
  ) {
    const autoscaleInfoProvider = deltaAutoscale(() => this.inView());
    const scaled = { priceFormat: SIGNED_AMOUNT_FORMAT, autoscaleInfoProvider, priceLineVisible: false };
    this.delta = chart.addSeries(HistogramSeries, { ...scaled, lastValueVisible: true, title: 'Δ' }, pane);
    this.cvd = chart.addSeries(LineSeries, { ...scaled, color: theme.blue, lineWidth: 2, title: 'CVD' }, pane + 1);
    this.extras = extraLines.map((l) => chart.addSeries(LineSeries, { ...scaled, color: l.color(theme), lineWidth: 1, lineStyle: LineStyle.Dashed, title: l.title }, pane + 1));
    this.starts = [this.delta, this.cvd].map((s) => {
      const start = new LanesStartPrimitive(theme, SPLIT_SINCE);
      s.attachPrimitive(start);
      return start;
    });
    this.hatching = [this.delta, this.cvd].map((s) => {
      const hatching = new PartialLanesPrimitive(theme);
      s.attachPrimitive(hatching);
      return hatching;
    });
    chart.timeScale().subscribeVisibleTimeRangeChange(this.viewChanged);
  }

  /** The bars (ms, ascending) whose flow may be incomplete: hatched in both panes. */
  setPartialTimes(times: readonly number[]): void {
    for (const h of this.hatching) h.setTimes(times);
  }

  setData(points: readonly DeltaPoint[]): void {
    this.delta.setData(points.map((p) => this.deltaBar(p)));
    this.cvd.setData(points.map((p) => ({ time: ts(p.time), value: p.cvd })));
    this.extras.forEach((s, k) => s.setData(points.map((p) => ({ time: ts(p.time), value: p.extras?.[k] ?? 0 }))));
    const first = points[0];
    const last = points[points.length - 1];
    this.spanIs(first && last ? { first: first.time, last: last.time } : undefined);
  }

  /** One bar, changed or new; `historical`: older than the newest shown. */
  update(p: DeltaPoint, historical: boolean): void {
    const time = ts(p.time);
    this.delta.update(this.deltaBar(p), historical);
    this.cvd.update({ time, value: p.cvd }, historical);
    this.extras.forEach((s, k) => s.update({ time, value: p.extras?.[k] ?? 0 }, historical));
    const span = this.span;
    this.spanIs(span ? { first: Math.min(span.first, p.time), last: Math.max(span.last, p.time) } : { first: p.time, last: p.time });
  }

  /** The colours follow the theme; the delta bars' colours are per bar, so the caller sets the points again. */
  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.cvd.applyOptions({ color: theme.blue });
    this.extras.forEach((s, k) => s.applyOptions({ color: (this.extraLines[k] as ExtraLine).color(theme) }));
    for (const start of this.starts) start.setTheme(theme);
    for (const h of this.hatching) h.setTheme(theme);
  }

  /** Removes the series (the caller removes the emptied panes). */
  remove(): void {
    this.chart.timeScale().unsubscribeVisibleTimeRangeChange(this.viewChanged);
    this.chart.removeSeries(this.delta);
    this.chart.removeSeries(this.cvd);
    for (const s of this.extras) this.chart.removeSeries(s);
  }

  private spanIs(span: PointSpan | undefined): void {
    this.span = span;
    for (const start of this.starts) start.setStart(span?.first, span?.last);
    this.label();
  }

  private inView(): boolean {
    const view = this.chart.timeScale().getVisibleRange();
    return spanInView(view && { from: Number(view.from), to: Number(view.to) }, this.span);
  }

  /** The axes' labels while a point is in view, none while not (their scales keep a range that nothing in view has). */
  private label(): void {
    const labelled = this.inView();
    if (labelled === this.labelled) return;
    this.labelled = labelled;
    const priceFormat = labelled ? SIGNED_AMOUNT_FORMAT : BLANK_AMOUNT_FORMAT;
    for (const s of [this.delta, this.cvd, ...this.extras]) s.applyOptions({ priceFormat });
  }

  private deltaBar(p: DeltaPoint) {
    return { time: ts(p.time), value: p.delta, color: withAlpha(p.delta >= 0 ? this.theme.green : this.theme.red, 0.7) };
  }
}

/** Removes every pane from `from` down (their series already removed). */
export function removePanesFrom(chart: IChartApi, from: number): void {
  for (let i = chart.panes().length - 1; i >= from; i--) chart.removePane(i);
}

/** The price pane keeps `priceShare` of the height; the panes under it share the rest evenly. */
export function stretchPanes(chart: IChartApi, priceShare = 0.6): void {
  const panes = chart.panes();
  panes.forEach((pane, i) => pane.setStretchFactor(i === 0 ? priceShare : (1 - priceShare) / Math.max(1, panes.length - 1)));
}
