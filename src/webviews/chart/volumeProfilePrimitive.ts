/**
 * The volume profile of the visible bars as a series primitive: one row per price bucket drawn from the right edge
 * of the pane (beside the price scale), the 70 % value area stronger, the point of control in the accent colour.
 * Recomputed from the footprint model when the chart redraws (O(visible cells)).
 */
import type { IPrimitivePaneRenderer, IPrimitivePaneView, ISeriesApi, ISeriesPrimitive, SeriesAttachedParameter, SeriesType, Time } from 'lightweight-charts';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import type { DrawTarget } from './footprintSeries';
import type { FootprintModel, VisibleProfile } from './footprintModel';

/** The widest row, as a share of the pane's width. */
const MAX_WIDTH_SHARE = 0.22;

export class VolumeProfilePrimitive implements ISeriesPrimitive<Time> {
  private host: SeriesAttachedParameter<Time, SeriesType> | undefined;
  private profile: VisibleProfile | undefined;
  private readonly view: IPrimitivePaneView;

  constructor(
    private readonly model: FootprintModel,
    private theme: Theme,
  ) {
    this.view = { zOrder: () => 'bottom', renderer: () => this.renderer() };
  }

  attached(param: SeriesAttachedParameter<Time, SeriesType>): void {
    this.host = param;
  }

  detached(): void {
    this.host = undefined;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.host?.requestUpdate();
  }

  /** The profile shown now (for tests and the page's data attributes). */
  get current(): VisibleProfile | undefined {
    return this.profile;
  }

  updateAllViews(): void {
    const chart = this.host?.chart;
    const range = chart?.timeScale().getVisibleRange();
    this.profile = range ? this.model.profile(Number(range.from) * 1000, Number(range.to) * 1000) : undefined;
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view];
  }

  private renderer(): IPrimitivePaneRenderer | null {
    const profile = this.profile;
    const series = this.host?.series as ISeriesApi<SeriesType, Time> | undefined;
    if (!profile || !series) return null;
    return { draw: (target: DrawTarget) => this.draw(target, profile, series) };
  }

  private draw(target: DrawTarget, profile: VisibleProfile, series: ISeriesApi<SeriesType, Time>): void {
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const theme = this.theme;
      const maxWidth = mediaSize.width * MAX_WIDTH_SHARE;
      const right = mediaSize.width;
      for (const row of profile.rows) {
        const yTop = series.priceToCoordinate(row.price + profile.bucket);
        const yBottom = series.priceToCoordinate(row.price);
        if (yTop === null || yBottom === null) continue;
        const h = Math.max(1, yBottom - yTop - 1);
        const volume = row.buy + row.sell;
        const w = profile.maxVolume > 0 ? (volume / profile.maxVolume) * maxWidth : 0;
        const inArea = row.price >= profile.valueAreaLow && row.price <= profile.valueAreaHigh;
        const alpha = inArea ? 0.42 : 0.18;
        const buyW = volume > 0 ? (w * row.buy) / volume : 0;
        ctx.fillStyle = withAlpha(theme.green, alpha);
        ctx.fillRect(right - w, yTop, buyW, h);
        ctx.fillStyle = withAlpha(theme.red, alpha);
        ctx.fillRect(right - w + buyW, yTop, w - buyW, h);
        if (row.price === profile.poc) {
          ctx.fillStyle = theme.yellow;
          ctx.fillRect(right - w, yTop + h / 2 - 1, w, 2);
        }
      }
    });
  }
}
