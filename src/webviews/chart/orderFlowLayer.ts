/**
 * The chart's footprint mode: the footprint custom series over the candles, the visible-range volume profile beside
 * the price scale, and two panes under the chart (per-bar delta histogram, CVD line). Made when the mode is switched
 * on, removed with its panes when it is switched off. Its series hold the bars the candles hold (a TimeSpan, through
 * SpanFeeds); updates go through `update()`, none for a bar outside them; a bar arriving out of order (history after
 * live) re-sets the data once.
 */
import type { DeepPartial, IChartApi, ISeriesApi, SeriesOptionsCommon, Time, UTCTimestamp, WhitespaceData } from 'lightweight-charts';
import type { DeltaWire, FootprintBarWire, VolumeProfileMode } from '../../shared/protocol';
import { Emitter } from '../../shared/util/emitter';
import type { Theme } from '../shared/themeModel';
import { DeltaPanes, removePanesFrom, stretchPanes, type DeltaPoint } from './deltaPanes';
import { FootprintModel, type FootprintSnapshot } from './footprintModel';
import { ALL_TIMES, type TimeSpan } from './seriesWindow';
import { SpanFeed } from './spanFeed';
import { FootprintPaneView, type FootprintData, type FootprintOptions, type FootprintPaint } from './footprintSeries';
import { VolumeProfilePrimitive } from './volumeProfilePrimitive';

const ts = (ms: number) => (ms / 1000) as UTCTimestamp;
/** Bar width when the mode is switched on: wide enough for the cells (the user zooms out to the candles with delta). */
const FOOTPRINT_BAR_SPACING = 96;

interface Parts {
  readonly view: FootprintPaneView;
  readonly footprint: ISeriesApi<'Custom', Time, FootprintData | WhitespaceData<Time>, FootprintOptions, DeepPartial<FootprintOptions & SeriesOptionsCommon>>;
  readonly profile: VolumeProfilePrimitive;
  /** None on an aggregate's chart: its own delta and CVD panes (exact, split spot vs perp) are already there. */
  readonly deltas: DeltaPanes | undefined;
  readonly bars: SpanFeed<FootprintBarWire>;
  readonly deltaPoints: SpanFeed<DeltaPoint> | undefined;
}

export class OrderFlowLayer {
  readonly model = new FootprintModel();
  private readonly painted = new Emitter<[FootprintPaint]>();
  /** What the footprint's paint shows changed (bars drawn as cells, the row step); cleared when the mode goes off. */
  readonly onPaint = this.painted.event;
  private parts: Parts | undefined;
  /** The bar width before the mode was switched on, given back when it is switched off. */
  private spacingBefore: number | undefined;
  private profileMode: VolumeProfileMode = 'visible';
  private span: TimeSpan = ALL_TIMES;

  constructor(
    private readonly chart: IChartApi,
    private theme: Theme,
  ) {}

  get on(): boolean {
    return this.parts !== undefined;
  }

  /** Panes shown (1 without the mode, 3 with its delta and CVD panes). */
  get paneCount(): number {
    return this.chart.panes().length;
  }

  /** `deltaPanes`: false on an aggregate's chart, which has its own. */
  setOn(on: boolean, deltaPanes = true): void {
    if (on && !this.parts) {
      this.parts = this.build(deltaPanes);
      this.spacingBefore = this.chart.timeScale().options().barSpacing;
      this.chart.timeScale().applyOptions({ barSpacing: FOOTPRINT_BAR_SPACING });
      this.chart.timeScale().scrollToRealTime();
    } else if (!on && this.parts) {
      this.parts.footprint.detachPrimitive(this.parts.profile);
      this.chart.removeSeries(this.parts.footprint);
      if (this.parts.deltas) {
        this.parts.deltas.remove();
        removePanesFrom(this.chart, this.parts.deltas.pane);
      }
      this.parts = undefined;
      this.model.reset();
      this.painted.fire({ cellBars: 0, rowStep: 0 });
      if (this.spacingBefore !== undefined) this.chart.timeScale().applyOptions({ barSpacing: this.spacingBefore });
    }
  }

  /** The candles hold the bars in `span`: the series hold those. */
  setSpan(span: TimeSpan): void {
    this.span = span;
    const p = this.parts;
    if (!p) return;
    p.bars.setSpan(span, this.model.bars());
    p.deltaPoints?.setSpan(span, this.model.deltas().map(deltaPoint));
  }

  /** Footprint bars the series holds (for tests and the page's data attributes). */
  get heldBars(): number {
    return this.parts?.bars.size ?? 0;
  }

  /** The volume profile drawn holds a partial bar (drawn faded): the first one's time (ms); for the page's data attributes. */
  get profilePartialSince(): number | undefined {
    return this.parts?.profile.partialSince;
  }

  /** The volume profile of the bars in view, or one per UTC day. */
  setVolumeProfile(mode: VolumeProfileMode): void {
    this.profileMode = mode;
    this.parts?.profile.setMode(mode);
  }

  /** Every footprint bar (the host's `chart/footprint`). */
  setFootprint(snap: FootprintSnapshot): void {
    this.model.reset(snap);
    this.setAll();
  }

  /** The chart's candles now show `series` (see FootprintModel.showSeries). */
  showSeries(series: string): void {
    if (this.model.showSeries(series)) this.setAll();
  }

  /** Changed bars (the host's `chart/footprintBars`). */
  applyBars(bars: readonly FootprintBarWire[], deltas: readonly DeltaWire[]): void {
    const change = this.model.apply(bars, deltas);
    const p = this.parts;
    if (!p) return;
    if (change.rebuild || !p.bars.update(change.updated) || !(p.deltaPoints?.update(change.deltas.map(deltaPoint)) ?? true)) this.setAll();
  }

  applyTheme(theme: Theme): void {
    this.theme = theme;
    const p = this.parts;
    if (!p) return;
    p.view.setTheme(theme);
    p.profile.setTheme(theme);
    p.deltas?.applyTheme(theme);
    p.deltaPoints?.set(this.model.deltas().map(deltaPoint));
  }

  private setAll(): void {
    const p = this.parts;
    if (!p) return;
    p.footprint.applyOptions({ bucket: this.model.bucket > 0 ? this.model.bucket : 1, imbalanceRatio: this.model.imbalanceRatio });
    p.bars.set(this.model.bars());
    p.deltaPoints?.set(this.model.deltas().map(deltaPoint));
  }

  private build(withDeltaPanes: boolean): Parts {
    const view = new FootprintPaneView(this.theme, (paint) => this.painted.fire(paint));
    const footprint = this.chart.addCustomSeries(view, { bucket: 1, imbalanceRatio: this.model.imbalanceRatio, lastValueVisible: false, priceLineVisible: false });
    const profile = new VolumeProfilePrimitive(this.model, this.theme);
    profile.setMode(this.profileMode);
    footprint.attachPrimitive(profile);
    const deltas = withDeltaPanes ? new DeltaPanes(this.chart, this.theme, this.chart.panes().length) : undefined;
    if (deltas) stretchPanes(this.chart, 0.7);
    const bars = new SpanFeed<FootprintBarWire>(
      { setData: (points) => footprint.setData(points.map((b) => ({ time: ts(b.time), bar: b }))), update: (b, historical) => footprint.update({ time: ts(b.time), bar: b }, historical) },
      (b) => b.time,
    );
    const deltaPoints = deltas ? new SpanFeed<DeltaPoint>(deltas, (d) => d.time) : undefined;
    bars.setSpan(this.span, []);
    deltaPoints?.setSpan(this.span, []);
    return { view, footprint, profile, deltas, bars, deltaPoints };
  }
}

const deltaPoint = (d: DeltaWire): DeltaPoint => ({ time: d[0], delta: d[1], cvd: d[2] });
