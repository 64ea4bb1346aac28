/**
 * Where a chart page kept while hidden holds its memory, without VS Code (s40, opt-in `bench kept-memory`): the
 * extension's own chart page with 500 cached bars inline (chartBoot.ts's `ourPage`) in an iframe of a fresh headless
 * Chromium page, scrolled and zoomed away from its first view, then hidden as VS Code hides a kept webview (its
 * container `visibility: hidden`), then told `panel/hidden` (the page frees its canvases), then told `panel/shown`
 * and shown. In each state: the page's canvases' pixels (4 bytes per device pixel), V8's heap (DevTools protocol,
 * after a collection), and the PSS of the browser's processes (only this page in it). The time the page took to
 * handle `panel/hidden` and `panel/shown`, and whether its picture shown again is the one hidden, pixel for pixel.
 * Three rounds, each in a page of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
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
  /** Hidden as VS Code hides a kept page, which is all a kept page was before s40. */
  hiddenKept: PageMemory;
  /** And told `panel/hidden`: its canvases freed. */
  hiddenFreed: PageMemory;
  shownAgain: PageMemory;
  /** `panel/hidden` posted → handled (the chart sized to nothing), ms on the page's clock. */
  hideHandledMs: number;
  /** `panel/shown` posted → handled (the chart sized again, drawn at the next frame), ms on the page's clock. */
  showHandledMs: number;
  /** The picture shown again is the picture hidden, pixel for pixel (the view kept). */
  samePicture: boolean;
}

export interface KeptPageMemoryResult {
  name: 'kept-page-memory';
  runs: KeptPageMemoryRun[];
}

async function frameOf(page: Page, file: string): Promise<Frame> {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().endsWith(`/${file}`));
    if (frame) return frame;
    await page.waitForEvent('framenavigated', { timeout: 10_000 });
  }
  throw new Error(`no frame of ${file}`);
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** PSS of every process whose environment holds `mark` (the browser launched with it), MB. */
async function memoryOf(page: Page, frame: Frame, mark: string): Promise<PageMemory> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  const canvas = await frame.evaluate(() => {
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
const handled = (frame: Frame, method: string) =>
  frame.evaluate(
    (m) =>
      new Promise<number>((resolve) => {
        const t0 = performance.now();
        window.postMessage({ method: m, params: {} }, '*');
        // Queued after the message's task: the chart was sized in it.
        setTimeout(() => resolve(Math.round((performance.now() - t0) * 10) / 10), 0);
      }),
    method,
  );

/** Shows or hides the webview's container as VS Code's overlay webview does. */
const setVisible = (page: Page, visible: boolean) => page.evaluate((v) => (document.getElementById('box')!.style.visibility = v ? 'visible' : 'hidden'), visible);
const twoFrames = (frame: Frame) => frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

export async function benchKeptPageMemory(): Promise<KeptPageMemoryResult> {
  const { html, bundle } = await ourPage();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-keptmem-'));
  const file = path.join(dir, 'chart.html');
  writeFileSync(file, html);
  const host = path.join(dir, 'host.html');
  writeFileSync(host, '<!DOCTYPE html><html><body style="margin:0"><div id="box" style="position:absolute;inset:0"><iframe src="chart.html" style="width:100%;height:100%;border:0"></iframe></div></body></html>');
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
        await page.goto(`file://${host}`);
        const frame = await frameOf(page, 'chart.html');
        await frame.waitForFunction(() => (window as unknown as { __posts: { method: string }[] }).__posts.some((m) => m.method === 'webview/rendered'), undefined, { timeout: 30_000 });
        // A view of the user's own: zoomed in and dragged back in time.
        await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height / 2);
        await page.mouse.wheel(0, -300);
        await page.mouse.down();
        await page.mouse.move(VIEWPORT.width / 2 + 250, VIEWPORT.height / 2, { steps: 5 });
        await page.mouse.up();
        await page.mouse.move(5, 5);
        await twoFrames(frame);
        const before = await frame.locator('.chart-host').screenshot();
        const shown = await memoryOf(page, frame, mark);
        await setVisible(page, false);
        const hiddenKept = await memoryOf(page, frame, mark);
        const hideHandledMs = await handled(frame, 'panel/hidden');
        const hiddenFreed = await memoryOf(page, frame, mark);
        await setVisible(page, true);
        const showHandledMs = await handled(frame, 'panel/shown');
        await twoFrames(frame);
        const after = await frame.locator('.chart-host').screenshot();
        const shownAgain = await memoryOf(page, frame, mark);
        runs.push({ round, shown, hiddenKept, hiddenFreed, shownAgain, hideHandledMs, showHandledMs, samePicture: before.equals(after) });
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
