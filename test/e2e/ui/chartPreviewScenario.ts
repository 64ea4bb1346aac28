/**
 * A chart page's preview (shared/pagePreview.ts) in headless Chromium, outside VS Code: the page is the extension's
 * own HTML (webviewPage with the built bundles) with VS Code's API stubbed, and its bundle posted as VS Code hands it
 * over (in a `load` handler after the page's own) or on the page's ask. The preview must draw the cached bars where
 * the chart then draws them (else the swap jumps), go once the chart has painted, and stay away from a page whose
 * bars are old (shown again after being hidden).
 */
import '../../helpers/fakeVscode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as vscode from 'vscode';
import { webviewPage } from '../../../src/extension/panels/webviewHtml';
import type { CandleWire, HostMessage } from '../../../src/shared/protocol';
import { resolveTheme } from '../../../src/webviews/shared/themeModel';
import { fakeWebviewPanel } from '../../helpers/fakeWebviewPanel';
import { WORKBENCH_WEBVIEW_FONTS, vscodeApiStub, withWorkbenchFonts, type BundleDelivery as Delivery } from '../../helpers/webviewPageStub';
import { CHROMIUM_ARGS, CHROMIUM_PATH, artifactsDir } from '../runner';
import type { Check, UiScenario } from './workbenchScenario';

const ROOT = path.join(__dirname, '..', '..', '..');
const VIEWPORT = { width: 900, height: 600 };
/** The toolbar's height (common.css): the chart's box starts under it. */
const TOOLBAR = 33;
/** The legend's rows sit over the plot's top: columns are compared below them. */
const BELOW_LEGEND = 70;
const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

/** 500 complete 1m bars with bodies and wicks of every size, and the default EMA lines. */
function snapshot(): HostMessage {
  const t0 = Date.UTC(2026, 11, 4, 9, 0);
  let price = 60_000;
  const candles: CandleWire[] = Array.from({ length: 500 }, (_, i) => {
    const open = price;
    // Waves, then a steep climb in the newest 150 bars: the EMAs lag under the bars in view, and the chart scales to them.
    price = Math.round((price + Math.sin(i / 7) * 40 + ((i * 37) % 23) - 11 + (i >= 350 ? 9 : 0)) * 100) / 100;
    const high = Math.round((Math.max(open, price) + 5 + (i % 9) * 2) * 100) / 100;
    const low = Math.round((Math.min(open, price) - 4 - (i % 7) * 2) * 100) / 100;
    return [t0 + i * 60_000, open, high, low, price, 2 + (i % 13)];
  });
  return { method: 'chart/snapshot', params: { market: MARKET, timeframe: '1m', timeframes: ['1m', '5m'], candles, options: { emaPeriods: [20, 50], showVolume: true }, markers: [], tickSize: 0.01, rev: 1 } };
}

/** Per column of the chart's box: the top and bottom of its longest run (≥ 3 px) of candle-coloured pixels. */
interface Columns {
  readonly runs: ReadonlyArray<readonly [number, number] | null>;
}

async function candleColumns(page: Page, colours: readonly string[]): Promise<Columns> {
  // Undimmed for the comparison (both pages dim alike while not live; that is checked apart).
  await page.evaluate(() => {
    for (const e of Array.from(document.querySelectorAll<HTMLElement>('.stale-dims'))) Object.assign(e.style, { transition: 'none', opacity: '1', filter: 'none' });
  });
  const shot = await page.screenshot({ clip: { x: 0, y: TOOLBAR, width: VIEWPORT.width, height: VIEWPORT.height - TOOLBAR } });
  return page.evaluate(
    async ({ png, colours, below }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const rgb = colours.map((c) => [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)]);
      const runs: Array<[number, number] | null> = [];
      for (let x = 0; x < img.width; x++) {
        let best: [number, number] | null = null;
        let start = -1;
        for (let y = below; y <= img.height; y++) {
          // No named function in here: the test's loader would wrap it in a helper the page does not have.
          const i = (y * img.width + x) * 4;
          const on = y < img.height && rgb.some(([r, g, b]) => Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 24);
          if (on && start < 0) start = y;
          if (!on && start >= 0) {
            if (y - start >= 3 && (!best || y - start > best[1] - best[0])) best = [start, y - 1];
            start = -1;
          }
        }
        runs.push(best);
      }
      return { runs };
    },
    { png: shot.toString('base64'), colours, below: BELOW_LEGEND },
  );
}

/** A font-family list's names, unquoted (Chromium writes a computed one with quotes only where a name needs them). */
const fontNames = (list: string) => list.split(',').map((n) => n.trim().replace(/^["']|["']$/g, ''));

/** The page's text is in the workbench's UI font stack, as in a webview of VS Code, not in the browser's default (serif). */
async function checkFonts(page: Page, name: string): Promise<void> {
  const want = fontNames(WORKBENCH_WEBVIEW_FONTS['--vscode-font-family'] ?? '');
  const got = await page.evaluate(() =>
    Object.fromEntries(['.legend', '.toolbar .market-symbol'].map((sel) => [sel, document.querySelector(sel) ? getComputedStyle(document.querySelector(sel)!).fontFamily : 'none'])),
  );
  for (const [sel, family] of Object.entries(got)) {
    if (fontNames(family).join(', ') !== want.join(', ')) throw new Error(`${name}: ${sel} is drawn in ${family}, not the workbench's ${want.join(', ')}`);
  }
}

/** The chart's columns the preview drew alike: a run within 2 px left or right, its ends within 3 px. */
function agreement(preview: Columns, chart: Columns, upTo: number): { columns: number; matched: number; previewColumns: number } {
  let columns = 0;
  let matched = 0;
  for (let x = 0; x < upTo; x++) {
    const run = chart.runs[x];
    if (!run) continue;
    columns++;
    for (let dx = -2; dx <= 2; dx++) {
      const other = preview.runs[x + dx];
      if (other && Math.abs(other[0] - run[0]) <= 3 && Math.abs(other[1] - run[1]) <= 3) {
        matched++;
        break;
      }
    }
  }
  return { columns, matched, previewColumns: preview.runs.filter((r) => r !== null).length };
}

export function chartPreviewScenario(log: (l: string) => void): UiScenario {
  let browser: Browser | undefined;
  let dir: string | undefined;
  const message = snapshot();
  const { html, postedScript } = webviewPage(fakeWebviewPanel().panel.webview as unknown as vscode.Webview, vscode.Uri.file(ROOT), 'chart', 'BTC/USDT · 1m · binance', message, MARKET);
  const bundle = postedScript ?? '';
  const theme = resolveTheme(() => '', []);
  const colours = [theme.green, theme.red];
  let lastPage: Page | undefined;

  const open = async (name: string, text: string, delivery: Delivery, state?: unknown): Promise<Page> => {
    browser ??= await (await import('playwright-core')).chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    dir ??= mkdtempSync(path.join(os.tmpdir(), 'ts-e2e-preview-'));
    mkdirSync(artifactsDir(), { recursive: true });
    const file = path.join(dir, `${name}.html`);
    // As VS Code serves it: with the workbench's font variables (without them the legend and toolbar were in serif).
    writeFileSync(file, withWorkbenchFonts(text));
    const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    lastPage = page;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript(vscodeApiStub({ state, delivery, bundle }));
    await page.goto(`file://${file}`);
    if (errors.length > 0) throw new Error(`${name}: ${errors.join('; ')}`);
    return page;
  };
  /** The times the page asked for its bundle. */
  const asks = (page: Page) => page.evaluate(() => (window as unknown as { __posts: Array<{ method?: string }> }).__posts.filter((m) => m.method === 'webview/script').length);
  const chartPainted = (page: Page) => page.waitForFunction(() => document.body.dataset.rendered !== undefined && document.body.dataset.preview === 'replaced', undefined, { timeout: 30_000 });

  /** The preview and the chart drawn from the same page in the same state, compared column by column. */
  const compare = async (name: string, delivery: Delivery, state?: unknown) => {
    // Without its bundle: the preview alone, as it is on screen until the bundle runs.
    const alone = await open(`${name}-preview`, html, 'none', state);
    await alone.waitForFunction(() => document.body.dataset.previewPainted !== undefined, undefined, { timeout: 10_000 });
    const outcome = await alone.evaluate(() => document.body.dataset.preview);
    if (outcome !== 'painted') throw new Error(`the preview was not painted: ${outcome}`);
    await alone.screenshot({ path: path.join(artifactsDir(), `chart-preview-${name}.png`) });
    const look = await alone.evaluate(() => {
      const s = getComputedStyle(document.getElementById('chart-preview')!);
      return { opacity: s.opacity, filter: s.filter };
    });
    const preview = await candleColumns(alone, colours);
    const page = await open(`${name}-chart`, html, delivery, state);
    await chartPainted(page);
    const asked = await asks(page);
    if (asked !== (delivery === 'held' ? 0 : 1)) throw new Error(`the page asked for its bundle ${asked} times, given it ${delivery === 'held' ? 'as VS Code hands over a held message' : 'only on its ask'}`);
    // The chart is not live here (no host): it dims its cached bars, as the preview did.
    await page
      .waitForFunction(
        (want) => {
          const s = getComputedStyle(document.querySelector('.chart-host')!);
          return s.opacity === want.opacity && s.filter === want.filter;
        },
        look,
        { timeout: 10_000 },
      )
      .catch(async () => {
        const got = await page.evaluate(() => getComputedStyle(document.querySelector('.chart-host')!).opacity);
        throw new Error(`the preview was drawn at opacity ${look.opacity} (${look.filter}), the chart that replaced it at ${got}`);
      });
    if ((await page.locator('#chart-preview').count()) !== 0) throw new Error('the preview is still on the page after the chart painted');
    await checkFonts(page, name);
    await page.screenshot({ path: path.join(artifactsDir(), `chart-preview-${name}-replaced.png`) });
    const chart = await candleColumns(page, colours);
    // Left of the price axis (its last-price label is in the candles' colour).
    const result = agreement(preview, chart, VIEWPORT.width - 90);
    log(`[e2e] preview (${name}): ${result.matched} of the chart's ${result.columns} candle columns drawn alike by the preview (${result.previewColumns} columns)`);
    if (result.columns < 150) throw new Error(`the chart drew only ${result.columns} candle columns: the comparison proves nothing`);
    if (result.matched < result.columns * 0.9) throw new Error(`the preview drew ${result.matched} of the chart's ${result.columns} candle columns where the chart did: the swap would jump`);
  };

  const checks: Check[] = [
    {
      name: "a chart page with cached bars paints them before its bundle (posted after the HTML) runs, where the chart then paints them",
      run: async () => {
        if (postedScript === undefined || html.includes(postedScript.slice(0, 200))) throw new Error('the chart page carries its bundle: are dist/webviews/chartPreview.js and pageLoader.js built?');
        await compare('newest', 'held');
      },
    },
    {
      name: 'a page restored with a kept view previews that view, not the newest bars; a page whose bundle was not held for it asks once',
      run: async () => {
        const params = (message as Extract<HostMessage, { method: 'chart/snapshot' }>).params;
        const right = params.candles[300]!;
        await compare('kept-view', 'asked', { view: { series: 'binance|BTC/USDT|1m', width: 90, rightTime: right[0] / 1000, rightOffset: 0.5 } });
      },
    },
    {
      name: 'a page loaded again from HTML whose bars it used before (shown after being hidden) paints no preview',
      run: async () => {
        const used = /data-page="([0-9a-f]+)"/.exec(html)?.[1];
        if (!used) throw new Error('the page names no inline data');
        const page = await open('shown-again', html, 'asked', { inlinePage: used });
        await page.waitForFunction(() => document.body.dataset.inline !== undefined, undefined, { timeout: 30_000 }).catch(async (e: unknown) => {
          throw new Error(`${String(e)}; the page's data: ${JSON.stringify(await page.evaluate(() => ({ ...document.body.dataset })))}`);
        });
        const seen = await page.evaluate(() => ({ preview: document.body.dataset.preview, inline: document.body.dataset.inline, element: document.getElementById('chart-preview') !== null }));
        log(`[e2e] shown again: preview ${seen.preview}, inline data ${seen.inline}`);
        if (seen.preview !== 'no bars' || seen.element) throw new Error(`a page with old bars painted a preview (${seen.preview})`);
        if (seen.inline !== 'stale') throw new Error(`the bundle took the page's inline data as ${seen.inline}: the check proves nothing`);
      },
    },
  ];
  return {
    checks,
    screenshot: async (name) => {
      if (!lastPage) return undefined;
      const file = path.join(artifactsDir(), `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await lastPage.screenshot({ path: file });
      return file;
    },
    saveLogs: () => undefined,
    dispose: async () => {
      await browser?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
