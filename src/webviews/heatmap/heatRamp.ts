/** The heatmap's colour ramps per theme kind, as 256 packed RGBA pixels (little-endian ABGR, for a Uint32Array over ImageData). Pure. */
import { parseColor } from '../shared/color';
import type { ThemeKind } from '../shared/themeModel';

const DARK_STOPS = ['#08306b', '#1f78b4', '#35c9d5', '#f5d90a', '#ffffff'];
const LIGHT_STOPS = ['#c6dbef', '#6baed6', '#2171b5', '#f16913', '#7f0000'];

/** Packs an RGB colour into one little-endian RGBA pixel (alpha opaque). */
export function packPixel(r: number, g: number, b: number): number {
  return ((255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r)) >>> 0;
}

/**
 * 256 pixels from the background (nothing resting) through the theme's ramp (a dark ramp brightening to white on
 * dark themes, pale blue darkening to red on light ones). Index 0 is the background itself.
 */
export function heatRamp(kind: ThemeKind, background: string): Uint32Array {
  const light = kind === 'light' || kind === 'high-contrast-light';
  const stops = [background, ...(light ? LIGHT_STOPS : DARK_STOPS)].map((c) => parseColor(c) ?? { r: light ? 255 : 30, g: light ? 255 : 30, b: light ? 255 : 30, a: 1 });
  const out = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    const a = stops[k];
    const b = stops[k + 1];
    if (a && b) out[i] = packPixel(a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f);
  }
  return out;
}
