import { execFile } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { ExchangeEmulator } from '../src/emulator';
import { cleanupAll, launchKeptBrowser, runExtensionTests, type KeptBrowser } from '../test/e2e/runner';

export interface VscodeBenchResult {
  name: string;
  emulatorTradesPerSecond: number;
  coldPaintMs: number;
  warmPaintMs: number;
  onePanel: { cpuPercent: number; messagesPerSecond: number };
  tenPanels: { cpuPercent: number; messagesPerSecond: number };
  cpuRatio: number;
  emulatorStats: { openSockets: number; subscriptions: Record<string, number> };
  /** One liquidity heatmap panel on the same market, and its CPU against the one chart panel's. */
  heatmap: { cpuPercent: number; messagesPerSecond: number };
  heatmapCpuRatio: number;
}

/** Open-chart → first paint and 1 vs 10 panels, measured inside code-server against the emulator. */
export async function benchVscodePanels(rate = 50): Promise<VscodeBenchResult> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-e2e-'));
  await build({ entryPoints: [path.join(__dirname, 'e2e', 'panels.e2e.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outdir: outDir, logLevel: 'warning' });
  // Real-size markets (3,000 on Binance): the cold figure includes downloading and parsing them.
  const emulator = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: rate, historyMinutes: 600, symbols: ['BTC/USDT'], markets: 'real-size' });
  const resultFile = path.join(outDir, 'result.json');
  try {
    const r = await runExtensionTests({
      extensionTestsPath: path.resolve('out/e2e/suite/index.js'),
      extensionDevelopmentPath: process.cwd(),
      settings: { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }] },
      env: { TRADESUITE_EMULATOR_URL: emulator.url, TRADESUITE_BENCH_RESULT: resultFile, TRADESUITE_E2E_TESTS_DIR: outDir },
      onLog: () => undefined,
    });
    if (r.failed > 0 || !r.reported) throw new Error(`the VS Code benchmark run failed: ${r.error ?? JSON.stringify(r.failures)}`);
    return { name: 'vscode-panels', emulatorTradesPerSecond: rate, ...(JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<VscodeBenchResult, 'name' | 'emulatorTradesPerSecond'>) };
  } finally {
    await cleanupAll();
    await emulator.close();
  }
}

interface OpenChartRun {
  paintMs: number;
  barsPainted: number;
  engineStartedBefore: boolean;
  /** ms after the command: the engine started, the chart's page said ready, the host first posted to it (polled every 10 ms). */
  timeline: { engineStartedMs: number | null; pageReadyMs: number | null; firstPostMs: number | null };
  /** The page's start, ms after the command (each step on the clock that saw it: the host's or the webview's). */
  boot: PageBootTimeline;
  /** Closed and opened again in the same window (ccxt, markets and candles held): the page's own boot and paint. */
  sameWindowAgainMs: number;
  sameWindowAgainBoot: PageBootTimeline;
  /** From the Markets view (`fromView` windows): the view shown → Binance's markets in hand, before the command. */
  fromView?: { marketsListedMs: number };
}
interface PageBootTimeline {
  panelCreatedMs: number | null;
  /** The host had bars to show (cached or loaded), and set the page's HTML (carrying them when `inline`). */
  firstBarsMs: number | null;
  pageSetMs: number | null;
  inline: boolean | null;
  /** The webview's document navigation began: what VS Code's webview frame took before asking for our page. */
  pageNavigationMs: number | null;
  documentLoadedMs: number | null;
  scriptFetchStartMs: number | null;
  scriptFetchedMs: number | null;
  /** The bundle's first module ran (its parse and the fetch are before this). */
  scriptStartMs: number | null;
  readySentMs: number | null;
  readyReceivedMs: number | null;
  firstPostMs: number | null;
  /** The chart's snapshot reached the page, and was applied (setData); painted is two frames later, on the host's clock. */
  snapshotReceivedMs: number | null;
  snapshotAppliedMs: number | null;
  /** Two frames after setData, on the page's clock; paintedMs is when the host heard of it. */
  pagePaintedMs: number | null;
  /** Since 2026-12-04 (s35): the page's preview of its cached bars was drawn (before its bundle ran), when it had one. */
  previewPaintedMs?: number | null;
  /** The extension host's event loop held up ≥ 50 ms during the open: [start, length], ms after the command. */
  hostBlocks: Array<[number, number]>;
  paintedMs: number;
  /** Since s37: when the chart's feed was let start (its page painted, or the hold's deadline), and what ended the wait. */
  feedStartMs?: number | null;
  feedHeldBy?: string | null;
  scriptBytes: number | null;
}
interface ColdStartBreakdown {
  ccxtImportMs: number;
  /** ccxt's loadMarkets: download and parse. */
  marketsMs: number;
  historyRestMs: number;
  /** The warm path instead: MarketsCache.load (read, parse, check every market) and ccxt's setMarkets. */
  marketsCacheLoadMs: number;
  setMarketsMs: number;
  markets: number;
  exchangeInfoBytes: number;
  cacheFileBytes: number;
  historyBars: number;
}

export interface VscodeOpenChartResult {
  name: 'vscode-open-chart';
  /** New window, empty cache directory, ccxt not loaded, real-size markets (3,000 on Binance). */
  cold: OpenChartRun;
  /** A second new window on the cache directory the cold one filled (markets and candles on disk). */
  warm: OpenChartRun;
  /** Baseline in the same run: the cold open with the 3-market universe. */
  coldSmallMarkets: OpenChartRun;
  coldRatioToSmallMarkets: number;
  /** The host's share of a cold open, each step timed in a fresh Node process against the same emulator. */
  breakdownRealSize: ColdStartBreakdown;
  breakdownSmall: ColdStartBreakdown;
  /** Since 2026-11-30 (s10): the same cold and warm windows on a profile that already showed a webview, the browser started again for each window. */
  keptProfile: KeptProfileRuns;
  /** ... and the windows opened as pages of one running browser. */
  keptBrowser: KeptProfileRuns;
  /**
   * Since 2026-12-04 (s32): the same pairs in a running browser as a user clicks: the TradeSuite view shown first and
   * the chart opened once its Markets tree can list Binance's markets (the row clicked), timed from the command.
   */
  keptBrowserFromView: KeptProfileRuns;
  goals: { coldMs: 1500; warmMs: 300 };
}

/**
 * Where a window's browser comes from. A service worker registration and the HTTP cache belong to one origin, so
 * windows sharing a profile share the port.
 */
type WindowBrowser =
  | { kind: 'fresh' }
  /** A new browser process on a profile an earlier window at this origin filled. */
  | { kind: 'kept-profile'; profileDir: string; port: number }
  /** A new page in a running browser on such a profile: how VS Code opens a new window. */
  | { kind: 'kept-browser'; browser: KeptBrowser; port: number };

async function openChartInNewWindow(emulatorUrl: string, cacheDir: string, suiteDir: string, waitForCache: boolean, browser: WindowBrowser = { kind: 'fresh' }, fromView = false): Promise<OpenChartRun> {
  return runInNewWindow<OpenChartRun>(emulatorUrl, cacheDir, suiteDir, browser, {
    ...(waitForCache ? { TRADESUITE_BENCH_CACHE_DIR: cacheDir } : {}),
    ...profileEnv(browser, waitForCache),
    ...(fromView ? { TRADESUITE_BENCH_FROM_VIEW: '1' } : {}),
  });
}

/** The same window as a warm one from the Markets view, but its first webview a bare page: the floor of any open. */
async function bareWebviewInNewWindow(emulatorUrl: string, cacheDir: string, suiteDir: string, browser: WindowBrowser, index: number): Promise<FloorRun> {
  const variant = floorVariant(index);
  const html = variant === 'bare' ? undefined : await chartHtmlFile();
  const run = await runInNewWindow<FloorRun>(emulatorUrl, cacheDir, suiteDir, browser, {
    TRADESUITE_BENCH_FROM_VIEW: '1',
    TRADESUITE_BENCH_FLOOR: '1',
    ...(html ? { TRADESUITE_BENCH_FLOOR_HTML: html } : {}),
    ...(variant === 'chart-carried' ? { TRADESUITE_BENCH_FLOOR_CARRIED: '1' } : {}),
    ...(variant === 'chart-asked' ? { TRADESUITE_BENCH_FLOOR_ASKED: '1' } : {}),
  });
  return { ...run, variant };
}

/**
 * The floor's page: one line (`bare`), by default. TRADESUITE_BENCH_FLOOR_CHART_HTML (opt-in, s35, s36): `1`, our
 * chart's HTML, its bundle posted after it as the extension does; `alternate`, the floors take turns: bare, our
 * chart's HTML, the same with its bundle carried in the HTML (a 0.4 MB page, as before s36), and posted only on the
 * page's ask.
 */
function floorVariant(index: number): FloorVariant {
  const mode = process.env.TRADESUITE_BENCH_FLOOR_CHART_HTML;
  if (mode === '1') return 'chart';
  if (mode === 'alternate') return FLOOR_TURNS[index % FLOOR_TURNS.length]!;
  return 'bare';
}

let chartHtml: Promise<string> | undefined;
/**
 * TRADESUITE_BENCH_FLOOR_CHART_HTML=1 (opt-in, s35): the floor's panel gets our chart's own HTML (500 cached bars
 * inline, as a warm chart's; chartBoot's `ourPage`) instead of one line, in a panel the bench makes as the floor's:
 * VS Code's part for our page without our command, our host's work or its messages.
 */
function chartHtmlFile(): Promise<string> {
  // Imported only here: it brings the stand-in for the `vscode` module into this process.
  chartHtml ??= import('./chartBoot').then(({ ourPage }) => ourPage()).then(({ html, bundle }) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ts-floor-html-')), 'chart.html');
    writeFileSync(file, html);
    // Beside it: the bundle the host posts after the HTML.
    writeFileSync(`${file}.bundle.js`, bundle);
    return file;
  });
  return chartHtml;
}

async function runInNewWindow<T>(emulatorUrl: string, cacheDir: string, suiteDir: string, browser: WindowBrowser, env: Record<string, string>): Promise<T> {
  const resultFile = path.join(suiteDir, 'result.json');
  rmSync(resultFile, { force: true });
  const r = await runExtensionTests({
    extensionTestsPath: path.resolve('out/e2e/suite/index.js'),
    extensionDevelopmentPath: process.cwd(),
    ...(browser.kind === 'kept-profile' ? { browserProfileDir: browser.profileDir, port: browser.port } : {}),
    ...(browser.kind === 'kept-browser' ? { keptBrowser: browser.browser, port: browser.port } : {}),
    settings: { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulatorUrl }], 'tradesuite.cacheDirectory': cacheDir },
    env: { TRADESUITE_EMULATOR_URL: emulatorUrl, TRADESUITE_BENCH_RESULT: resultFile, TRADESUITE_E2E_TESTS_DIR: suiteDir, ...env },
    onLog: () => undefined,
  });
  if (r.failed > 0 || !r.reported) throw new Error(`the open-chart benchmark run failed: ${r.error ?? JSON.stringify(r.failures)}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
}

/** The floor's pages (floorVariant); `chart-asked` (s36): the bundle posted only when the page asks for it (after its load). */
export type FloorVariant = 'bare' | 'chart' | 'chart-carried' | 'chart-asked';
const FLOOR_TURNS: readonly FloorVariant[] = ['bare', 'chart', 'chart-carried', 'chart-asked'];
/** A floor window's page's start, ms after `createWebviewPanel` (the page's clock for navigation and paint). */
export interface FloorRun {
  variant?: FloorVariant;
  floor: { paintMs: number; pageNavigationMs: number; pagePaintedMs: number; previewPaintedMs?: number };
  fromView?: { marketsListedMs: number };
}

/** TRADESUITE_BENCH_CPUPROFILE=DIR (opt-in): each window's extension host writes a CPU profile of its first open there. */
function profileEnv(browser: WindowBrowser, waitForCache: boolean): Record<string, string> {
  const dir = process.env.TRADESUITE_BENCH_CPUPROFILE;
  return dir ? { TRADESUITE_BENCH_CPUPROFILE: path.resolve(dir), TRADESUITE_BENCH_LABEL: `${browser.kind}-${waitForCache ? 'filling' : 'cached'}-${Date.now()}` } : {};
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Cold and warm new windows on a profile that already showed a webview at the same origin. */
export interface KeptProfileRuns {
  /** The earlier window (its own empty cache directory) that left the profile's service worker and HTTP cache. */
  warmUp: OpenChartRun;
  cold: OpenChartRun;
  warm: OpenChartRun;
  /** More cold + warm pairs in the same browser (each pair its own cache directory), after the first. */
  more: Array<{ cold: OpenChartRun; warm: OpenChartRun }>;
  /** Medians over every pair (the first and `more`): VS Code's part and ours split where our page is requested. */
  medians: { pairs: number; cold: OpenSplit; warm: OpenSplit; floor?: OpenSplit };
  /**
   * Since 2026-12-04 (s34), from the Markets view only: after each pair a third window on the same cache whose first
   * webview is a bare page (`FloorRun`): what VS Code takes for any extension's panel, measured beside the warm open.
   */
  floors?: FloorRun[];
}

/** One open: end to end (the host heard the paint), VS Code's part (until our page is requested) and ours (to painted on the page). */
export interface OpenSplit {
  paintMs: number;
  vscodeMs: number | null;
  oursMs: number | null;
  /** The command → the page's preview of its cached bars drawn (s35), when the pages had one. */
  previewMs?: number | null;
}

/** The middle value (the mean of the two middle ones, rounded), or null for none. */
export const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

function medianSplit(runs: readonly OpenChartRun[]): OpenSplit {
  const nav = runs.flatMap((r) => (r.boot.pageNavigationMs === null ? [] : [r.boot.pageNavigationMs]));
  const ours = runs.flatMap((r) => (r.boot.pageNavigationMs === null || r.boot.pagePaintedMs === null ? [] : [r.boot.pagePaintedMs - r.boot.pageNavigationMs]));
  const previews = runs.flatMap((r) => (r.boot.previewPaintedMs == null ? [] : [r.boot.previewPaintedMs]));
  return { paintMs: median(runs.map((r) => r.paintMs)) ?? 0, vscodeMs: median(nav), oursMs: median(ours), ...(previews.length ? { previewMs: median(previews) } : {}) };
}

function floorSplit(runs: readonly FloorRun[]): OpenSplit {
  return {
    paintMs: median(runs.map((r) => r.floor.paintMs)) ?? 0,
    vscodeMs: median(runs.map((r) => r.floor.pageNavigationMs)),
    oursMs: median(runs.map((r) => r.floor.pagePaintedMs - r.floor.pageNavigationMs)),
  };
}

/** Cold + warm pairs per kept browser: `TRADESUITE_BENCH_OPEN_PAIRS` (VS Code's own part varies several-fold run to run). */
function openPairs(): number {
  const n = Number(process.env.TRADESUITE_BENCH_OPEN_PAIRS ?? 3);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`TRADESUITE_BENCH_OPEN_PAIRS must be a whole number from 1 to 20, got ${process.env.TRADESUITE_BENCH_OPEN_PAIRS}`);
  return n;
}

/**
 * A returning user's machine: one window at this origin showed a chart first (filling the profile), then a cold
 * window (empty cache directory) and a warm one (the cache the cold one filled), each a new code-server process
 * (new extension host). `browserKept`: the windows are pages of one running browser (VS Code's new window);
 * otherwise each window starts its own browser on the kept profile (VS Code started again).
 */
async function openChartOnKeptProfile(emulatorUrl: string, suiteDir: string, browserKept: boolean, pairs = 1, fromView = false): Promise<KeptProfileRuns> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-profile-'));
  const warmUpCache = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-cache-warmup-'));
  const cacheDirs: string[] = [];
  const port = await freePort();
  const kept = browserKept ? await launchKeptBrowser(profileDir) : undefined;
  const browser: WindowBrowser = kept ? { kind: 'kept-browser', browser: kept, port } : { kind: 'kept-profile', profileDir, port };
  try {
    const warmUp = await openChartInNewWindow(emulatorUrl, warmUpCache, suiteDir, false, browser);
    const all: Array<{ cold: OpenChartRun; warm: OpenChartRun }> = [];
    const floors: FloorRun[] = [];
    for (let i = 0; i < pairs; i++) {
      const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-cache-kept-'));
      cacheDirs.push(cacheDir);
      const cold = await openChartInNewWindow(emulatorUrl, cacheDir, suiteDir, true, browser, fromView);
      const warm = await openChartInNewWindow(emulatorUrl, cacheDir, suiteDir, false, browser, fromView);
      all.push({ cold, warm });
      if (fromView) floors.push(await bareWebviewInNewWindow(emulatorUrl, cacheDir, suiteDir, browser, i));
    }
    const [first, ...more] = all;
    const medians = { pairs, cold: medianSplit(all.map((p) => p.cold)), warm: medianSplit(all.map((p) => p.warm)), ...(fromView ? { floor: floorSplit(floors) } : {}) };
    return { warmUp, cold: first!.cold, warm: first!.warm, more, medians, ...(fromView ? { floors } : {}) };
  } finally {
    await kept?.close();
    for (const d of [profileDir, warmUpCache, ...cacheDirs]) rmSync(d, { recursive: true, force: true });
  }
}

/**
 * Only the user's path (`bench open-view`): the kept browser's pairs from the Markets view, each with its bare-webview
 * floor window. The full `open` runs these too, after its other sequences.
 */
export async function benchVscodeOpenFromView(): Promise<{ name: 'vscode-open-from-view'; keptBrowserFromView: KeptProfileRuns; goals: { coldMs: 1500; warmMs: 300 } }> {
  const suiteDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-'));
  await build({ entryPoints: [path.join(__dirname, 'e2e', 'openChart.e2e.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outdir: suiteDir, logLevel: 'warning' });
  const realSize = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 5, historyMinutes: 600, symbols: ['BTC/USDT'], markets: 'real-size' });
  try {
    const keptBrowserFromView = await openChartOnKeptProfile(realSize.url, suiteDir, true, openPairs(), true);
    return { name: 'vscode-open-from-view', keptBrowserFromView, goals: { coldMs: 1500, warmMs: 300 } };
  } finally {
    await cleanupAll();
    await realSize.close();
    rmSync(suiteDir, { recursive: true, force: true });
  }
}

/**
 * Opt-in (`bench open-floors`, s36): only the floor windows, the pages taking turns (a bare one; our chart's HTML with
 * its bundle posted after it, as the extension sets it; the same with the bundle carried in the HTML; the same with
 * the bundle posted only on the page's ask), each
 * a new window of one running browser, from the Markets view: VS Code's part for each page, without our command or host.
 */
export async function benchVscodeOpenFloors(): Promise<{ name: 'vscode-open-floors'; rounds: number; floors: FloorRun[]; medians: Record<FloorVariant, OpenSplit & { previewMs?: number | null }> }> {
  const suiteDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-'));
  await build({ entryPoints: [path.join(__dirname, 'e2e', 'openChart.e2e.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outdir: suiteDir, logLevel: 'warning' });
  const realSize = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 5, historyMinutes: 600, symbols: ['BTC/USDT'], markets: 'real-size' });
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-profile-'));
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-cache-floors-'));
  const previous = process.env.TRADESUITE_BENCH_FLOOR_CHART_HTML;
  process.env.TRADESUITE_BENCH_FLOOR_CHART_HTML = 'alternate';
  const kept = await launchKeptBrowser(profileDir);
  try {
    const browser: WindowBrowser = { kind: 'kept-browser', browser: kept, port: await freePort() };
    await openChartInNewWindow(realSize.url, cacheDir, suiteDir, false, browser);
    const rounds = openPairs();
    const floors: FloorRun[] = [];
    for (let i = 0; i < rounds * FLOOR_TURNS.length; i++) floors.push(await bareWebviewInNewWindow(realSize.url, cacheDir, suiteDir, browser, i));
    const of = (v: FloorVariant) => {
      const runs = floors.filter((f) => (f.variant ?? 'bare') === v);
      const previews = runs.flatMap((r) => (r.floor.previewPaintedMs === undefined ? [] : [r.floor.previewPaintedMs]));
      return { ...floorSplit(runs), ...(previews.length > 0 ? { previewMs: median(previews) } : {}) };
    };
    return { name: 'vscode-open-floors', rounds, floors, medians: { bare: of('bare'), chart: of('chart'), 'chart-carried': of('chart-carried'), 'chart-asked': of('chart-asked') } };
  } finally {
    if (previous === undefined) delete process.env.TRADESUITE_BENCH_FLOOR_CHART_HTML;
    else process.env.TRADESUITE_BENCH_FLOOR_CHART_HTML = previous;
    await kept.close();
    await cleanupAll();
    await realSize.close();
    for (const d of [suiteDir, profileDir, cacheDir]) rmSync(d, { recursive: true, force: true });
  }
}

async function coldStartBreakdown(emulatorUrl: string): Promise<ColdStartBreakdown> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'coldStartProbe.ts'), emulatorUrl]);
  return JSON.parse(stdout.trim().split('\n').pop()!) as ColdStartBreakdown;
}

/**
 * Issue 13's first two goals: open chart → candles painted in real VS Code with real-size markets, cold (new window,
 * empty cache, ccxt not loaded) and warm (another new window on the filled cache), against the cold open on 3
 * markets in the same run; plus where the cold time goes on the host.
 */
export async function benchVscodeOpenChart(): Promise<VscodeOpenChartResult> {
  const suiteDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-'));
  await build({ entryPoints: [path.join(__dirname, 'e2e', 'openChart.e2e.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outdir: suiteDir, logLevel: 'warning' });
  const realSize = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 5, historyMinutes: 600, symbols: ['BTC/USDT'], markets: 'real-size' });
  const small = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 5, historyMinutes: 600, symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], markets: 'small' });
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-cache-'));
  const smallCacheDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-open-cache-small-'));
  try {
    const cold = await openChartInNewWindow(realSize.url, cacheDir, suiteDir, true);
    await cleanupAll();
    const warm = await openChartInNewWindow(realSize.url, cacheDir, suiteDir, false);
    await cleanupAll();
    const coldSmallMarkets = await openChartInNewWindow(small.url, smallCacheDir, suiteDir, false);
    await cleanupAll();
    const keptProfile = await openChartOnKeptProfile(realSize.url, suiteDir, false);
    const keptBrowser = await openChartOnKeptProfile(realSize.url, suiteDir, true, openPairs());
    const keptBrowserFromView = await openChartOnKeptProfile(realSize.url, suiteDir, true, openPairs(), true);
    const breakdownRealSize = await coldStartBreakdown(realSize.url);
    const breakdownSmall = await coldStartBreakdown(small.url);
    return {
      name: 'vscode-open-chart',
      cold,
      warm,
      coldSmallMarkets,
      coldRatioToSmallMarkets: Math.round((cold.paintMs / Math.max(1, coldSmallMarkets.paintMs)) * 100) / 100,
      breakdownRealSize,
      breakdownSmall,
      keptProfile,
      keptBrowser,
      keptBrowserFromView,
      goals: { coldMs: 1500, warmMs: 300 },
    };
  } finally {
    await cleanupAll();
    await realSize.close();
    await small.close();
    for (const d of [suiteDir, cacheDir, smallCacheDir]) rmSync(d, { recursive: true, force: true });
  }
}
