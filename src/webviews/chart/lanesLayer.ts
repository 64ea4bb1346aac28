/**
 * An aggregate chart's lanes: a per-bar liquidation volume pane (shorts liquidated up, longs down), an open-interest
 * pane with the funding rate over it, and liquidation bubbles on the candles. Made at the host's first `chart/lanes`
 * (an aggregate with a derivatives leg). The series and bubbles hold the bars the candles hold (a TimeSpan, through
 * SpanFeeds); changes go through `update()`, none for a bar outside them, and a new bar older than the newest shown
 * re-sets that series once. A bar whose liquidations may be incomplete (`partial`: a leg's stream was down) is
 * hatched across the liquidation pane, its histogram dimmed, and named in the legend (`partialAt`). The lanes have no
 * history: while older bars are in view, each pane marks where its lanes begin (`LanesStartPrimitive`).
 */
import { HistogramSeries, LineSeries, LineStyle, createSeriesMarkers, type AutoscaleInfoProvider, type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type SeriesMarker, type Time, type UTCTimestamp } from 'lightweight-charts';
import type { LaneWire } from '../../shared/protocol';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import { removePanesFrom, stretchPanes } from './deltaPanes';
import { leastRangeAutoscale } from './laneAutoscale';
import { FUNDING_FORMAT, fundingLeastRange, OPEN_INTEREST_FORMAT, openInterestLeastRange } from './laneFormats';
import { ALL_TIMES, inSpan, type TimeSpan } from './seriesWindow';
import { LanesStartPrimitive } from './lanesStartPrimitive';
import { figuresAt, type BarFigures } from './barFigures';
import { PartialLanesPrimitive } from './partialLanesPrimitive';
import { SpanFeed } from './spanFeed';
import { deltaAutoscale } from './deltaScale';
import { BLANK_AMOUNT_FORMAT } from './signedAmountFormat';
import { SortedTimes } from './sortedTimes';
import { setBodyData } from '../shared/dataset';

const ts = (ms: number) => (ms / 1000) as UTCTimestamp;
/** Bars kept, as the engine's. */
const MAX_BARS = 5000;
/** The largest bubble's marker size (lightweight-charts' default is 1). */
const MAX_BUBBLE = 2.5;
const LIQUIDATION_FORMAT = { type: 'volume' } as const;
const hasLiquidation = (b: LaneWire): boolean => b.longs > 0 || b.shorts > 0;
const hasFigures = (b: LaneWire): boolean => b.openInterest !== undefined || b.fundingRate !== undefined;

type Point = { time: UTCTimestamp; value: number; color?: string };

/** The start marks of the liquidation pane and of the open-interest/funding pane. */
interface LanesStarts {
  readonly liquidations: LanesStartPrimitive;
  readonly figures: LanesStartPrimitive;
}

/** One series of the lanes: the points of the bars that have one (a bar with no liquidation has no liquidation point). */
class Lane {
  readonly feed: SpanFeed<Point>;
  constructor(
    readonly series: ISeriesApi<'Histogram'> | ISeriesApi<'Line'>,
    private readonly pointOf: (b: LaneWire) => Point | undefined,
  ) {
    this.feed = new SpanFeed<Point>(series, (p) => p.time * 1000);
  }

  points(bars: readonly LaneWire[]): Point[] {
    return bars.map(this.pointOf).filter((p): p is Point => p !== undefined);
  }
}

export class LanesLayer {
  private readonly bars = new Map<number, LaneWire>();
  private parts: { lanes: Lane[]; bubbles: ISeriesMarkersPluginApi<Time>; pane: number; hatching: PartialLanesPrimitive; starts: LanesStarts } | undefined;
  /** The first bar held, the first with an open interest or funding rate, and the newest (ms). */
  private first: number | undefined;
  private firstFigures: number | undefined;
  private newest: number | undefined;
  /** The partial bars' times, ascending (made again only when a bar's mark changes). */
  private partialTimes: number[] = [];
  private span: TimeSpan = ALL_TIMES;
  /**
   * The bars with a liquidation, and those with an open interest or funding rate: with none in view, a pane's axis
   * labels nothing (the liquidation axis read ±0.05 about 0, the open interest's an old range over older bars).
   */
  private readonly liquidated = new SortedTimes();
  private readonly figured = new SortedTimes();
  private labelled = { liquidations: true, figures: true };
  private readonly viewChanged = () => this.labelAxes();

  constructor(
    private readonly chart: IChartApi,
    private readonly candles: ISeriesApi<'Candlestick'>,
    private theme: Theme,
  ) {}

  get on(): boolean {
    return this.parts !== undefined;
  }

  /** The newest bar's lanes (for the legend and tests). */
  get last(): LaneWire | undefined {
    return this.newest === undefined ? undefined : this.bars.get(this.newest);
  }

  /** Where the liquidation lanes begin and where the open interest and funding do (ms; for their marks and tests). */
  get starts(): { liquidations: number | undefined; figures: number | undefined } {
    return { liquidations: this.first, figures: this.firstFigures };
  }

  /** Bars held with a liquidation. */
  get liquidationBars(): number {
    let n = 0;
    for (const b of this.bars.values()) if (b.longs + b.shorts > 0) n++;
    return n;
  }

  /** Bars held whose liquidations may be incomplete. */
  get partialBars(): number {
    return this.partialTimes.length;
  }

  /** Whether the liquidations of the bar at `timeMs` may be incomplete (for the legend). */
  partialAt(timeMs: number): boolean {
    return this.bars.get(timeMs)?.partial === true;
  }

  /** The open interest and funding at the bar opening at `timeMs`, for the legend; undefined while none is held. */
  figuresAt(timeMs: number): BarFigures | undefined {
    return figuresAt(timeMs, this.bars.get(timeMs), this.firstFigures);
  }

  /** The host's `chart/lanes`. */
  apply(bars: readonly LaneWire[], reset: boolean): void {
    const parts = (this.parts ??= this.build());
    if (reset) this.clearBars();
    let bubbles = reset;
    let marks = reset;
    for (const b of bars) {
      const before = this.bars.get(b.time);
      if (!before || before.longs !== b.longs || before.shorts !== b.shorts) bubbles = true;
      if ((before?.partial === true) !== (b.partial === true)) marks = true;
      this.bars.set(b.time, b);
      this.noteBounds(b);
      if (hasLiquidation(b)) this.liquidated.add(b.time);
      else this.liquidated.delete(b.time);
      if (hasFigures(b)) this.figured.add(b.time);
      else this.figured.delete(b.time);
    }
    const trimmed = this.trim();
    if (trimmed.partial || marks) this.markPartial(parts.hatching);
    if (trimmed.any) this.boundsAgain();
    this.markStarts(parts.starts);
    if (reset) this.setAll();
    else {
      const sorted = [...bars].sort((a, b) => a.time - b.time);
      for (const l of parts.lanes) if (!l.feed.update(l.points(sorted))) l.feed.set(l.points(this.sorted()));
    }
    if (bubbles) this.renderBubbles();
    this.labelAxes();
  }

  /** The candles hold the bars in `span`: the lanes and bubbles hold those. */
  setSpan(span: TimeSpan): void {
    this.span = span;
    const parts = this.parts;
    if (!parts) return;
    const bars = this.sorted();
    for (const l of parts.lanes) l.feed.setSpan(span, l.points(bars));
    this.renderBubbles();
  }

  /** Off (a chart of one market): the panes and bubbles go. */
  remove(): void {
    const parts = this.parts;
    if (!parts) return;
    parts.lanes[0]?.series.detachPrimitive(parts.hatching);
    parts.lanes[0]?.series.detachPrimitive(parts.starts.liquidations);
    parts.lanes[2]?.series.detachPrimitive(parts.starts.figures);
    this.chart.timeScale().unsubscribeVisibleTimeRangeChange(this.viewChanged);
    for (const l of parts.lanes) this.chart.removeSeries(l.series);
    parts.bubbles.detach();
    removePanesFrom(this.chart, parts.pane);
    this.parts = undefined;
    this.clearBars();
    this.partialTimes = [];
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    if (!this.parts) return;
    const [, , oi, funding] = this.parts.lanes;
    oi?.series.applyOptions({ color: theme.blue });
    funding?.series.applyOptions({ color: theme.orange });
    this.parts.hatching.setTheme(theme);
    this.parts.starts.liquidations.setTheme(theme);
    this.parts.starts.figures.setTheme(theme);
    this.setAll();
    this.renderBubbles();
  }

  private sorted(): LaneWire[] {
    return [...this.bars.values()].sort((a, b) => a.time - b.time);
  }

  private setAll(): void {
    const bars = this.sorted();
    for (const l of this.parts?.lanes ?? []) l.feed.set(l.points(bars));
  }

  /** Drops the oldest bars past MAX_BARS: whether any were, and whether a partial one was. */
  private trim(): { any: boolean; partial: boolean } {
    if (this.bars.size <= MAX_BARS) return { any: false, partial: false };
    const drop = this.sorted().slice(0, this.bars.size - MAX_BARS);
    for (const b of drop) {
      this.bars.delete(b.time);
      this.liquidated.delete(b.time);
      this.figured.delete(b.time);
    }
    return { any: true, partial: drop.some((b) => b.partial === true) };
  }

  private clearBars(): void {
    this.bars.clear();
    this.liquidated.clear();
    this.figured.clear();
    this.first = this.firstFigures = this.newest = undefined;
  }

  private noteBounds(b: LaneWire): void {
    if (this.first === undefined || b.time < this.first) this.first = b.time;
    if (this.newest === undefined || b.time > this.newest) this.newest = b.time;
    const figures = b.openInterest !== undefined || b.fundingRate !== undefined;
    if (figures && (this.firstFigures === undefined || b.time < this.firstFigures)) this.firstFigures = b.time;
  }

  /** After bars were dropped: at each new bar once past MAX_BARS, as trim()'s own sort is. */
  private boundsAgain(): void {
    const held = [...this.bars.values()];
    this.first = this.firstFigures = this.newest = undefined;
    for (const b of held) this.noteBounds(b);
  }

  private markStarts(starts: LanesStarts): void {
    starts.liquidations.setStart(this.first, this.newest);
    starts.figures.setStart(this.firstFigures, this.newest);
  }

  private markPartial(hatching: PartialLanesPrimitive): void {
    this.partialTimes = this.sorted().flatMap((b) => (b.partial === true ? [b.time] : []));
    hatching.setTimes(this.partialTimes);
  }

  private build() {
    const pane = this.chart.panes().length;
    const theme = () => this.theme;
    const autoscaleInfoProvider = deltaAutoscale(() => this.inView(this.liquidated));
    const histogram = (title: string) => this.chart.addSeries(HistogramSeries, { priceFormat: LIQUIDATION_FORMAT, autoscaleInfoProvider, lastValueVisible: false, priceLineVisible: false, title }, pane);
    // A partial bar's volume is dimmed: it may lack a leg's liquidations.
    const alpha = (b: LaneWire) => (b.partial === true ? 0.35 : 0.8);
    const shorts = new Lane(histogram('shorts liq'), (b) => (b.shorts > 0 ? { time: ts(b.time), value: b.shorts, color: withAlpha(theme().green, alpha(b)) } : undefined));
    const longs = new Lane(histogram('longs liq'), (b) => (b.longs > 0 ? { time: ts(b.time), value: -b.longs, color: withAlpha(theme().red, alpha(b)) } : undefined));
    const hatching = new PartialLanesPrimitive(this.theme);
    shorts.series.attachPrimitive(hatching);
    const starts: LanesStarts = { liquidations: new LanesStartPrimitive(this.theme, 'liquidations'), figures: new LanesStartPrimitive(this.theme, 'OI and funding') };
    shorts.series.attachPrimitive(starts.liquidations);
    const oi = new Lane(
      this.chart.addSeries(
        LineSeries,
        { color: this.theme.blue, lineWidth: 2, priceFormat: OPEN_INTEREST_FORMAT, autoscaleInfoProvider: this.whileInView(this.figured, leastRangeAutoscale(openInterestLeastRange)), priceLineVisible: false, title: 'OI' },
        pane + 1,
      ),
      (b) => (b.openInterest === undefined ? undefined : { time: ts(b.time), value: b.openInterest }),
    );
    // Funding over the open interest on its own (unshown) scale; its tag on the axis gives its value in percent,
    // as the legend does (without one, the tag read "funding" alone).
    const funding = new Lane(
      this.chart.addSeries(
        LineSeries,
        {
          color: this.theme.orange,
          lineWidth: 1,
          lineStyle: LineStyle.Dotted,
          priceScaleId: 'funding',
          priceFormat: FUNDING_FORMAT,
          autoscaleInfoProvider: this.whileInView(this.figured, leastRangeAutoscale(fundingLeastRange)),
          priceLineVisible: false,
          title: 'funding',
        },
        pane + 1,
      ),
      (b) => (b.fundingRate === undefined ? undefined : { time: ts(b.time), value: b.fundingRate * 100 }),
    );
    oi.series.attachPrimitive(starts.figures);
    stretchPanes(this.chart, 0.52);
    const lanes = [shorts, longs, oi, funding];
    for (const l of lanes) l.feed.setSpan(this.span, []);
    this.labelled = { liquidations: true, figures: true };
    setBodyData('liquidationAxis', 'labelled');
    setBodyData('figuresAxis', 'labelled');
    this.chart.timeScale().subscribeVisibleTimeRangeChange(this.viewChanged);
    return { lanes, bubbles: createSeriesMarkers(this.candles, []), pane, hatching, starts };
  }

  /** Whether a bar of `times` is in view. */
  private inView(times: SortedTimes): boolean {
    const view = this.chart.timeScale().getVisibleRange();
    return view !== null && times.anyBetween(Number(view.from) * 1000, Number(view.to) * 1000);
  }

  /** `autoscale` while a bar of `times` is in view; no range while none is (the scale keeps one; its labels are blank). */
  private whileInView(times: SortedTimes, autoscale: AutoscaleInfoProvider): AutoscaleInfoProvider {
    return (base) => (this.inView(times) ? autoscale(base) : null);
  }

  /** Each pane's axis labels while a bar with its values is in view, none while not (its scale keeps an old range). */
  private labelAxes(): void {
    const lanes = this.parts?.lanes;
    if (!lanes) return;
    const [shorts, longs, oi, funding] = lanes;
    const liquidations = this.inView(this.liquidated);
    if (liquidations !== this.labelled.liquidations) {
      setBodyData('liquidationAxis', liquidations ? 'labelled' : 'blank');
      for (const l of [shorts, longs]) l?.series.applyOptions({ priceFormat: liquidations ? LIQUIDATION_FORMAT : BLANK_AMOUNT_FORMAT });
    }
    const figures = this.inView(this.figured);
    if (figures !== this.labelled.figures) {
      setBodyData('figuresAxis', figures ? 'labelled' : 'blank');
      oi?.series.applyOptions({ priceFormat: figures ? OPEN_INTEREST_FORMAT : BLANK_AMOUNT_FORMAT });
      funding?.series.applyOptions({ priceFormat: figures ? FUNDING_FORMAT : BLANK_AMOUNT_FORMAT });
    }
    this.labelled = { liquidations, figures };
  }

  /**
   * One bubble per side per bar with liquidations, sized by the square root of its volume against the largest held;
   * on the bars the candles hold (a marker needs its bar in the series).
   */
  private renderBubbles(): void {
    const parts = this.parts;
    if (!parts) return;
    const bars = this.sorted().filter((b) => b.longs + b.shorts > 0);
    let largest = 0;
    for (const b of bars) largest = Math.max(largest, b.longs, b.shorts);
    const size = (v: number) => 0.5 + (MAX_BUBBLE - 0.5) * Math.sqrt(v / largest);
    const markers: SeriesMarker<Time>[] = [];
    for (const b of bars) {
      if (!inSpan(this.span, b.time)) continue;
      if (b.shorts > 0) markers.push({ time: ts(b.time), position: 'aboveBar', shape: 'circle', color: withAlpha(this.theme.green, 0.75), size: size(b.shorts) });
      if (b.longs > 0) markers.push({ time: ts(b.time), position: 'belowBar', shape: 'circle', color: withAlpha(this.theme.red, 0.75), size: size(b.longs) });
    }
    parts.bubbles.setMarkers(markers);
  }
}
