/**
 * Where a chart page kept while hidden holds its memory, without VS Code (s40, opt-in `bench kept-memory`): the
 * extension's own chart page with 500 cached bars inline (chartBoot.ts's `ourPage`) in a fresh headless Chromium,
 * scrolled and zoomed away from its first view, then told `panel/hidden` and `panel/shown` as a kept page is. In each
 * state: its canvases' pixels (4 bytes per device pixel), V8's heap (DevTools protocol, after a collection), and the
 * PSS of the browser's processes (only this page in it). The time the page took to handle `panel/hidden` and
 * `panel/shown` (the chart sized and drawn again), and whether its picture is the one it was hidden with, pixel for pixel. Three
 * rounds, each in a page of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/runner';
import { vscodeApiStub } from '../test/helpers/webviewPageStub';
import { ourPage } from './chartBoot';
import { processTreePssMb } from './e2e/browserMemory';

/** About a VS Code editor's area in a 1400 × 900 window. */
const VIEWPORT = { width: 1150, height: 800 };

export interface PageMemory {
  canvases: number;
  /** Σ width × height × 4 of the page's canvases, MB. */
  canvasMb: number;
  /** V8's used heap after a collection, MB. */
  jsHeapMb: number;
  /** PSS of the browser's processes (this page the only one), MB. */
  browserPssMb: number;
}

export interface KeptPageMemoryRun {
  round: number;
  shown: PageMemory;
  hidden: PageMemory;
  shownAgain: PageMemory;
  /** `panel/hidden` posted → handled (the chart sized to nothing), ms on the page's clock. */
  hideHandledMs: number;
  /** `panel/shown` posted → handled (the chart sized and drawn again), ms on the page's clock. */
  showHandledMs: number;
  /** The picture shown again is the picture hidden, pixel for pixel (the view kept). */
  samePicture: boolean;
}

export interface KeptPageMemoryResult {
  name: 'kept-page-memory';
  runs: KeptPageMemoryRun[];
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** PSS of every process whose environment holds `mark` (the browser launched with it), MB. */
async function memoryOf(page: Page, mark: string): Promise<PageMemory> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const canvas = await page.evaluate(() => {
    const all = [...document.querySelectorAll('canvas')];
    return { count: all.length, bytes: all.reduce((n, c) => n + c.width * c.height * 4, 0) };
  });
  // The browser gives freed pages back to the system a little after: the median of five readings 0.3 s apart.
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 300));
    readings.push(processTreePssMb(mark));
  }
  return { canvases: canvas.count, canvasMb: mb(canvas.bytes), jsHeapMb: mb(heap.usedSize), browserPssMb: readings.sort((a, b) => a - b)[2]! };
}

/** Posts `method` to the page as the host does; ms until the page handled it, on its clock. */
const handled = (page: Page, method: string) =>
  page.evaluate(
    (m) =>
      new Promise<number>((resolve) => {
        const t0 = performance.now();
        window.postMessage({ method: m, params: {} }, '*');
        // Queued after the message's task: the chart was sized (and drawn) in it.
        setTimeout(() => resolve(Math.round((performance.now() - t0) * 10) / 10), 0);
      }),
    method,
  );

export async function benchKeptPageMemory(): Promise<KeptPageMemoryResult> {
  const { html, bundle } = await ourPage();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-keptmem-'));
  const file = path.join(dir, 'chart.html');
  writeFileSync(file, html);
  const mark = `TRADESUITE_KEPT_PAGE_PROBE=${process.pid}-${Date.now()}`;
  const { chromium } = await import('playwright-core');
  const [name, value] = mark.split('=') as [string, string];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, env: { ...process.env, [name]: value } });
  const runs: KeptPageMemoryRun[] = [];
  try {
    for (let round = 1; round <= 3; round++) {
      const context = await browser.newContext({ viewport: VIEWPORT });
      try {
        const page = await context.newPage();
        await page.addInitScript(vscodeApiStub({ delivery: 'held', bundle }));
        await page.goto(`file://${file}`);
        await page.waitForFunction(() => (window as unknown as { __posts: { method: string }[] }).__posts.some((m) => m.method === 'webview/rendered'), undefined, { timeout: 30_000 });
        // A view of the user's own: zoomed in and dragged back in time.
        await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height / 2);
        await page.mouse.wheel(0, -300);
        await page.mouse.down();
        await page.mouse.move(VIEWPORT.width / 2 + 250, VIEWPORT.height / 2, { steps: 5 });
        await page.mouse.up();
        await page.mouse.move(5, 5);
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const before = await page.locator('.chart-host').screenshot();
        const shown = await memoryOf(page, mark);
        const hideHandledMs = await handled(page, 'panel/hidden');
        const hidden = await memoryOf(page, mark);
        const showHandledMs = await handled(page, 'panel/shown');
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const after = await page.locator('.chart-host').screenshot();
        const shownAgain = await memoryOf(page, mark);
        runs.push({ round, shown, hidden, shownAgain, hideHandledMs, showHandledMs, samePicture: before.equals(after) });
      } finally {
        await context.close();
      }
    }
    return { name: 'kept-page-memory', runs };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
