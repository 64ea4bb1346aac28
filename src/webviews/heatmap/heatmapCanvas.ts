/**
 * Draws the heatmap on a canvas: the heat picture (see heatLayer: a live view paints only what it newly shows), then on
 * top the best bid and ask as lines, trades as bubbles sized by volume, a price axis and a time axis. A full redraw
 * happens only when the zoom, the size, the theme or the view's place (dragged) changes (see heatPlan); a new colour
 * scale recolours the picture held, without reading the columns again.
 */
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import { formatPrice, formatSpan, formatTimeUtc, inferDecimals } from '../shared/format';
import type { ColumnRing, Side } from './columnRing';
import { colourLut, heatRamp } from './heatRamp';
import { HeatLayer, largestIn, representative } from './heatLayer';
import { groupsIn, pixelMap, planHeat, pxOf, RESCALE_EVERY_MS, rightEdge, SCALE_HEADROOM, scaleStillHolds, scaleTooHigh, topRow, type HeatFrame, type HeldHeat, type PixelMap } from './heatPlan';
import { columnAtX, yOfPrice, type HeldPrice, type Resolved } from './heatmapModel';

export const AXIS_WIDTH = 72;
export const AXIS_HEIGHT = 20;
const MAX_BUBBLE = 14;

/** What was drawn (for tests, the status line and the frame-time benchmark). */
export interface DrawStats {
  /** `recolour`: the new strips painted, then the whole picture recoloured on a new colour scale. */
  readonly kind: 'full' | 'incremental' | 'recolour' | 'none';
  /** Why a full redraw or a recolour was due (empty otherwise). */
  readonly why: string;
  /** Column groups in view with data. */
  readonly columns: number;
  /** Gaps in time between the columns in view, marked. */
  readonly gaps: number;
  readonly maxSize: number;
  /** Where the draw's time went (ms, as the page issues the canvas calls): the heat picture, its blit, bid/ask lines and bubbles, axes. */
  readonly phases: readonly [heat: number, blit: number, overlay: number, axes: number];
}

/** A group's trades merged per price: [price, bought, sold, …]. */
type Merged = number[];

export class HeatmapRenderer {
  private readonly layer = new HeatLayer();
  private held: (HeldHeat & { readonly step: number }) | undefined;
  private ramp: { key: string; colours: Uint32Array } | undefined;
  /** The colour scale as a lookup table per level code, for one ramp and one top size. */
  private lut: { colours: Uint32Array; maxSize: number; table: Uint32Array } | undefined;
  /** Merged trades of whole groups, by group: valid for one pixel map (cleared at every full redraw). */
  private readonly merged = new Map<number, Merged>();
  private price: (HeldPrice & { readonly epoch: number }) | undefined;
  /** When the colour scale was last set (ms, the draw's clock). */
  private scaledAt = Number.NEGATIVE_INFINITY;

  /** Lets go of the heat picture (the page is hidden): the next draw paints it whole, as the resync's snapshot makes it do anyway. */
  release(): void {
    this.layer.release();
    this.held = undefined;
    this.merged.clear();
  }

  /** The live view's price axis as last drawn (while the view follows the price). */
  heldPrice(epoch: number): HeldPrice | undefined {
    return this.price?.epoch === epoch ? this.price : undefined;
  }

  /**
   * `r` is in CSS pixels for the heat area; the canvas is `dpr` device pixels per CSS pixel. `live`: the view
   * follows new columns; `followsPrice`: its price axis is the market's (not one the user chose).
   */
  draw(ctx: CanvasRenderingContext2D, ring: ColumnRing, r: Resolved, view: { live: boolean; followsPrice: boolean }, theme: Theme, dpr: number, now = performance.now()): DrawStats {
    const t0 = performance.now();
    const themeKey = `${theme.kind}|${theme.background}`;
    if (this.ramp?.key !== themeKey) this.ramp = { key: themeKey, colours: heatRamp(theme.kind, theme.background) };
    const colours = this.ramp.colours;
    const frame: HeatFrame = {
      epoch: ring.epoch,
      olderUpTo: ring.olderUpTo,
      first: ring.first,
      last: ring.last,
      right: r.right,
      live: view.live,
      width: Math.max(1, Math.round(r.width * dpr)),
      height: Math.max(1, Math.round(r.height * dpr)),
      dpr,
      colWidth: r.colWidth,
      center: r.center,
      pricePerPx: r.pricePerPx,
      themeKey,
    };
    this.price = view.followsPrice ? { center: r.center, pricePerPx: r.pricePerPx, height: r.height, dpr, epoch: ring.epoch } : undefined;
    const plan = planHeat(this.held, frame);
    // Between two new colour scales the held one stays (and its checks are skipped): see RESCALE_EVERY_MS.
    const mayRescale = now - this.scaledAt >= RESCALE_EVERY_MS;
    let rescale = plan.kind === 'incremental' && mayRescale ? plan.rescale : undefined;
    if (plan.kind === 'incremental' && this.held && !rescale && mayRescale) {
      const held = this.held;
      const largest = Math.max(...plan.rects.map((rect) => largestIn(ring, held.map, rect, held.step).size));
      if (!scaleStillHolds(held, largest)) rescale = 'scale';
      else if (frame.center !== held.frame.center && scaleTooHigh(held, this.largestInView(ring, frame).size)) rescale = 'scale above the view';
    }
    if (plan.kind === 'full' || !this.held) {
      const step = ring.levelStep(ring.last);
      // Anchor the pixels at the picture's top right corner: the layer's ring then starts where the picture does.
      const map = pixelMap(r.right, r.colWidth, dpr, r.center, r.pricePerPx, frame.height);
      const whole = [-frame.width, 0, 0, frame.height] as const;
      const largest = largestIn(ring, map, whole, step);
      this.held = { frame, map, maxSize: largest.size * SCALE_HEADROOM, maxSeq: largest.seq, step };
      this.scaledAt = now;
      this.merged.clear();
      this.layer.resize(frame.width, frame.height);
      this.layer.paint({ ring, map, lut: this.lutFor(colours, this.held.maxSize), step }, whole);
    } else if (plan.kind === 'incremental' && rescale) {
      // A new colour scale: the new strips' levels, then every pixel recoloured from the levels held (no column read).
      const held = this.held;
      for (const rect of plan.rects) this.layer.paintLevels({ ring, map: held.map, step: held.step }, rect);
      const largest = this.largestInView(ring, frame);
      this.held = { ...held, frame, maxSize: largest.size * SCALE_HEADROOM, maxSeq: largest.seq };
      this.scaledAt = now;
      this.layer.recolour(this.lutFor(colours, this.held.maxSize));
    } else {
      const held = this.held;
      if (plan.kind === 'incremental') for (const rect of plan.rects) this.layer.paint({ ring, map: held.map, lut: this.lutFor(colours, held.maxSize), step: held.step }, rect);
      this.held = { ...held, frame };
    }
    const held = this.held;
    const t1 = performance.now();
    const edge = rightEdge(held.map, r.right);
    // The blit covers the heat area and axes() fills the rest: no clearing first.
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.layer.blit(ctx, edge, topRow(held.map, r.center, frame.height) ?? 0);
    const t2 = performance.now();

    // The overlay, in CSS pixels: group g's centre is at its pixels' middle, counted from the picture's left edge.
    const groups = groupsIn(held.map, edge - frame.width, edge).flatMap(({ group }) => {
      const seq = representative(ring, held.map, group);
      if (seq === undefined) return [];
      const mid = (pxOf(held.map, group * held.map.stride) + pxOf(held.map, (group + 1) * held.map.stride)) / 2;
      return [{ group, seq, x: (mid - (edge - frame.width)) / dpr }];
    });
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, r.width, r.height);
    ctx.clip();
    bestLine(ctx, ring, r, groups, 'bid', theme.green);
    bestLine(ctx, ring, r, groups, 'ask', theme.red);
    this.bubbles(ctx, ring, r, held.map, groups, theme);
    const gaps = gapMarks(ctx, ring, r, held.map, groups, (px) => (px - (edge - frame.width)) / dpr, theme);
    ctx.restore();
    const t3 = performance.now();
    axes(ctx, ring, r, theme, groups[0]?.seq ?? 0, ring.last);
    const kind = rescale && plan.kind === 'incremental' ? 'recolour' : plan.kind;
    return { kind, why: plan.kind === 'full' ? plan.why : (rescale ?? ''), columns: groups.length, gaps, maxSize: held.maxSize, phases: [t1 - t0, t2 - t1, t3 - t2, performance.now() - t3] };
  }

  /** The lookup table of a colour scale, built once per ramp and top size. */
  private lutFor(colours: Uint32Array, maxSize: number): Uint32Array {
    if (this.lut?.colours !== colours || this.lut.maxSize !== maxSize) this.lut = { colours, maxSize, table: colourLut(colours, maxSize) };
    return this.lut.table;
  }

  /** The largest size the frame's picture shows (on the held pixel map), and its column. */
  private largestInView(ring: ColumnRing, frame: HeatFrame): { size: number; seq: number } {
    if (!this.held) return { size: 0, seq: Number.NEGATIVE_INFINITY };
    const { map, step } = this.held;
    const edge = rightEdge(map, frame.right);
    const top = topRow(map, frame.center, frame.height) ?? 0;
    return largestIn(ring, map, [edge - frame.width, edge, top, top + frame.height], step);
  }

  /**
   * Trades as bubbles, one per price per drawn group (the trades of its columns merged), sized against the largest
   * in view; all the buying ones in one path and all the selling ones in another. A group's merge is kept once no
   * column can join it.
   */
  private bubbles(ctx: CanvasRenderingContext2D, ring: ColumnRing, r: Resolved, m: PixelMap, groups: readonly { group: number; x: number }[], theme: Theme): void {
    const firstGroup = groups[0]?.group ?? 0;
    for (const g of this.merged.keys()) {
      if (g >= firstGroup) break;
      this.merged.delete(g);
    }
    let maxTrade = 0;
    const shown: { x: number; merged: Merged }[] = [];
    for (const { group, x } of groups) {
      let merged = this.merged.get(group);
      if (!merged) {
        merged = mergeTrades(ring, group * m.stride, (group + 1) * m.stride);
        if ((group + 1) * m.stride - 1 < ring.last && group * m.stride >= ring.first) this.merged.set(group, merged);
      }
      for (let k = 0; k < merged.length; k += 3) maxTrade = Math.max(maxTrade, (merged[k + 1] ?? 0) + (merged[k + 2] ?? 0));
      if (merged.length > 0) shown.push({ x, merged });
    }
    if (maxTrade <= 0) return;
    for (const buying of [true, false]) {
      ctx.beginPath();
      for (const { x, merged } of shown) {
        for (let k = 0; k < merged.length; k += 3) {
          const buy = merged[k + 1] ?? 0;
          const sell = merged[k + 2] ?? 0;
          if (buy >= sell !== buying) continue;
          const radius = Math.max(1.5, Math.sqrt((buy + sell) / maxTrade) * MAX_BUBBLE);
          const y = yOfPrice(r, merged[k] ?? 0);
          ctx.moveTo(x + radius, y);
          ctx.arc(x, y, radius, 0, Math.PI * 2);
        }
      }
      const colour = buying ? theme.green : theme.red;
      ctx.fillStyle = withAlpha(colour, 0.45);
      ctx.fill();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  }
}

/** The trades of columns [from, to) held, merged per price. */
function mergeTrades(ring: ColumnRing, from: number, to: number): Merged {
  const byPrice = new Map<number, number>();
  const out: Merged = [];
  for (let seq = Math.max(from, ring.first); seq < Math.min(to, ring.last + 1); seq++) {
    for (let k = 0; k < ring.tradeCount(seq); k++) {
      const price = ring.tradePrice(seq, k);
      let at = byPrice.get(price);
      if (at === undefined) {
        at = out.length;
        byPrice.set(price, at);
        out.push(price, 0, 0);
      }
      out[at + 1] = (out[at + 1] ?? 0) + ring.tradeBought(seq, k);
      out[at + 2] = (out[at + 2] ?? 0) + ring.tradeSold(seq, k);
    }
  }
  return out;
}

function bestLine(ctx: CanvasRenderingContext2D, ring: ColumnRing, r: Resolved, groups: readonly { group: number; seq: number; x: number }[], side: Side, colour: string): void {
  ctx.beginPath();
  let open = false;
  let previous = Number.NaN;
  let previousSeq = Number.NaN;
  for (const { group, seq, x } of groups) {
    const p = ring.best(seq, side);
    // A group without samples, or a span of time without them, is a gap in the line.
    if (p === undefined || group - previous > 1 || ring.gaps.any(previousSeq, seq)) open = false;
    previous = group;
    previousSeq = seq;
    if (p === undefined) continue;
    const y = yOfPrice(r, p);
    if (open) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    open = true;
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/**
 * A dashed line where the samples skip time (the book stream was down, the host restarted), labelled with the time
 * skipped where there is room: neighbouring columns are drawn side by side whatever time lies between them.
 */
function gapMarks(ctx: CanvasRenderingContext2D, ring: ColumnRing, r: Resolved, m: PixelMap, groups: readonly { group: number }[], cssX: (px: number) => number, theme: Theme): number {
  const first = groups[0];
  const last = groups.at(-1);
  if (!first || !last) return 0;
  const gaps = ring.gaps.between(Math.max(ring.first, first.group * m.stride), Math.min(ring.last, (last.group + 1) * m.stride - 1));
  if (gaps.length === 0) return 0;
  ctx.save();
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  const xs = gaps.map((g) => Math.round(cssX(pxOf(m, g.seq))) + 0.5);
  for (const x of xs) {
    ctx.moveTo(x, 0);
    ctx.lineTo(x, r.height);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
  ctx.textBaseline = 'top';
  ctx.fillStyle = theme.muted;
  let labelEnd = Number.NEGATIVE_INFINITY;
  gaps.forEach((g, i) => {
    const x = xs[i] ?? 0;
    const label = `no data ${formatSpan(g.ms)}`;
    const w = ctx.measureText(label).width;
    if (x + 3 < labelEnd || x + 3 + w > r.width) return;
    ctx.fillText(label, x + 3, 3);
    labelEnd = x + 3 + w + 8;
  });
  ctx.restore();
  return gaps.length;
}

function axes(ctx: CanvasRenderingContext2D, ring: ColumnRing, r: Resolved, theme: Theme, first: number, last: number): void {
  ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
  ctx.fillStyle = theme.background;
  ctx.fillRect(r.width, 0, AXIS_WIDTH, r.height + AXIS_HEIGHT);
  ctx.fillRect(0, r.height, r.width, AXIS_HEIGHT);
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(r.width + 0.5, 0);
  ctx.lineTo(r.width + 0.5, r.height);
  ctx.lineTo(0, r.height + 0.5);
  ctx.stroke();
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = 'middle';
  // Price labels: a round step giving a label about every 40 px.
  const raw = 40 * r.pricePerPx;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const decimals = Math.min(8, Math.max(inferDecimals([step]), inferDecimals(ring.newestBidPrices(5))));
  const top = r.center + (r.height / 2) * r.pricePerPx;
  for (let p = Math.floor(top / step) * step; Number.isFinite(step) && step > 0 && yOfPrice(r, p) < r.height; p -= step) {
    const y = yOfPrice(r, p);
    if (y < 6) continue;
    ctx.fillText(formatPrice(p, decimals), r.width + 6, y);
  }
  // Time labels about every 120 px.
  ctx.textBaseline = 'top';
  for (let x = r.width - 60; x > 30; x -= 120) {
    const seq = Math.round(columnAtX(r, x));
    if (seq < first || seq > last || !ring.has(seq)) continue;
    const label = formatTimeUtc(ring.time(seq));
    ctx.fillText(label, x - ctx.measureText(label).width / 2, r.height + 4);
  }
}
