/**
 * The heatmap's keys, for a user without a mouse: what a key on the focused map does to the viewport (the wheel's and
 * the drag's moves, by fixed steps). Pure; the page's keydown handler maps the event, then applies it to the view.
 */
import { LIVE_VIEW, liveView, pan, zoomPrice, zoomTime, type Resolved, type Viewport } from './heatmapModel';

/** One step of zoom: a wheel notch, or a key press. */
export const ZOOM_STEP = 1.15;
/** A key press pans by this share of the view's width (time) or height (price). */
export const PAN_SHARE = 0.1;

/** What the map's keys say, as the page's accessible description and toolbar hint tell the user. */
export const KEYS_DESCRIPTION = 'Keys: + or = zooms time in, − zooms it out; Shift+↑ and Shift+↓ zoom the price axis; the arrow keys move in time and price; Home follows the market again; 0 also resets the zoom.';

export type HeatKey =
  | { readonly kind: 'zoomTime'; readonly zoomIn: boolean }
  | { readonly kind: 'zoomPrice'; readonly zoomIn: boolean }
  /** -1: older (left) or lower (down), 1: newer or higher. */
  | { readonly kind: 'panTime'; readonly toward: -1 | 1 }
  | { readonly kind: 'panPrice'; readonly toward: -1 | 1 }
  /** Follow the market again (newest at the right, price on the spread), at the zoom chosen: the Live button. */
  | { readonly kind: 'live' }
  /** Live, at the first zoom too. */
  | { readonly kind: 'reset' };

export type KeyPress = Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>;

/**
 * The map's action for a key, or undefined: the key is not the map's and is left to the browser and VS Code (Tab,
 * and every Ctrl, Cmd or Alt chord: Ctrl+= and Ctrl+0 zoom the window).
 */
export function heatKey(e: KeyPress): HeatKey | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  switch (e.key) {
    case '+':
    case '=':
      return { kind: 'zoomTime', zoomIn: true };
    case '-':
    case '_':
      return { kind: 'zoomTime', zoomIn: false };
    case 'ArrowUp':
      return e.shiftKey ? { kind: 'zoomPrice', zoomIn: true } : { kind: 'panPrice', toward: 1 };
    case 'ArrowDown':
      return e.shiftKey ? { kind: 'zoomPrice', zoomIn: false } : { kind: 'panPrice', toward: -1 };
    case 'ArrowLeft':
      return e.shiftKey ? undefined : { kind: 'panTime', toward: -1 };
    case 'ArrowRight':
      return e.shiftKey ? undefined : { kind: 'panTime', toward: 1 };
    case 'Home':
      return { kind: 'live' };
    case '0':
      return { kind: 'reset' };
    default:
      return undefined;
  }
}

/**
 * The viewport after `key`, `r` being `vp` resolved against the columns held. Zooms keep the middle of the view
 * where it is (a live view stays live); panning to the newest column returns to live time; a pan in time leaves the
 * price axis as it was (following the market, or where the user put it).
 */
export function afterKey(key: HeatKey, vp: Viewport, r: Resolved, newestIndex: number): Viewport {
  switch (key.kind) {
    case 'zoomTime':
      return zoomTime(vp, r, r.width / 2, key.zoomIn ? ZOOM_STEP : 1 / ZOOM_STEP, newestIndex);
    case 'zoomPrice':
      return zoomPrice(vp, r, r.height / 2, key.zoomIn ? 1 / ZOOM_STEP : ZOOM_STEP);
    case 'panTime': {
      const moved = pan(vp, r, -key.toward * r.width * PAN_SHARE, 0, newestIndex);
      return { ...moved, centerPrice: vp.centerPrice };
    }
    case 'panPrice':
      return pan(vp, r, 0, key.toward * r.height * PAN_SHARE, newestIndex);
    case 'live':
      return liveView(vp);
    case 'reset':
      return LIVE_VIEW;
  }
}
