/**
 * Room for the legend over the candles. A footprint's or an aggregate's legend (3–6 rows: order flow, legs,
 * funding) sat over the newest bars with the fixed top margin; on those charts the candles' top margin grows to
 * clear it. A plain chart keeps the fixed margin, which its page's preview draws alike (chartLook.ts), so the chart
 * does not move as it replaces the preview.
 */
import { CHART_LOOK } from './chartLook';

/** Space between the legend's last row and the highest price drawn. */
const GAP_PX = 6;
/** However tall the legend, the candles keep most of their pane. */
const MAX_TOP = 0.45;

/** The candles' top margin (a fraction of their pane) that keeps them below a legend ending `legendBottomPx` down the pane. */
export function candlesTopMargin(legendBottomPx: number, paneHeightPx: number): number {
  if (!(paneHeightPx > 0) || !(legendBottomPx > 0)) return CHART_LOOK.marginTop;
  const needed = Math.ceil(((legendBottomPx + GAP_PX) / paneHeightPx) * 100) / 100;
  return Math.min(MAX_TOP, Math.max(CHART_LOOK.marginTop, needed));
}

export interface CandleMargins {
  readonly top: number;
  readonly bottom: number;
}

/** The candles' margins, applied through `apply` only when they change (each change redraws the pane). */
export class LegendRoom {
  private legendBottom = 0;
  private wanted = false;
  private volume = true;
  private applied: CandleMargins | undefined;

  constructor(
    private readonly apply: (margins: CandleMargins) => void,
    /** undefined while the chart has no size (its page hidden): the margins stay as they are until it has one. */
    private readonly paneHeight: () => number | undefined,
  ) {}

  /** The volume's band under the candles, or none. */
  setVolume(visible: boolean): void {
    this.volume = visible;
    this.refresh();
  }

  /** Whether the legend gets room (a footprint's, an aggregate's). */
  setWanted(wanted: boolean): void {
    this.wanted = wanted;
    this.refresh();
  }

  /** The legend's bottom edge, px from the pane's top, measured while it shows the newest bar (a hover must not move the plot). */
  legendMoved(bottomPx: number): void {
    this.legendBottom = bottomPx;
    this.refresh();
  }

  /** Looks again (the pane's height changes with the panel's size and the panes under it). */
  refresh(): void {
    const paneHeight = this.paneHeight();
    if (paneHeight === undefined) return;
    const next = { top: this.wanted ? candlesTopMargin(this.legendBottom, paneHeight) : CHART_LOOK.marginTop, bottom: this.volume ? CHART_LOOK.marginBottomWithVolume : CHART_LOOK.marginBottom };
    if (this.applied && this.applied.top === next.top && this.applied.bottom === next.bottom) return;
    this.applied = next;
    this.apply(next);
  }
}
