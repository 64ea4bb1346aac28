/**
 * Where a chart's cached bars fall on the page before lightweight-charts has run: the same geometry it will give
 * them (its default zoom and right offset, the chart's scale margins, its axis sizes for the font), so the picture
 * the preview paints and the chart that replaces it agree to a pixel or two. Pure.
 */
import type { CandleWire } from '../../shared/protocol';
import { decimalsOf } from '../../shared/util/decimals';
import { CHART_LOOK } from '../chart/chartLook';
import { formatPrice } from '../shared/format';

/** The chart's placement (chartLook.ts) and lightweight-charts' default bar spacing, px. */
export const PREVIEW_GEOMETRY = { ...CHART_LOOK, barSpacing: 6 } as const;

export interface PreviewInput {
  readonly candles: readonly CandleWire[];
  /** The chart's box, CSS px. */
  readonly width: number;
  readonly height: number;
  /** The axes' font size (chartView: 0.85 of the editor's, at least 10). */
  readonly fontSize: number;
  readonly showVolume: boolean;
  readonly decimals: number;
  /** The view kept from the page's last load (bar indices), else the newest bars at the default zoom. */
  readonly view?: { readonly from: number; readonly to: number };
  /** A price label's width in px at the axes' font. */
  readonly labelWidth: (text: string) => number;
  /** The EMA lines, each from the bar its first value belongs to (the chart scales its prices to them too). */
  readonly emas?: readonly PreviewLine[];
}

export interface PreviewLine {
  /** The index of the bar of `values[0]`. */
  readonly first: number;
  readonly values: readonly number[];
}

export interface PreviewBar {
  /** The bar's centre, px from the plot's left. */
  readonly x: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly up: boolean;
  readonly partial: boolean;
  /** The volume column's top (its bottom is the plot's), when volume is shown. */
  readonly volumeTop?: number;
}

export interface PreviewLayout {
  readonly plotWidth: number;
  readonly plotHeight: number;
  /** Body width, px. */
  readonly bodyWidth: number;
  readonly bars: readonly PreviewBar[];
  /** Each EMA's points in view (x, y), in the order given. */
  readonly lines: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
}

/** The layout of `input`'s bars in view; undefined when there is no room or no bar to show. */
export function previewLayout(input: PreviewInput): PreviewLayout | undefined {
  const { candles, fontSize } = input;
  const chartWidth = even(input.width);
  const chartHeight = even(input.height);
  const last = candles.length - 1;
  if (last < 0) return undefined;
  const timeAxisHeight = Math.ceil(1 + 5 + fontSize + (10 * fontSize) / 12);
  const plotHeight = chartHeight - timeAxisHeight;
  const to = input.view?.to ?? last + PREVIEW_GEOMETRY.rightOffset;
  const end = Math.min(last, Math.ceil(to));
  // The chart's view spans `width / spacing` bars ending at `to`, both ends counted; its prices scale to the bars in it.
  const first = (plotWidth: number, spacing: number) => Math.max(0, Math.floor(to - plotWidth / spacing + 1));
  // The price axis's width depends on its labels, which depend on the bars in view, which depend on the plot's width:
  // the labels are taken from the bars in view of the whole width (the axis's few pixels rarely change the widest).
  const roughFrom = input.view ? Math.max(0, Math.floor(input.view.from)) : first(chartWidth, PREVIEW_GEOMETRY.barSpacing);
  const emas = input.emas ?? [];
  const roughRange = priceRange(candles, roughFrom, end, emas);
  if (!roughRange) return undefined;
  // Written as the chart's axis writes them (candlePriceFormat.ts): 59,825.00 is wider than 59825.00.
  const label = Math.max(input.labelWidth(formatPrice(roughRange.max, input.decimals)), input.labelWidth(formatPrice(roughRange.min, input.decimals)));
  const padding = (5 * fontSize) / 12;
  const axis = Math.ceil(1 + 5 + 2 * padding + 5 + label);
  const priceAxisWidth = axis + (axis % 2); // even, rounded up as the chart does
  const plotWidth = chartWidth - priceAxisWidth;
  if (plotWidth <= 0 || plotHeight <= 0) return undefined;
  // A range set on the chart counts both ends' bars: its spacing is the width over (to − from + 1).
  const spacing = input.view ? plotWidth / Math.max(1, input.view.to - input.view.from + 1) : PREVIEW_GEOMETRY.barSpacing;
  const from = first(plotWidth, spacing);
  const range = priceRange(candles, from, end, emas);
  if (!range) return undefined;
  const bottom = input.showVolume ? PREVIEW_GEOMETRY.marginBottomWithVolume : PREVIEW_GEOMETRY.marginBottom;
  const top = plotHeight * PREVIEW_GEOMETRY.marginTop;
  const inner = plotHeight * (1 - PREVIEW_GEOMETRY.marginTop - bottom);
  const span = range.max - range.min;
  const y = (price: number) => (span > 0 ? top + ((range.max - price) / span) * inner : top + inner / 2);
  const volumeMax = input.showVolume ? maxVolume(candles, from, end) : 0;
  const volumeBand = plotHeight * (1 - PREVIEW_GEOMETRY.volumeTop);
  const xOf = (i: number) => plotWidth - (to - i + 0.5) * spacing - 1; // lightweight-charts' indexToCoordinate
  const bars: PreviewBar[] = [];
  for (let i = from; i <= end; i++) {
    const c = candles[i];
    if (!c) continue;
    const x = xOf(i);
    if (x < -spacing || x > plotWidth + spacing) continue;
    const up = c[4] >= c[1];
    bars.push({
      x,
      open: y(c[1]),
      high: y(c[2]),
      low: y(c[3]),
      close: y(c[4]),
      up,
      partial: c[6] === true,
      ...(volumeMax > 0 ? { volumeTop: plotHeight - (c[5] / volumeMax) * volumeBand } : {}),
    });
  }
  const lines = emas.map((line) => {
    const points: Array<readonly [number, number]> = [];
    // One bar beyond each side of the view, so the line runs to the plot's edges.
    for (let i = Math.max(from - 1, line.first); i <= Math.min(end + 1, line.first + line.values.length - 1); i++) points.push([xOf(i), y(line.values[i - line.first] ?? Number.NaN)]);
    return points.filter(([, py]) => Number.isFinite(py));
  });
  return { plotWidth, plotHeight, bodyWidth: bodyWidthFor(spacing), bars, lines };
}

/** A candle body's width for a bar spacing, as lightweight-charts narrows it (≈ 0.8 of the spacing; odd for a 1 px wick). */
export function bodyWidthFor(spacing: number): number {
  if (spacing >= 2.5 && spacing <= 4) return 3;
  const coeff = 1 - (0.2 * Math.atan(Math.max(4, spacing) - 4)) / (Math.PI * 0.5);
  let width = Math.max(1, Math.min(Math.floor(spacing * coeff), Math.floor(spacing)));
  if (width >= 2 && width % 2 === 0) width--;
  return width;
}

/** The decimals the chart's price axis will show (chartView's setTickSize): the newest 200 bars' and the tick's, at most 8. */
export function previewDecimals(candles: readonly CandleWire[], tickSize: number | undefined): number {
  let d = tickSize === undefined ? 0 : Math.min(8, decimalsOf(tickSize));
  for (let i = Math.max(0, candles.length - 200); i < candles.length && d < 8; i++) {
    const c = candles[i];
    if (c) d = Math.max(d, decimalsOf(c[1]), decimalsOf(c[2]), decimalsOf(c[3]), decimalsOf(c[4]));
  }
  return Math.min(d, 8);
}

function priceRange(candles: readonly CandleWire[], from: number, to: number, lines: readonly PreviewLine[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = from; i <= to && i < candles.length; i++) {
    const c = candles[i];
    if (c && c[3] < min) min = c[3];
    if (c && c[2] > max) max = c[2];
  }
  if (min > max) return undefined;
  for (const line of lines) {
    for (let i = Math.max(from, line.first); i <= to && i - line.first < line.values.length; i++) {
      const v = line.values[i - line.first];
      if (v !== undefined && Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  return { min, max };
}

function maxVolume(candles: readonly CandleWire[], from: number, to: number): number {
  let max = 0;
  for (let i = from; i <= to && i < candles.length; i++) max = Math.max(max, candles[i]?.[5] ?? 0);
  return max;
}

/** Whole and even, as the chart sizes itself (chartSize.ts). */
function even(n: number): number {
  const whole = Math.max(0, Math.floor(n));
  return whole - (whole % 2);
}
