import { readFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { ExchangeEmulator } from '../src/emulator';
import { cleanupAll, runExtensionTests } from '../test/e2e/runner';

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
