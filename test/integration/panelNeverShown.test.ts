/**
 * A panel VS Code was asked to show in the active group but never placed (seen in the real workbench: "Open Footprint
 * Chart" made a panel whose tab never came, and every later open of that market brought the tab-less panel forward,
 * showing nothing). The next open of its market closes it and opens a new one; a panel VS Code placed is brought
 * forward however old. The registry and TapePanel on the plain-Node webview stand-in, real ccxt against the emulator.
 */
import '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../src/core/util/log';
import type { EngineHost } from '../../src/extension/engineHost';
import type { PanelState } from '../../src/extension/panels/panelContext';
import { PanelRegistry } from '../../src/extension/panels/panelRegistry';
import { readSettings } from '../../src/extension/settings';
import { Rig } from '../helpers/emulatorHub';
import { createWebviewPanelsWith } from '../helpers/fakeVscode';
import { fakeWebviewPanel } from '../helpers/fakeWebviewPanel';

describe('a panel VS Code never showed (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  let registry: PanelRegistry | undefined;
  afterEach(async () => {
    registry?.dispose();
    registry = undefined;
    createWebviewPanelsWith(undefined);
    await rig?.close();
    rig = undefined;
  });

  it('is closed and opened anew by the next open of its market; a panel VS Code placed is brought forward however old', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, historyMinutes: 5 });
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
    const settings = readSettings().settings;
    const engine = { hub: rig.hub, warm: () => undefined } as unknown as EngineHost;
    let now = 1_000_000;
    const made: Array<{ panel: vscode.WebviewPanel; reveals: number; disposed: boolean }> = [];
    createWebviewPanelsWith((_viewType, title) => {
      const fake = fakeWebviewPanel();
      // As VS Code's: no column until the workbench reports where it showed the panel.
      const entry = { panel: fake.panel, reveals: 0, disposed: false };
      Object.assign(fake.panel, { title, viewColumn: undefined, reveal: () => entry.reveals++ });
      fake.panel.onDidDispose(() => (entry.disposed = true));
      made.push(entry);
      return fake.panel;
    });
    registry = new PanelRegistry({ extensionUri: vscode.Uri.file(path.join(__dirname, '..', '..')), engine, log, settings: () => settings }, { now: () => now, unplacedAfterMs: 5000 });
    const tape: PanelState = { kind: 'tape', exchange: 'binance', symbol: 'BTC/USDT' };
    const wanted = { kind: 'tape' as const, exchange: 'binance', symbol: 'BTC/USDT' };

    registry.open(tape, vscode.ViewColumn.Active);
    assert.equal(made.length, 1);
    now += 1000;
    assert.equal(registry.reveal(wanted)?.panel, made[0]?.panel, 'a second click within the wait: the panel opened is brought forward (its tab may be late)');
    assert.equal(made[0]?.disposed, false);

    now += 5000;
    assert.equal(registry.reveal(wanted), undefined, 'never shown after 6 s: nothing to bring forward, the caller opens one');
    assert.equal(made[0]?.disposed, true, 'the tab-less panel is closed (its page and feed with it)');
    assert.deepEqual(registry.all(), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /BTC\/USDT · Trades · binance: VS Code never showed this panel \(asked 6 s ago\)/);

    const again = registry.open(tape, vscode.ViewColumn.Active);
    Object.assign(again.panel, { viewColumn: 1 }); // VS Code showed it in the first group
    now += 60_000;
    assert.equal(registry.reveal(wanted), again, 'a panel VS Code placed is brought forward, however long ago it was opened');
    assert.equal(made[1]?.disposed, false);
    assert.equal(made[1]?.reveals, 1);
    assert.equal(warnings.length, 1);
  });
});
