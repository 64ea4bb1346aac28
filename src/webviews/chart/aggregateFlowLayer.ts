/** An aggregate chart's delta and CVD panes (whole, spot and derivatives) from the bars' taker flows; none on a chart of one market. */
import type { IChartApi } from 'lightweight-charts';
import type { FlowWire } from '../../shared/protocol';
import type { Theme } from '../shared/themeModel';
import { DeltaPanes, removePanesFrom, stretchPanes, type DeltaPoint } from './deltaPanes';
import type { FlowBook, FlowPoint } from './flowBook';

/** More changed bars than this in one batch: the panes are set again rather than updated bar by bar. */
const UPDATE_LIMIT = 64;

const SPLIT_LINES = [
  { title: 'spot', color: (t: Theme) => t.yellow },
  { title: 'perp', color: (t: Theme) => t.purple },
];

const point = (p: FlowPoint): DeltaPoint => ({ time: p.time, delta: p.delta, cvd: p.cvd, extras: [p.spotCvd, p.perpCvd] });

export class AggregateFlowLayer {
  private panes: DeltaPanes | undefined;

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
      this.panes = new DeltaPanes(this.chart, this.theme, 1, SPLIT_LINES);
      stretchPanes(this.chart);
    } else if (legs.length === 0 && this.panes) {
      this.panes.remove();
      removePanesFrom(this.chart, this.panes.pane);
      this.panes = undefined;
    }
    this.panes?.setData(this.book.points.map(point));
  }

  /** Changed bars' flows. */
  apply(flows: readonly FlowWire[]): void {
    const { from, inserted } = this.book.apply(flows);
    const panes = this.panes;
    if (!panes || from < 0) return;
    const points = this.book.points;
    if (inserted || points.length - from > UPDATE_LIMIT) panes.setData(points.map(point));
    else panes.update(points.slice(from).map(point), from < points.length - 1);
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    this.panes?.applyTheme(theme, this.book.points.map(point));
  }
}
