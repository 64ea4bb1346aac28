/**
 * The liquidity heatmap webview's frame time in code-server's Chromium with a full 30-minute buffer: the panel is
 * opened from the palette against the emulator (50 trades/s, the book sampled every 100 ms), its page is given the
 * rest of a full buffer as the host's backfill would (`heatmap/older` chunks built in the page from the emulator's
 * book), then each draw's duration (the page's `data-draw-ms`) and the intervals between animation frames are
 * recorded while live columns arrive: in the live view and zoomed out to the whole buffer, against the live view of
 * the same page before the buffer was filled (on a loaded machine the ratio says more than the milliseconds).
 */
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { ExchangeEmulator } from '../src/emulator';
import { cleanupAll } from '../test/e2e/runner';
import { startSession } from '../test/e2e/ui/workbenchScenario';
import { workbenchSteps } from '../test/e2e/ui/workbenchSteps';

export interface FrameTimes {
  /** Draws recorded and their duration (ms): p50, p95, max. */
  draws: number;
  drawP50: number;
  drawP95: number;
  drawMax: number;
  /** Intervals between animation frames (ms) over the same window: p95 and max. */
  frameP95: number;
  frameMax: number;
  /** Columns the last draw covered. */
  drawnColumns: number;
  /** Of the draws, how many repainted the whole picture (the others painted only the new columns' strips). */
  fullDraws: number;
  /** Why those full draws were due, and how often. */
  fullWhy: Record<string, number>;
  /** Of the draws, how many set a new colour scale and recoloured the picture held (the columns not read again). */
  recolours: number;
  /** The draws' durations by kind (full, recolour, incremental, none): how many, p50, p95 and max (ms). */
  byKind: Record<string, { n: number; p50: number; p95: number; max: number }>;
  /** The draws' time by phase (the page's `data-draw-phases`): heat picture, blit, lines and bubbles, axes: p50 and p95 (ms). */
  phases: Record<'heat' | 'blit' | 'overlay' | 'axes', { p50: number; p95: number }>;
  /**
   * The renderer main thread's own work per animation frame over the window (mean ms), from Chromium's counters
   * (CDP Performance.getMetrics): all its tasks, and of them script, style recalculation and layout. Unlike the frame
   * interval it leaves out the time the thread waited for a CPU or for the next frame: what our page costs.
   */
  workPerFrameMs: number;
  scriptPerFrameMs: number;
  styleLayoutPerFrameMs: number;
  /** Whether those counters are of the webview's own renderer (an out-of-process frame) or of the workbench's, which it shares. */
  workScope: 'webview' | 'workbench renderer';
  /** Frames whose main-thread work took over 50 ms (Long Animation Frames), and the longest (ms); null where the page's Chromium has no such entries. */
  longFrames: number | null;
  longFrameMaxMs: number | null;
}

export interface HeatmapFramesResult {
  columns: number;
  levelsPerSide: number;
  seconds: number;
  /** The same live view before the buffer was filled (the columns of the first seconds): the baseline. */
  baseline: FrameTimes;
  live: FrameTimes;
  wholeBuffer: FrameTimes;
  /** Draw p50 of the full buffer's views ÷ the baseline's, same page, same run. */
  liveRatio: number;
  wholeBufferRatio: number;
  goalMs: number;
}

const SYMBOL = 'BTC/USDT';

/** In the page: `count` columns older than every one held, each a copy of `book` with sizes varied, posted as backfill chunks. */
function fillPage(args: { bids: number[]; asks: number[]; count: number; sampleMs: number; chunk: number }): Promise<number> {
  const { bids, asks, count, sampleMs, chunk } = args;
  const oldest = Date.now() - 10 * 60_000;
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const vary = (levels: number[]) => levels.map((v, i) => (i % 2 === 0 ? v : Math.round(v * (0.5 + rand()) * 1e6) / 1e6));
  return new Promise((resolve) => {
    let sent = 0;
    const next = () => {
      // Newest chunk first, as the host's backfill sends them.
      const n = Math.min(chunk, count - sent);
      if (n <= 0) return resolve(Number(document.body.dataset.columns ?? 0));
      const columns = [];
      for (let k = 0; k < n; k++) {
        const age = sent + n - k;
        columns.push([oldest - age * sampleMs, vary(bids), vary(asks), k % 5 === 0 ? [bids[0], rand(), rand()] : []]);
      }
      sent += n;
      window.postMessage({ method: 'heatmap/older', params: { columns } }, '*');
      setTimeout(next, 20);
    };
    next();
  });
}

/** In the page: for `ms`, every draw's duration (from data-draw-ms as data-draws changes), every frame interval and every long animation frame. */
function recordFrames(ms: number): Promise<{ draws: number[]; kinds: string[]; phases: number[][]; frames: number[]; longFrames: number[] | null; drawnColumns: number; fullDraws: number; fullWhy: Record<string, number>; recolours: number }> {
  return new Promise((resolve) => {
    const draws: number[] = [];
    const kinds: string[] = [];
    const phases: number[][] = [];
    const frames: number[] = [];
    const longFrames: number[] = [];
    const long = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longFrames.push(e.duration);
    });
    const longSupported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
    if (longSupported) long.observe({ type: 'long-animation-frame' });
    let fullDraws = 0;
    let recolours = 0;
    const fullWhy: Record<string, number> = {};
    const observer = new MutationObserver(() => {
      draws.push(Number(document.body.dataset.drawMs ?? Number.NaN));
      kinds.push(document.body.dataset.drawKind ?? '?');
      phases.push((document.body.dataset.drawPhases ?? '').split('/').map(Number));
      if (document.body.dataset.drawKind === 'recolour') recolours++;
      if (document.body.dataset.drawKind !== 'full') return;
      fullDraws++;
      const why = document.body.dataset.drawWhy ?? '?';
      fullWhy[why] = (fullWhy[why] ?? 0) + 1;
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-draws'] });
    let last = performance.now();
    const end = last + ms;
    const tick = (now: number) => {
      frames.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else {
        observer.disconnect();
        long.disconnect();
        resolve({ draws, kinds, phases, frames, longFrames: longSupported ? longFrames : null, drawnColumns: Number(document.body.dataset.drawnColumns ?? 0), fullDraws, fullWhy, recolours });
      }
    };
    requestAnimationFrame(tick);
  });
}

/** In the page: scroll-zooms time out over the canvas until one pixel holds many columns (the whole buffer in view). */
function zoomOutFully(): void {
  const canvas = document.querySelector('canvas.heatmap-canvas');
  if (!(canvas instanceof HTMLCanvasElement)) throw new Error('no heatmap canvas');
  const box = canvas.getBoundingClientRect();
  for (let i = 0; i < 60; i++) canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: 100, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2, bubbles: true, cancelable: true }));
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) * 10) / 10;
};

type Counters = Record<'TaskDuration' | 'ScriptDuration' | 'RecalcStyleDuration' | 'LayoutDuration', number>;

/** Chromium's cumulative main-thread counters (seconds) of the webview's renderer: its own if it is an out-of-process frame, else the workbench's. */
async function mainThreadCounters(frame: Frame): Promise<{ read: () => Promise<Counters>; scope: FrameTimes['workScope']; close: () => Promise<void> }> {
  const context = frame.page().context();
  let scope: FrameTimes['workScope'] = 'webview';
  const session = await context.newCDPSession(frame).catch(() => {
    scope = 'workbench renderer';
    return context.newCDPSession(frame.page());
  });
  await session.send('Performance.enable');
  const read = async () => {
    const { metrics } = await session.send('Performance.getMetrics');
    const of = (name: keyof Counters) => metrics.find((m) => m.name === name)?.value ?? Number.NaN;
    return { TaskDuration: of('TaskDuration'), ScriptDuration: of('ScriptDuration'), RecalcStyleDuration: of('RecalcStyleDuration'), LayoutDuration: of('LayoutDuration') };
  };
  return { read, scope, close: () => session.detach() };
}

async function measure(frame: Frame, seconds: number): Promise<FrameTimes> {
  const counters = await mainThreadCounters(frame);
  const before = await counters.read();
  const r = await frame.evaluate(recordFrames, seconds * 1000);
  const after = await counters.read();
  await counters.close();
  const phase = (i: number) => {
    const ms = r.phases.map((p) => p[i] ?? Number.NaN);
    return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95) };
  };
  const perFrame = (...keys: (keyof Counters)[]) => Math.round((keys.reduce((sum, k) => sum + after[k] - before[k], 0) * 1000 * 10) / Math.max(1, r.frames.length)) / 10;
  return {
    draws: r.draws.length,
    drawP50: quantile(r.draws, 0.5),
    drawP95: quantile(r.draws, 0.95),
    drawMax: quantile(r.draws, 1),
    frameP95: quantile(r.frames, 0.95),
    frameMax: quantile(r.frames, 1),
    drawnColumns: r.drawnColumns,
    fullDraws: r.fullDraws,
    fullWhy: r.fullWhy,
    recolours: r.recolours,
    phases: { heat: phase(0), blit: phase(1), overlay: phase(2), axes: phase(3) },
    byKind: Object.fromEntries(
      [...new Set(r.kinds)].map((kind) => {
        const ms = r.draws.filter((_, i) => r.kinds[i] === kind);
        return [kind, { n: ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), max: quantile(ms, 1) }];
      }),
    ),
    workPerFrameMs: perFrame('TaskDuration'),
    scriptPerFrameMs: perFrame('ScriptDuration'),
    styleLayoutPerFrameMs: perFrame('RecalcStyleDuration', 'LayoutDuration'),
    workScope: counters.scope,
    longFrames: r.longFrames === null ? null : r.longFrames.length,
    longFrameMaxMs: r.longFrames === null ? null : Math.round(Math.max(0, ...r.longFrames)),
  };
}

export async function benchHeatmapFrames(seconds = 10, rate = 50): Promise<HeatmapFramesResult> {
  const emulator = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: rate, historyMinutes: 60, symbols: [SYMBOL] });
  const settings = { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'workbench.startupEditor': 'none' };
  let session: Awaited<ReturnType<typeof startSession>> | undefined;
  try {
    session = await startSession(emulator, settings, { extensionDevelopmentPath: path.join(__dirname, '..') });
    const page = session.wb.page;
    const steps = workbenchSteps(() => page);
    await steps.commandThenMarket('TradeSuite: Open Liquidity Heatmap', SYMBOL);
    const frame = await steps.frameOfKind('heatmap');
    // tsx keeps function names with an `__name` helper the page does not have: the page functions below need it.
    await frame.evaluate('globalThis.__name ??= (f) => f');
    await frame.waitForFunction(() => Number(document.body.dataset.columns ?? 0) > 10, undefined, { timeout: 60_000 });
    const baseline = await measure(frame, seconds);
    // The engine's book holds 100 levels a side: what each live column carries.
    const book = emulator.orderBook(SYMBOL, 100);
    const levelsPerSide = Math.min(book.bids.length, book.asks.length);
    // The page holds at most its snapshot's maxColumns (30 minutes at 100 ms by default): fill it up.
    const maxColumns = 18_000;
    const columns = await frame.evaluate(fillPage, { bids: book.bids.flat(), asks: book.asks.flat(), count: maxColumns, sampleMs: 100, chunk: 600 });
    await frame.waitForFunction((n) => Number(document.body.dataset.columns ?? 0) >= n, maxColumns, { timeout: 60_000 });
    const live = await measure(frame, seconds);
    // The zoom's own full redraw is a user's action, not a frame of the steady view: the window starts after it.
    const fullBefore = await frame.evaluate(() => Number(document.body.dataset.fullDraws ?? 0));
    await frame.evaluate(zoomOutFully);
    await frame.waitForFunction((n) => Number(document.body.dataset.fullDraws ?? 0) > n, fullBefore, { timeout: 60_000 });
    const wholeBuffer = await measure(frame, seconds);
    const ratio = (x: FrameTimes) => Math.round((x.drawP50 / Math.max(0.1, baseline.drawP50)) * 100) / 100;
    return { columns: Math.max(columns, maxColumns), levelsPerSide, seconds, baseline, live, wholeBuffer, liveRatio: ratio(live), wholeBufferRatio: ratio(wholeBuffer), goalMs: 16 };
  } finally {
    await session?.wb.close();
    await session?.server.stop();
    await cleanupAll();
    await emulator.close();
  }
}
