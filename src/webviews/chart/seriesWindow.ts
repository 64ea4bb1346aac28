/**
 * Which of the chart's bars its lightweight-charts series hold: a window of them around the view, not all of them.
 * lightweight-charts rebuilds every point of a series after each change of its data (a live update too), so a chart
 * scrolled back through 50,000 bars paid for 50,000 points on every tick; with a window it pays for about a thousand,
 * and a live update beyond the window touches no series at all. Pure (indices into the BarStore, no DOM).
 */

/** Bars held when the chart has more: the view plus room to scroll before the window has to move. */
export const WINDOW_BARS = 1000;
/** The window moves once the view comes within this many bars of an edge of it that is not an edge of the bars. */
export const WINDOW_MARGIN = 200;

/** Store indices [start, end) held in the series. */
export interface BarWindow {
  readonly start: number;
  readonly end: number;
}

export interface WindowSize {
  readonly bars: number;
  readonly margin: number;
}

const DEFAULT_SIZE: WindowSize = { bars: WINDOW_BARS, margin: WINDOW_MARGIN };

/**
 * The window for a view of store indices [from, to] over `total` bars: at least `size.bars`, and the view with a
 * margin either side, centred on the view. It reaches the first bar when it would come within a margin of it (so the
 * chart's left edge is the true edge of history, where older bars are asked for) and the newest bar likewise (a
 * live chart's window takes the live updates); `live` anchors it at the newest bar whatever the view.
 */
export function windowFor(from: number, to: number, total: number, live = false, size: WindowSize = DEFAULT_SIZE): BarWindow {
  const width = Math.max(size.bars, Math.ceil(to) - Math.floor(from) + 2 * size.margin);
  if (total <= width) return { start: 0, end: total };
  let start = Math.round((from + to) / 2 - width / 2);
  start = Math.min(Math.max(0, start), total - width);
  let end = start + width;
  if (live || total - end < size.margin) {
    end = total;
    start = Math.max(0, Math.min(start, Math.floor(from) - size.margin, total - width));
  }
  if (start < size.margin) start = 0;
  return { start, end };
}

/**
 * Whether the window must move for a view of store indices [from, to]: the view came within a margin of an edge that
 * is not an edge of the bars, a live chart's window lost the newest bar, or the window grew (live bars appended) to
 * over twice what the view needs.
 */
export function needsMove(window: BarWindow, from: number, to: number, total: number, live = false, size: WindowSize = DEFAULT_SIZE): boolean {
  if (window.end > total || window.start < 0 || window.start > window.end) return true;
  if (window.start > 0 && from - window.start < size.margin) return true;
  if (window.end < total && (live || window.end - to < size.margin)) return true;
  const width = Math.max(size.bars, Math.ceil(to) - Math.floor(from) + 2 * size.margin);
  return window.end - window.start > 2 * width;
}

/** The series' visible logical range after the window moved from `before` to `after`: the same bars stay in view. */
export function shiftedRange(range: { readonly from: number; readonly to: number }, before: BarWindow, after: BarWindow): { from: number; to: number } {
  const by = before.start - after.start;
  return { from: range.from + by, to: range.to + by };
}

/** The first index of `items` (sorted by `time`) at or after `time`: for slicing points by the window's times. */
export function firstAtOrAfter(items: readonly { readonly time: number }[], time: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid]?.time ?? time) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The times (ms, inclusive) of the bars the candle series holds, for the series of the chart's other layers
 * (footprint, delta and CVD panes, an aggregate's lanes): they hold the points in it, so every series has the same
 * bars and the logical indices stay the candles'. Open at an edge of the window that is an edge of the bars, so a
 * point before the first candle or after the newest (a footprint bar ahead of its candle) is held as before.
 */
export interface TimeSpan {
  readonly from: number;
  readonly to: number;
}

export const ALL_TIMES: TimeSpan = { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };

/** The span of `window` over `total` bars; `timeMsAt(i)` is bar i's time in ms. */
export function spanOf(window: BarWindow, total: number, timeMsAt: (index: number) => number | undefined): TimeSpan {
  const from = window.start > 0 ? (timeMsAt(window.start) ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
  const to = window.end < total ? (timeMsAt(window.end - 1) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
  return { from, to };
}

export const inSpan = (span: TimeSpan, timeMs: number): boolean => timeMs >= span.from && timeMs <= span.to;

export const sameSpan = (a: TimeSpan, b: TimeSpan): boolean => a.from === b.from && a.to === b.to;

/** The part of `items` (sorted by time) in `span`, found by bisection. */
export function sliceSpan<T>(items: readonly T[], span: TimeSpan, timeOf: (item: T) => number): T[] {
  if (span.from === Number.NEGATIVE_INFINITY && span.to === Number.POSITIVE_INFINITY) return items.slice();
  const bound = (time: number, after: boolean) => {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = timeOf(items[mid] as T);
      if (t < time || (after && t === time)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return items.slice(bound(span.from, false), bound(span.to, true));
}
