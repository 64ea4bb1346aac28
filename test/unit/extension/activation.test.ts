/**
 * When VS Code activates the extension: alert rules must run from the start of a window wherever their file is. Only
 * `alerts.yaml` at a workspace folder's root activated it (workspaceContains); with `tradesuite.alerts.configPath`
 * naming another file (`rules/team.yaml`, an absolute path, a window without a folder) the rules stayed silent until
 * the TradeSuite view or a panel was opened.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { activationEvents: string[] };

describe('activation', () => {
  it('the extension activates once a window has started, so rules from a file alerts.configPath names run without the view being opened', () => {
    assert.ok(manifest.activationEvents.includes('onStartupFinished'), manifest.activationEvents.join(', '));
  });

  it('still at once where the workspace holds alerts.yaml, and for a restored panel', () => {
    for (const event of ['workspaceContains:alerts.yaml', 'onWebviewPanel:tradesuite.chart', 'onWebviewPanel:tradesuite.dom', 'onWebviewPanel:tradesuite.orderbook', 'onWebviewPanel:tradesuite.tape', 'onWebviewPanel:tradesuite.heatmap']) {
      assert.ok(manifest.activationEvents.includes(event), event);
    }
  });
});
