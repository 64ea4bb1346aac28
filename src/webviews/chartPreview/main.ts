/**
 * A chart page's first script (see shared/pagePreview.ts): paints the cached bars of the page's HTML on a canvas
 * where the chart will be, then, after that frame, runs the chart's bundle (posted by the host: shared/pageScript.ts),
 * which removes the preview once it has painted. Any failure in the painting only means no preview.
 */
import type { HostMessage } from '../../shared/protocol';
import { ChartSnapshot } from '../../shared/protocol/chart';
import { CHART_PREVIEW_ID } from '../../shared/pagePreview';
import { INLINE_MESSAGES_ID } from '../../shared/util/inlineJson';
import { epochMs } from '../shared/bootClock';
import { withAlpha } from '../shared/color';
import { inlineUse } from '../shared/inlinePage';
import { loadPostedBundle } from '../shared/postedBundle';
import { readTheme } from '../shared/readTheme';
import type { Theme } from '../shared/themeModel';
import { pageApi } from '../shared/vscodeApi';
import { parseKeptView, viewRange } from '../chart/keptView';
import { toBar } from '../chart/barStore';
import { axisFontSize, emaColour } from '../chart/chartLook';
import { EmaTracker } from '../chart/emaTracker';
import { seriesKey } from '../chart/footprintModel';
import { previewDecimals, previewLayout, type PreviewLayout, type PreviewLine } from './previewLayout';

type SnapshotParams = Extract<HostMessage, { method: 'chart/snapshot' }>['params'];

/** The bundle may run by then even if no frame came (a page loaded hidden gets no animation frames). */
const BUNDLE_AT_LATEST_MS = 250;

const nonce = document.currentScript instanceof HTMLScriptElement ? (document.currentScript.nonce ?? '') : '';
const bundle = loadPostedBundle(nonce);

/** Why no preview was painted ('painted' when one was), for e2e. */
function paint(): string {
  const element = document.getElementById(INLINE_MESSAGES_ID);
  const text = element?.textContent;
  const state = pageApi().getState();
  const usedBefore = typeof state === 'object' && state !== null ? (state as Record<string, unknown>).inlinePage : undefined;
  if (inlineUse(text, element?.dataset.page, usedBefore) !== 'used' || !text) return 'no bars';
  const raw: unknown = JSON.parse(text);
  const params = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).params : undefined;
  if ((raw as { method?: unknown }).method !== ChartSnapshot.method || ChartSnapshot.check(params, 'params') !== undefined) return 'invalid';
  const snapshot = params as SnapshotParams;
  // Panes and footprint cells the preview does not draw: the chart paints those itself.
  if (snapshot.footprint === true || (snapshot.legs?.length ?? 0) > 0) return 'not plain';
  const theme = readTheme();
  const fontSize = axisFontSize(theme);
  const host = document.createElement('div');
  host.id = CHART_PREVIEW_ID;
  // Dimmed as the chart is while it is not live (common.css): cached bars must not pass for live ones either.
  host.className = 'chart-preview stale-dims';
  document.body.dataset.stale = 'true';
  document.body.appendChild(host);
  const box = host.getBoundingClientRect();
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return 'no canvas';
  ctx.font = `${fontSize}px ${theme.fontFamily}`;
  const series = seriesKey(snapshot.market.exchange, snapshot.market.symbol, snapshot.timeframe);
  const kept = parseKeptView((state as Record<string, unknown> | undefined)?.view);
  const view = kept && viewRange(kept, series, snapshot.candles.map((c) => ({ time: Math.floor(c[0] / 1000) })));
  const layout = previewLayout({
    candles: snapshot.candles,
    width: box.width,
    height: box.height,
    fontSize,
    showVolume: snapshot.options.showVolume,
    decimals: previewDecimals(snapshot.candles, snapshot.tickSize),
    ...(view ? { view } : {}),
    labelWidth: (s) => ctx.measureText(s).width,
    emas: emaLines(snapshot),
  });
  if (!layout) return 'no room';
  draw(canvas, ctx, box, layout, theme, snapshot.options.showVolume);
  host.appendChild(canvas);
  return 'painted';
}

/** The chart's EMA lines over the same bars (chartView's EmaTracker: the same values, from the same bar on). */
function emaLines(snapshot: SnapshotParams): PreviewLine[] {
  const bars = snapshot.candles.map(toBar);
  return new EmaTracker(snapshot.options.emaPeriods).reset(bars).map((points) => ({ first: bars.length - points.length, values: points.map((p) => p.value) }));
}

function draw(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D, box: DOMRect, layout: PreviewLayout, theme: Theme, showVolume: boolean): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(box.width * ratio);
  canvas.height = Math.round(box.height * ratio);
  canvas.style.width = `${box.width}px`;
  canvas.style.height = `${box.height}px`;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, box.width, box.height);
  ctx.fillStyle = withAlpha(theme.border, 0.9);
  ctx.fillRect(layout.plotWidth, 0, 1, box.height);
  ctx.fillRect(0, layout.plotHeight, layout.plotWidth, 1);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, layout.plotWidth, layout.plotHeight);
  ctx.clip();
  const half = Math.floor(layout.bodyWidth / 2);
  for (const bar of layout.bars) {
    const colour = bar.up ? theme.green : theme.red;
    const left = Math.round(bar.x) - half;
    if (showVolume && bar.volumeTop !== undefined) {
      ctx.fillStyle = withAlpha(colour, bar.partial ? 0.15 : 0.4);
      ctx.fillRect(left, bar.volumeTop, layout.bodyWidth, layout.plotHeight - bar.volumeTop);
    }
    ctx.fillStyle = bar.partial ? withAlpha(colour, 0.35) : colour;
    ctx.fillRect(Math.round(bar.x), bar.high, 1, Math.max(1, bar.low - bar.high));
    const top = Math.min(bar.open, bar.close);
    ctx.fillRect(left, top, layout.bodyWidth, Math.max(1, Math.abs(bar.close - bar.open)));
  }
  layout.lines.forEach((points, i) => {
    ctx.strokeStyle = emaColour(theme, i);
    ctx.lineWidth = 1;
    ctx.beginPath();
    points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.stroke();
  });
  ctx.restore();
}

let outcome: string;
try {
  outcome = paint();
} catch (e) {
  outcome = `failed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200);
}
document.body.dataset.preview = outcome;
if (outcome === 'painted' && document.visibilityState === 'visible') {
  // A task after the frame's callbacks: the frame with the preview is on screen before the bundle holds the thread.
  requestAnimationFrame(() =>
    setTimeout(() => {
      document.body.dataset.previewPainted = String(epochMs());
      bundle.allow();
    }),
  );
  setTimeout(() => bundle.allow(), BUNDLE_AT_LATEST_MS);
} else {
  document.getElementById(CHART_PREVIEW_ID)?.remove();
  bundle.allow();
}
