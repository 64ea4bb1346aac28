/**
 * The liquidity heatmap webview's model: the viewport over the columns held (time and price, live or moved by the
 * user), the log colour scale and what is under the cursor. Columns are addressed by their sequence number in the
 * ColumnRing. Pure; no DOM.
 */
import type { ColumnRing } from './columnRing';

/** Where the user looks: `null` fields follow the market (newest column at the right edge, price centred on the spread). */
export interface Viewport {
  /** Pixels per column (time zoom). */
  readonly colWidth: number;
  /** The column (sequence number) at the right edge, or null: the newest (live). */
  readonly rightIndex: number | null;
  /** The price at the vertical centre, or null: the newest column's mid. */
  readonly centerPrice: number | null;
  /** Price per pixel (price zoom), or null: fit the newest column's levels. */
  readonly pricePerPx: number | null;
}

export const LIVE_VIEW: Viewport = { colWidth: 3, rightIndex: null, centerPrice: null, pricePerPx: null };

/** Following the market again (newest at the right, price on the spread), at the zoom `vp` has. */
export const liveView = (vp: Viewport): Viewport => ({ ...LIVE_VIEW, colWidth: vp.colWidth });
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

/** A live view's price axis as last drawn: kept while the market stays near its centre (see holdLiveCentre). */
export interface HeldPrice {
  readonly center: number;
  readonly pricePerPx: number;
  readonly height: number;
  /** Device pixels per CSS pixel: a new centre moves by whole device pixels, so the picture drawn can move with it. */
  readonly dpr: number;
}

/**
 * A live view keeps its price centre while the mid stays within the middle third of the picture, so the picture
 * holds still; once the mid leaves it, the view centres on the mid again, moved by a whole number of `unit`s (one
 * device pixel of price), so what was drawn only shifts.
 */
export function holdLiveCentre(held: number, mid: number, halfRange: number, unit: number): number {
  return Math.abs(mid - held) <= halfRange / 3 ? held : held + Math.round((mid - held) / unit) * unit;
}

export function resolveView(vp: Viewport, ring: ColumnRing, width: number, height: number, held?: HeldPrice): Resolved | undefined {
  if (ring.length === 0 || width <= 0 || height <= 0) return undefined;
  const newest = ring.last;
  const right = vp.rightIndex === null ? newest : Math.min(newest, Math.max(ring.first, vp.rightIndex));
  const hold = held && held.height === height ? held : undefined;
  let pricePerPx = vp.pricePerPx ?? hold?.pricePerPx ?? null;
  if (pricePerPx === null) {
    // Fit about 40 levels of each side of the newest column into the height.
    pricePerPx = (ring.levelStep(newest) * 80) / height;
  }
  pricePerPx = Math.max(pricePerPx, 1e-12);
  const mid = ring.mid(newest) ?? 1;
  const center = vp.centerPrice ?? (hold && vp.pricePerPx === null ? holdLiveCentre(hold.center, mid, (height / 2) * pricePerPx, pricePerPx / hold.dpr) : mid);
  return { colWidth: vp.colWidth, right, center, pricePerPx, width, height };
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
  return { ...vp, rightIndex: right >= newestIndex ? null : right, centerPrice: r.center + dy * r.pricePerPx };
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
export function cursorInfo(ring: ColumnRing, r: Resolved, x: number, y: number): CursorInfo | undefined {
  const seq = Math.round(columnAtX(r, x));
  if (!ring.has(seq)) return undefined;
  const price = priceAtY(r, y);
  const half = ring.levelStep(seq) / 2;
  let size = 0;
  let side: CursorInfo['side'] = null;
  let levelPrice = price;
  for (const name of ['bid', 'ask'] as const) {
    for (let k = 0; k < ring.count(seq, name); k++) {
      const p = ring.price(seq, name, k);
      if (Math.abs(p - price) <= half) {
        size = ring.size(seq, name, k);
        side = name;
        levelPrice = p;
      }
    }
  }
  let traded = 0;
  for (let k = 0; k < ring.tradeCount(seq); k++) if (Math.abs(ring.tradePrice(seq, k) - levelPrice) <= half) traded += ring.tradeBought(seq, k) + ring.tradeSold(seq, k);
  return { time: ring.time(seq), price: side ? levelPrice : price, size, side, traded };
}
