/**
 * Benchmark (not a test): runs inside real VS Code via bench/tabSwitchBench.ts. A chart and an order book in one
 * editor group; each round switches to the chart's tab (its page was discarded while hidden and loads again from
 * the same HTML) and times it to painted bars, then back to the book. VS Code's `openEditorAtIndex` is the path a tab
 * click takes (the editor group opens the editor), unlike a `reveal` by our own command.
 */
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { until } from './pollUntil';

interface Startup { paint?: { received: number; applied: number; painted: number }; page?: { timeOrigin: number; documentLoaded?: number; scriptStart: number; ready: number }; readyAt?: number; scriptRequests?: number; scriptPostsDropped?: number; early?: { posted: number; taken: number; lost: number } }
interface PanelInfo { kind: string; rendered?: { items: number; at: number }; startup?: Startup }
interface DebugState { panels: PanelInfo[] }

const state = () => vscode.commands.executeCommand<DebugState>('tradesuite.debug.state');
const BTC = { exchange: 'binance', symbol: 'BTC/USDT' };


const painted = (kind: string, since: number) => async () => (await state()).panels.find((p) => p.kind === kind && p.rendered && p.rendered.at >= since && p.rendered.items > 0);

describe('benchmark: a chart shown again by switching to its tab', function () {
  this.timeout(600_000);
  it('measures', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'tradesuite')!;
    await ext.activate();
    let t = Date.now();
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    await until('the chart to paint', painted('chart', t));
    t = Date.now();
    await vscode.commands.executeCommand('tradesuite.openOrderBook', BTC);
    await until('the book to paint', painted('orderbook', t));
    const rounds = Number(process.env.TRADESUITE_BENCH_TAB_ROUNDS ?? 8);
    const runs: Array<{ paintMs: number; pagePaintedMs: number | null; pageNavigationMs: number | null; steps: Record<string, number | null>; asked: number; dropped: number; earlyTaken: number }> = [];
    for (let i = 0; i < rounds; i++) {
      // A copy: in this extension host the command hands over the panel's own live object, which the round changes.
      const before = structuredClone((await state()).panels.find((p) => p.kind === 'chart')?.startup ?? {});
      const t0 = Date.now();
      await vscode.commands.executeCommand('workbench.action.openEditorAtIndex1');
      const chart = await until('the chart shown again to paint', painted('chart', t0));
      const s = chart.startup ?? {};
      const since = (at: number | undefined) => (at === undefined || at < t0 ? null : Math.round(at - t0));
      runs.push({
        paintMs: chart.rendered!.at - t0,
        pagePaintedMs: since(s.paint?.painted),
        pageNavigationMs: since(s.page?.timeOrigin),
        // Where the page's part goes, ms after the switch (the page's clock; readyReceived the host's).
        steps: {
          documentLoaded: since(s.page?.documentLoaded),
          scriptStart: since(s.page?.scriptStart),
          readySent: since(s.page?.ready),
          readyReceived: since(s.readyAt),
          snapshotReceived: since(s.paint?.received),
          snapshotApplied: since(s.paint?.applied),
        },
        asked: (s.scriptRequests ?? 0) - (before.scriptRequests ?? 0),
        dropped: (s.scriptPostsDropped ?? 0) - (before.scriptPostsDropped ?? 0),
        // The page took the resync posted as it was shown (s38): its ready went unanswered (0 with an older build).
        earlyTaken: (s.early?.taken ?? 0) - (before.early?.taken ?? 0),
      });
      const t1 = Date.now();
      await vscode.commands.executeCommand('workbench.action.openEditorAtIndex2');
      await until('the book shown again to paint', painted('orderbook', t1));
    }
    writeFileSync(process.env.TRADESUITE_BENCH_RESULT!, JSON.stringify({ runs }, null, 2));
  });
});
