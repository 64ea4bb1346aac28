/**
 * Bench `throughput`: host CPU per trade of the hub with 6 timeframes against a bare ccxt loop, at 2,000 trades/s.
 * Both run at the same time, each in its own process on the same emulator (so both receive the same trades), and
 * are measured over the same wall-clock windows: on a shared machine the load changes by the second, and two
 * phases taken one after the other differed by more than the effect being measured. The consumer runs bundled and
 * minified as the extension ships (ccxt included), not through tsx, whose per-module export getters sit on every
 * call between our files.
 *
 * The two sides are not symmetric on one emulator: the consumer that subscribed second can pay more CPU per trade
 * (two hubs side by side: ×1.01–1.19, two bare loops ×0.98–1.09, see `benchSubscriptionPosition`). So
 * each exchange is measured twice, once with each side subscribed first, and the figure is the geometric mean of
 * the two rounds' medians, in which that position's cost cancels.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { startEmulatorProcess } from './emulatorProcess';
import { THROUGHPUT_MARKETS, THROUGHPUT_TIMEFRAMES, type BenchExchange, type ConsumerMessage } from './throughputProtocol';

export type { BenchExchange } from './throughputProtocol';
export const BENCH_EXCHANGES = Object.keys(THROUGHPUT_MARKETS) as BenchExchange[];

interface Side {
  tradesPerSecond: number;
  /** % of one core, median over the windows, and each window's. */
  cpuPercent: number;
  cpuRuns: number[];
}

type Mode = 'bare' | 'hub';

/** One round: both sides over the same windows, `first` subscribed (and steady) before the other started. */
export interface ThroughputRound {
  first: Mode;
  bare: Side;
  hub: Side;
  /** Trades received, hub ÷ bare. */
  ratio: number;
  /** CPU per trade received, hub ÷ bare, the median of the windows' ratios. */
  cpuRatio: number;
  cpuRatioRuns: number[];
}

export interface ThroughputResult {
  name: string;
  exchange: BenchExchange;
  emulatorTradesPerSecond: number;
  /** Per round, `windows` windows of `seconds`, both sides measured over each. */
  seconds: number;
  windows: number;
  timeframes: string[];
  rounds: [ThroughputRound, ThroughputRound];
  /** The geometric mean of the two rounds' cpuRatio: what the hub and its 6 timeframes cost on top of ccxt per trade. */
  cpuRatio: number;
  cpuRatioGoal: 1.15;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Mark {
  at: number;
  cpuMicros: number;
  trades: number;
}

/** Both sides' CPU per trade still fell through the first windows after 2 s (tiering, the markets' garbage collected). */
const WARM_UP_MS = 5000;

let bundled: Promise<string> | undefined;

/** bench/throughputConsumer.ts as one minified file (built once per bench run). */
function consumerBundle(): Promise<string> {
  bundled ??= (async () => {
    const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ts-bench-throughput-')), 'consumer.js');
    await build({ entryPoints: [path.join(__dirname, 'throughputConsumer.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, external: ['protobufjs', 'protobufjs/*'], outfile, logLevel: 'warning' });
    return outfile;
  })();
  return bundled;
}

/** A consumer process: `steady` resolves once it is in its steady state; `mark()` asks for its CPU time and trades. */
function startConsumer(bundle: string, mode: Mode, exchange: BenchExchange, url: string, bareEmptiesCache = false) {
  const child: ChildProcess = fork(bundle, [mode, exchange, url, ...(mode === 'bare' && bareEmptiesCache ? ['empties-cache'] : [])], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onMark: { resolve: (m: Mark) => void; reject: (err: Error) => void } | undefined;
  let onSteady!: () => void;
  let exited: Error | undefined;
  const steady = new Promise<void>((resolve, reject) => {
    onSteady = resolve;
    child.once('exit', (code) => {
      exited = new Error(`the ${mode} consumer exited with ${code}`);
      reject(exited);
      onMark?.reject(exited);
    });
  });
  child.on('message', (m: ConsumerMessage) => {
    if (m.type === 'steady') onSteady();
    else onMark?.resolve({ at: performance.now(), cpuMicros: m.cpuMicros, trades: m.trades });
  });
  return {
    steady,
    mark: () =>
      new Promise<Mark>((resolve, reject) => {
        if (exited) return reject(exited);
        onMark = { resolve, reject };
        child.send({ type: 'mark' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

function side(windows: ReadonlyArray<{ cpu: number; trades: number; seconds: number }>): Side {
  const cpuRuns = windows.map((w) => round((w.cpu / 1e6 / w.seconds) * 100, 1));
  return { tradesPerSecond: Math.round(median(windows.map((w) => w.trades / w.seconds))), cpuPercent: median(cpuRuns), cpuRuns };
}

/**
 * `bareEmptiesCache`: the bare loop also empties ccxt's trade cache after each read, as the client does (opt-in,
 * `throughput-emptied`): the hub's own work over ccxt used the same way, apart from what the emptying saves.
 */
export async function benchHubThroughput(exchange: BenchExchange = 'binance', rate = 2000, seconds = 8, windows = 9, bareEmptiesCache = false): Promise<ThroughputResult> {
  const { symbol } = THROUGHPUT_MARKETS[exchange];
  const emu = await startEmulatorProcess(['--exchange', exchange, '--rate', String(rate), '--symbols', symbol, '--history-minutes', '30', '--markets', 'real-size']);
  try {
    const bundle = await consumerBundle();
    const bareFirst = await measureRound(bundle, exchange, emu.url, 'bare', seconds, windows, bareEmptiesCache);
    const hubFirst = await measureRound(bundle, exchange, emu.url, 'hub', seconds, windows, bareEmptiesCache);
    return {
      name: bareEmptiesCache ? 'hub-vs-bare-ccxt-emptying-its-cache' : 'hub-vs-bare-ccxt',
      exchange,
      emulatorTradesPerSecond: rate,
      seconds,
      windows,
      timeframes: [...THROUGHPUT_TIMEFRAMES],
      rounds: [bareFirst, hubFirst],
      cpuRatio: round(Math.sqrt(bareFirst.cpuRatio * hubFirst.cpuRatio), 2),
      cpuRatioGoal: 1.15,
    };
  } finally {
    await emu.stop();
  }
}

type Consumer = ReturnType<typeof startConsumer>;
interface Window {
  cpu: number;
  trades: number;
  seconds: number;
}

/** Starts the consumers in order, each subscribed and steady before the next starts; `started` gets each at once (to stop). */
async function startInOrder(bundle: string, modes: readonly Mode[], exchange: BenchExchange, url: string, started: Consumer[], bareEmptiesCache = false): Promise<Consumer[]> {
  for (const mode of modes) {
    const c = startConsumer(bundle, mode, exchange, url, bareEmptiesCache);
    started.push(c);
    await c.steady;
  }
  return started;
}

/** After the warm-up, both consumers' CPU and trades over the same `windows` windows of `seconds`. */
async function sideBySide(a: Consumer, b: Consumer, seconds: number, windows: number): Promise<[Window[], Window[]]> {
  await new Promise((r) => setTimeout(r, WARM_UP_MS)); // JIT warm-up and the seeds' and markets' garbage, untimed
  const out: [Window[], Window[]] = [[], []];
  let [a0, b0] = await Promise.all([a.mark(), b.mark()]);
  for (let w = 0; w < windows; w++) {
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const [a1, b1] = await Promise.all([a.mark(), b.mark()]);
    out[0].push({ cpu: a1.cpuMicros - a0.cpuMicros, trades: a1.trades - a0.trades, seconds: (a1.at - a0.at) / 1000 });
    out[1].push({ cpu: b1.cpuMicros - b0.cpuMicros, trades: b1.trades - b0.trades, seconds: (b1.at - b0.at) / 1000 });
    [a0, b0] = [a1, b1];
  }
  return out;
}

/**
 * Per window, CPU per trade received of `num` ÷ that of `den`: a window in which the loaded emulator fed one side
 * more slowly does not make it look cheaper.
 */
const perTradeRatios = (num: readonly Window[], den: readonly Window[]) =>
  num.map((n, i) => {
    const d = den[i] as Window;
    return round(n.cpu / Math.max(1, n.trades) / (d.cpu / Math.max(1, d.trades)), 2);
  });

async function measureRound(bundle: string, exchange: BenchExchange, url: string, first: Mode, seconds: number, windows: number, bareEmptiesCache: boolean): Promise<ThroughputRound> {
  const started: Consumer[] = [];
  try {
    // Subscribed in this order: the order the round is named by.
    const [firstC, secondC] = (await startInOrder(bundle, [first, first === 'bare' ? 'hub' : 'bare'], exchange, url, started, bareEmptiesCache)) as [Consumer, Consumer];
    const [firstW, secondW] = await sideBySide(firstC, secondC, seconds, windows);
    const [bareWindows, hubWindows] = first === 'bare' ? [firstW, secondW] : [secondW, firstW];
    const cpuRatioRuns = perTradeRatios(hubWindows, bareWindows);
    const bareSide = side(bareWindows);
    const hubSide = side(hubWindows);
    return { first, bare: bareSide, hub: hubSide, ratio: round(hubSide.tradesPerSecond / bareSide.tradesPerSecond, 3), cpuRatio: median(cpuRatioRuns), cpuRatioRuns };
  } finally {
    await Promise.all(started.map((c) => c.stop()));
  }
}

export interface PositionResult {
  name: 'subscription-position';
  exchange: BenchExchange;
  mode: Mode;
  /** CPU per trade received, the consumer subscribed second ÷ the one subscribed first (both the same kind), median of the windows. */
  secondOverFirst: number;
  runs: number[];
}

/**
 * Why `throughput` measures both orders: two consumers of the same kind on one emulator, side by side over the same
 * windows as a round of `throughput`. With no difference between them, any ratio but 1 is the position's own cost.
 */
export async function benchSubscriptionPosition(exchange: BenchExchange, mode: Mode, rate = 2000, seconds = 4, windows = 7): Promise<PositionResult> {
  const { symbol } = THROUGHPUT_MARKETS[exchange];
  const emu = await startEmulatorProcess(['--exchange', exchange, '--rate', String(rate), '--symbols', symbol, '--history-minutes', '30', '--markets', 'real-size']);
  const started: Consumer[] = [];
  try {
    const [first, second] = (await startInOrder(await consumerBundle(), [mode, mode], exchange, emu.url, started)) as [Consumer, Consumer];
    const [firstW, secondW] = await sideBySide(first, second, seconds, windows);
    const runs = perTradeRatios(secondW, firstW);
    return { name: 'subscription-position', exchange, mode, secondOverFirst: median(runs), runs };
  } finally {
    await Promise.all(started.map((c) => c.stop()));
    await emu.stop();
  }
}
