/**
 * `npm run test:e2e`: real VS Code (code-server + headless Chromium) against the exchange emulator.
 *   1. the mocha suite inside the extension host (test/e2e/*.e2e.ts);
 *   2. the user story driven through the workbench UI (test/e2e/ui/workbenchScenario.ts);
 *   3. what a new user meets first (test/e2e/ui/firstContactScenario.ts), with screenshots in light and dark;
 *   4. an aggregated market's chart beside a single exchange's (test/e2e/ui/aggregateScenario.ts), three emulators;
 *   5. a replay of a recorded market (test/e2e/ui/replayScenario.ts), over a recording written for the run;
 *   6. Binance, Coinbase and Bybit charts side by side (test/e2e/ui/exchangesScenario.ts);
 *   7. recording a market from the Markets view, then replaying it (test/e2e/ui/recordScenario.ts).
 * `--vsix FILE` tests another build (e.g. main's, to see a scenario fail before a fix); `--first-contact-only`,
 * `--aggregate-only`, `--replay-only`, `--exchanges-only`, `--record-only`, `--preview-only`; `--stop-after TEXT` ends each
 * scenario after its first check whose name holds TEXT (to run a step many times, e.g. `--aggregate-only --stop-after
 * "footprint chart opens"`).
 * Ends with one line: `N passed, N failed`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator } from '../../src/emulator';
import { cleanupAll, installSignalHandlers, runExtensionTests } from './runner';
import { aggregateScenario } from './ui/aggregateScenario';
import { exchangesScenario } from './ui/exchangesScenario';
import { firstContactScenario } from './ui/firstContactScenario';
import { recordScenario } from './ui/recordScenario';
import { writeReplayRecording } from './replayRecording';
import { replayScenario } from './ui/replayScenario';
import { chartPreviewScenario } from './ui/chartPreviewScenario';
import { workbenchScenario, type Check } from './ui/workbenchScenario';

type Scenario = { checks: Check[]; screenshot(name: string): Promise<string | undefined>; saveLogs(name: string): string | undefined; dispose(): Promise<void> };

const stopAfterArg = process.argv.indexOf('--stop-after');
const stopAfter = stopAfterArg >= 0 ? process.argv[stopAfterArg + 1] : undefined;

/** Every failure named again above the closing line: a CI run shows the end of its output, not the middle. */
const failures: string[] = [];

/** Runs a scenario's checks in order, stopping at the first failure (later steps build on it); returns the counts. */
async function runChecks(scenario: Scenario, title: string): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  const last = stopAfter === undefined ? -1 : scenario.checks.findIndex((c) => c.name.includes(stopAfter));
  try {
    for (const check of last >= 0 ? scenario.checks.slice(0, last + 1) : scenario.checks) {
      const t0 = Date.now();
      try {
        await check.run();
        passed++;
        console.log(`  ✓ ${check.name} (${Date.now() - t0}ms)`);
      } catch (err) {
        failed++;
        failures.push(`${title}: ${check.name}\n     ${String(err instanceof Error ? err.message : err).split('\n')[0]}`);
        console.log(`  ✗ ${check.name}\n    ${String(err instanceof Error ? err.message : err).split('\n').slice(0, 12).join('\n    ')}`);
        const shot = await scenario.screenshot(`failure-ui-${check.name.slice(0, 40)}`).catch(() => undefined);
        if (shot) console.log(`    screenshot: ${shot}`);
        const logs = scenario.saveLogs(`failure-ui-${check.name.slice(0, 40)}`);
        if (logs) {
          // Its end in the output too: a CI run keeps its output, not its artifacts.
          const tail = readFileSync(logs, 'utf8').trimEnd().split('\n').slice(-40);
          console.log(`    TradeSuite log: ${logs}; its last ${tail.length} lines:\n${tail.map((l) => `      | ${l}`).join('\n')}`);
          const browser = logs.replace(/\.log$/, '.browser.log');
          if (existsSync(browser)) {
            const errors = readFileSync(browser, 'utf8').trimEnd().split('\n').slice(-15);
            console.log(`    the workbench's console errors: ${browser}; its last ${errors.length}:\n${errors.map((l) => `      | ${l}`).join('\n')}`);
          }
        }
        break;
      }
    }
  } finally {
    await scenario.dispose().catch(() => undefined);
  }
  return { passed, failed };
}

async function main(): Promise<number> {
  installSignalHandlers();
  const emulator = await ExchangeEmulator.start({ seed: 1, tradesPerSecond: 10, historyMinutes: 1440 });
  const recordings = mkdtempSync(path.join(os.tmpdir(), 'ts-e2e-recordings-'));
  await writeReplayRecording(recordings);
  const settings = { 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'tradesuite.historyBars': 300, 'tradesuite.recording.directory': recordings };
  // Most workbench scenarios were written for pages that load again when shown (and still test that path); the
  // exchanges scenario, the host suite and the tab-switch bench run with pages kept while hidden (the default).
  const uiSettings = { ...settings, 'tradesuite.panels.keepHiddenPages': false };
  let passed = 0;
  let failed = 0;
  // The packaged extension is what users install, so that is what is tested (`--dev` uses the source folder).
  const vsixArg = process.argv.indexOf('--vsix');
  const vsix = process.argv.includes('--dev') ? undefined : path.resolve(vsixArg >= 0 ? String(process.argv[vsixArg + 1]) : 'dist/tradesuite.vsix');
  const target = vsix ? { vsix } : { extensionDevelopmentPath: process.cwd() };
  console.log(`[e2e] extension under test: ${vsix ?? 'the development folder'}`);
  const only = (['ui', 'host', 'first-contact', 'aggregate', 'replay', 'exchanges', 'record', 'preview'] as const).find((g) => process.argv.includes(`--${g}-only`));
  const grep = only ?? 'all';
  try {
    if (grep === 'all' || grep === 'host') {
      console.log(`[e2e] extension-host suite against the emulator at ${emulator.url}`);
      const r = await runExtensionTests({
        extensionTestsPath: path.resolve('out/e2e/suite/index.js'),
        ...target,
        settings,
        env: { TRADESUITE_EMULATOR_URL: emulator.url },
        screenshotOnFailure: true,
      });
      passed += r.passed;
      failed += r.failed + (r.reported ? 0 : 1);
      for (const f of r.failures) failures.push(`extension-host suite: ${f.title}\n     ${f.error.split('\n')[0]}`);
      if (r.error) {
        console.log(`[e2e] extension-host suite: ${r.error}`);
        failures.push(`extension-host suite: ${r.error.split('\n')[0]}`);
      }
    }
    if (grep === 'all' || grep === 'ui') {
      console.log('[e2e] workbench UI scenario');
      const r = await runChecks(workbenchScenario(emulator, uiSettings, target, (l) => console.log(l)), 'workbench');
      passed += r.passed;
      failed += r.failed;
    }
    if (grep === 'all' || grep === 'first-contact') {
      console.log('[e2e] first contact: tree, DOM, splits, offline, log (screenshots in light and dark)');
      const r = await runChecks(firstContactScenario(emulator, uiSettings, target, (l) => console.log(l)), 'first contact');
      passed += r.passed;
      failed += r.failed;
    }
    if (grep === 'all' || grep === 'aggregate') {
      console.log('[e2e] aggregate: a chart of BTC across Binance, Coinbase and Bybit beside a Binance chart (screenshots)');
      const r = await runChecks(aggregateScenario(emulator, uiSettings, target, (l) => console.log(l)), 'aggregate');
      passed += r.passed;
      failed += r.failed;
    }
    if (grep === 'all' || grep === 'replay') {
      console.log('[e2e] replay: Open Replay…, the replay bar, play and pause');
      const r = await runChecks(replayScenario(emulator, uiSettings, target, (l) => console.log(l)), 'replay');
      passed += r.passed;
      failed += r.failed;
    }
    if (grep === 'all' || grep === 'exchanges') {
      console.log('[e2e] Binance, Coinbase and Bybit charts side by side');
      // A hidden chart gives its pixels back after 2 s, not the default minute: the scenario checks that they go and come back.
      const r = await runChecks(exchangesScenario({ ...settings, 'tradesuite.panels.freeHiddenCanvasesAfterSeconds': 2 }, target, (l) => console.log(l)), 'exchanges');
      passed += r.passed;
      failed += r.failed;
    }
    if (grep === 'all' || grep === 'preview') {
      console.log("[e2e] a chart page's preview of its cached bars, in Chromium outside VS Code (screenshots)");
      const r = await runChecks(chartPreviewScenario((l) => console.log(l)), 'preview');
      passed += r.passed;
      failed += r.failed;
    }
    if (grep === 'all' || grep === 'record') {
      console.log('[e2e] recording: Record from the Markets view, REC, Recordings, Stop Recording, its replay');
      const r = await runChecks(recordScenario(emulator, uiSettings, target, (l) => console.log(l)), 'record');
      passed += r.passed;
      failed += r.failed;
    }
  } finally {
    await cleanupAll();
    await emulator.close();
    rmSync(recordings, { recursive: true, force: true });
  }
  if (failures.length > 0) console.log(`\n[e2e] failures:\n${failures.map((f, i) => `  ${i + 1}) ${f}`).join('\n')}\n`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
