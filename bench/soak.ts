/**
 * Issue 13's soak, opt-in (`npx tsx bench/run.ts soak [--minutes N]`, 30 by default; never part of `npm test` or a plain
 * `npm run bench`): three emulated exchanges at 500 trades/s each, in their own processes, and ten subscriptions
 * as ten panels hold them, for the given minutes. The goal: heap growth < 5 % after warm-up, no growing timers or
 * sockets.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startEmulatorProcess } from './emulatorProcess';
import type { SoakSample } from './soakProbe';

const EXCHANGES = ['binance', 'coinbase', 'bybit'] as const;
const RATE = 500;

export interface SoakResult {
  name: 'soak';
  minutes: number;
  tradesPerSecondPerExchange: number;
  subscriptions: number;
  warmUpMinutes: number;
  /** Median heap of the three samples after warm-up, and of the last three. */
  heapAfterWarmUpMB: number;
  heapAtEndMB: number;
  heapGrowthPercent: number;
  /** Handle types (Timeout, TCPSocketWrap…) with more at the end (median of the last three samples) than at any sample of the first half after warm-up. */
  growingHandles: Record<string, { afterWarmUp: number; atEnd: number }>;
  receivedTradesPerSecond: number;
  samples: SoakSample[];
  errors: string[];
  goal: { heapGrowthPercent: 5 };
  met: boolean;
}

const median3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function benchSoak(minutes = 30): Promise<SoakResult> {
  const emulators = await Promise.all(EXCHANGES.map((x) => startEmulatorProcess(['--exchange', x, '--rate', String(RATE), '--markets', 'real-size', '--history-minutes', '600'])));
  try {
    const args = ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'soakProbe.ts'), String(minutes), ...EXCHANGES.map((x, i) => `${x}=${emulators[i]!.url}`)];
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`the soak probe exited with ${code}`))));
    });
    const probe = JSON.parse(stdout.trim().split('\n').pop()!) as { subscriptions: number; samples: SoakSample[]; errors: string[] };
    const samples = probe.samples;
    const warmUpMinutes = Math.min(3, Math.max(1, Math.floor(minutes / 10)));
    const after = samples.filter((s) => s.minute > warmUpMinutes);
    const first = after.slice(0, 3);
    const last = samples.slice(-3);
    const heapAfterWarmUpMB = median3(first.map((s) => s.heapMB));
    const heapAtEndMB = median3(last.map((s) => s.heapMB));
    const heapGrowthPercent = Math.round(((heapAtEndMB - heapAfterWarmUpMB) / heapAfterWarmUpMB) * 1000) / 10;
    const firstHalf = after.slice(0, Math.max(1, Math.floor(after.length / 2)));
    // Per type, the median of the last three samples against the most seen in the first half after warm-up, so a
    // request in flight at one sample (a file write, a REST socket) does not count as growth.
    const growingHandles: SoakResult['growingHandles'] = {};
    for (const type of new Set(samples.flatMap((s) => Object.keys(s.handles)))) {
      const atEnd = median3(last.map((s) => s.handles[type] ?? 0));
      const afterWarmUp = Math.max(0, ...firstHalf.map((s) => s.handles[type] ?? 0));
      if (atEnd > afterWarmUp) growingHandles[type] = { afterWarmUp, atEnd };
    }
    const receivedTradesPerSecond = Math.round(after.reduce((n, s) => n + s.tradesPerSecond, 0) / Math.max(1, after.length));
    return {
      name: 'soak',
      minutes,
      tradesPerSecondPerExchange: RATE,
      subscriptions: probe.subscriptions,
      warmUpMinutes,
      heapAfterWarmUpMB,
      heapAtEndMB,
      heapGrowthPercent,
      growingHandles,
      receivedTradesPerSecond,
      samples,
      errors: probe.errors,
      goal: { heapGrowthPercent: 5 },
      met: heapGrowthPercent < 5 && Object.keys(growingHandles).length === 0,
    };
  } finally {
    await Promise.all(emulators.map((e) => e.stop()));
  }
}
