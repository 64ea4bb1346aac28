/**
 * The liquidity heatmap webview's model: the columns held (bounded), the viewport (time and price, live or moved by
 * the user), the log colour scale and what is under the cursor. Pure; no DOM.
 */
import type { HeatmapColumnWire } from '../../shared/protocol';

/** The columns held, oldest first, never more than `maxColumns` (the oldest go first). */
export class ColumnStore {
  private cols: HeatmapColumnWire[] = [];
  maxColumns = 1;

  reset(columns: readonly HeatmapColumnWire[], maxColumns: number): void {
    this.maxColumns = Math.max(1, Math.floor(maxColumns));
    this.cols = columns.slice(-this.maxColumns);
  }

  append(columns: readonly HeatmapColumnWire[]): void {
    for (const c of columns) this.cols.push(c);
    if (this.cols.length > this.maxColumns) this.cols.splice(0, this.cols.length - this.maxColumns);
  }

  /** History older than every column held: kept only as far as the bound allows. */
  prepend(older: readonly HeatmapColumnWire[]): void {
    const room = this.maxColumns - this.cols.length;
    if (room <= 0 || older.length === 0) return;
    this.cols = [...older.slice(-room), ...this.cols];
  }

  get length(): number {
    return this.cols.length;
  }

  at(i: number): HeatmapColumnWire | undefined {
    return this.cols[i];
  }

  get newest(): HeatmapColumnWire | undefined {
    return this.cols.at(-1);
  }
}

/** Where the user looks: `null` fields follow the market (newest column at the right edge, price centred on the spread). */
export interface Viewport {
  /** Pixels per column (time zoom). */
  readonly colWidth: number;
  /** The column index at the right edge, or null: the newest (live). */
  readonly rightIndex: number | null;
  /** The price at the vertical centre, or null: the newest column's mid. */
  readonly centerPrice: number | null;
  /** Price per pixel (price zoom), or null: fit the newest column's levels. */
  readonly pricePerPx: number | null;
}

export const LIVE_VIEW: Viewport = { colWidth: 3, rightIndex: null, centerPrice: null, pricePerPx: null };
export const MIN_COL_WIDTH = 0.05;
export const MAX_COL_WIDTH = 40;

/** The viewport resolved against the data: every field a number. */
export interface Resolved {
  readonly colWidth: number;
  readonly right: number;
  readonly center: number;
  readonly pricePerPx: number;
  readonly width: number;
  readonly height: number;
}

const bestOf = (levels: readonly number[]): number | undefined => levels[0];

/** The mid of a column (or its one side's best price). */
export function midOf(c: HeatmapColumnWire): number | undefined {
  const bid = bestOf(c[1]);
  const ask = bestOf(c[2]);
  return bid !== undefined && ask !== undefined ? (bid + ask) / 2 : (bid ?? ask);
}

/** The smallest gap between neighbouring levels of a column: the height of one price cell. */
export function levelStep(c: HeatmapColumnWire | undefined): number {
  let step = Infinity;
  for (const side of c ? [c[1], c[2]] : []) {
    for (let i = 2; i < side.length; i += 2) {
      const gap = Math.abs((side[i] ?? 0) - (side[i - 2] ?? 0));
      if (gap > 0 && gap < step) step = gap;
    }
  }
  return Number.isFinite(step) ? step : 1;
}

export function resolveView(vp: Viewport, store: ColumnStore, width: number, height: number): Resolved | undefined {
  const newest = store.newest;
  if (!newest || width <= 0 || height <= 0) return undefined;
  const right = vp.rightIndex === null ? store.length - 1 : Math.min(store.length - 1, Math.max(0, vp.rightIndex));
  const center = vp.centerPrice ?? midOf(newest) ?? 1;
  let pricePerPx = vp.pricePerPx;
  if (pricePerPx === null) {
    // Fit about 40 levels of each side of the newest column into the height.
    const step = levelStep(newest);
    pricePerPx = (step * 80) / height;
  }
  return { colWidth: vp.colWidth, right, center, pricePerPx: Math.max(pricePerPx, 1e-12), width, height };
}

export const xOfColumn = (r: Resolved, index: number): number => r.width - (r.right - index + 1) * r.colWidth;
export const columnAtX = (r: Resolved, x: number): number => r.right - Math.floor((r.width - x) / r.colWidth);
export const yOfPrice = (r: Resolved, price: number): number => r.height / 2 - (price - r.center) / r.pricePerPx;
export const priceAtY = (r: Resolved, y: number): number => r.center + (r.height / 2 - y) * r.pricePerPx;

/** Log colour scale: 0 → 0, `max` → 1, log(1 + size) in between, so a wall and a thin level both read. */
export function intensity(size: number, max: number): number {
  if (!(size > 0) || !(max > 0)) return 0;
  return Math.min(1, Math.log1p(size) / Math.log1p(max));
}

/** Zooms time by `factor` keeping the column under `x` where it is; leaves live mode only if the right edge moves. */
export function zoomTime(vp: Viewport, r: Resolved, x: number, factor: number, newestIndex: number): Viewport {
  const colWidth = Math.min(MAX_COL_WIDTH, Math.max(MIN_COL_WIDTH, r.colWidth * factor));
  if (vp.rightIndex === null) return { ...vp, colWidth };
  const anchor = r.right - (r.width - x) / r.colWidth;
  const right = anchor + (r.width - x) / colWidth;
  return { ...vp, colWidth, rightIndex: right >= newestIndex ? null : right };
}

/** Zooms price by `factor` keeping the price under `y` where it is. */
export function zoomPrice(vp: Viewport, r: Resolved, y: number, factor: number): Viewport {
  const anchor = priceAtY(r, y);
  const pricePerPx = r.pricePerPx * factor;
  return { ...vp, pricePerPx, centerPrice: anchor - (r.height / 2 - y) * pricePerPx };
}

/** Drags the picture by (dx, dy) pixels; dragging the newest column back to the right edge returns to live time. */
export function pan(vp: Viewport, r: Resolved, dx: number, dy: number, newestIndex: number): Viewport {
  const right = r.right - dx / r.colWidth;
  return { ...vp, rightIndex: right >= newestIndex ? null : Math.max(0, right), centerPrice: r.center + dy * r.pricePerPx };
}

export interface CursorInfo {
  readonly time: number;
  readonly price: number;
  /** The resting size at the level under the cursor (0 if none), and which side it rests on. */
  readonly size: number;
  readonly side: 'bid' | 'ask' | null;
  /** Volume traded at that level during the sample. */
  readonly traded: number;
}

/** The column and level under (x, y): its time, the price, the resting size and what traded there. */
export function cursorInfo(store: ColumnStore, r: Resolved, x: number, y: number): CursorInfo | undefined {
  const c = store.at(Math.round(columnAtX(r, x)));
  if (!c) return undefined;
  const price = priceAtY(r, y);
  const half = levelStep(c) / 2;
  let size = 0;
  let side: CursorInfo['side'] = null;
  let levelPrice = price;
  for (const [levels, name] of [[c[1], 'bid'], [c[2], 'ask']] as const) {
    for (let i = 0; i + 1 < levels.length; i += 2) {
      const p = levels[i] ?? 0;
      if (Math.abs(p - price) <= half) {
        size = levels[i + 1] ?? 0;
        side = name;
        levelPrice = p;
      }
    }
  }
  let traded = 0;
  for (let i = 0; i + 2 < c[3].length; i += 3) if (Math.abs((c[3][i] ?? 0) - levelPrice) <= half) traded += (c[3][i + 1] ?? 0) + (c[3][i + 2] ?? 0);
  return { time: c[0], price: side ? levelPrice : price, size, side, traded };
}
