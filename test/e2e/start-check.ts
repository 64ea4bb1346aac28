/**
 * `npm run test:start`: `npm start` as a user meets it. Starts it as a terminal would (its own process group), waits
 * for the URL it prints, checks that the URL answers 200 with the workbench and that the workbench shows TradeSuite
 * in a browser, then sends SIGINT to npm's process group (Ctrl-C) and checks that no process it started is left,
 * and that the emulator's and code-server's ports are closed. Uses $TRADESUITE_CACHE like `npm start`.
 * Ends with one line: `start check: passed` or `start check: FAILED: why`.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { alive, descendants, processesInGroups, procStat, type ProcStat } from '../../scripts/lib/processTree';
import { CHROMIUM_ARGS, CHROMIUM_PATH, saveScreenshot } from './runner';

const URL_TIMEOUT_MS = Number(process.env.TRADESUITE_START_TIMEOUT_MS ?? 15 * 60_000);
const EXIT_TIMEOUT_MS = 15_000;
const root = path.resolve(__dirname, '../..');
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Opens the workbench as a user does, so code-server also starts its extension host; then closes the browser.
 * Returns what a user would find wrong on that first screen.
 */
async function openInBrowser(url: string): Promise<string[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.activitybar [aria-label^="TradeSuite"]').first().click({ timeout: 60_000 });
    // The demo workspace has favourites on all three exchanges: each shows a live price (and 24h change) once the
    // extension runs against its emulator.
    const markets = page.locator('.pane', { hasText: 'Markets' });
    await markets.getByRole('treeitem', { name: /^BTC\/USDT/ }).first().waitFor({ timeout: 60_000 });
    const problems: string[] = [];
    for (const exchange of ['binance', 'coinbase', 'bybit']) {
      const row = markets.getByRole('treeitem').filter({ hasText: `· ${exchange}` }).first();
      try {
        await row.locator('.label-description', { hasText: /\d[\d,.]*\s+[+-]\d+\.\d\d%/ }).waitFor({ timeout: 60_000 });
      } catch {
        problems.push(`the ${exchange} favourite shows no live price: "${(await row.textContent().catch(() => null)) ?? 'no row'}"`);
      }
    }
    if (await page.locator('.part.auxiliarybar').isVisible()) problems.push('an empty secondary side bar takes the right of the window');
    console.log(`  screenshot: ${await saveScreenshot(page, 'npm-start')}`);
    return problems;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  console.log(`[start-check] npm start -- --port 0 --emulator-port 0   (TRADESUITE_CACHE=${process.env.TRADESUITE_CACHE ?? '~/.cache/tradesuite'})`);
  // detached: npm leads a new process group, as a shell's foreground job does; Ctrl-C goes to that group.
  const npm = spawn('npm', ['start', '--', '--port', '0', '--emulator-port', '0'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = npm.pid!;
  let output = '';
  let exited = false;
  npm.once('exit', () => (exited = true));
  const urls = new Promise<{ workbench: string; emulators: string[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within ${URL_TIMEOUT_MS / 1000}s`)), URL_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      output += d.toString();
      const wb = /Open\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      const emulators = [...output.matchAll(/emulator: (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1] as string);
      if (wb?.[1] && emulators.length > 0) {
        clearTimeout(timer);
        resolve({ workbench: wb[1], emulators });
      }
    };
    npm.stdout!.on('data', onData);
    npm.stderr!.on('data', onData);
    npm.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code ?? sig}) before printing the URL`));
    });
  });
  const failures: string[] = [];
  let snapshot: ProcStat[] = [];
  try {
    const { workbench, emulators } = await urls;
    console.log(`  ✓ printed the URL after ${secs()}: ${workbench}`);
    const res = await fetch(workbench);
    const html = await res.text();
    if (res.status !== 200 || !/workbench/i.test(html)) failures.push(`GET ${workbench} answered ${res.status} without the workbench page`);
    else console.log('  ✓ the URL answers 200 with the workbench page');
    const firstScreen = await openInBrowser(workbench);
    failures.push(...firstScreen);
    if (!firstScreen.length) console.log(`  ✓ the workbench shows TradeSuite's Markets view, a live price on each exchange's favourite, no empty side bar (${secs()})`);

    // Everything npm start runs now: npm's descendants and every process in their process groups.
    const pids = [group, ...descendants(group)];
    const groups = new Set(pids.map((p) => procStat(p)?.pgid).filter((g): g is number => g !== undefined));
    snapshot = processesInGroups(groups);
    for (const p of pids) {
      const s = procStat(p);
      if (s && !snapshot.some((x) => x.pid === p)) snapshot.push(s);
    }
    const ports = [Number(new URL(workbench).port), ...emulators.map((u) => Number(new URL(u).port))];
    console.log(`  … ${snapshot.length} processes in ${groups.size} process groups; Ctrl-C (SIGINT to npm's process group)`);

    const sigintAt = Date.now();
    process.kill(-group, 'SIGINT');
    while (!exited && Date.now() - sigintAt < EXIT_TIMEOUT_MS) await sleep(100);
    if (!exited) failures.push(`npm start still running ${EXIT_TIMEOUT_MS / 1000}s after SIGINT`);
    const same = (s: ProcStat) => procStat(s.pid)?.startTime === s.startTime && alive(s.pid);
    // Also every process that joined those groups after the snapshot (one may start while code-server shuts down).
    const remaining = () => {
      const left = snapshot.filter(same);
      return { left, stray: processesInGroups(groups).filter((s) => !left.some((l) => l.pid === s.pid)) };
    };
    let { left, stray } = remaining();
    while (left.length + stray.length > 0 && Date.now() - sigintAt < EXIT_TIMEOUT_MS) {
      await sleep(100);
      ({ left, stray } = remaining());
    }
    if (left.length || stray.length) failures.push(`processes left after Ctrl-C:\n${[...left, ...stray].map((s) => `    ${s.pid} ${s.command.slice(0, 160)}`).join('\n')}`);
    else console.log(`  ✓ Ctrl-C ended all ${snapshot.length} processes within ${((Date.now() - sigintAt) / 1000).toFixed(1)}s`);
    const open = [];
    for (const port of ports) if (await portOpen(port)) open.push(port);
    if (open.length) failures.push(`ports still open after Ctrl-C: ${open.join(', ')}`);
    else console.log(`  ✓ code-server's port ${ports[0]} and the emulators' ports ${ports.slice(1).join(', ')} are closed`);
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
  } finally {
    // Whatever happened, leave nothing running (code-server runs in a process group of its own).
    if (snapshot.length === 0) snapshot = descendants(group).map((p) => procStat(p)).filter((s): s is ProcStat => s !== undefined);
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      /* already gone */
    }
    for (const s of snapshot) {
      try {
        if (procStat(s.pid)?.startTime === s.startTime) process.kill(-s.pgid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  if (failures.length) {
    console.log(`--- npm start output (tail) ---\n${output.split('\n').slice(-40).join('\n')}`);
    console.log(`start check: FAILED (${secs()}): ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log(`start check: passed (${secs()})`);
}

main().catch((err: unknown) => {
  console.log(`start check: FAILED: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
