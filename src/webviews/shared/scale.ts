/**
 * A bar-chart scale with hysteresis: it follows a new maximum up at once (with headroom) but only shrinks when the
 * maximum falls well below it. The scale is a CSS variable on the list container and every row inherits it, so
 * changing it restyles the whole list; with hysteresis that happens rarely instead of on every update. Pure.
 */
export function stickyScale(current: number, max: number, headroom = 1.15, shrinkBelow = 0.6): number {
  if (!(max > 0) || !Number.isFinite(max)) return current > 0 && Number.isFinite(current) ? current : 1;
  if (!(current > 0) || !Number.isFinite(current) || max > current || max < current * shrinkBelow) return max * headroom;
  return current;
}
