/**
 * The chart page's own start (issue 13), without VS Code: from the page's navigation to its cached bars painted, in a
 * fresh headless Chromium page each time (a new renderer process, as a desktop VS Code webview gets). The page is the
 * extension's own HTML for a chart whose 500 bars are on disk (ChartPanel on a plain-Node webview stand-in: the
 * production bundle and the bars inline), with `acquireVsCodeApi` stubbed. Baseline, in the same run and interleaved:
 * a bare lightweight-charts page with the same bars (chartBootBare.ts). What VS Code adds before a webview's page is
 * requested is `bench open`'s part; this is the rest, and what our own page adds to the library's.
 */
import '../test/helpers/fakeVscode';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import * as vscode from 'vscode';
import { CandleCache } from '../src/core/history/candleCache';
import { bucketStart } from '../src/core/timeframes';
import type { Candle } from '../src/core/types';
import { silentLogger } from '../src/core/util/log';
import type { EngineHost } from '../src/extension/engineHost';
import { ChartPanel } from '../src/extension/panels/chartPanel';
import { readSettings } from '../src/extension/settings';
import { parseHostMessage } from '../src/shared/protocol';
import { INLINE_MESSAGES_ID, inlineJson } from '../src/shared/util/inlineJson';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/runner';
import { Rig } from '../test/helpers/emulatorHub';
import { fakeWebviewPanel, pageUntil } from '../test/helpers/fakeWebviewPanel';
import { vscodeApiStub } from '../test/helpers/webviewPageStub';
import { median } from './panelHostCpu';

const ROOT = path.join(__dirname, '..');
/** Bars on disk; the page carries the newest the chart asks for (its history length, 500 by default). */
const BARS = 500;
const VIEWPORT = { width: 900, height: 800 };

/** Medians over the rounds, ms after the page's navigation began. */
export interface BootTimes {
  paintedMs: number;
  /** Each round's painted time, in run order. */
  rounds: number[];
}

export interface ChartBootResult {
  name: 'chart-boot';
  bars: number;
  rounds: number;
  ours: BootTimes & {
    /** The bundle's first module runs. */
    scriptStartMs: number;
    /** The inline bars handed to the chart's message handler. */
    snapshotReceivedMs: number;
    /** The bars set on the series. */
    snapshotAppliedMs: number;
    htmlBytes: number;
  };
  bare: BootTimes & { htmlBytes: number };
  /** ours ÷ bare, of the medians. */
  ratio: number;
}

/** The chart page's HTML exactly as the extension sets it for a chart with `BARS` 1m bars on disk. */
export async function ourPage(): Promise<{ html: string; bundle: string; candles: unknown[] }> {
  const bundle = readFileSync(path.join(ROOT, 'dist', 'webviews', 'chart.js'), 'utf8');
  if (bundle.includes('sourceMappingURL=data:')) throw new Error('dist/webviews/chart.js is a development build: run `npm run package` first (`npm run bench` does)');
  const rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 10 });
  try {
    const now = bucketStart('1m', Date.now());
    let price = 60_000;
    const bars: Candle[] = Array.from({ length: BARS }, (_, i) => {
      const open = price;
      price += Math.sin(i / 7) * 40 + (i % 5) - 2;
      return { time: now - (BARS + 1 - i) * 60_000, open, high: Math.max(open, price) + 15, low: Math.min(open, price) - 12, close: price, volume: 3 + (i % 11), final: true };
    });
    await new CandleCache(rig.cacheDir, silentLogger).merge({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, bars);
    // The markets held back: the page is set with the cached bars, as on a cold first load.
    rig.emulator.failRest({ status: 503, count: 100_000, path: 'exchangeInfo' });
    const settings = readSettings().settings;
    const fake = fakeWebviewPanel({ unchecked: true });
    const panel = new ChartPanel(fake.panel, { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, { extensionUri: vscode.Uri.file(ROOT), engine: { hub: rig.hub } as unknown as EngineHost, log: silentLogger, settings: () => settings });
    try {
      await pageUntil('the chart page set', () => fake.panel.webview.html !== '', 30_000);
      const html = fake.panel.webview.html;
      const inline = new RegExp(`<script type="application/json" id="${INLINE_MESSAGES_ID}"[^>]*>([^<]*)</script>`).exec(html)?.[1];
      const parsed = inline === undefined ? undefined : parseHostMessage(JSON.parse(inline));
      if (!parsed?.ok || parsed.message.method !== 'chart/snapshot' || parsed.message.params.candles.length < BARS * 0.9) throw new Error(`the chart page does not carry the cached bars inline (${parsed?.ok ? `${parsed.message.method}${parsed.message.method === 'chart/snapshot' ? ` with ${parsed.message.params.candles.length} bars` : ''}` : inline === undefined ? 'no inline data' : parsed?.error})`);
      const bundle = fake.scripts[0];
      if (bundle === undefined) throw new Error('the chart page was set without its bundle posted after it (is dist/webviews/pageLoader.js built?)');
      return { html, bundle, candles: [...parsed.message.params.candles] };
    } finally {
      panel.panel.dispose();
    }
  } finally {
    await rig.close();
  }
}

/** The bare lightweight-charts page with the same bars, bundled and minified as the extension's pages are. */
async function barePage(candles: unknown[]): Promise<string> {
  const built = await esbuild.build({ entryPoints: [path.join(__dirname, 'chartBootBare.ts')], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, write: false, logLevel: 'warning' });
  const script = built.outputFiles[0]?.text ?? '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><style>html,body{height:100%;margin:0}#chart{position:absolute;inset:0}</style></head><body><div id="chart"></div><script type="application/json" id="bars">${inlineJson(candles)}</script><script>${script}</script></body></html>`;
}


/** Ours: the page's own boot marks (epoch ms on its clock) relative to its navigation. */
const OUR_MARKS = `(() => {
  const o = performance.timeOrigin;
  const rendered = window.__posts.find((m) => m.method === 'webview/rendered' && m.params.times);
  const ready = window.__posts.find((m) => m.method === 'webview/ready');
  if (!rendered) return undefined;
  const t = rendered.params.times;
  return { painted: t.painted - o, received: t.received - o, applied: t.applied - o, scriptStart: ready && ready.params.boot ? ready.params.boot.scriptStart - o : NaN };
})()`;

async function loadOnce(browser: Browser, file: string, marks: string, bundle = ''): Promise<Record<string, number>> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    // Ours gets its bundle as VS Code hands it over.
    await page.addInitScript(vscodeApiStub({ delivery: 'held', bundle }));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    const handle = await page.waitForFunction(marks, undefined, { timeout: 30_000, polling: 20 }).catch(() => undefined);
    const got = (await handle?.jsonValue()) as Record<string, number> | undefined;
    if (!got) throw new Error(`${path.basename(file)} did not report its bars painted${errors.length ? `: ${errors.join('; ')}` : ''}`);
    return got;
  } finally {
    await context.close();
  }
}

export async function benchChartBoot(rounds = 15): Promise<ChartBootResult> {
  const { html, bundle, candles } = await ourPage();
  const bare = await barePage(candles);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-chartboot-'));
  const oursFile = path.join(dir, 'chart.html');
  const bareFile = path.join(dir, 'bare.html');
  writeFileSync(oursFile, html);
  writeFileSync(bareFile, bare);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const ours: Record<string, number>[] = [];
    const base: number[] = [];
    const loadOurs = async () => ours.push(await loadOnce(browser, oursFile, OUR_MARKS, bundle));
    const loadBare = async () => base.push((await loadOnce(browser, bareFile, '(() => window.__painted === undefined ? undefined : { painted: window.__painted })()')).painted as number);
    // One unmeasured load of each (the browser's own first start), then the two alternated, each first every other round.
    await loadOurs();
    await loadBare();
    ours.length = 0;
    base.length = 0;
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        await loadOurs();
        await loadBare();
      } else {
        await loadBare();
        await loadOurs();
      }
    }
    const med = (k: string) => Math.round(median(ours.map((x) => x[k] as number)));
    const oursPainted = med('painted');
    const barePainted = Math.round(median(base));
    return {
      name: 'chart-boot',
      bars: candles.length,
      rounds,
      ours: { paintedMs: oursPainted, rounds: ours.map((x) => Math.round(x.painted as number)), scriptStartMs: med('scriptStart'), snapshotReceivedMs: med('received'), snapshotAppliedMs: med('applied'), htmlBytes: Buffer.byteLength(html) },
      bare: { paintedMs: barePainted, rounds: base.map(Math.round), htmlBytes: Buffer.byteLength(bare) },
      ratio: Math.round((oursPainted / barePainted) * 100) / 100,
    };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
