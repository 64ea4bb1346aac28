/**
 * Hatching behind the liquidation pane over the bars whose liquidations may be incomplete (a leg's stream was down):
 * a bar without a histogram there would otherwise read as one without liquidations. Draws only the bars in view
 * (a binary search in the sorted partial times), never all held.
 */
import type { IPrimitivePaneRenderer, UTCTimestamp } from 'lightweight-charts';
import { withAlpha } from '../shared/color';
import type { DrawTarget } from './footprintSeries';
import { ThemedPrimitive } from './themedPrimitive';

/** Distance between hatch lines (CSS px). */
const HATCH_STEP = 6;

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
    if (shown.length === 0) return null;
    const width = Math.max(2, timeScale.options().barSpacing);
    const theme = this.theme;
    return {
      draw: (target: DrawTarget) =>
        target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
          const h = mediaSize.height;
          for (const t of shown) {
            const x = timeScale.timeToCoordinate((t / 1000) as UTCTimestamp);
            if (x === null) continue;
            const left = x - width / 2;
            ctx.save();
            ctx.beginPath();
            ctx.rect(left, 0, width, h);
            ctx.clip();
            ctx.fillStyle = withAlpha(theme.orange, 0.08);
            ctx.fillRect(left, 0, width, h);
            ctx.strokeStyle = withAlpha(theme.orange, 0.45);
            ctx.lineWidth = 1;
            ctx.beginPath();
            for (let d = -h; d < width; d += HATCH_STEP) {
              ctx.moveTo(left + d, h);
              ctx.lineTo(left + d + h, 0);
            }
            ctx.stroke();
            ctx.restore();
          }
        }),
    };
  }
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
