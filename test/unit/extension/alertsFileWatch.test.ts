// alerts.yaml saved atomically (many editors and tools write a temporary file, then delete or rename over the
// original) is gone for a moment: the rules ran on no file in between, so each restarted cold (a `crosses` rule forgot
// its side, a crossing made across the save was missed or fired twice). The controller now waits FILE_GONE_GRACE_MS
// before a missing file stops its rules, as the bot does; file events in a burst are one read.
import { fireFileEvent, liveFileWatchers, setConfiguration } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { silentLogger } from '../../../src/core/util/log';
import { AlertsController, FILE_GONE_GRACE_MS, type AlertsControllerOptions } from '../../../src/extension/alerts/alertsController';
import { readConfigFile } from '../../../src/extension/alerts/readConfigFile';
import type { EngineHost } from '../../../src/extension/engineHost';
import { readSettings } from '../../../src/extension/settings';
import { FakeHub, settle } from '../alerts/fakeHub';
import { mkTrades } from '../alerts/helpers';
import { ManualTime } from '../../helpers/manualTime';
import { tempDirPerTest } from '../../helpers/tempDirPerTest';

const HEAD = 'defaults: { exchange: binance, frequency: every_time, autoPause: false }\nrules:\n';
const PX = '  - { id: px, name: px, type: price_level, symbol: BTC/USDT, crosses: 100 }\n';
const rulesFile = (...rules: string[]) => HEAD + rules.join('');
const otherRule = (id: string, level: number) => `  - { id: ${id}, name: ${id}, type: price_level, symbol: BTC/USDT, above: ${level} }\n`;

/** The hub the controller's rules run on: trades pushed by the test; BTC/USDT listed on binance. */
class ListingHub extends FakeHub {
  async markets(): Promise<MarketInfo[]> {
    return [{ symbol: 'BTC/USDT', active: true } as MarketInfo];
  }
}

const output = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, trace: () => undefined, show: () => undefined } as unknown as vscode.LogOutputChannel;

describe('alerts.yaml deleted and created again (an atomic save)', () => {
  const dir = tempDirPerTest('alerts-file-');
  let controller: AlertsController | undefined;
  afterEach(async () => {
    await controller?.dispose();
    controller = undefined;
  });

  async function rig(text: string, options: Omit<AlertsControllerOptions, 'schedule'> = {}, name = 'alerts.yaml') {
    const file = path.join(dir.path, name);
    await fs.writeFile(file, text);
    setConfiguration({ 'tradesuite.alerts.configPath': file });
    const hub = new ListingHub();
    const time = new ManualTime();
    const alerts = new AlertsController({ hub } as unknown as EngineHost, vscode.Uri.file(path.join(dir.path, 'storage')), output, silentLogger, () => Promise.resolve(), () => readSettings().settings, { ...options, schedule: time.schedule });
    controller = alerts;
    await alerts.start();
    /** A trade on BTC/USDT now (after the rule started: live, not a warm-up). */
    const trade = async (price: number) => {
      await settle(); // subscriptions released by a reload go first
      hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[Date.now() + 1000, price]]) });
    };
    const ids = () => alerts.statuses().map((s) => s.ruleId).sort();
    const fired = () => alerts.recent.map((e) => `${e.ruleId}: ${e.message}`);
    return { file, hub, time, alerts, trade, ids, fired };
  }

  /** The file gone and the event for it; then the controller has read that it is gone. */
  async function remove(r: { file: string; alerts: AlertsController }): Promise<void> {
    await fs.rm(r.file);
    fireFileEvent('delete', r.file);
    await r.alerts.idle();
  }

  async function create(r: { file: string; alerts: AlertsController }, text: string): Promise<void> {
    await fs.writeFile(r.file, text);
    fireFileEvent('create', r.file);
    await r.alerts.idle();
  }

  it('a crossing rule keeps its side through the save: back with the same text, the crossing after it fires', async () => {
    const r = await rig(rulesFile(PX));
    await r.trade(99);
    await remove(r);
    assert.deepEqual(r.ids(), ['px'], 'the rule runs on while the file is being saved');
    await create(r, rulesFile(PX));
    assert.equal(r.time.pending, 0, 'the file is back: no grace left running');
    await r.trade(101);
    assert.deepEqual(r.fired(), ['px: BTC/USDT last 101 crossed above 100'], 'the side seen before the save (below) was kept');
  });

  it('back with a rule added, it is a change like any other: the new rule runs, the unchanged one keeps its side', async () => {
    const r = await rig(rulesFile(PX));
    await r.trade(99);
    await remove(r);
    await create(r, rulesFile(PX, otherRule('hi', 150)));
    assert.deepEqual(r.ids(), ['hi', 'px']);
    await r.trade(101);
    assert.deepEqual(r.fired(), ['px: BTC/USDT last 101 crossed above 100']);
  });

  it('a file read while missing on a change event (no delete event seen) waits the grace too', async () => {
    const r = await rig(rulesFile(PX));
    await r.trade(99);
    await fs.rm(r.file);
    fireFileEvent('change', r.file);
    await r.alerts.idle();
    assert.deepEqual(r.ids(), ['px']);
    await create(r, rulesFile(PX));
    await r.trade(101);
    assert.deepEqual(r.fired(), ['px: BTC/USDT last 101 crossed above 100']);
  });

  it('a file deleted and not created again stops its rules once the grace is over, their streams with them', async () => {
    const r = await rig(rulesFile(PX));
    await remove(r);
    assert.equal(r.time.pending, 1, 'the grace runs');
    r.time.advance(FILE_GONE_GRACE_MS - 1);
    await r.alerts.idle();
    assert.deepEqual(r.ids(), ['px'], 'still within the grace');
    r.time.advance(1);
    await r.alerts.idle();
    assert.deepEqual(r.ids(), [], 'no file: no rules');
    await settle();
    assert.deepEqual(r.hub.active(), []);
    assert.equal(r.time.pending, 0);
    // Created later, it is read as a new file.
    await create(r, rulesFile(PX));
    assert.deepEqual(r.ids(), ['px']);
  });

  it('the Reload command on a missing file stops the rules at once, and ends the grace', async () => {
    const r = await rig(rulesFile(PX));
    await remove(r);
    await r.alerts.reload();
    assert.deepEqual(r.ids(), []);
    assert.equal(r.time.pending, 0);
  });

  it('disposed within the grace: its timer is cleared and the watcher stops', async () => {
    const r = await rig(rulesFile(PX));
    const watchers = liveFileWatchers();
    await remove(r);
    assert.equal(r.time.pending, 1, 'the grace runs');
    await r.alerts.dispose();
    controller = undefined;
    assert.equal(r.time.pending, 0, 'the grace timer was cleared');
    assert.equal(liveFileWatchers(), watchers - 1, 'its watcher was disposed');
  });

  it('a burst of file events is one read, of the newest content', async () => {
    let reads = 0;
    const r = await rig(rulesFile(PX), { read: (uri, max) => (reads++, readConfigFile(uri, max)) });
    reads = 0;
    // Two saves (truncate, write, rename) told together, as VS Code delivers a batch of watcher events.
    await fs.writeFile(r.file, rulesFile(PX, otherRule('a', 150)));
    await fs.writeFile(r.file, rulesFile(PX, otherRule('b', 160)));
    for (const kind of ['change', 'change', 'delete', 'create', 'change'] as const) fireFileEvent(kind, r.file);
    await r.alerts.idle();
    assert.equal(reads, 1);
    assert.deepEqual(r.ids(), ['b', 'px']);
  });

  it('a save made while a read is under way is read after it: the newest content wins', async () => {
    let hold: Promise<void> | undefined;
    let reading: () => void = () => undefined;
    let release: () => void = () => undefined;
    const r = await rig(rulesFile(PX), {
      // The read of the older text ends only when the test says, after the newer save.
      read: async (uri, max) => {
        const file = await readConfigFile(uri, max);
        reading();
        await hold;
        return file;
      },
    });
    const started = new Promise<void>((resolve) => (reading = resolve));
    hold = new Promise<void>((resolve) => (release = resolve));
    await fs.writeFile(r.file, rulesFile(PX, otherRule('a', 150)));
    fireFileEvent('change', r.file);
    await started;
    await fs.writeFile(r.file, rulesFile(PX, otherRule('b', 160)));
    fireFileEvent('change', r.file);
    release();
    await r.alerts.idle();
    assert.deepEqual(r.ids(), ['b', 'px']);
  });
  it('a rules file whose name has glob characters is watched as that file, not as a pattern', async () => {
    const { file, alerts, ids } = await rig(rulesFile(PX), {}, 'alerts[1]{*}.yaml');
    assert.deepEqual(ids(), ['px']);
    await fs.writeFile(file, rulesFile(PX, otherRule('more', 200)));
    fireFileEvent('change', file);
    await alerts.idle();
    assert.deepEqual(ids(), ['more', 'px']);
  });
});
