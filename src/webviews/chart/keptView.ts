/**
 * The chart's view (how many bars wide, and which bar at its right edge) kept in the webview state, so a page that
 * loads again (shown after being hidden, when its panel does not keep it; restored after a window reload) shows the
 * bars the user looked at, not the newest ones at the default zoom. By the bar's time, not its index: the page's
 * next bars may start elsewhere. Pure.
 */
import type { Bar } from './barStore';

/** What a view is placed by: each bar's time. */
type Timed = Pick<Bar, 'time'>;

export interface KeptView {
  /** The series it is a view of (seriesKey: exchange, symbol, timeframe). */
  readonly series: string;
  /** Bars across the view (lightweight-charts' logical range: to − from). */
  readonly width: number;
  /** UTC seconds of the bar at the right edge; absent: the newest bar is in view, and the view follows new bars. */
  readonly rightTime?: number;
  /** How far right of that bar (of the newest, when following) the right edge is, in bars. */
  readonly rightOffset: number;
}

/** The view of `bars` from bar index `from` to `to` (of every bar; fractions and empty space beyond either end allowed). */
export function keepView(series: string, bars: readonly Bar[], from: number, to: number): KeptView | undefined {
  const last = bars.length - 1;
  if (last < 0 || !(to - from > 0) || !Number.isFinite(from) || !Number.isFinite(to)) return undefined;
  const width = to - from;
  if (to >= last) return { series, width, rightOffset: to - last };
  const i = Math.max(0, Math.floor(to));
  const bar = bars[i];
  return bar && { series, width, rightTime: bar.time, rightOffset: to - i };
}

/** The bar indices to show `kept` at in `bars` of `series`; undefined for another series or a bar no longer held. */
export function viewRange(kept: KeptView, series: string, bars: readonly Timed[]): { from: number; to: number } | undefined {
  if (kept.series !== series || bars.length === 0) return undefined;
  const right = kept.rightTime === undefined ? bars.length - 1 : indexOfTime(bars, kept.rightTime);
  if (right === undefined) return undefined;
  const to = right + kept.rightOffset;
  return { from: to - kept.width, to };
}

/** A KeptView read back from the webview state (written by this page, but checked: an older build's may differ). */
export function parseKeptView(raw: unknown): KeptView | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const v = raw as Record<string, unknown>;
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (typeof v.series !== 'string' || !finite(v.width) || v.width <= 0 || !finite(v.rightOffset)) return undefined;
  if (v.rightTime !== undefined && !finite(v.rightTime)) return undefined;
  return { series: v.series, width: v.width, rightOffset: v.rightOffset, ...(v.rightTime !== undefined ? { rightTime: v.rightTime } : {}) };
}

/** Whether two views are the same (so the state is written only when the view changed). */
export function sameView(a: KeptView | undefined, b: KeptView | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.series === b.series && a.width === b.width && a.rightTime === b.rightTime && a.rightOffset === b.rightOffset);
}

function indexOfTime(bars: readonly Timed[], time: number): number | undefined {
  let lo = 0;
  let hi = bars.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = bars[mid]?.time ?? Number.NaN;
    if (t === time) return mid;
    if (t < time) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}
