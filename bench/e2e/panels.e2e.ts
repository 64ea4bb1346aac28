/**
 * Benchmark (not a test): runs inside real VS Code via bench/vscodeBench.ts, which passes the emulator URL and a
 * results path. Measures open-chart → first paint (cold, then warm cache) and host CPU and messages/s for 1 vs 10
 * panels on one market at the emulator's fixed trade rate, and a liquidity heatmap's against one chart's.
 */
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { until } from './pollUntil';

interface PanelInfo { kind: string; timeframe?: string; rendered?: { items: number; at: number }; posted: number }
interface DebugState { panels: PanelInfo[]; streams: unknown[] }

const state = () => vscode.commands.executeCommand<DebugState>('tradesuite.debug.state');
const BTC = { exchange: 'binance', symbol: 'BTC/USDT' };
const TFS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d', '1w'];


async function openAndTimePaint(timeframe: string): Promise<number> {
  const t0 = Date.now();
  await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe, column: 'beside' });
  const p = await until(`the ${timeframe} chart to paint`, async () => (await state()).panels.find((x) => x.timeframe === timeframe && x.rendered && x.rendered.at >= t0));
  return p.rendered!.at - t0;
}

async function measure(seconds: number): Promise<{ cpuPercent: number; messagesPerSecond: number; panels: number }> {
  const s0 = await state();
  const posted0 = s0.panels.reduce((a, p) => a + p.posted, 0);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s1 = await state();
  const posted1 = s1.panels.reduce((a, p) => a + p.posted, 0);
  return { cpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 1000) / 10, messagesPerSecond: Math.round((posted1 - posted0) / elapsed), panels: s1.panels.length };
}

describe('benchmark: panels in real VS Code', function () {
  this.timeout(300_000);
  it('measures', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'tradesuite')!;
    await ext.activate();
    const coldPaintMs = await openAndTimePaint('1m');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the chart to close', async () => ((await state()).panels.length === 0 ? true : undefined));
    const warmPaintMs = await openAndTimePaint('1m');
    await new Promise((r) => setTimeout(r, 2000)); // let the first panel settle before measuring
    const one = await measure(10);
    for (const tf of TFS.slice(1)) await openAndTimePaint(tf);
    const ten = await measure(10);
    const sockets = await (await fetch(`${process.env.TRADESUITE_EMULATOR_URL}/_emulator/stats`)).json();
    // A liquidity heatmap alone (book sampled every 100 ms, the trades as bubbles) against the one chart above.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the charts to close', async () => ((await state()).panels.length === 0 ? true : undefined));
    await vscode.commands.executeCommand('tradesuite.openHeatmap', BTC);
    await until('the heatmap to paint', async () => ((await state()).panels.find((x) => x.kind === 'heatmap' && x.rendered) ? true : undefined));
    await new Promise((r) => setTimeout(r, 2000));
    const heatmap = await measure(10);
    const ratio = (a: number, b: number) => Math.round((a / Math.max(0.1, b)) * 100) / 100;
    const result = { coldPaintMs, warmPaintMs, onePanel: one, tenPanels: ten, cpuRatio: ratio(ten.cpuPercent, one.cpuPercent), emulatorStats: sockets, heatmap, heatmapCpuRatio: ratio(heatmap.cpuPercent, one.cpuPercent) };
    writeFileSync(process.env.TRADESUITE_BENCH_RESULT!, JSON.stringify(result, null, 2));
  });
});
