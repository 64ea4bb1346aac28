/**
 * Which part of the heatmap a frame must paint. Columns and prices sit at fixed device pixels counted from an anchor
 * chosen at the last full redraw, so a live view's new columns only reveal a strip at the right edge, and a price
 * centre moved by whole pixels only a band at the top or bottom: the picture already drawn stays valid as long as
 * the zoom, the size, the theme and the colour scale hold. Pure; no DOM.
 */

/**
 * Where things go, in device pixels: column `seq` starts at x = `pxOf(map, seq)`, price p at row
 * `(priceTop − p) / ppd`. Zoomed out below one device pixel a column, columns are drawn in groups of `stride`
 * (aligned to sequence numbers, so a group never changes as columns arrive), each group at least a pixel wide.
 */
export interface PixelMap {
  /** The sequence number at x = 0. */
  readonly anchor: number;
  /** Device pixels per column. */
  readonly cwd: number;
  readonly stride: number;
  /** The price at row 0, and price per device pixel. */
  readonly priceTop: number;
  readonly ppd: number;
}

export const strideFor = (cwd: number): number => (cwd >= 1 ? 1 : Math.ceil(1 / cwd - 1e-9));

/** The map of a full redraw: the right edge at x = 0, the top of the picture at row 0. */
export function pixelMap(right: number, colWidth: number, dpr: number, center: number, pricePerPx: number, heightPx: number): PixelMap {
  const cwd = colWidth * dpr;
  const ppd = pricePerPx / dpr;
  return { anchor: right + 1, cwd, stride: strideFor(cwd), priceTop: center + (heightPx / 2) * ppd, ppd };
}

export const pxOf = (m: PixelMap, seq: number): number => Math.floor((seq - m.anchor) * m.cwd + 1e-9);

/** The row (fractional) of a price. */
export const rowOf = (m: PixelMap, price: number): number => (m.priceTop - price) / m.ppd;

/** The groups drawn in device pixels [from, to): for each, its number and the pixels it covers there. */
export function groupsIn(m: PixelMap, from: number, to: number): { group: number; x0: number; x1: number }[] {
  const out: { group: number; x0: number; x1: number }[] = [];
  if (to <= from) return out;
  const g0 = Math.floor((m.anchor + from / m.cwd) / m.stride) - 1;
  const g1 = Math.floor((m.anchor + to / m.cwd) / m.stride) + 1;
  for (let g = g0; g <= g1; g++) {
    const x0 = Math.max(from, pxOf(m, g * m.stride));
    const x1 = Math.min(to, pxOf(m, (g + 1) * m.stride));
    if (x1 > x0) out.push({ group: g, x0, x1 });
  }
  return out;
}

/** Everything a frame's picture of the heat depends on. */
export interface HeatFrame {
  /** The ring's snapshot count, the newest older column added in front, its oldest and newest column. */
  readonly epoch: number;
  readonly olderUpTo: number;
  readonly first: number;
  readonly last: number;
  /** The column at the right edge (fractional when the user dragged) and whether the view follows the market. */
  readonly right: number;
  readonly live: boolean;
  /** Device pixels of the heat area, and per CSS pixel. */
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
  readonly colWidth: number;
  readonly center: number;
  readonly pricePerPx: number;
  readonly themeKey: string;
}

/** What the last full redraw fixed: the frame last drawn, the pixel anchor, and the colour scale with the column that set it. */
export interface HeldHeat {
  readonly frame: HeatFrame;
  readonly map: PixelMap;
  readonly maxSize: number;
  /** The sequence number of the (drawn) column holding `maxSize`. */
  readonly maxSeq: number;
}

/** A rectangle of device pixels in the held map: x in [x0, x1), rows in [y0, y1). */
export type PixelRect = readonly [x0: number, x1: number, y0: number, y1: number];

export type HeatPlan =
  | { readonly kind: 'full'; readonly why: string }
  /** Paint these rectangles and leave the rest; with `rescale`, then set the colour scale again (why) and recolour. */
  | { readonly kind: 'incremental'; readonly rects: readonly PixelRect[]; readonly rescale?: string }
  | { readonly kind: 'none' };

/** The right edge of the picture in the map's pixels. */
export const rightEdge = (m: PixelMap, right: number): number => pxOf(m, right + 1);

/** The first column (maybe fractional) whose pixels are in view. */
export const leftSeq = (m: PixelMap, right: number, width: number): number => m.anchor + (rightEdge(m, right) - width) / m.cwd;

/** The row of the picture's top edge for a centre, or undefined if that centre is not a whole number of rows away. */
export function topRow(m: PixelMap, center: number, height: number): number | undefined {
  const top = rowOf(m, center) - height / 2;
  const whole = Math.round(top);
  return Math.abs(top - whole) < 1e-6 ? whole : undefined;
}

/**
 * Full redraw when the zoom, size, theme or snapshot changed, the view was dragged, or older history landed in view;
 * otherwise the strips revealed at the right, those of the columns gone at the left, and the band a moved price
 * centre revealed. The colour scale is checked after (see scaleStillHolds); a new one only recolours what is held.
 */
export function planHeat(held: HeldHeat | undefined, f: HeatFrame): HeatPlan {
  if (!held) return { kind: 'full', why: 'first draw' };
  const h = held.frame;
  if (h.epoch !== f.epoch) return { kind: 'full', why: 'snapshot' };
  if (h.width !== f.width || h.height !== f.height || h.dpr !== f.dpr) return { kind: 'full', why: 'size' };
  if (h.themeKey !== f.themeKey) return { kind: 'full', why: 'theme' };
  if (h.colWidth !== f.colWidth) return { kind: 'full', why: 'time zoom' };
  if (h.pricePerPx !== f.pricePerPx) return { kind: 'full', why: 'price zoom' };
  if (f.right < h.right || (f.right !== h.right && !(h.live && f.live))) return { kind: 'full', why: 'pan' };
  const m = held.map;
  const oldTop = topRow(m, h.center, f.height);
  const top = topRow(m, f.center, f.height);
  if (oldTop === undefined || top === undefined || Math.abs(top - oldTop) >= f.height) return { kind: 'full', why: 'price range' };
  const left = leftSeq(m, f.right, f.width);
  if (f.olderUpTo !== h.olderUpTo && f.olderUpTo >= left - m.stride) return { kind: 'full', why: 'older columns in view' };
  const oldEdge = rightEdge(m, h.right);
  const edge = rightEdge(m, f.right);
  if (edge - oldEdge >= f.width) return { kind: 'full', why: 'more new columns than fit' };
  const rects: PixelRect[] = [];
  const bottom = top + f.height;
  if (edge > oldEdge) rects.push([oldEdge, edge, top, bottom]);
  if (f.first > h.first) {
    // The columns gone at the left: their groups are drawn again from what is left (or as background).
    const from = Math.max(edge - f.width, pxOf(m, Math.floor(h.first / m.stride) * m.stride));
    const g = Math.floor(f.first / m.stride);
    const to = Math.min(edge, pxOf(m, (f.first === g * m.stride ? g : g + 1) * m.stride));
    if (to > from) rects.push([from, to, top, bottom]);
  }
  if (top < oldTop) rects.push([edge - f.width, edge, top, oldTop]);
  if (top > oldTop) rects.push([edge - f.width, edge, oldTop + f.height, bottom]);
  if (held.maxSize > 0 && (held.maxSeq < f.first || held.maxSeq < left)) return { kind: 'incremental', rects, rescale: 'scale column left the view' };
  return rects.length > 0 ? { kind: 'incremental', rects } : { kind: 'none' };
}

/**
 * A full redraw sets the colour scale this much above the largest size in view: on the log scale the largest still
 * reads near the top colour (0.95 of it for a size of 50), and a new column only a little larger needs no redraw.
 */
export const SCALE_HEADROOM = 1.25;

/**
 * A live view sets a new colour scale at most this often (a recolour of every pixel): in between, a size above the
 * held scale reads as its top colour, and after the wall that set it left, the picture reads a little dim, for at
 * most this long. The emulator's book set one on about every sixth sample otherwise.
 */
export const RESCALE_EVERY_MS = 1000;

/** New columns drawn on the held scale must not outgrow it (they would all read as its top colour). */
export const scaleStillHolds = (held: HeldHeat, newMax: number): boolean => newMax <= held.maxSize;

/**
 * After the price axis moved, the largest size now in view may be far below the one that set the scale (a wall that
 * scrolled out of the price range): then everything reads dim, and the scale must be set again.
 */
export const scaleTooHigh = (held: HeldHeat, maxInView: number): boolean => maxInView * 1.5 < held.maxSize / SCALE_HEADROOM;
