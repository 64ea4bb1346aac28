/**
 * The heatmap's colour ramps per theme kind, as 256 packed RGBA pixels (little-endian ABGR, for a Uint32Array over
 * ImageData), and the lookup table that maps a pixel's level code (its size on a fixed log scale) straight to its
 * colour on a given colour scale. Pure.
 */
import { fromOklab, parseColor, toOklab, type Rgba } from '../shared/color';
import type { ThemeKind } from '../shared/themeModel';

/** A ramp's colours after the background, evenly spaced, and how two neighbours are mixed. */
interface Ramp {
  readonly stops: readonly string[];
  readonly mix: (a: Rgba, b: Rgba, f: number) => Rgba;
}

const lerp = (x: number, y: number, f: number) => x + (y - x) * f;

function mixRgb(a: Rgba, b: Rgba, f: number): Rgba {
  return { r: lerp(a.r, b.r, f), g: lerp(a.g, b.g, f), b: lerp(a.b, b.b, f), a: 1 };
}

function mixOklab(a: Rgba, b: Rgba, f: number): Rgba {
  const p = toOklab(a);
  const q = toOklab(b);
  return fromOklab({ L: lerp(p.L, q.L, f), a: lerp(p.a, q.a, f), b: lerp(p.b, q.b, f) });
}

const DARK: Ramp = { stops: ['#08306b', '#1f78b4', '#35c9d5', '#f5d90a', '#ffffff'], mix: mixRgb };
/**
 * Lightness (OKLab L) falls in even steps from the background to the hot end (0.88, 0.72, 0.61, 0.49, 0.38), the hue
 * turning from blue through violet to crimson and dark red so chroma stays high, mixed in OKLab. The ramp it replaces
 * went from a dark blue back up to a lighter orange, mixed in RGB: the sizes between came out slate grey and brown.
 */
const LIGHT: Ramp = { stops: ['#c6dbef', '#6baed6', '#9f62c8', '#b10d43', '#7f0000'], mix: mixOklab };

/** Packs an RGB colour into one little-endian RGBA pixel (alpha opaque). */
export function packPixel(r: number, g: number, b: number): number {
  return ((255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r)) >>> 0;
}

/**
 * 256 pixels from the background (nothing resting) through the theme's ramp (a dark ramp brightening to white on
 * dark themes, pale blue darkening through violet to dark red on light ones). Index 0 is the background itself.
 */
export function heatRamp(kind: ThemeKind, background: string): Uint32Array {
  const light = kind === 'light' || kind === 'high-contrast-light';
  const ramp = light ? LIGHT : DARK;
  const stops = [background, ...ramp.stops].map((c) => parseColor(c) ?? { r: light ? 255 : 30, g: light ? 255 : 30, b: light ? 255 : 30, a: 1 });
  const out = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const a = stops[k];
    const b = stops[k + 1];
    if (!a || !b) continue;
    const c = ramp.mix(a, b, t - k);
    out[i] = packPixel(c.r, c.g, c.b);
  }
  return out;
}

/** Level codes per unit of log(1 + size): fine enough that a code never spans two of the ramp's 256 colours' midpoints by more than a fraction. */
export const CODES_PER_LOG = 2048;
/** The code of a pixel no level covers (the background). */
export const NO_LEVEL = 0;
const TOP_CODE = 0xffff;

/**
 * A resting size as a 16-bit level code: 1 + log(1 + size) in steps of 1/CODES_PER_LOG (a size of 0 is 1: the
 * scale's lowest colour, not the background), up to sizes of about 8e13, above which it saturates.
 */
export function levelCode(size: number): number {
  const log = size > 0 ? Math.log1p(size) : 0;
  return Math.min(TOP_CODE, 1 + Math.round(log * CODES_PER_LOG));
}

/**
 * The colour of every level code on the log scale whose top is `maxSize` (the ramp's index round(255 ·
 * log(1 + size) / log(1 + maxSize)), at least 1), with NO_LEVEL the background: recolouring a pixel is one lookup.
 */
export function colourLut(colours: Uint32Array, maxSize: number): Uint32Array {
  const lut = new Uint32Array(TOP_CODE + 1);
  lut[NO_LEVEL] = colours[0] ?? 0;
  const k = maxSize > 0 ? 255 / (Math.log1p(maxSize) * CODES_PER_LOG) : 0;
  for (let code = 1; code <= TOP_CODE; code++) lut[code] = colours[Math.max(1, Math.min(255, Math.round((code - 1) * k)))] ?? 0;
  return lut;
}
