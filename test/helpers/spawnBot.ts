/** Runs the built `tradesuite-alerts` as a user runs it: a child process whose output lines (through pipes) are kept and awaitable. */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { ExchangeEmulator } from '../../src/emulator';

const CLI = path.resolve('dist/cli.js');
/**
 * How long a bot may take to print its first line: a node process, its bundle, and ccxt's first compile with no code
 * cache yet (11 s at load 17 on 2 cores, 6 s with the code cache). A wait for a line counts its own budget from the
 * first line, so a slow start fails here, named, and not as the first wait's timeout.
 */
export const BOT_START_BUDGET_MS = 90_000;

/** Bots not yet exited: useBotRig kills those a test left running. */
const running = new Set<ChildProcess>();

export interface SpawnedBot {
  readonly child: ChildProcess;
  readonly out: string[];
  readonly err: string[];
  /** The exit code (null when killed by a signal), once the process has exited and its output is read to the end. */
  readonly exited: Promise<number | null>;
  /** Resolves with the first output line (stdout or stderr, past or future) matching `re`. */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Like line(), but only lines printed from now on count. */
  nextLine(re: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * `env`: added to this process's environment, less its NODE_OPTIONS (a test run with `--import tsx` there would load
 * tsx into the bot, whose loader thread can let an early SIGTERM kill it before its handlers are in).
 */
export function startBot(args: string[], env: Readonly<Record<string, string>> = {}): SpawnedBot {
  const { NODE_OPTIONS: _testRunnerOptions, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...inherited, ...env } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const out: string[] = [];
  const err: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  let printed = false;
  const onFirstLine: Array<() => void> = [];
  const push = (sink: string[], line: string): void => {
    sink.push(line);
    if (!printed) for (const f of onFirstLine.splice(0)) f();
    printed = true;
    for (const w of [...waiters]) if (w.re.test(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
  };
  /** Splits a stream into lines (a line cut between two chunks is joined); returns a flush for the last one. */
  const lines = (stream: Readable, sink: string[]): (() => void) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) if (l !== '') push(sink, l);
    });
    return () => {
      if (rest !== '') push(sink, rest);
      rest = '';
    };
  };
  const flushOut = lines(child.stdout, out);
  const flushErr = lines(child.stderr, err);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      flushOut();
      flushErr();
      resolve(code);
    }),
  );
  const wait = (re: RegExp, timeoutMs: number, includePast: boolean) =>
    new Promise<string>((resolve, reject) => {
      const seen = includePast ? [...out, ...err].find((l) => re.test(l)) : undefined;
      if (seen) return resolve(seen);
      const fail = (why: string) => () => reject(new Error(`no output line matching ${re} ${why}; got:\n${[...out, ...err].slice(-15).join('\n')}`));
      const own = () => setTimeout(fail(`within ${timeoutMs} ms`), timeoutMs);
      // A wait's own budget starts with the bot's first line: its start before that is the start's budget.
      let t = printed ? own() : setTimeout(fail(`and no line at all: the bot's start took over its budget of ${BOT_START_BUDGET_MS} ms (BOT_START_BUDGET_MS)`), BOT_START_BUDGET_MS);
      if (!printed) onFirstLine.push(() => (clearTimeout(t), (t = own())));
      waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  return { child, out, err, exited, line: (re, timeoutMs = 20_000) => wait(re, timeoutMs, true), nextLine: (re, timeoutMs = 20_000) => wait(re, timeoutMs, false) };
}

/**
 * Mocha hooks for a describe block of spawned bots: a quiet Binance emulator and a scratch folder for the block, and
 * every bot a test left running killed after it.
 */
export function useBotRig(seed: number, tmpPrefix: string): { readonly emulator: ExchangeEmulator; readonly dir: string } {
  let emulator: ExchangeEmulator | undefined;
  let dir: string | undefined;
  before(async () => {
    emulator = await ExchangeEmulator.start({ seed, tradesPerSecond: 0, historyMinutes: 30 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), tmpPrefix));
  });
  afterEach(() => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the bot rig's ${what} is made in its before hook`);
    return value;
  };
  return {
    get emulator() {
      return started(emulator, 'emulator');
    },
    get dir() {
      return started(dir, 'folder');
    },
  };
}
