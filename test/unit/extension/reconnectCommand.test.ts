/** Reconnect is always in the palette: with nothing open to reconnect it says so, instead of doing nothing unseen. */
import { shownInformation } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { registerCommands } from '../../../src/extension/commands';
import type { EngineHost } from '../../../src/extension/engineHost';
import type { AlertsController } from '../../../src/extension/alerts/alertsController';
import type { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import type { PanelRegistry } from '../../../src/extension/panels/panelRegistry';
import { readSettings } from '../../../src/extension/settings';

describe('the Reconnect command with nothing to reconnect', () => {
  const NOTHING = 'TradeSuite: nothing to reconnect: no chart, order book, DOM, tape or heatmap is open.';
  const run = async (engine: Partial<EngineHost>) => {
    const panels = { active: undefined, all: () => [] } as unknown as PanelRegistry;
    const commands = registerCommands({ engine: engine as EngineHost, panels, tree: {} as MarketsTreeProvider, settings: () => readSettings().settings, output: {} as vscode.LogOutputChannel, alerts: {} as AlertsController });
    try {
      const before = shownInformation().length;
      await vscode.commands.executeCommand('tradesuite.reconnect');
      return shownInformation().slice(before);
    } finally {
      commands.forEach((c) => c.dispose());
    }
  };

  it('says so when no panel is open, whether the engine runs (rules) or not', async () => {
    assert.deepEqual(await run({ started: false }), [NOTHING]);
    assert.deepEqual(await run({ started: true, hub: {} as EngineHost['hub'] }), [NOTHING]);
  });
});
