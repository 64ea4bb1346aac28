/**
 * Liquidity heatmap webview: resting book size over time on a canvas (log colour scale), trades as bubbles, best
 * bid and ask as lines; scroll to zoom time (Shift or Ctrl: price), drag to pan, double-click or "Live" to follow the
 * market again (or the keys of heatmapKeys.ts, the map focused); size and time under the cursor.
 */
import '../shared/bootClock'; // first: its clock starts as the bundle starts running
import '../../../media/heatmap.css';
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { MarketRef, TradesMissingWire } from '../../shared/protocol';
import { ConnectionBadge } from '../shared/ConnectionBadge';
import { ConnectionState } from '../shared/connection';
import { setBodyData } from '../shared/dataset';
import { ErrorBanner } from '../shared/ErrorBanner';
import { MarketLabel } from '../shared/MarketLabel';
import { Toolbar } from '../shared/Toolbar';
import { ReplayBar } from '../shared/ReplayBar';
import { beforeColumnsNote } from './beforeColumns';
import { TradesMissingNote } from '../shared/TradesMissingNote';
import { formatAmount, formatPrice, formatTimeUtc, inferDecimals } from '../shared/format';
import { handlePanelMessage } from '../shared/latestPerBatch';
import { pageShown, ShownSize } from '../shared/keptPageShown';
import { useTheme } from '../shared/theme';
import { installErrorReporting, onMessage, post, postReady, rememberPanel } from '../shared/vscode';
import { ColumnRing } from './columnRing';
import { AXIS_HEIGHT, AXIS_WIDTH, HeatmapRenderer } from './heatmapCanvas';
import { afterKey, heatKey, KEYS_DESCRIPTION, ZOOM_STEP } from './heatmapKeys';
import { cursorInfo, LIVE_VIEW, liveView, pan, resolveView, zoomPrice, zoomTime, type CursorInfo, type Viewport } from './heatmapModel';

const connection = new ConnectionState();
const NO_SPANS: readonly TradesMissingWire[] = [];
const store = new ColumnRing();
const renderer = new HeatmapRenderer();
let draws = 0;
let fullDraws = 0;
let recolours = 0;

function App() {
  const [market, setMarket] = useState<MarketRef | undefined>(undefined);
  const [amountStep, setAmountStep] = useState<number | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [tradesMissing, setTradesMissing] = useState<readonly TradesMissingWire[]>(NO_SPANS);
  const [beforeColumns, setBeforeColumns] = useState(0);
  const [view, setView] = useState<Viewport>(LIVE_VIEW);
  const [cursor, setCursor] = useState<{ x: number; y: number; info: CursorInfo } | null>(null);
  const [version, setVersion] = useState(0);
  const theme = useTheme();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const size = useRef({ width: 0, height: 0 });
  /** The canvas's size in device pixels, none while the page is hidden. */
  const sizing = useRef<ShownSize<{ width: number; height: number }>>();
  const viewRef = useRef(view);
  viewRef.current = view;

  useEffect(() => {
    let first = true;
    let changed = false;
    const off = onMessage(
      (m) => {
        switch (m.method) {
          case 'heatmap/snapshot':
            rememberPanel('heatmap', m.params.market);
            setMarket(m.params.market);
            setAmountStep(m.params.amountStep);
            setBodyData('amountStep', m.params.amountStep);
            setTradesMissing(m.params.tradesMissing ?? NO_SPANS);
            setBodyData('tradesBeforeColumns', m.params.tradesBeforeColumns ?? 0);
            setBeforeColumns(m.params.tradesBeforeColumns ?? 0);
            store.reset(m.params.columns, m.params.maxColumns, m.params.sampleMs);
            changed = true;
            if (first) {
              first = false;
              requestAnimationFrame(() => post({ method: 'webview/rendered', params: { kind: 'heatmap', items: store.length } }));
            }
            break;
          case 'heatmap/columns':
            store.append(m.params.columns);
            changed = true;
            break;
          case 'heatmap/older':
            store.prepend(m.params.columns);
            changed = true;
            break;
          case 'heatmap/tradesMissing':
            setTradesMissing(m.params.missing);
            return;
          default:
            handlePanelMessage(m, { connection, onError: setError });
            return;
        }
        connection.markData(Date.now());
      },
      {
        onBatchEnd: () => {
          if (!changed) return;
          changed = false;
          setVersion((v) => v + 1);
          setBodyData('columns', store.length);
          setBodyData('newestColumn', store.length > 0 ? store.time(store.last) : undefined);
        },
      },
    );
    postReady('heatmap');
    return off;
  }, []);

  // Size the canvas to its box (device pixels) and redraw on resize.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    // Hidden with its page kept, the canvas and the heat picture give up their pixels (keptPageShown.ts); shown, the
    // resync's snapshot redraws the picture whole in any case.
    const pixels = new ShownSize({ width: canvas.width, height: canvas.height }, { width: 0, height: 0 }, (next) => {
      canvas.width = next.width;
      canvas.height = next.height;
      if (next.width === 0) renderer.release();
      else setVersion((v) => v + 1);
    });
    sizing.current = pixels;
    const observer = new ResizeObserver(() => {
      const dpr = window.devicePixelRatio || 1;
      const box = canvas.getBoundingClientRect();
      size.current = { width: box.width, height: box.height };
      pixels.resized({ width: Math.max(1, Math.round(box.width * dpr)), height: Math.max(1, Math.round(box.height * dpr)) });
    });
    observer.observe(canvas);
    const stopFollowingShown = pixels.follow(pageShown);
    return () => {
      stopFollowingShown();
      observer.disconnect();
    };
  }, []);

  // With the price axis the picture was drawn with, so a live view's held centre is what the cursor reads.
  const resolvedOf = (v: Viewport) => resolveView(v, store, size.current.width - AXIS_WIDTH, size.current.height - AXIS_HEIGHT, renderer.heldPrice(store.epoch));
  const resolved = () => resolvedOf(viewRef.current);

  // At most one draw per animation frame, whatever arrived.
  useEffect(() => {
    const id = requestAnimationFrame(() => {
      // Hidden: nothing to draw on, and a draw would make the heat picture again.
      if (sizing.current?.current.width === 0) return;
      const ctx = canvasRef.current?.getContext('2d');
      const r = resolved();
      if (!ctx || !r) return;
      const t0 = performance.now();
      const follows = { live: view.rightIndex === null, followsPrice: view.centerPrice === null && view.pricePerPx === null };
      const drawn = renderer.draw(ctx, store, r, follows, theme, window.devicePixelRatio || 1);
      // For the frame-time benchmark: how long this draw took, its kind (full, recolour…), and a count that changes with every draw.
      setBodyData('drawMs', Math.round((performance.now() - t0) * 100) / 100);
      setBodyData('drawKind', drawn.kind);
      setBodyData('drawPhases', drawn.phases.map((ms) => Math.round(ms * 100) / 100).join('/'));
      setBodyData('drawWhy', drawn.why);
      if (drawn.kind === 'full') setBodyData('fullDraws', ++fullDraws);
      if (drawn.kind === 'recolour') setBodyData('recolours', ++recolours);
      setBodyData('draws', ++draws);
      setBodyData('drawnColumns', drawn.columns);
      setBodyData('gapsShown', drawn.gaps);
      setBodyData('live', view.rightIndex === null ? 'true' : 'false');
    });
    return () => cancelAnimationFrame(id);
  }, [version, view, theme]);

  const onWheel = useCallback((e: WheelEvent) => {
    e.preventDefault();
    const r = resolved();
    if (!r) return;
    const factor = e.deltaY > 0 ? 1 / ZOOM_STEP : ZOOM_STEP;
    const overAxis = e.offsetX > r.width;
    setView((v) => (e.shiftKey || e.ctrlKey || e.metaKey || overAxis ? zoomPrice(v, r, e.offsetY, 1 / factor) : zoomTime(v, r, e.offsetX, factor, store.last)));
  }, []);

  const drag = useRef<{ x: number; y: number } | null>(null);
  const onPointerDown = useCallback((e: PointerEvent) => {
    drag.current = { x: e.clientX, y: e.clientY };
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
  }, []);
  const onPointerUp = useCallback(() => (drag.current = null), []);
  const onPointerMove = useCallback((e: PointerEvent) => {
    const r = resolved();
    if (!r) return;
    const from = drag.current;
    if (from) {
      const dx = e.clientX - from.x;
      const dy = e.clientY - from.y;
      drag.current = { x: e.clientX, y: e.clientY };
      setView((v) => pan(v, r, dx, dy, store.last));
      return;
    }
    const info = e.offsetX <= r.width && e.offsetY <= r.height ? cursorInfo(store, r, e.offsetX, e.offsetY) : undefined;
    setCursor(info ? { x: e.offsetX, y: e.offsetY, info } : null);
  }, []);
  const live = useCallback(() => setView(liveView), []);
  // Each press applies to the view as the presses before it left it (a held key repeats faster than the page draws).
  const onKeyDown = useCallback((e: KeyboardEvent) => {
    const key = heatKey(e);
    if (!key) return;
    e.preventDefault();
    setView((v) => {
      const r = resolvedOf(v);
      return r ? afterKey(key, v, r, store.last) : v;
    });
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [onWheel]);

  const dismiss = useCallback(() => setError(null), []);
  const decimals = inferDecimals(store.newestBidPrices(10));

  return (
    <div class="app heatmap-app">
      <Toolbar>
        <MarketLabel market={market} />
        <button type="button" class={`tool-button${view.rightIndex === null && view.centerPrice === null ? ' active' : ''}`} title="Follow the market: newest sample at the right, price centred on the spread (or double-click the map)" onClick={live}>
          Live
        </button>
        <span class="muted heatmap-hint toolbar-note" title={KEYS_DESCRIPTION}>
          scroll: time · shift+scroll: price · drag: pan · keys: + − arrows Home
        </span>
        <span class="spacer" />
        <ConnectionBadge connection={connection} banner={error} />
      </Toolbar>
      <ReplayBar />
      {error && <ErrorBanner message={error} onDismiss={dismiss} />}
      <TradesMissingNote spans={tradesMissing} lacks="Trade bubbles lack" />
      {beforeColumns > 0 && (
        <div class="muted heatmap-before-columns" role="status">
          {beforeColumnsNote(beforeColumns)}
        </div>
      )}
      <div class="heatmap-area stale-dims">
        <canvas
          ref={canvasRef}
          class="heatmap-canvas"
          tabIndex={0}
          role="application"
          aria-label="Liquidity heatmap"
          aria-describedby="heatmap-keys"
          onKeyDown={onKeyDown}
          onPointerDown={onPointerDown}
          onPointerUp={onPointerUp}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setCursor(null)}
          onDblClick={live}
        />
        <span id="heatmap-keys" class="sr-only">
          {KEYS_DESCRIPTION}
        </span>
        {cursor && (
          <div class="heatmap-tip num" style={{ left: `${Math.min(cursor.x + 12, Math.max(0, size.current.width - 220))}px`, top: `${Math.max(0, cursor.y - 44)}px` }}>
            <div>{formatTimeUtc(cursor.info.time, true)} UTC</div>
            <div>
              {formatPrice(cursor.info.price, decimals)}
              {cursor.info.side ? ` · ${cursor.info.side} ${formatAmount(cursor.info.size, undefined, amountStep)}` : ' · no resting size'}
              {cursor.info.traded > 0 ? ` · traded ${formatAmount(cursor.info.traded, undefined, amountStep)}` : ''}
            </div>
          </div>
        )}
        {store.length === 0 && <div class="empty muted heatmap-empty">waiting for the book…</div>}
      </div>
    </div>
  );
}

installErrorReporting('heatmap');
const root = document.getElementById('app');
if (root) render(<App />, root);
