/**
 * Desktop VS Code (Electron) runner for developers with internet access and a display:
 * @vscode/test-electron downloads VS Code into .vscode-test/ and runs the same bundled suite
 * (out/e2e/suite/index.js) inside its extension host.
 *
 *   npx tsx test/e2e/desktop.ts [--tests out/e2e/suite/index.js] [--extension .] [--workspace dir]
 *        [--env KEY=VALUE]... [--vscode-version stable|1.139.1] [--vscode-executable /path/to/code]
 *
 * Without internet the download fails; this prints one line saying so (no stack) and exits 1. On this
 * project's machines and in CI use the code-server runner instead: npx tsx test/e2e/runner.ts.
 * Ends with the same closing line as runner.ts: `N passed, N failed`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProgressReport, ProgressReporter } from '@vscode/test-electron';

interface DesktopOptions {
  tests: string;
  extension: string;
  workspace?: string;
  env: Record<string, string>;
  version?: string;
  executable?: string;
}

function parseArgs(argv: string[]): DesktopOptions {
  const o: DesktopOptions = { tests: 'out/e2e/suite/index.js', extension: '.', env: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--tests') o.tests = val();
    else if (a === '--extension') o.extension = val();
    else if (a === '--workspace') o.workspace = val();
    else if (a === '--vscode-version') o.version = val();
    else if (a === '--vscode-executable') o.executable = val();
    else if (a === '--env') {
      const v = val();
      const eq = v.indexOf('=');
      if (eq <= 0) throw new Error(`--env expects KEY=VALUE, got ${v}`);
      o.env[v.slice(0, eq)] = v.slice(eq + 1);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** Network-ish failures while resolving or downloading VS Code. */
function isDownloadFailure(e: unknown): boolean {
  const text = `${typeof e === 'string' ? e : (e as Error)?.message ?? ''} ${(e as { code?: string })?.code ?? ''}`;
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|getaddrinfo|socket hang up|Failed to get VS Code archive|Failed to download|Failed to fetch|Could not resolve/i.test(text);
}

function oneLine(e: unknown): string {
  const msg = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0].trim();
}

async function main(): Promise<number> {
  let o: DesktopOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`desktop e2e: ${oneLine(e)}`);
    return 2;
  }
  const extensionTestsPath = path.resolve(o.tests);
  const extensionDevelopmentPath = path.resolve(o.extension);
  if (!fs.existsSync(extensionTestsPath)) {
    console.error(`desktop e2e: ${extensionTestsPath} does not exist (build the e2e suite first)`);
    return 1;
  }

  let testElectron: typeof import('@vscode/test-electron');
  try {
    testElectron = await import('@vscode/test-electron');
  } catch (e) {
    console.error(`desktop e2e: @vscode/test-electron is not installed (${oneLine(e)}): it is a devDependency, run \`npm install\``);
    return 1;
  }
  const { runTests, TestRunFailedError } = testElectron;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tradesuite-desktop-e2e-'));
  const resultFile = path.join(tmp, 'result.json');
  const workspace = path.resolve(o.workspace ?? path.join(tmp, 'workspace'));
  fs.mkdirSync(workspace, { recursive: true });

  // The default reporter prints progress and stack traces; keep only what we need for one clear line.
  let lastDownloadError: unknown;
  const reporter: ProgressReporter = {
    report(r: ProgressReport) {
      if (r.stage === 'retrying') lastDownloadError = r.error;
      else if (r.stage === 'resolvedVersion') console.log(`desktop e2e: VS Code ${r.version}`);
      else if (r.stage === 'newInstallComplete') console.log(`desktop e2e: downloaded to ${r.downloadedPath}`);
    },
    error(err: unknown) {
      lastDownloadError = err;
    },
  };

  let exitCode: number | undefined;
  let runError: unknown;
  try {
    exitCode = await runTests({
      extensionDevelopmentPath,
      extensionTestsPath,
      extensionTestsEnv: { ...o.env, TRADESUITE_E2E_RESULT: resultFile },
      launchArgs: [workspace, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-telemetry'],
      reporter,
      timeout: 20_000,
      ...(o.version ? { version: o.version } : {}),
      ...(o.executable ? { vscodeExecutablePath: path.resolve(o.executable) } : {}),
    });
  } catch (e) {
    runError = e;
  }

  let result: { passed: number; failed: number; pending: number } | undefined;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    /* never reported */
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  if (runError && !(runError instanceof TestRunFailedError) && !result) {
    if (isDownloadFailure(runError) || isDownloadFailure(lastDownloadError)) {
      console.error(
        `desktop e2e: could not download VS Code (${oneLine(lastDownloadError ?? runError)}): @vscode/test-electron needs internet access; ` +
          'offline (as on CI) use `npx tsx test/e2e/runner.ts` (code-server), or pass --vscode-executable <installed VS Code>.',
      );
    } else {
      console.error(`desktop e2e: VS Code could not run the tests: ${oneLine(runError)}`);
    }
    console.log('0 passed, 1 failed');
    return 1;
  }
  if (result) {
    if (result.pending) console.log(`desktop e2e: ${result.pending} skipped`);
    const ok = result.failed === 0 && exitCode === 0 && !runError;
    console.log(`${result.passed} passed, ${ok ? 0 : Math.max(1, result.failed)} failed`);
    return ok ? 0 : 1;
  }
  console.error(`desktop e2e: the suite never reported a result (exit ${exitCode ?? oneLine(runError)})`);
  console.log('0 passed, 1 failed');
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`desktop e2e: ${oneLine(e)}`);
    process.exit(1);
  },
);
