/**
 * Host CPU of a liquidity heatmap panel against a chart panel on the same market, both the extension's own panel
 * classes on a plain-Node stand-in for VS Code, fed by real ccxt from the emulator (in its own process) at 50
 * trades/s; the heatmap samples the book every 100 ms. Phases alternate, each its own hub, so each pays its sockets.
 */
import { setConfiguration } from '../test/helpers/fakeVscode';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import { silentLogger } from '../src/core/util/log';
import type { EngineHost } from '../src/extension/engineHost';
import { ChartPanel } from '../src/extension/panels/chartPanel';
import { HeatmapPanel } from '../src/extension/panels/heatmapPanel';
import type { PanelContext } from '../src/extension/panels/panelContext';
import { readSettings } from '../src/extension/settings';
import { cpuOver } from './cpuWindow';
import { startEmulatorProcess } from './emulatorProcess';
import { fakeWebviewPanel, type FakePanel } from '../test/helpers/fakeWebviewPanel';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const FRAME_MS = 16;

export interface PanelPhase {
  cpuPercent: number;
  messagesPerSecond: number;
  bytesPerSecond: number;
  /** The most posts within any one frame (16 ms). */
  maxMessagesPerFrame: number;
}

export interface PanelHostCpuResult {
  emulatorTradesPerSecond: number;
  sampleMs: number;
  seconds: number;
  rounds: number;
  chart: PanelPhase & { runs: number[] };
  heatmap: PanelPhase & { runs: number[] };
  /** heatmap ÷ chart CPU, medians. */
  cpuRatio: number;
}

export function maxPerWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One panel on a fresh hub: opened, its page ready, its first data posted; then `seconds` measured. */
async function phase(url: string, storage: string, kind: 'chart' | 'heatmap', seconds: number): Promise<PanelPhase> {
  const registry = new ExchangeRegistry([{ id: 'binance', endpoint: url }], { log: silentLogger, marketsCacheDir: path.join(storage, 'markets') });
  const hub = new MarketHub({ clients: registry, cacheDir: path.join(storage, 'candles'), log: silentLogger, historyBars: 500 });
  const settings = readSettings().settings;
  const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..')), engine: { hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
  const fake: FakePanel = fakeWebviewPanel({ unchecked: true });
  const panel = kind === 'chart' ? new ChartPanel(fake.panel, { kind: 'chart', ...MARKET, timeframe: '1m' }, ctx) : new HeatmapPanel(fake.panel, { kind: 'heatmap', ...MARKET }, ctx);
  try {
    fake.fromPage({ method: 'webview/ready', params: { kind } });
    // Live data flowing: the snapshot and then updates (a chart's candles, a heatmap's columns).
    await until(`the ${kind} panel's live updates`, () => fake.posts.count >= 5);
    await new Promise((r) => setTimeout(r, 1000));
    const from = fake.posts.at.length;
    const bytes0 = fake.posts.bytes;
    const m = await cpuOver(seconds, () => fake.posts.count);
    const times = fake.posts.at.slice(from);
    return { cpuPercent: m.cpuPercent, messagesPerSecond: m.tradesPerSecond, bytesPerSecond: Math.round((fake.posts.bytes - bytes0) / seconds), maxMessagesPerFrame: maxPerWindow(times, FRAME_MS) };
  } finally {
    panel.panel.dispose();
    await hub.close();
    await registry.closeAll();
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function summary(phases: PanelPhase[]): PanelPhase & { runs: number[] } {
  return {
    cpuPercent: median(phases.map((p) => p.cpuPercent)),
    messagesPerSecond: median(phases.map((p) => p.messagesPerSecond)),
    bytesPerSecond: median(phases.map((p) => p.bytesPerSecond)),
    maxMessagesPerFrame: Math.max(...phases.map((p) => p.maxMessagesPerFrame)),
    runs: phases.map((p) => p.cpuPercent),
  };
}

export async function benchPanelHostCpu(rounds = 3, seconds = 8, rate = 50): Promise<PanelHostCpuResult> {
  setConfiguration({});
  const emu = await startEmulatorProcess(['--exchange', 'binance', '--rate', String(rate), '--symbols', MARKET.symbol, '--history-minutes', '600', '--markets', 'real-size']);
  const storage = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bench-panels-'));
  try {
    const chart: PanelPhase[] = [];
    const heatmap: PanelPhase[] = [];
    for (let i = 0; i < rounds; i++) {
      chart.push(await phase(emu.url, storage, 'chart', seconds));
      heatmap.push(await phase(emu.url, storage, 'heatmap', seconds));
    }
    const c = summary(chart);
    const h = summary(heatmap);
    return { emulatorTradesPerSecond: rate, sampleMs: readSettings().settings.heatmap.sampleMs, seconds, rounds, chart: c, heatmap: h, cpuRatio: Math.round((h.cpuPercent / Math.max(0.1, c.cpuPercent)) * 100) / 100 };
  } finally {
    await emu.stop();
    await fs.rm(storage, { recursive: true, force: true });
  }
}
