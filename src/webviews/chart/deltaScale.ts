/**
 * How the delta and CVD panes scale, over bars that have no buy/sell split (an aggregate's history, merged from its
 * legs' klines; bars older than a footprint's trades) as over those that have one. Pure.
 *
 * lightweight-charts widens a range of one value by 5 of the format's minMove (1e-8 here), and a histogram's range
 * always holds its base, 0: with no delta in view the Δ pane read ±0.00000005, and a flat CVD +12.34500005.
 */
import type { AutoscaleInfo, AutoscaleInfoProvider } from 'lightweight-charts';

/** The times (ms) of a pane's oldest and newest points. */
export interface PointSpan {
  readonly first: number;
  readonly last: number;
}

/** Whether a view (bar times in seconds, as lightweight-charts gives them; null: no bars) shows a point of `span`. */
export function spanInView(view: { readonly from: number; readonly to: number } | null, span: PointSpan | undefined): boolean {
  if (!view || !span) return false;
  return span.first <= view.to * 1000 && span.last >= view.from * 1000;
}

/** Either side of a range of one value: 1% of it, and 1 about 0 (the Δ pane with every delta in view 0). */
const pointPad = (value: number) => Math.max(1, Math.abs(value) * 0.01);

/** `info`, its range widened when it is one value (lightweight-charts' own widening is 5 × 1e-8). */
export function widenedFromPoint(info: AutoscaleInfo | null): AutoscaleInfo | null {
  const range = info?.priceRange;
  if (!info || !range || range.minValue !== range.maxValue) return info;
  const pad = pointPad(range.minValue);
  return { ...info, priceRange: { minValue: range.minValue - pad, maxValue: range.maxValue + pad } };
}

/**
 * A delta or CVD series' autoscale: no range while `inView()` says no point of it is in view (the scale keeps its
 * range, whose labels the panes blank), else lightweight-charts' own, widened when it is one value.
 */
export function deltaAutoscale(inView: () => boolean): AutoscaleInfoProvider {
  return (base) => (inView() ? widenedFromPoint(base()) : null);
}
