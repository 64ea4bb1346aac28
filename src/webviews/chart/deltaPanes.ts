/**
 * Two panes under the price pane: a per-bar delta histogram and a CVD line (with, for an aggregate, its spot and
 * derivatives CVD lines). The footprint mode and an aggregate chart both show them, through a SpanFeed (the bars the
 * candles hold).
 */
import { HistogramSeries, LineSeries, LineStyle, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import { SIGNED_AMOUNT_FORMAT } from './signedAmountFormat';

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

export class DeltaPanes {
  private readonly delta: ISeriesApi<'Histogram'>;
  private readonly cvd: ISeriesApi<'Line'>;
  private readonly extras: ISeriesApi<'Line'>[];

  /** The delta pane at `pane`, the CVD pane below it. */
  constructor(
    private readonly chart: IChartApi,
    private theme: Theme,
    readonly pane: number,
    private readonly extraLines: readonly ExtraLine[] = [],
  ) {
    this.delta = chart.addSeries(HistogramSeries, { priceFormat: SIGNED_AMOUNT_FORMAT, lastValueVisible: true, priceLineVisible: false, title: 'Δ' }, pane);
    this.cvd = chart.addSeries(LineSeries, { color: theme.blue, lineWidth: 2, priceFormat: SIGNED_AMOUNT_FORMAT, priceLineVisible: false, title: 'CVD' }, pane + 1);
    this.extras = extraLines.map((l) =>
      chart.addSeries(LineSeries, { color: l.color(theme), lineWidth: 1, lineStyle: LineStyle.Dashed, priceFormat: SIGNED_AMOUNT_FORMAT, priceLineVisible: false, title: l.title }, pane + 1),
    );
  }

  setData(points: readonly DeltaPoint[]): void {
    this.delta.setData(points.map((p) => this.deltaBar(p)));
    this.cvd.setData(points.map((p) => ({ time: ts(p.time), value: p.cvd })));
    this.extras.forEach((s, k) => s.setData(points.map((p) => ({ time: ts(p.time), value: p.extras?.[k] ?? 0 }))));
  }

  /** One bar, changed or new; `historical`: older than the newest shown. */
  update(p: DeltaPoint, historical: boolean): void {
    const time = ts(p.time);
    this.delta.update(this.deltaBar(p), historical);
    this.cvd.update({ time, value: p.cvd }, historical);
    this.extras.forEach((s, k) => s.update({ time, value: p.extras?.[k] ?? 0 }, historical));
  }

  /** The colours follow the theme; the delta bars' colours are per bar, so the caller sets the points again. */
  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.cvd.applyOptions({ color: theme.blue });
    this.extras.forEach((s, k) => s.applyOptions({ color: (this.extraLines[k] as ExtraLine).color(theme) }));
  }

  /** Removes the series (the caller removes the emptied panes). */
  remove(): void {
    this.chart.removeSeries(this.delta);
    this.chart.removeSeries(this.cvd);
    for (const s of this.extras) this.chart.removeSeries(s);
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
