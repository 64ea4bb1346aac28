/**
 * The chart webview in code-server's Chromium (issue 13): a scroll-left page of 1,000 older bars from the page's
 * request to painted, against a bare ccxt `fetchOHLCV` of 1,000 bars (the exchange round trip) in the same run; and a
 * live update's cost (handling the batch + the frame it causes) with 50,000 bars held, against the same page's
 * updates with its first 500 bars; and the same in footprint mode (the footprint series, its volume profile, delta
 * and CVD panes, the host's live footprint bars), 50,000 bars with 5,000 footprint bars against 501 with 501, both
 * posted in the page. `CHARTPAGE_PROFILE=<file>` saves a CPU profile of the renderer over the 50,000-bar updates.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { endpointOptions, endpointUrls } from '../src/core/exchange/endpointOverrides';
import { loadCcxt } from '../src/core/exchange/ccxtLoader';
import { ExchangeEmulator } from '../src/emulator';
import { cleanupAll } from '../test/e2e/runner';
import { startSession } from '../test/e2e/ui/workbenchScenario';
import { workbenchSteps } from '../test/e2e/ui/workbenchSteps';

const SYMBOL = 'BTC/USDT';
const PAGE = 1000;
const PAGES = 3;
const BIG = 50_000;
/** Footprint bars the host keeps per series (FootprintSeries' maxBars). */
const FOOTPRINT_BARS = 5000;
const SMALL = 501;

/** One page of older bars, ms after the page posted its request (performance.now() in the page). */
export interface OlderPageTiming {
  /** The host's answer reached the page. */
  answeredMs: number;
  /** The bars were prepended and set on the series (the message's batch handled). */
  appliedMs: number;
  /** Two animation frames later: drawn. */
  paintedMs: number;
  barsAdded: number;
}

export interface UpdateTimes {
  bars: number;
  updates: number;
  /** Handling one message batch of live candles and drawing it: the handling plus the next frame's work, ms. */
  p50: number;
  p95: number;
  max: number;
  /** Of which handling the batch (validation, bar store, series `update()`, legend), ms. */
  handlingP50: number;
  handlingP95: number;
  /** Of which the next animation frame's work (lightweight-charts' draw), ms. */
  frameP50: number;
  frameP95: number;
}

export interface ChartPageResult {
  name: 'chart-page';
  older: {
    page: number;
    pages: OlderPageTiming[];
    medianPaintedMs: number;
    /** A bare ccxt fetchOHLCV of `page` 1m bars to the same emulator, median of `pages`. */
    bareFetchMedianMs: number;
    ratioToBareFetch: number;
    goalMs: 300;
  };
  updates: { baseline: UpdateTimes; big: UpdateTimes; ratio: number; goalMedianMs: 1 };
  /** Footprint mode: `footprintBars` footprint bars held, and how many of them the footprint series held. */
  footprint: { baseline: UpdateTimes & FootprintHeld; big: UpdateTimes & FootprintHeld; ratio: number };
}

export interface FootprintHeld {
  footprintBars: number;
  heldFootprintBars: number;
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN) * 100) / 100;
};

/**
 * In the page: a record of the left edge's requests (`data-older-bars` turning `loading`), their answers (back to
 * `idle`), the bars applied (`data-bars` grew by the page) and, two animation frames later, painted.
 */
function installOlderRecorder(): void {
  type Rec = { requested: number; answered?: number; applied?: number; painted?: number; bars0: number; added?: number };
  const w = window as unknown as { __older: Rec[]; __olderErrors: string[] };
  w.__older = [];
  w.__olderErrors = [];
  const bars = () => Number(document.body.dataset.bars ?? 0);
  new MutationObserver((records) => {
    try {
      const now = performance.now();
      // Several changes may come in one callback: each record's new value is the next one's old value.
      const statuses = records.filter((r) => r.attributeName === 'data-older-bars');
      statuses.forEach((_, i) => {
        const status = i + 1 < statuses.length ? statuses[i + 1]!.oldValue : (document.body.dataset.olderBars ?? null);
        const current = w.__older[w.__older.length - 1];
        if (status === 'loading') w.__older.push({ requested: now, bars0: bars() });
        else if (current && current.answered === undefined) current.answered = now;
      });
      for (const current of w.__older) {
        if (current.answered === undefined || current.applied !== undefined || bars() - current.bars0 < 2) continue;
        current.applied = now;
        current.added = bars() - current.bars0;
        requestAnimationFrame(() => requestAnimationFrame(() => (current.painted = performance.now())));
      }
    } catch (err) {
      w.__olderErrors.push(String(err));
    }
  }).observe(document.body, { attributes: true, attributeOldValue: true, attributeFilter: ['data-older-bars', 'data-bars'] });
}

/** Drags the chart to the right (into the past) until the page asks for its next older page. */
async function dragToLeftEdge(page: Page, frame: Frame, requestsBefore: number): Promise<void> {
  const box = await frame.locator('.chart-host').boundingBox();
  if (!box) throw new Error('the chart has no box');
  const y = box.y + box.height * 0.45;
  for (let i = 0; i < 60; i++) {
    const requests = await frame.evaluate(() => (window as unknown as { __older: unknown[] }).__older.length);
    if (requests > requestsBefore) return;
    await page.mouse.move(box.x + box.width * 0.2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.85, y, { steps: 12 });
    await page.mouse.up();
  }
  const state = await frame.evaluate(() => ({ data: { ...document.body.dataset }, older: (window as unknown as { __older: unknown[] }).__older, errors: (window as unknown as { __olderErrors: unknown[] }).__olderErrors }));
  throw new Error(`dragging the chart never reached its left edge: ${JSON.stringify(state)}`);
}

/**
 * In the page: for `ms`, each host message batch that carries live candles: the time its handling takes (a capturing
 * listener before the page's own and a listener added after it bracket the page's handler of the same event), and
 * the animation-frame work it causes (lightweight-charts draws in a `requestAnimationFrame` callback: every callback
 * of the next frame is timed, and a frame of our own queued after the update reads their sum).
 */
function recordUpdates(ms: number): Promise<{ handling: number[]; frame: number[] }> {
  return new Promise((resolve) => {
    const handling: number[] = [];
    const frame: number[] = [];
    const frameWork = new Map<number, number>();
    const original = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) =>
      original((t) => {
        const s = performance.now();
        try {
          cb(t);
        } finally {
          frameWork.set(t, (frameWork.get(t) ?? 0) + performance.now() - s);
        }
      });
    let start = 0;
    const carriesCandles = (data: unknown) => {
      const text = JSON.stringify(data);
      return text.includes('"chart/candles"') || text.includes('"chart/footprintBars"');
    };
    const before = (e: MessageEvent) => {
      start = carriesCandles(e.data) ? performance.now() : 0;
    };
    const after = () => {
      if (start === 0) return;
      handling.push(performance.now() - start);
      original((t) => {
        frame.push(frameWork.get(t) ?? 0);
        frameWork.clear();
      });
    };
    window.addEventListener('message', before, true);
    window.addEventListener('message', after);
    setTimeout(() => {
      window.removeEventListener('message', before, true);
      window.removeEventListener('message', after);
      window.requestAnimationFrame = original;
      resolve({ handling, frame });
    }, ms);
  });
}

/**
 * In the page: a snapshot of `count` 1m bars ending with the bar in progress, as the host would send one (posted to
 * the page itself); with `footprint`, in footprint mode with that many footprint bars (the newest), 12 cells each.
 */
function showManyBars(args: { count: number; market: { exchange: string; symbol: string }; footprint?: number }): void {
  const last = Number(document.body.dataset.lastTime);
  const close = Number(document.body.dataset.lastClose);
  let price = close;
  const candles: number[][] = [];
  for (let i = args.count - 1; i >= 0; i--) {
    const open = price;
    price = Math.max(1, price * (1 + Math.sin(i * 0.37) * 0.0008));
    candles.push([last - i * 60_000, open, Math.max(open, price) * 1.0003, Math.min(open, price) * 0.9997, price, 1 + (i % 17)]);
  }
  const footprint = args.footprint !== undefined;
  window.postMessage({ method: 'chart/snapshot', params: { market: args.market, timeframe: '1m', timeframes: ['1m'], candles, options: { emaPeriods: [20, 50], showVolume: true }, markers: [], footprint } }, '*');
  if (!footprint) return;
  const bucket = Math.max(0.01, Math.round(close * 0.00005 * 100) / 100);
  const bars = [];
  const deltas: number[][] = [];
  let cvd = 0;
  for (const [time, open, high, low, closeAt] of candles.slice(-(args.footprint ?? 0)) as [number, number, number, number, number][]) {
    const cells: number[][] = [];
    const first = Math.floor(low / bucket) * bucket;
    for (let k = 0; k < 12; k++) cells.push([Math.round((first + k * bucket) * 100) / 100, 1 + ((time / 60_000 + k) % 7), 1 + ((time / 60_000 + 2 * k) % 5)]);
    const buy = cells.reduce((t, c) => t + (c[1] ?? 0), 0);
    const sell = cells.reduce((t, c) => t + (c[2] ?? 0), 0);
    cvd += buy - sell;
    bars.push({ time, open, high, low, close: closeAt, buy, sell, poc: cells[0]?.[0] ?? low, cells });
    deltas.push([time, buy - sell, cvd]);
  }
  window.postMessage({ method: 'chart/footprint', params: { market: args.market, timeframe: '1m', depth: bars[0]?.time ?? last, bucket, imbalanceRatio: 3, cvdReset: 'session', bars, deltas } }, '*');
}

function summary(bars: number, r: { handling: readonly number[]; frame: readonly number[] }): UpdateTimes {
  const total = r.frame.map((f, i) => f + (r.handling[i] ?? 0));
  return {
    bars,
    updates: total.length,
    p50: quantile(total, 0.5),
    p95: quantile(total, 0.95),
    max: quantile(total, 1),
    handlingP50: quantile(r.handling, 0.5),
    handlingP95: quantile(r.handling, 0.95),
    frameP50: quantile(r.frame, 0.5),
    frameP95: quantile(r.frame, 0.95),
  };
}

export async function benchChartPage(seconds = 10, rate = 50): Promise<ChartPageResult> {
  const minutes = 600 + PAGE * (PAGES + 1);
  const emulator = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: rate, historyMinutes: minutes, symbols: [SYMBOL] });
  const settings = { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'workbench.startupEditor': 'none' };
  let session: Awaited<ReturnType<typeof startSession>> | undefined;
  try {
    const ccxt = await loadCcxt();
    const bare = new ccxt.pro.binance({ urls: endpointUrls('binance', emulator.url), options: endpointOptions('binance'), httpAgent: new http.Agent() });
    await bare.loadMarkets();
    const since = Date.now() - minutes * 60_000;
    await bare.fetchOHLCV(SYMBOL, '1m', since, PAGE); // the first request opens the connection: untimed
    const bareRuns: number[] = [];
    for (let i = 0; i < PAGES; i++) {
      const t0 = performance.now();
      await bare.fetchOHLCV(SYMBOL, '1m', since + i * PAGE * 60_000, PAGE);
      bareRuns.push(performance.now() - t0);
    }
    await bare.close();

    session = await startSession(emulator, settings, { extensionDevelopmentPath: path.join(__dirname, '..') });
    const page = session.wb.page;
    const steps = workbenchSteps(() => page);
    // Find Market… opens the chart of the market picked ("Open Chart" also matches "Open Alert Rule Chart" in the palette).
    await steps.commandThenMarket('TradeSuite: Find Market…', SYMBOL);
    const frame = await steps.frameOfKind('chart');
    // tsx keeps function names with an `__name` helper the page does not have: the page functions below need it.
    await frame.evaluate('globalThis.__name ??= (f) => f');
    await frame.waitForFunction(() => document.body.dataset.history === 'complete' && Number(document.body.dataset.bars ?? 0) >= 400, undefined, { timeout: 60_000 });

    const baseline = summary(Number(await frame.evaluate(() => document.body.dataset.bars)), await frame.evaluate(recordUpdates, seconds * 1000));

    await frame.evaluate(installOlderRecorder);
    for (let i = 0; i < PAGES; i++) {
      await dragToLeftEdge(page, frame, i);
      await frame.waitForFunction((n) => (window as unknown as { __older: Array<{ painted?: number }> }).__older.filter((r) => r.painted !== undefined).length > n, i, { timeout: 60_000, polling: 50 });
    }
    const recs = await frame.evaluate(() => (window as unknown as { __older: Array<{ requested: number; answered: number; applied: number; painted: number; added: number }> }).__older);
    const pages = recs.slice(0, PAGES).map((r) => ({ answeredMs: round(r.answered - r.requested), appliedMs: round(r.applied - r.requested), paintedMs: round(r.painted - r.requested), barsAdded: r.added }));
    const medianPaintedMs = quantile(pages.map((p) => p.paintedMs), 0.5);
    const bareFetchMedianMs = quantile(bareRuns, 0.5);

    await frame.evaluate(showManyBars, { count: BIG, market: { exchange: 'binance', symbol: SYMBOL } });
    await frame.waitForFunction((n) => Number(document.body.dataset.bars ?? 0) >= n, BIG, { timeout: 60_000 });
    // Back to the live bar, as a user watching it would be: a double-click on the time axis resets the view.
    await frame.locator('.chart-host').dblclick({ position: { x: 200, y: (await frame.locator('.chart-host').boundingBox())!.height - 8 } });
    await frame.waitForFunction((n) => Number(document.body.dataset.viewFrom) > n - 1000, BIG, { timeout: 30_000 });
    const cdp = process.env.CHARTPAGE_PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const big = summary(Number(await frame.evaluate(() => document.body.dataset.bars)), await frame.evaluate(recordUpdates, seconds * 1000));
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(process.env.CHARTPAGE_PROFILE!, JSON.stringify(profile));
    }

    // Footprint mode: switched on at the host (its live footprint bars then come), then 501 and 50,000 bars posted.
    await frame.locator('.footprint-toggle').click();
    await frame.waitForFunction(() => document.body.dataset.footprint === 'on' && Number(document.body.dataset.footprintBars ?? 0) > 0, undefined, { timeout: 60_000 });
    const footprintRun = async (count: number, footprintBars: number): Promise<UpdateTimes & FootprintHeld> => {
      await frame.evaluate(showManyBars, { count, market: { exchange: 'binance', symbol: SYMBOL }, footprint: footprintBars });
      await frame.waitForFunction((n) => Number(document.body.dataset.bars ?? 0) === n.count && Number(document.body.dataset.footprintBars ?? 0) >= n.footprintBars, { count, footprintBars }, { timeout: 60_000 });
      await frame.locator('.chart-host').dblclick({ position: { x: 200, y: (await frame.locator('.chart-host').boundingBox())!.height - 8 } });
      await frame.waitForFunction((n) => Number(document.body.dataset.viewFrom) > n - 200, count, { timeout: 30_000 });
      const times = summary(count, await frame.evaluate(recordUpdates, seconds * 1000));
      const held = await frame.evaluate(() => ({ footprintBars: Number(document.body.dataset.footprintBars), heldFootprintBars: Number(document.body.dataset.heldFootprintBars) }));
      return { ...times, ...held };
    };
    const footprintBaseline = await footprintRun(SMALL, SMALL);
    const footprintBig = await footprintRun(BIG, FOOTPRINT_BARS);
    return {
      name: 'chart-page',
      older: { page: PAGE, pages, medianPaintedMs, bareFetchMedianMs, ratioToBareFetch: round(medianPaintedMs / Math.max(0.1, bareFetchMedianMs)), goalMs: 300 },
      updates: { baseline, big, ratio: round(big.p50 / Math.max(0.01, baseline.p50)), goalMedianMs: 1 },
      footprint: { baseline: footprintBaseline, big: footprintBig, ratio: round(footprintBig.p50 / Math.max(0.01, footprintBaseline.p50)) },
    };
  } finally {
    await session?.wb.close();
    await session?.server.stop();
    await cleanupAll();
    await emulator.close();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
