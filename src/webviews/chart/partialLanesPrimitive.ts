/**
 * Hatching behind the liquidation pane over the bars whose liquidations may be incomplete (a leg's stream was down):
 * a bar without a histogram there would otherwise read as one without liquidations; behind an aggregate's delta and
 * CVD panes, over the bars whose flow may lack a leg's (deltaPanes.ts). Adjacent partial bars are hatched
 * as one span at least a few px wide, with a strip along the pane's bottom edge, so that 1m bars a few px wide still
 * show it. Draws only the bars in view (a binary search in the sorted partial times), never all held.
 */
import type { IPrimitivePaneRenderer, UTCTimestamp } from 'lightweight-charts';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import type { DrawTarget } from './footprintSeries';
import { partialSpans, type Span } from './partialSpans';
import { ThemedPrimitive } from './themedPrimitive';

/** Distance between hatch lines (CSS px). */
const HATCH_STEP = 5;
/** The strip along the pane's bottom edge under a partial span (CSS px): a mark where the histogram covers the rest. */
const EDGE = 3;
/** A bar narrower than this is hatched this wide (CSS px): at 1m bars of 3 px a lone partial bar's histogram hides its own hatching. */
const MIN_WIDTH = 8;

export class PartialLanesPrimitive extends ThemedPrimitive {
  /** Partial bars' times (ms), ascending. */
  private times: readonly number[] = [];

  /** The partial bars' times (ms), ascending. */
  setTimes(times: readonly number[]): void {
    this.times = times;
    this.host?.requestUpdate();
  }

  protected renderer(): IPrimitivePaneRenderer | null {
    const timeScale = this.host?.chart.timeScale();
    const range = timeScale?.getVisibleRange();
    if (!timeScale || !range || this.times.length === 0) return null;
    const from = Number(range.from) * 1000;
    const to = Number(range.to) * 1000;
    const shown = this.times.slice(lowerBound(this.times, from), lowerBound(this.times, to + 1));
    const xs = shown.flatMap((t) => timeScale.timeToCoordinate((t / 1000) as UTCTimestamp) ?? []);
    if (xs.length === 0) return null;
    const barSpacing = timeScale.options().barSpacing;
    const spans = partialSpans(xs, barSpacing, Math.max(MIN_WIDTH, barSpacing));
    const look = hatchLook(this.theme);
    return {
      draw: (target: DrawTarget) =>
        target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
          for (const span of spans) hatch(ctx, span, mediaSize.height, look);
        }),
    };
  }
}

interface HatchLook {
  readonly fill: string;
  readonly lines: string;
  readonly edge: string;
}

/** Orange over light backgrounds reads at lower alphas than over dark ones. */
function hatchLook(theme: Theme): HatchLook {
  const dark = theme.kind === 'dark' || theme.kind === 'high-contrast';
  return { fill: withAlpha(theme.orange, dark ? 0.28 : 0.14), lines: withAlpha(theme.orange, dark ? 0.85 : 0.65), edge: withAlpha(theme.orange, 0.9) };
}

function hatch(ctx: CanvasRenderingContext2D, { left, right }: Span, h: number, look: HatchLook): void {
  const width = right - left;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, 0, width, h);
  ctx.clip();
  ctx.fillStyle = look.fill;
  ctx.fillRect(left, 0, width, h);
  ctx.strokeStyle = look.lines;
  ctx.lineWidth = 1;
  ctx.beginPath();
  // From the span's left edge: the pattern scrolls with its bars and stays put as partial bars join on the right.
  for (let d = -h; d < width; d += HATCH_STEP) {
    ctx.moveTo(left + d, h);
    ctx.lineTo(left + d + h, 0);
  }
  ctx.stroke();
  ctx.fillStyle = look.edge;
  ctx.fillRect(left, h - EDGE, width, EDGE);
  ctx.restore();
}

/** The first index whose time is ≥ `t`. */
function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
