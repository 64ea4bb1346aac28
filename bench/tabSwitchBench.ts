import { readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { ExchangeEmulator } from '../src/emulator';
import { cleanupAll, runExtensionTests } from '../test/e2e/runner';
import { median } from './vscodeBench';

export interface TabSwitchRun {
  /** Tab switched → the host heard the chart's page painted. */
  paintMs: number;
  /** Tab switched → painted, and → the page's document requested, on the page's clock. */
  pagePaintedMs: number | null;
  pageNavigationMs: number | null;
  /** The page's steps on the way, ms after the switch: document loaded, bundle's first module, ready sent and received, snapshot received and applied. */
  steps: Record<string, number | null>;
  /** Times the page asked for its bundle, and posts of it VS Code did not deliver, during the round (s36's pages). */
  asked: number;
  dropped: number;
  /** Whether the page took the resync posted as it was shown, before its ready (1), or waited for its ready's answer (0; s37's builds always). */
  earlyTaken?: number;
  /** Whether the chart was shown again with the page it kept while hidden (1: no reload; s39). */
  keptShown?: number;
}

/** One window's rounds: panels made to keep their page while hidden (`panels.keepHiddenPages`), or to reload it. */
export interface TabSwitchWindow {
  pages: 'kept' | 'reloaded';
  runs: TabSwitchRun[];
  medians: { paintMs: number; pagePaintedMs: number | null; pageNavigationMs: number | null; asked: number };
  /**
   * The browser's memory (PSS of its processes) with the book shown, before and after more charts were opened and
   * hidden behind it, then after a heatmap and then a DOM ladder were too (builds of this bench from s40 on).
   */
  memory: { beforeMb: number; afterMb: number; hiddenCharts: number; heatmapMb?: number; domMb?: number };
}

export interface TabSwitchResult {
  name: 'vscode-tab-switch';
  /** The build measured: this tree's, or TRADESUITE_BENCH_EXTENSION_DIR's (an older build beside it, for before/after). */
  extensionDir: string;
  /** Kept and reloaded pages taking turns, one window each, TRADESUITE_BENCH_TAB_PAIRS pairs (1). */
  windows: TabSwitchWindow[];
}

/**
 * Opt-in (`bench tab-switch`, s37): in one running window, a chart and an order book in one editor group; each round
 * switches to the chart's tab and times it to painted bars. Windows whose panels keep their page while hidden (s39's
 * default) and windows whose pages load again take turns. TRADESUITE_BENCH_EXTENSION_DIR runs another build (e.g. an
 * older commit's `git worktree`) under this same bench, so before and after can alternate (builds before s39 have
 * no such setting: both kinds of window reload).
 */
export async function benchVscodeTabSwitch(): Promise<TabSwitchResult> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ts-bench-tabs-'));
  await build({ entryPoints: [path.join(__dirname, 'e2e', 'tabSwitch.e2e.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outdir: outDir, logLevel: 'warning' });
  const emulator = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 50, historyMinutes: 600, symbols: ['BTC/USDT'], markets: 'real-size' });
  const extensionDir = path.resolve(process.env.TRADESUITE_BENCH_EXTENSION_DIR ?? process.cwd());
  const pairs = Number(process.env.TRADESUITE_BENCH_TAB_PAIRS ?? 1);
  const windows: TabSwitchWindow[] = [];
  try {
    for (let i = 0; i < pairs; i++) {
      for (const pages of ['kept', 'reloaded'] as const) {
        const resultFile = path.join(outDir, `result-${i}-${pages}.json`);
        const r = await runExtensionTests({
          extensionTestsPath: path.resolve('out/e2e/suite/index.js'),
          extensionDevelopmentPath: extensionDir,
          settings: { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'tradesuite.panels.keepHiddenPages': pages === 'kept' },
          env: { TRADESUITE_EMULATOR_URL: emulator.url, TRADESUITE_BENCH_RESULT: resultFile, TRADESUITE_E2E_TESTS_DIR: outDir },
          onLog: () => undefined,
        });
        if (r.failed > 0 || !r.reported) throw new Error(`the tab switch benchmark run failed: ${r.error ?? JSON.stringify(r.failures)}`);
        const { runs, memory } = JSON.parse(readFileSync(resultFile, 'utf8')) as { runs: TabSwitchRun[]; memory: TabSwitchWindow['memory'] };
        const of = (pick: (r: TabSwitchRun) => number | null) => median(runs.flatMap((r) => (pick(r) === null ? [] : [pick(r)!])));
        windows.push({ pages, runs, memory, medians: { paintMs: of((r) => r.paintMs) ?? 0, pagePaintedMs: of((r) => r.pagePaintedMs), pageNavigationMs: of((r) => r.pageNavigationMs), asked: of((r) => r.asked) ?? 0 } });
      }
    }
    return { name: 'vscode-tab-switch', extensionDir, windows };
  } finally {
    await cleanupAll();
    await emulator.close();
  }
}
