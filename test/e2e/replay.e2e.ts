/**
 * A replay in the real extension host: the run's recording directory (run-e2e.ts writes it and sets
 * tradesuite.recording.directory) opened by id: the chart paints the recorded bars under a REPLAY title, the
 * replay's streams exist while it is open and are gone once it is closed.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface DebugState {
  panels: Array<{ kind: string; exchange: string; symbol: string; title: string; connection: string; rendered?: { items: number } }>;
  streams: Array<{ kind: string; exchange: string; symbol: string }>;
}

const state = () => vscode.commands.executeCommand<DebugState>('tradesuite.debug.state');
const ID = 'replay:binance:BTC/USDT@2026-11-28T11:00';

/** The extension host has no event for "the webview painted": re-checks on a short interval. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await state()).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('replay in real VS Code', function () {
  this.timeout(60_000);
  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'tradesuite');
    assert.ok(ext, 'the extension is installed');
    await ext.activate();
  });

  it('opens a recorded market as a replay: a REPLAY chart with the recorded history, its streams held while open and released on close', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('tradesuite.openReplay'));
    await vscode.commands.executeCommand('tradesuite.openReplay', ID);
    const painted = await eventually('the replay chart to paint', async () => (await state()).panels.find((p) => p.exchange === ID && (p.rendered?.items ?? 0) >= 60));
    assert.match(painted.title, /^BTC\/USDT · \d+[a-z] · REPLAY binance from 2026-11-28 11:00 UTC$/);
    assert.ok((await state()).streams.some((s) => s.exchange === ID && s.kind === 'trades'), 'the replay trade stream is open');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await eventually('the replay streams to close', async () => ((await state()).streams.every((s) => s.exchange !== ID) ? true : undefined));
  });

});
