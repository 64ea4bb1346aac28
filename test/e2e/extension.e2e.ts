/**
 * Runs inside the real VS Code extension host (code-server), against the exchange emulator whose URL arrives in
 * TRADESUITE_EMULATOR_URL. The emulator is observed through its HTTP control API.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface DebugState {
  engineStarted: boolean;
  panels: Array<{ kind: string; exchange: string; symbol: string; timeframe?: string; footprint?: true; title: string; connection: string; connectionHistory: string[]; rendered?: { items: number; at: number }; visible: boolean; startup?: { scriptRequests?: number; scriptPostsDropped?: number; readyAt?: number; early?: { posted: number; taken: number; lost: number }; keptPageShown?: number; feedHeld?: { until: number; by: string } } }>;
  streams: Array<{ kind: string; exchange: string; symbol: string }>;
}
interface EmulatorStats {
  openSockets: number;
  wsConnectionsTotal: number;
  subscriptions: Record<string, number>;
}

const emulator = process.env.TRADESUITE_EMULATOR_URL ?? '';
const BTC = { exchange: 'binance', symbol: 'BTC/USDT' };

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emulator}/_emulator/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const state = () => vscode.commands.executeCommand<DebugState>('tradesuite.debug.state');

/**
 * Polls until `check` passes. The extension host has no event for "the emulator saw a socket close" or "the webview
 * painted", so this re-checks on a short interval and fails with the last reason when time runs out.
 */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function closeAllPanels(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await eventually('all panels closed', async () => ((await state()).panels.length === 0 ? true : undefined));
}

/** The emulator serves BTC/USDT's panels one trade socket and one book socket; closing every panel closes both. */
async function assertOneTradeAndOneBookSocketUntilClosed(): Promise<void> {
  const stats = await eventually('one trade and one depth subscription', async () => {
    const s = await control<EmulatorStats>('stats');
    return s.subscriptions['btcusdt@aggTrade'] === 1 && s.subscriptions['btcusdt@depth@100ms'] === 1 ? s : undefined;
  });
  assert.equal(stats.openSockets, 2, 'one trade socket and one order-book socket');
  assert.deepEqual(Object.keys(stats.subscriptions).sort(), ['btcusdt@aggTrade', 'btcusdt@depth@100ms']);
  await closeAllPanels();
  await eventually('zero sockets', async () => ((await control<EmulatorStats>('stats')).openSockets === 0 ? true : undefined), 5000);
  assert.deepEqual((await state()).streams, []);
}

describe('TradeSuite in real VS Code', function () {
  before(async () => {
    assert.ok(emulator, 'TRADESUITE_EMULATOR_URL is set');
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'tradesuite');
    assert.ok(ext, 'the extension is installed');
    await ext.activate();
  });
  afterEach(closeAllPanels);

  it('registers its commands and starts no engine at activation', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['tradesuite.openChart', 'tradesuite.openOrderBook', 'tradesuite.openDom', 'tradesuite.openTimeAndSales', 'tradesuite.openHeatmap', 'tradesuite.openFootprint', 'tradesuite.findMarket', 'tradesuite.changeTimeframe', 'tradesuite.reconnect', 'tradesuite.addFavourite', 'tradesuite.removeFavourite']) {
      assert.ok(commands.includes(c), `${c} is registered`);
    }
  });

  it('a chart paints candles from the emulator and goes live', async () => {
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    const painted = await eventually('the chart to paint', async () => (await state()).panels.find((p) => p.kind === 'chart' && (p.rendered?.items ?? 0) > 0));
    assert.equal(painted.title, 'BTC/USDT · 1m · binance');
    // The bundle posted after the HTML was held for the page by VS Code: the page did not have to ask for it.
    assert.equal(painted.startup?.scriptRequests, undefined, 'the page asked for its bundle');
    const live = await eventually('the chart to be live', async () => ((await state()).panels[0]?.connection === 'live' ? (await state()).panels[0] : undefined));
    // Its feed waited for the page's first paint of bars shown before the market's check, or did not wait (none shown).
    const held = live.startup?.feedHeld;
    assert.ok(held, 'the chart says when its feed was let start');
    console.log(`[e2e] the chart's feed started ${held.until - (live.startup?.readyAt ?? held.until)} ms after the page's ready; the hold ended by: ${held.by}`);
  });

  it('two charts and an order book on one market share one trade socket; closing them closes every socket', async () => {
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1h', column: 'beside' });
    await vscode.commands.executeCommand('tradesuite.openOrderBook', { ...BTC, column: 'beside' });
    await assertOneTradeAndOneBookSocketUntilClosed();
  });

  it('the connection badge goes reconnecting → live when the emulator drops connections', async () => {
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    await eventually('live', async () => ((await state()).panels[0]?.connection === 'live' ? true : undefined));
    const before = await control<EmulatorStats>('stats');
    await control('fault/drop', {});
    await eventually('live again after the drop', async () => {
      const s = await control<EmulatorStats>('stats');
      const p = (await state()).panels[0];
      const h = p?.connectionHistory ?? [];
      const i = h.lastIndexOf('reconnecting');
      return i >= 0 && h.slice(i).includes('live') && p?.connection === 'live' && s.openSockets === 1 && s.wsConnectionsTotal > before.wsConnectionsTotal ? true : undefined;
    });
  });

  it('a chart that keeps its page while hidden (the default) is shown again without a reload, brought up to date', async () => {
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    const chart = async () => (await state()).panels.find((p) => p.kind === 'chart');
    const first = await eventually('the chart to paint', async () => ((await chart())?.rendered?.items ?? 0) > 0 ? chart() : undefined);
    const readyBefore = first!.startup?.readyAt;
    await vscode.commands.executeCommand('tradesuite.openOrderBook', BTC); // in front of the chart, in the same group
    await eventually('the chart hidden', async () => ((await chart())?.visible === false ? true : undefined));
    const shownAt = Date.now();
    await vscode.commands.executeCommand('tradesuite.openChart', BTC);
    const again = await eventually('the chart shown again, its kept page resynced and painted', async () => {
      const c = await chart();
      return c?.visible && (c.startup?.keptPageShown ?? 0) >= 1 && (c.rendered?.at ?? 0) >= shownAt && (c.rendered?.items ?? 0) > 0 ? c : undefined;
    });
    console.log(`[e2e] kept page shown again: painted ${again.rendered!.at - shownAt} ms after the command`);
    assert.equal(again.startup?.readyAt, readyBefore, 'the page did not load again (no second ready)');
    assert.equal(again.startup?.early, undefined, 'nothing was posted for a page loading again');
    assert.equal(again.startup?.scriptRequests ?? 0, 0);
  });

  it('a chart whose page is not kept while hidden, shown again: its page loads again, gets its bundle and paints', async () => {
    const cfg = () => vscode.workspace.getConfiguration('tradesuite');
    await cfg().update('panels.keepHiddenPages', false, vscode.ConfigurationTarget.Global);
    try {
      await pageLoadsAgain();
    } finally {
      await cfg().update('panels.keepHiddenPages', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  async function pageLoadsAgain(): Promise<void> {
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    const chart = async () => (await state()).panels.find((p) => p.kind === 'chart');
    const first = await eventually('the chart to paint', async () => ((await chart())?.rendered?.items ?? 0) > 0 ? chart() : undefined);
    const readyBefore = first!.startup?.readyAt ?? 0;
    await vscode.commands.executeCommand('tradesuite.openOrderBook', BTC); // in front of the chart, in the same group
    await eventually('the chart hidden', async () => ((await chart())?.visible === false ? true : undefined));
    await vscode.commands.executeCommand('tradesuite.openChart', BTC);
    const again = await eventually('the chart shown again, its page ready again', async () => {
      const c = await chart();
      return c?.visible && (c.startup?.readyAt ?? 0) > readyBefore ? c : undefined;
    });
    // Reported for the note on how VS Code delivers a post made as the panel is shown (held, or dropped and asked for).
    const early = again.startup?.early;
    console.log(`[e2e] shown again: the page asked for its bundle ${again.startup?.scriptRequests ?? 0} times; posts VS Code dropped: ${again.startup?.scriptPostsDropped ?? 0}; early resyncs posted ${early?.posted ?? 0}, taken by the ready ${early?.taken ?? 0}, not delivered ${early?.lost ?? 0}`);
    assert.ok((again.startup?.scriptRequests ?? 0) <= 1, 'the page asked at most once');
    // The resync posted as it was shown reached the page before its bundle ran, or VS Code said it did not deliver it.
    assert.ok(early !== undefined && early.posted >= 1, 'no early resync was posted to the page shown again');
    assert.ok(early.taken + early.lost >= 1, `the page's ready did not name the early resync VS Code delivered (${JSON.stringify(early)})`);
    assert.equal(again.startup?.keptPageShown, undefined);
  }

  it('opening a market whose view is open in the active group brings it forward instead of a second copy', async () => {
    await vscode.commands.executeCommand('tradesuite.openChart', BTC);
    await vscode.commands.executeCommand('tradesuite.openOrderBook', BTC); // in front of the chart, in the same group
    const charts = async () => (await state()).panels.filter((p) => p.kind === 'chart');
    assert.equal((await charts()).length, 1);
    await vscode.commands.executeCommand('tradesuite.openChart', BTC);
    const shown = await eventually('the chart in front again', async () => {
      const s = await state();
      if (s.panels.length === 2 && s.panels.find((p) => p.kind === 'chart')?.visible && !s.panels.find((p) => p.kind === 'orderbook')?.visible) return s;
      throw new Error(`panels: ${s.panels.map((p) => `${p.kind}${p.visible ? ' (shown)' : ''}`).join(', ')}`);
    });
    assert.equal(shown.panels.filter((p) => p.kind === 'chart').length, 1, 'one chart, brought forward');
    await vscode.commands.executeCommand('tradesuite.openOrderBook', BTC);
    assert.equal((await state()).panels.filter((p) => p.kind === 'orderbook').length, 1, 'one order book, brought forward');
    // A timeframe the open chart does not show is another chart; Open Footprint Chart opens a footprint chart once,
    // then brings it forward (it never switches the other charts' mode).
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '5m' });
    assert.deepEqual((await charts()).map((p) => p.timeframe).sort(), ['1m', '5m']);
    await vscode.commands.executeCommand('tradesuite.openFootprint', BTC);
    await vscode.commands.executeCommand('tradesuite.openFootprint', BTC);
    const withFootprint = await charts();
    assert.deepEqual(withFootprint.map((p) => `${p.timeframe}${p.footprint ? '+footprint' : ''}`).sort(), ['1m', '1m+footprint', '5m']);
    // "Beside" always opens another, and a chart in another group is left there (workbench.editor.revealIfOpen is off).
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '5m', column: 'beside' });
    assert.equal((await charts()).length, 4);
    // Once the group beside is active (as it is by the time a person clicks again), the 1m chart, only in the first
    // group, is opened here too.
    await eventually('the group beside active', async () => (vscode.window.tabGroups.activeTabGroup.viewColumn === vscode.ViewColumn.Two ? true : undefined));
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    assert.deepEqual((await charts()).map((p) => p.timeframe).sort(), ['1m', '1m', '1m', '5m', '5m']);
  });

  it('changes a chart timeframe in place', async () => {
    await vscode.commands.executeCommand('tradesuite.openChart', { ...BTC, timeframe: '1m' });
    await eventually('painted', async () => ((await state()).panels[0]?.rendered ? true : undefined));
    await vscode.commands.executeCommand('tradesuite.changeTimeframe', '5m');
    const p = await eventually('retitled to 5m', async () => (await state()).panels.find((x) => x.timeframe === '5m'));
    assert.equal(p.title, 'BTC/USDT · 5m · binance');
  });

  it('the DOM panel opens and subscribes to the book and trades', async () => {
    await vscode.commands.executeCommand('tradesuite.openDom', BTC);
    await eventually('book and trade streams', async () => {
      const kinds = (await state()).streams.map((s) => s.kind).sort();
      return kinds.join(',') === 'orderbook,trades' ? true : undefined;
    });
  });

  it('a heatmap and a time & sales panel on one market share one trade socket and one book socket; closing them closes both', async () => {
    await vscode.commands.executeCommand('tradesuite.openHeatmap', BTC);
    await vscode.commands.executeCommand('tradesuite.openTimeAndSales', { ...BTC, column: 'beside' });
    await eventually('both panels painted', async () => {
      const panels = (await state()).panels;
      return ['heatmap', 'tape'].every((k) => panels.some((p) => p.kind === k && p.rendered)) ? true : undefined;
    }, 30_000);
    await assertOneTradeAndOneBookSocketUntilClosed();
  });
});
