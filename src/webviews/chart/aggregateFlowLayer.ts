/**
 * An aggregate chart's delta and CVD panes (whole, spot and derivatives) from the bars' taker flows; none on a chart
 * of one market. The panes hold the bars the candles hold (a TimeSpan, through a SpanFeed).
 */
import type { IChartApi } from 'lightweight-charts';
import type { CandleWire, FlowWire } from '../../shared/protocol';
import type { Theme } from '../shared/themeModel';
import { DeltaPanes, removePanesFrom, stretchPanes, type DeltaPoint } from './deltaPanes';
import type { FlowBook, FlowPoint } from './flowBook';
import { PartialFlowTimes } from './partialFlowTimes';
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
  private readonly partial = new PartialFlowTimes();

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
    this.hatch();
  }

  /**
   * The candles that changed (`reset`: a snapshot's): the bars whose candle is partial (a leg's trades may be
   * missing) are hatched in the panes, so a leg's missing flow does not read as none.
   */
  markPartial(candles: readonly CandleWire[], reset = false): void {
    if (this.partial.apply(candles, reset)) this.hatch();
  }

  /** Partial bars held (for tests and the page's data attributes). */
  get partialBars(): number {
    return this.partial.size;
  }

  private hatch(): void {
    this.panes?.panes.setPartialTimes(this.partial.from(this.book.points[0]?.time ?? Number.POSITIVE_INFINITY));
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
    const first = this.book.points[0]?.time;
    const { from, inserted } = this.book.apply(flows);
    // The hatching starts at the first point: an older one (or the first) moves it.
    if (this.book.points[0]?.time !== first) this.hatch();
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
