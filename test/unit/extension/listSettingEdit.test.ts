/**
 * Record / Stop Recording, Add / Remove Favourite and New Aggregate edit a list in settings.json, which the user may
 * have written as anything: a value that is not a list is left as it is with a message naming the setting (a string
 * was spread into its characters and written back, an object or null threw "not iterable"), and a list's entries the
 * command does not touch are kept as they were, even those the extension cannot read.
 */
import { configured, setConfiguration, shownWarnings } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
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
});
