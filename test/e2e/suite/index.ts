/**
 * Mocha runner that runs INSIDE the VS Code extension host (the `extensionTestsPath` contract:
 * a CommonJS module exporting `run(): Promise<void>`; VS Code reports exit code 0 if it resolves, 1 if it rejects).
 *
 * It must be bundled (mocha included, `vscode` external): the extension host is plain Node and cannot
 * resolve mocha from the project. Proposed esbuild entry (see the report / esbuild.mjs):
 *   { bundle, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
 *     entryPoints: ['test/e2e/suite/index.ts', 'test/e2e/**\/*.e2e.ts'], outbase: 'test/e2e', outdir: 'out/e2e' }
 * giving out/e2e/suite/index.js plus one out/e2e/**\/*.e2e.js per test file.
 *
 * Test files: every `*.e2e.js` under the parent of this file's directory (out/e2e/), or under
 * $TRADESUITE_E2E_TESTS_DIR. They use mocha's BDD globals (describe/it/before/...) and `import * as vscode from 'vscode'`.
 *
 * Env (set on code-server; it reaches the extension host):
 *   TRADESUITE_E2E_RESULT           write the result JSON here (test/e2e/runner.ts sets it and reads it)
 *   TRADESUITE_E2E_TESTS_DIR        where to look for *.e2e.js (default: path.resolve(__dirname, '..'))
 *   TRADESUITE_E2E_GREP             only tests whose full title matches this (a RegExp source)
 *   TRADESUITE_E2E_TEST_TIMEOUT_MS  mocha per-test timeout (default 30000)
 *
 * Result JSON: { passed, failed, pending, failures: [{ title, error }], durationMs, files }.
 * Log lines (one per test, spec-like: "  ✓ title (12ms)", "  ✗ title", a closing "e2e suite: N passing, ...")
 * go to console.log, which reaches the runner through the workbench's codeAutomationLog hook.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface SuiteFailure {
  title: string;
  error: string;
}

export interface SuiteResult {
  passed: number;
  failed: number;
  pending: number;
  failures: SuiteFailure[];
  durationMs: number;
  files: string[];
}

function findTestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
      } else if (/\.e2e\.c?js$/.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(root);
  return out.sort();
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

function log(line: string): void {
  console.log(line);
}

export function run(): Promise<void> {
  const t0 = Date.now();
  const result: SuiteResult = { passed: 0, failed: 0, pending: 0, failures: [], durationMs: 0, files: [] };
  const resultPath = process.env.TRADESUITE_E2E_RESULT;
  const writeResult = () => {
    result.durationMs = Date.now() - t0;
    if (!resultPath) return;
    try {
      fs.writeFileSync(resultPath, JSON.stringify(result, null, 2));
    } catch (e) {
      log(`e2e suite: could not write ${resultPath}: ${errorText(e)}`);
    }
  };
  const fail = (title: string, err: unknown) => {
    result.failed++;
    result.failures.push({ title, error: errorText(err) });
  };

  return new Promise<void>((resolve, reject) => {
    const finish = () => {
      writeResult();
      log(`e2e suite: ${result.passed} passing, ${result.failed} failing, ${result.pending} pending (${result.durationMs}ms)`);
      if (result.failed > 0) reject(new Error(`${result.failed} e2e test(s) failed`));
      else resolve();
    };
    try {
      const root = path.resolve(process.env.TRADESUITE_E2E_TESTS_DIR ?? path.join(__dirname, '..'));
      const files = findTestFiles(root);
      result.files = files;
      if (!files.length) {
        fail('e2e suite', new Error(`no *.e2e.js files under ${root}`));
        finish();
        return;
      }
      const grep = process.env.TRADESUITE_E2E_GREP;
      const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_SUITE_BEGIN } = Mocha.Runner.constants;
      // A reporter is constructed before the run starts, so no event is missed.
      class LineReporter extends Mocha.reporters.Base {
        constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
          super(runner, options);
          runner.on(EVENT_SUITE_BEGIN, (s: Mocha.Suite) => {
            if (s.title) log(`${'  '.repeat(Math.max(0, s.titlePath().length - 1))}${s.title}`);
          });
          runner.on(EVENT_TEST_PASS, (t: Mocha.Test) => {
            result.passed++;
            log(`  ✓ ${t.fullTitle()} (${t.duration ?? 0}ms)`);
          });
          runner.on(EVENT_TEST_PENDING, (t: Mocha.Test) => {
            result.pending++;
            log(`  - ${t.fullTitle()} (skipped)`);
          });
          // Also fires for failing hooks (before/after), which mocha reports as "hook" runnables.
          runner.on(EVENT_TEST_FAIL, (t: Mocha.Runnable, err: unknown) => {
            fail(t.fullTitle(), err);
            log(`  ✗ ${t.fullTitle()}\n      ${errorText(err).split('\n').slice(0, 8).join('\n      ')}`);
          });
        }
      }
      const mocha = new Mocha({
        ui: 'bdd',
        color: false,
        timeout: Number(process.env.TRADESUITE_E2E_TEST_TIMEOUT_MS) || 30_000,
        reporter: LineReporter,
        ...(grep ? { grep: new RegExp(grep) } : {}),
      });
      log(`e2e suite: ${files.length} file(s) under ${root}${grep ? ` (grep /${grep}/)` : ''}`);

      // Load the bundled CommonJS test files ourselves (like Mocha#loadFiles) so that a file that
      // throws while loading counts as a failure instead of aborting the whole run.
      for (const file of files) {
        try {
          mocha.suite.emit('pre-require', globalThis, file, mocha);
          const mod: unknown = require(file);
          mocha.suite.emit('require', mod, file, mocha);
          mocha.suite.emit('post-require', globalThis, file, mocha);
        } catch (e) {
          log(`  ✗ failed to load ${path.relative(root, file)}`);
          fail(`load ${path.relative(root, file)}`, e);
        }
      }
      mocha.run(() => finish());
    } catch (e) {
      fail('e2e suite', e);
      finish();
    }
  });
}
