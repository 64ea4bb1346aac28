/**
 * Record / Stop Recording, Add / Remove Favourite and New Aggregate edit a list in settings.json, which the user may
 * have written as anything: a value that is not a list is left as it is with a message naming the setting (a string
 * was spread into its characters and written back, an object or null threw "not iterable"), and a list's entries the
 * command does not touch are kept as they were, even those the extension cannot read.
 */
import { configured, configuredIn, setConfiguration, setWorkspaceConfiguration, shownWarnings } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { registerCommands } from '../../../src/extension/commands';
import type { EngineHost } from '../../../src/extension/engineHost';
import type { AlertsController } from '../../../src/extension/alerts/alertsController';
import { appended, toggled } from '../../../src/extension/listSettingEdit';
import type { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import type { PanelRegistry } from '../../../src/extension/panels/panelRegistry';
import { registerRecordingCommands } from '../../../src/extension/recording/recordingCommands';
import { readSettings } from '../../../src/extension/settings';

describe('a command editing a list setting the user wrote by hand', () => {
  it('adds and removes an entry, keeping the others (unreadable ones too) where they were', () => {
    const raw = ['binance:ETH/USDT', 7, { odd: true }, 'binance:BTC/USDT'];
    assert.deepEqual(toggled('favourites', raw, 'bybit:SOL/USDT', true), { next: [...raw, 'bybit:SOL/USDT'] });
    assert.deepEqual(toggled('favourites', raw, 'binance:ETH/USDT', true), { next: raw }, 'already there: unchanged');
    assert.deepEqual(toggled('favourites', raw, 'binance:ETH/USDT', false), { next: [7, { odd: true }, 'binance:BTC/USDT'] });
    assert.deepEqual(toggled('favourites', undefined, 'binance:ETH/USDT', true), { next: ['binance:ETH/USDT'] }, 'unset: a new list');
    assert.deepEqual(appended('aggregates', [{ name: 'a' }], { name: 'b' }, 'the aggregate "b"'), { next: [{ name: 'a' }, { name: 'b' }] });
  });

  it('a value that is not a list is left alone, the message naming the setting, its value and what was asked', () => {
    for (const raw of ['binance:BTC/USDT', { 'binance:BTC/USDT': true }, null, 42, true]) {
      const add = toggled('favourites', raw, 'binance:ETH/USDT', true);
      assert.ok('problem' in add, JSON.stringify(raw));
      assert.equal(add.problem, `tradesuite.favourites in your settings is ${JSON.stringify(raw)}, not a list: correct it (or remove it) to add "binance:ETH/USDT"; it was left as it is`);
      assert.ok('problem' in toggled('recording.markets', raw, 'binance:ETH/USDT', false));
      assert.ok('problem' in appended('aggregates', raw, {}, 'the aggregate "x"'));
    }
  });

  describe('Record on a hand-written tradesuite.recording.markets', () => {
    let commands: vscode.Disposable[] = [];
    beforeEach(() => {
      const panels = { active: undefined, all: () => [] } as unknown as PanelRegistry;
      commands = registerRecordingCommands({ panels, tree: {} as MarketsTreeProvider, settings: () => readSettings().settings });
    });
    afterEach(() => commands.forEach((c) => c.dispose()));
    const eth = { exchange: 'binance', symbol: 'ETH/USDT' };

    it('a string is not written back as its characters: it is kept, and the user told which setting to correct', async () => {
      setConfiguration({ 'tradesuite.recording.markets': 'binance:BTC/USDT' });
      const warned = shownWarnings().length;
      await vscode.commands.executeCommand('tradesuite.startRecording', eth);
      assert.equal(configured('tradesuite.recording.markets'), 'binance:BTC/USDT');
      assert.match(shownWarnings().slice(warned).join('\n'), /^tradesuite\.recording\.markets in your settings is "binance:BTC\/USDT", not a list: correct it/);
    });

    it('an object or null does not make the command throw', async () => {
      for (const raw of [{ 'binance:BTC/USDT': true }, null]) {
        setConfiguration({ 'tradesuite.recording.markets': raw });
        await vscode.commands.executeCommand('tradesuite.stopRecording', eth);
        assert.deepEqual(configured('tradesuite.recording.markets'), raw);
      }
    });

    it('a list keeps the entries it does not touch', async () => {
      setConfiguration({ 'tradesuite.recording.markets': ['binance:BTC/USDT', 5] });
      await vscode.commands.executeCommand('tradesuite.startRecording', eth);
      assert.deepEqual(configured('tradesuite.recording.markets'), ['binance:BTC/USDT', 5, 'binance:ETH/USDT']);
      await vscode.commands.executeCommand('tradesuite.stopRecording', eth);
      assert.deepEqual(configured('tradesuite.recording.markets'), ['binance:BTC/USDT', 5]);
    });
  });

  describe('a list the workspace settings set (they override the user settings)', () => {
    let commands: vscode.Disposable[] = [];
    let favouritesRedrawn = 0;
    beforeEach(() => {
      favouritesRedrawn = 0;
      const panels = { active: undefined, all: () => [] } as unknown as PanelRegistry;
      const tree = { favouritesChanged: () => favouritesRedrawn++ } as unknown as MarketsTreeProvider;
      const settings = () => readSettings().settings;
      commands = [
        ...registerCommands({ engine: {} as EngineHost, panels, tree, settings, output: {} as vscode.LogOutputChannel, alerts: {} as AlertsController }),
        ...registerRecordingCommands({ panels, tree, settings }),
      ];
    });
    afterEach(() => commands.forEach((c) => c.dispose()));
    const sol = { exchange: 'binance', symbol: 'SOL/USDT' };
    const btc = { exchange: 'binance', symbol: 'BTC/USDT' };

    it('Add / Remove Favourite edit the list in effect, the workspace one, and leave the user list as it was', async () => {
      setConfiguration({ 'tradesuite.favourites': ['binance:ETH/USDT'] });
      setWorkspaceConfiguration({ 'tradesuite.favourites': ['binance:BTC/USDT'] });
      await vscode.commands.executeCommand('tradesuite.addFavourite', sol);
      assert.deepEqual(readSettings().settings.favourites, [btc, sol], 'the favourite added shows');
      await vscode.commands.executeCommand('tradesuite.removeFavourite', btc);
      assert.deepEqual(readSettings().settings.favourites, [sol], 'the favourite removed goes');
      assert.deepEqual(configuredIn('workspace', 'tradesuite.favourites'), ['binance:SOL/USDT']);
      assert.deepEqual(configuredIn('user', 'tradesuite.favourites'), ['binance:ETH/USDT'], "the user's own favourites kept");
      assert.equal(favouritesRedrawn, 2);
    });

    it('without a workspace value, the user settings are edited', async () => {
      setConfiguration({ 'tradesuite.favourites': ['binance:ETH/USDT'] });
      await vscode.commands.executeCommand('tradesuite.addFavourite', sol);
      assert.deepEqual(configuredIn('user', 'tradesuite.favourites'), ['binance:ETH/USDT', 'binance:SOL/USDT']);
      assert.equal(configuredIn('workspace', 'tradesuite.favourites'), undefined);
    });

    it('Record / Stop Recording edit the recorded markets in effect, the workspace list, and leave the user list as it was', async () => {
      setConfiguration({ 'tradesuite.recording.markets': ['binance:ETH/USDT'] });
      setWorkspaceConfiguration({ 'tradesuite.recording.markets': ['binance:BTC/USDT'] });
      await vscode.commands.executeCommand('tradesuite.startRecording', sol);
      await vscode.commands.executeCommand('tradesuite.stopRecording', btc);
      assert.deepEqual(readSettings().settings.recording.markets, [sol]);
      assert.deepEqual(configuredIn('user', 'tradesuite.recording.markets'), ['binance:ETH/USDT']);
      assert.deepEqual(configuredIn('workspace', 'tradesuite.recording.markets'), ['binance:SOL/USDT']);
    });
  });
});
