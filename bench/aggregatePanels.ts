/**
 * Host CPU of one aggregate chart (3 legs: Binance BTC/USDT, Coinbase BTC/USD, Bybit BTC/USDT:USDT) against the three
 * single-market charts of its legs, the extension's own ChartPanel on a plain-Node stand-in for VS Code, fed by
 * real ccxt from three emulators (each in its own process) at the same trade rate. Phases alternate, each its own
 * hub, so each pays its sockets; the aggregate's panel posts are counted per frame.
 */
import { setConfiguration } from '../test/helpers/fakeVscode';
import * as os from 'node:os';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { AggregateDefinition } from '../src/core/aggregate/aggregateDefinition';
import { ExchangeRegistry } from '../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../src/core/hub/marketHub';
import { silentLogger } from '../src/core/util/log';
import type { EngineHost } from '../src/extension/engineHost';
import { ChartPanel } from '../src/extension/panels/chartPanel';
import type { PanelContext } from '../src/extension/panels/panelContext';
import { readSettings } from '../src/extension/settings';
import { cpuOver } from './cpuWindow';
import { startEmulatorProcess } from './emulatorProcess';
import { maxPerWindow, median, until } from './panelHostCpu';
import { fakeWebviewPanel, type FakePanel } from '../test/helpers/fakeWebviewPanel';

const LEGS = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
] as const;
const AGGREGATE: AggregateDefinition = { name: 'BTC-USD (bench)', legs: LEGS, price: { kind: 'vwap' }, usdtIsUsd: true };
const FRAME_MS = 16;

export interface AggregatePanelsPhase {
  cpuPercent: number;
  /** Trades the hub received per second, all legs together (what the emulators managed to send). */
  tradesPerSecond: number;
  messagesPerSecond: number;
  maxMessagesPerFrame: number;
  /** The shortest time between two posts to one panel (ms): a frame's timer may fire a little early. */
  minGapMs: number;
}

export interface AggregatePanelsResult {
  tradesPerSecondPerLeg: number;
  seconds: number;
  rounds: number;
  aggregate: AggregatePanelsPhase & { runs: number[] };
  singles: AggregatePanelsPhase & { runs: number[] };
  /** The aggregate chart's host CPU ÷ the three single charts', medians (the goal: ≤ 1.2). */
  cpuRatio: number;
  loadAverage: number;
}

async function phase(urls: readonly string[], storage: string, kind: 'aggregate' | 'singles', seconds: number): Promise<AggregatePanelsPhase> {
  const registry = new ExchangeRegistry(
    LEGS.map((l, i) => ({ id: l.exchange, endpoint: urls[i] as string })),
    { log: silentLogger, marketsCacheDir: path.join(storage, 'markets') },
  );
  const hub = new MarketHub({ clients: registry, cacheDir: path.join(storage, 'candles'), log: silentLogger, historyBars: 500 });
  const settings = { ...readSettings().settings, aggregates: [AGGREGATE] };
  const ctx: PanelContext = { extensionUri: vscode.Uri.file(path.join(__dirname, '..')), engine: { hub } as unknown as EngineHost, log: silentLogger, settings: () => settings };
  const markets = kind === 'aggregate' ? [{ exchange: 'aggregate', symbol: AGGREGATE.name }] : LEGS;
  const fakes: FakePanel[] = markets.map(() => fakeWebviewPanel({ keep: true, unchecked: true }));
  const panels = markets.map((m, i) => new ChartPanel((fakes[i] as FakePanel).panel, { kind: 'chart', ...m, timeframe: '1m' }, ctx));
  // One more consumer of each leg's shared trade stream, in both phases: it counts what arrives.
  let trades = 0;
  const counters = LEGS.map((l) => hub.subscribe({ kind: 'trades', ...l }, (e) => void (e.type === 'trades' && (trades += e.trades.length))));
  try {
    for (const f of fakes) f.fromPage({ method: 'webview/ready', params: { kind: 'chart' } });
    await until(`the ${kind} charts' live updates`, () => fakes.every((f) => f.posts.count >= 5), 120_000).catch((err: unknown) => {
      throw new Error(`${String(err)}: posts ${fakes.map((f) => f.posts.count).join('/')}; ${JSON.stringify(fakes.map((f) => f.messages.slice(-2)))}`.slice(0, 2000));
    });
    await new Promise((r) => setTimeout(r, 2000));
    for (const f of fakes) f.messages.length = 0; // kept only to tell why a chart did not start
    const from = fakes.map((f) => f.posts.at.length);
    const trades0 = trades;
    const m = await cpuOver(seconds, () => fakes.reduce((n, f) => n + f.posts.count, 0));
    return { cpuPercent: m.cpuPercent, tradesPerSecond: Math.round((trades - trades0) / seconds), messagesPerSecond: m.tradesPerSecond, maxMessagesPerFrame: Math.max(...fakes.map((f, i) => maxPerWindow(f.posts.at.slice(from[i]), FRAME_MS))), minGapMs: Math.min(...fakes.map((f, i) => minGap(f.posts.at.slice(from[i])))) };
  } finally {
    for (const c of counters) c.dispose();
    for (const p of panels) p.panel.dispose();
    await hub.close();
    await registry.closeAll();
  }
}

function minGap(times: readonly number[]): number {
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) gap = Math.min(gap, (times[i] as number) - (times[i - 1] as number));
  return Math.round(gap * 10) / 10;
}

function summary(phases: AggregatePanelsPhase[]): AggregatePanelsPhase & { runs: number[] } {
  return {
    cpuPercent: median(phases.map((p) => p.cpuPercent)),
    tradesPerSecond: median(phases.map((p) => p.tradesPerSecond)),
    messagesPerSecond: median(phases.map((p) => p.messagesPerSecond)),
    maxMessagesPerFrame: Math.max(...phases.map((p) => p.maxMessagesPerFrame)),
    minGapMs: Math.min(...phases.map((p) => p.minGapMs)),
    runs: phases.map((p) => p.cpuPercent),
  };
}

export async function benchAggregatePanels(rounds = 3, seconds = 10, rate = 1000): Promise<AggregatePanelsResult> {
  setConfiguration({});
  const emus = await Promise.all(LEGS.map((l) => startEmulatorProcess(['--exchange', l.exchange, '--rate', String(rate), '--symbols', l.symbol, '--history-minutes', '600'])));
  const storage = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-bench-aggpanels-'));
  try {
    const aggregate: AggregatePanelsPhase[] = [];
    const singles: AggregatePanelsPhase[] = [];
    for (let i = 0; i < rounds; i++) {
      singles.push(await phase(emus.map((e) => e.url), storage, 'singles', seconds));
      aggregate.push(await phase(emus.map((e) => e.url), storage, 'aggregate', seconds));
    }
    const a = summary(aggregate);
    const s = summary(singles);
    return { tradesPerSecondPerLeg: rate, seconds, rounds, aggregate: a, singles: s, cpuRatio: Math.round((a.cpuPercent / Math.max(0.1, s.cpuPercent)) * 100) / 100, loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10 };
  } finally {
    await Promise.all(emus.map((e) => e.stop()));
    await fs.rm(storage, { recursive: true, force: true });
  }
}
