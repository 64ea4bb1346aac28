/**
 * The volume profile as a series primitive: of the visible bars, one row per price bucket drawn from the right edge
 * of the pane (beside the price scale); or one per UTC day (session), drawn rightwards from the day's first bar.
 * The 70 % value area stronger, the point of control in the accent colour. A profile over a partial bar (its trades
 * may be missing) is drawn faded, its point of control dashed: its shape may change once they are in. Recomputed from
 * the footprint model when the chart redraws (O(cells of the bars in view, or of the days in view)).
 */
import type { IPrimitivePaneRenderer, ISeriesApi, SeriesType, Time, UTCTimestamp } from 'lightweight-charts';
import type { VolumeProfileMode } from '../../shared/protocol';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import type { DrawTarget } from './footprintSeries';
import type { FootprintModel, SessionProfile, VisibleProfile } from './footprintModel';
import { ThemedPrimitive } from './themedPrimitive';

/** The widest row, as a share of the pane's width. */
const MAX_WIDTH_SHARE = 0.22;
/** A session's widest row, as a share of the room from its first bar to its last (or to the pane's edge). */
const SESSION_WIDTH_SHARE = 0.6;
/** A partial profile's point of control: dashes of this many pixels. */
const POC_DASH = 4;

interface Placed {
  readonly profile: VisibleProfile;
  /** Where the rows start, and where they grow: right (a session) or left (from the pane's right edge). */
  readonly x: number;
  readonly maxWidth: number;
  readonly grow: 1 | -1;
}

export class VolumeProfilePrimitive extends ThemedPrimitive {
  private profile: VisibleProfile | undefined;
  private sessions: readonly SessionProfile[] = [];
  private mode: VolumeProfileMode = 'visible';

  constructor(
    private readonly model: FootprintModel,
    theme: Theme,
  ) {
    super(theme);
  }

  setMode(mode: VolumeProfileMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.host?.requestUpdate();
  }

  /** The profile shown now (for tests and the page's data attributes). */
  get current(): VisibleProfile | undefined {
    return this.profile;
  }

  /** The profile drawn holds a partial bar (it is drawn faded): the first one's time (ms); for the page's data attributes. */
  get partialSince(): number | undefined {
    return this.profile?.partialSince ?? this.sessions.find((s) => s.partialSince !== undefined)?.partialSince;
  }

  updateAllViews(): void {
    const chart = this.host?.chart;
    const range = chart?.timeScale().getVisibleRange();
    const from = Number(range?.from) * 1000;
    const to = Number(range?.to) * 1000;
    this.profile = range && this.mode === 'visible' ? this.model.profile(from, to) : undefined;
    this.sessions = range && this.mode === 'session' ? this.model.sessionProfiles(from, to) : [];
  }

  protected renderer(): IPrimitivePaneRenderer | null {
    const series = this.host?.series as ISeriesApi<SeriesType, Time> | undefined;
    const timeScale = this.host?.chart.timeScale();
    if (!series || !timeScale || (!this.profile && this.sessions.length === 0)) return null;
    const profile = this.profile;
    const sessions = this.sessions;
    return {
      draw: (target: DrawTarget) =>
        target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
          const placed: Placed[] = profile ? [{ profile, x: mediaSize.width, maxWidth: mediaSize.width * MAX_WIDTH_SHARE, grow: -1 }] : [];
          for (const s of sessions) {
            const first = timeScale.timeToCoordinate((s.firstTime / 1000) as UTCTimestamp);
            const last = timeScale.timeToCoordinate((s.lastTime / 1000) as UTCTimestamp);
            if (first === null || last === null) continue;
            const x = Math.max(0, first);
            const room = Math.max(40, Math.min(mediaSize.width, last) - x);
            placed.push({ profile: s, x, maxWidth: room * SESSION_WIDTH_SHARE, grow: 1 });
          }
          for (const p of placed) this.drawRows(ctx, p, series);
        }),
    };
  }

  private drawRows(ctx: CanvasRenderingContext2D, placed: Placed, series: ISeriesApi<SeriesType, Time>): void {
    const { profile, maxWidth } = placed;
    const theme = this.theme;
    const partial = profile.partialSince !== undefined;
    for (const row of profile.rows) {
      const yTop = series.priceToCoordinate(row.price + profile.bucket);
      const yBottom = series.priceToCoordinate(row.price);
      if (yTop === null || yBottom === null) continue;
      const h = Math.max(1, yBottom - yTop - 1);
      const volume = row.buy + row.sell;
      const w = profile.maxVolume > 0 ? (volume / profile.maxVolume) * maxWidth : 0;
      const inArea = row.price >= profile.valueAreaLow && row.price <= profile.valueAreaHigh;
      const alpha = (inArea ? 0.42 : 0.18) * (partial ? 0.5 : 1);
      const buyW = volume > 0 ? (w * row.buy) / volume : 0;
      const left = placed.grow === 1 ? placed.x : placed.x - w;
      ctx.fillStyle = withAlpha(theme.green, alpha);
      ctx.fillRect(left, yTop, buyW, h);
      ctx.fillStyle = withAlpha(theme.red, alpha);
      ctx.fillRect(left + buyW, yTop, w - buyW, h);
      if (row.price === profile.poc) {
        ctx.fillStyle = theme.yellow;
        if (!partial) ctx.fillRect(left, yTop + h / 2 - 1, w, 2);
        else for (let x = left; x < left + w; x += POC_DASH * 2) ctx.fillRect(x, yTop + h / 2 - 1, Math.min(POC_DASH, left + w - x), 2);
      }
    }
  }
}
