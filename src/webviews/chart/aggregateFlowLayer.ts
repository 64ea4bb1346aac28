/**
 * An aggregate chart's delta and CVD panes (whole, spot and derivatives) from the bars' taker flows; none on a chart
 * of one market. The panes hold the bars the candles hold (a TimeSpan, through a SpanFeed).
 */
import type { IChartApi } from 'lightweight-charts';
import type { FlowWire } from '../../shared/protocol';
import type { Theme } from '../shared/themeModel';
import { DeltaPanes, removePanesFrom, stretchPanes, type DeltaPoint } from './deltaPanes';
import type { FlowBook, FlowPoint } from './flowBook';
import { ALL_TIMES, type TimeSpan } from './seriesWindow';
import { SpanFeed } from './spanFeed';

/** More changed bars than this in one batch (every CVD point after an older bar's change): the panes are set again rather than updated bar by bar. */
const UPDATE_LIMIT = 64;

const SPLIT_LINES = [
  { title: 'spot', color: (t: Theme) => t.yellow },
  { title: 'perp', color: (t: Theme) => t.purple },
];

const point = (p: FlowPoint): DeltaPoint => ({ time: p.time, delta: p.delta, cvd: p.cvd, extras: [p.spotCvd, p.perpCvd] });

export class AggregateFlowLayer {
  private panes: { readonly panes: DeltaPanes; readonly feed: SpanFeed<DeltaPoint> } | undefined;
  private span: TimeSpan = ALL_TIMES;

  /** `book`: the flows, shared with the legend. */
  constructor(
    private readonly chart: IChartApi,
    private theme: Theme,
    readonly book: FlowBook,
  ) {}

  /** The panes are shown (a chart of an aggregate). */
  get on(): boolean {
    return this.panes !== undefined;
  }

  /** A snapshot: the legs (none: a chart of one market, the panes go) and every bar's flow. */
  reset(legs: readonly string[], flows: readonly FlowWire[]): void {
    this.book.reset(legs, flows);
    if (legs.length > 0 && !this.panes) {
      const panes = new DeltaPanes(this.chart, this.theme, 1, SPLIT_LINES);
      const feed = new SpanFeed<DeltaPoint>(panes, (p) => p.time);
      feed.setSpan(this.span, []);
      this.panes = { panes, feed };
      stretchPanes(this.chart);
    } else if (legs.length === 0 && this.panes) {
      this.panes.panes.remove();
      removePanesFrom(this.chart, this.panes.panes.pane);
      this.panes = undefined;
    }
    this.panes?.feed.set(this.book.points.map(point));
  }

  /** The candles hold the bars in `span`: the panes hold those. */
  setSpan(span: TimeSpan): void {
    this.span = span;
    this.panes?.feed.setSpan(span, this.book.points.map(point));
  }

  /** Bars the panes hold (for tests and the page's data attributes). */
  get heldBars(): number {
    return this.panes?.feed.size ?? 0;
  }

  /** Changed bars' flows. */
  apply(flows: readonly FlowWire[]): void {
    const { from, inserted } = this.book.apply(flows);
    const feed = this.panes?.feed;
    if (!feed || from < 0) return;
    const points = this.book.points;
    if (inserted || points.length - from > UPDATE_LIMIT || !feed.update(points.slice(from).map(point))) feed.set(points.map(point));
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.panes?.panes.applyTheme(theme);
    this.panes?.feed.set(this.book.points.map(point));
  }
}
