/**
 * Issue 13's host-heap goal: ten charts × 5,000 bars open, against the idle engine (ccxt and the real-size markets
 * loaded, no chart) in the same fresh process. The emulator runs in its own process with enough 1m history.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startEmulatorProcess } from './emulatorProcess';
import { HOST_HEAP_BARS, HOST_HEAP_SYMBOLS } from './hostHeapMarkets';

export interface HostHeapResult {
  name: 'host-heap-charts';
  markets: number;
  charts: number;
  barsPerChart: number;
  /** ccxt, the client and the markets, above a bare process. */
  engineIdleMB: number;
  /** Ten charts open, above the idle engine. */
  chartsOpenMB: number;
  /** All closed again, above the idle engine: what outlives its consumers. */
  afterCloseMB: number;
  absolute: { bareMB: number; idleMB: number; openMB: number; closedMB: number };
  goalMB: 30;
}

export async function benchHostHeap(): Promise<HostHeapResult> {
  const emu = await startEmulatorProcess(['--exchange', 'binance', '--rate', '5', '--symbols', HOST_HEAP_SYMBOLS.join(','), '--history-minutes', String(HOST_HEAP_BARS + 60), '--markets', 'real-size']);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(__dirname, 'hostHeapProbe.ts'), emu.url], { maxBuffer: 1 << 20 });
    return { name: 'host-heap-charts', ...(JSON.parse(stdout.trim().split('\n').pop()!) as Omit<HostHeapResult, 'name' | 'goalMB'>), goalMB: 30 };
  } finally {
    await emu.stop();
  }
}
