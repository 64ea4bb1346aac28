/**
 * The footprint as a lightweight-charts custom series: zoomed in, each bar is its cells (sell × buy per price bucket,
 * several buckets to a row when one is too low to read; shaded by which side dominated, the POC framed, diagonal
 * imbalances in bold colour) with the bar's delta below; with bars too narrow for cells, only the delta under the
 * candle the candlestick series draws.
 */
import {
  customSeriesDefaultOptions,
  type CustomData,
  type CustomSeriesOptions,
  type CustomSeriesPricePlotValues,
  type ICustomSeriesPaneRenderer,
  type ICustomSeriesPaneView,
  type PaneRendererCustomData,
  type PriceToCoordinateConverter,
  type Time,
  type WhitespaceData,
} from 'lightweight-charts';
import type { FootprintBarWire } from '../../shared/protocol';
import { BUY_IMBALANCE, SELL_IMBALANCE } from '../../shared/util/diagonalImbalance';
import { withAlpha } from '../shared/color';
import { formatAmount, formatSignedAmount } from '../shared/format';
import type { Theme } from '../shared/themeModel';
import { bucketsPerRow, footprintRows, type FootprintRows } from './footprintRows';

/** fancy-canvas's target, named through the library's own types (fancy-canvas is not our dependency). */
export type DrawTarget = Parameters<ICustomSeriesPaneRenderer['draw']>[0];

export interface FootprintData extends CustomData<Time> {
  readonly bar: FootprintBarWire;
}

export interface FootprintOptions extends CustomSeriesOptions {
  /** The price step of a cell. */
  readonly bucket: number;
  /** The diagonal imbalance rule, for rows merged from several buckets. */
  readonly imbalanceRatio: number;
}

/** Narrower than this (px per bar) and the bar falls back to its candle with delta. */
export const MIN_FOOTPRINT_BAR_PX = 64;
/** Buckets lower than this are merged into rows of several buckets (footprintRows), so the numbers stay readable. */
const MIN_ROW_PX = 13;
/** The delta alone needs this much room under a candle. */
const MIN_DELTA_PX = 26;

/** What the last paint showed: bars drawn as cells, and the price step of a row (the bucket × buckets per row). */
export interface FootprintPaint {
  readonly cellBars: number;
  readonly rowStep: number;
}

export class FootprintPaneView implements ICustomSeriesPaneView<Time, FootprintData, FootprintOptions> {
  private data: PaneRendererCustomData<Time, FootprintData> | null = null;
  private options: FootprintOptions | null = null;
  private painted: FootprintPaint = { cellBars: 0, rowStep: 0 };

  constructor(
    private theme: Theme,
    /** Told when what a paint shows changes (not on every paint). */
    private readonly onPaint: (paint: FootprintPaint) => void = () => undefined,
  ) {}

  setTheme(theme: Theme): void {
    this.theme = theme;
  }

  renderer(): ICustomSeriesPaneRenderer {
    return { draw: (target, priceToY) => this.draw(target, priceToY) };
  }

  update(data: PaneRendererCustomData<Time, FootprintData>, options: FootprintOptions): void {
    this.data = data;
    this.options = options;
  }

  priceValueBuilder(d: FootprintData): CustomSeriesPricePlotValues {
    return [d.bar.low, d.bar.high, d.bar.close];
  }

  isWhitespace(d: FootprintData | WhitespaceData<Time>): d is WhitespaceData<Time> {
    return !('bar' in d);
  }

  defaultOptions(): FootprintOptions {
    return { ...customSeriesDefaultOptions, bucket: 1, imbalanceRatio: 3, lastValueVisible: false, priceLineVisible: false };
  }

  private draw(target: DrawTarget, priceToY: PriceToCoordinateConverter): void {
    const data = this.data;
    const options = this.options;
    const range = data?.visibleRange;
    if (!data || !options || !range) return;
    const { bucket, imbalanceRatio } = options;
    const spacing = data.barSpacing;
    const first = data.bars[range.from]?.originalData.bar;
    const y0 = first ? priceToY(first.poc) : null;
    const y1 = first ? priceToY(first.poc + bucket) : null;
    // One row size for every bar in view, so rows line up across bars.
    const k = y0 === null || y1 === null ? Number.POSITIVE_INFINITY : bucketsPerRow(Math.abs(y0 - y1), MIN_ROW_PX);
    const rowStep = bucket * k;
    const rowPx = y0 === null || y1 === null ? 0 : Math.abs(y0 - y1) * k;
    let cellBars = 0;
    target.useMediaCoordinateSpace(({ context: ctx }) => {
      const theme = this.theme;
      const font = Math.max(9, Math.min(11, Math.round(theme.fontSize * 0.8)));
      ctx.font = `${font}px ${theme.monoFontFamily}`;
      ctx.textBaseline = 'middle';
      const cells = spacing >= MIN_FOOTPRINT_BAR_PX && Number.isFinite(k);
      for (let i = range.from; i < range.to; i++) {
        const item = data.bars[i];
        if (!item) continue;
        const bar = item.originalData.bar;
        if (cells) {
          this.drawCells(ctx, item.x, spacing, bar, footprintRows(bar, bucket, k, imbalanceRatio), rowStep, priceToY, Math.min(font, Math.floor(rowPx) - 1));
          cellBars++;
          continue;
        }
        const yLow = priceToY(bar.low);
        if (yLow !== null && spacing >= MIN_DELTA_PX) this.drawDelta(ctx, item.x, yLow + 10, bar, font);
      }
    });
    const shown = cellBars > 0 ? rowStep : 0;
    if (cellBars !== this.painted.cellBars || shown !== this.painted.rowStep) {
      this.painted = { cellBars, rowStep: shown };
      this.onPaint(this.painted);
    }
  }

  private drawCells(ctx: CanvasRenderingContext2D, x: number, spacing: number, bar: FootprintBarWire, rows: FootprintRows, rowStep: number, priceToY: PriceToCoordinateConverter, font: number): void {
    const theme = this.theme;
    const width = Math.max(20, spacing - 6);
    const left = x - width / 2;
    const top = priceToY(Math.max(bar.high, (rows.cells.at(-1)?.[0] ?? bar.high) + rowStep));
    const bottom = priceToY(Math.min(bar.low, rows.cells[0]?.[0] ?? bar.low));
    if (top === null || bottom === null) return;
    // Cover the candle the candlestick series drew underneath: the cells are this bar's picture now.
    ctx.fillStyle = theme.background;
    ctx.fillRect(left - 1, top - 1, width + 2, bottom - top + 2);
    let maxCell = 0;
    for (const c of rows.cells) maxCell = Math.max(maxCell, c[1] + c[2]);
    const body = bar.close >= bar.open ? theme.green : theme.red;
    const yOpen = priceToY(bar.open);
    const yClose = priceToY(bar.close);
    if (yOpen !== null && yClose !== null) {
      ctx.fillStyle = body;
      ctx.fillRect(left, Math.min(yOpen, yClose), 3, Math.max(1, Math.abs(yClose - yOpen)));
    }
    const cellLeft = left + 5;
    const cellWidth = width - 5;
    for (const [price, buy, sell, imbalance = 0] of rows.cells) {
      const yTop = priceToY(price + rowStep);
      const yBottom = priceToY(price);
      if (yTop === null || yBottom === null) continue;
      const h = yBottom - yTop;
      const volume = buy + sell;
      const tint = buy >= sell ? theme.green : theme.red;
      ctx.fillStyle = withAlpha(tint, maxCell > 0 ? 0.08 + 0.32 * (volume / maxCell) : 0.08);
      ctx.fillRect(cellLeft, yTop + 0.5, cellWidth, h - 1);
      if (price === rows.poc) {
        ctx.strokeStyle = theme.yellow;
        ctx.lineWidth = 1;
        ctx.strokeRect(cellLeft + 0.5, yTop + 0.5, cellWidth - 1, h - 1);
      }
      const mid = yTop + h / 2;
      const half = cellWidth / 2 - 4;
      ctx.textAlign = 'right';
      this.cellText(ctx, sell, half, cellLeft + cellWidth / 2 - 3, mid, (imbalance & SELL_IMBALANCE) !== 0 ? theme.red : theme.foreground, (imbalance & SELL_IMBALANCE) !== 0, font);
      ctx.textAlign = 'left';
      this.cellText(ctx, buy, half, cellLeft + cellWidth / 2 + 3, mid, (imbalance & BUY_IMBALANCE) !== 0 ? theme.green : theme.foreground, (imbalance & BUY_IMBALANCE) !== 0, font);
    }
    ctx.fillStyle = withAlpha(theme.foreground, 0.35);
    ctx.fillRect(cellLeft + cellWidth / 2, top, 1, bottom - top);
    this.drawDelta(ctx, x, bottom + 10, bar, font);
    if (bar.partial) {
      ctx.strokeStyle = withAlpha(theme.orange, 0.8);
      ctx.setLineDash([3, 3]);
      ctx.strokeRect(left - 1.5, top - 1.5, width + 3, bottom - top + 3);
      ctx.setLineDash([]);
    }
  }

  /** A volume in its half of the cell: fewer significant digits when the full number does not fit. */
  private cellText(ctx: CanvasRenderingContext2D, volume: number, room: number, x: number, y: number, color: string, bold: boolean, font: number): void {
    ctx.font = `${bold ? 'bold ' : ''}${font}px ${this.theme.monoFontFamily}`;
    ctx.fillStyle = color;
    let text = formatAmount(volume);
    for (let digits = 3; digits >= 1 && ctx.measureText(text).width > room; digits--) text = formatAmount(volume, digits);
    ctx.fillText(text, x, y);
  }

  private drawDelta(ctx: CanvasRenderingContext2D, x: number, y: number, bar: FootprintBarWire, font: number): void {
    const delta = bar.buy - bar.sell;
    ctx.font = `${font}px ${this.theme.monoFontFamily}`;
    ctx.textAlign = 'center';
    ctx.fillStyle = delta >= 0 ? this.theme.green : this.theme.red;
    ctx.fillText(formatSignedAmount(delta), x, y);
  }
}
