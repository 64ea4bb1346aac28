// Recording from the extension: the markets asked for in settings plus what is open, shown in the tree; an open market's recorder stops with its last panel.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setConfiguration } from '../../helpers/fakeVscode';
import type * as vscode from 'vscode';
import type { EngineHost } from '../../../src/extension/engineHost';
import { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import { RecordingController, type OpenMarkets } from '../../../src/extension/recording/recordingController';
import { readSettings } from '../../../src/extension/settings';
import { Emitter } from '../../../src/shared/util/emitter';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeRecordingHub } from '../../helpers/fakeRecordingHub';
import { trackTimers } from '../../helpers/timerTracker';

const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;

/** Open panels as the registry reports them. */
class FakePanels implements OpenMarkets {
  private readonly changed = new Emitter<[]>();
  readonly onDidChange = (l: () => void) => this.changed.event(l);
  markets: Array<{ exchange: string; symbol: string }> = [];
  all() {
    return this.markets.map((state) => ({ state }));
  }
  set(markets: Array<{ exchange: string; symbol: string }>): void {
    this.markets = markets;
    this.changed.fire();
  }
}

describe('RecordingController (Record / Stop Recording, "record what is open")', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-recctl-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('records the markets asked for and, when on, every open live market; an open market stops with its last panel; the tree and the panels see it', async () => {
    const timers = trackTimers();
    try {
      const hub = new FakeRecordingHub();
      let engineStarted = false;
      const engine = {
        get hub() {
          engineStarted = true;
          return hub;
        },
        warm: () => undefined,
        recordingRoot: root,
      } as unknown as EngineHost;
      setConfiguration({ 'tradesuite.exchanges': ['binance'], 'tradesuite.recording.markets': ['binance:BTC/USDT'], 'tradesuite.recording.recordOpenMarkets': false });
      let settings = readSettings().settings;
      const warnings: string[] = [];
      const controller = new RecordingController(engine, () => settings, captureLog(), (m) => warnings.push(m));
      const panels = new FakePanels();
      panels.markets = [{ exchange: 'binance', symbol: 'ETH/USDT' }];
      let changes = 0;
      controller.onDidChange(() => changes++);
      const follow = controller.followPanels(panels);
      assert.deepEqual(hub.subscribedMarkets(), ['binance BTC/USDT'], 'the market asked for; an open one only when recordOpenMarkets is on');
      assert.equal(controller.info({ exchange: 'binance', symbol: 'BTC/USDT' }).text, 'REC');
      assert.equal(controller.info({ exchange: 'binance', symbol: 'ETH/USDT' }).status, 'off');
      assert.ok(changes > 0);

      setConfiguration({ 'tradesuite.exchanges': ['binance'], 'tradesuite.recording.markets': ['binance:BTC/USDT'], 'tradesuite.recording.recordOpenMarkets': true });
      settings = readSettings().settings;
      controller.sync();
      panels.set([
        { exchange: 'binance', symbol: 'ETH/USDT' },
        { exchange: 'binance', symbol: 'BTC/USDT' },
        { exchange: 'replay:binance:BTC/USDT@2026-11-29T14:00', symbol: 'BTC/USDT' },
        { exchange: 'aggregate', symbol: 'BTC all' },
      ]);
      assert.deepEqual(hub.subscribedMarkets(), ['binance BTC/USDT', 'binance ETH/USDT'], 'open live markets; a replay or an aggregate is not recorded');
      assert.equal(controller.reason({ exchange: 'binance', symbol: 'ETH/USDT' }), 'open');
      assert.equal(controller.reason({ exchange: 'binance', symbol: 'BTC/USDT' }), 'asked');

      const tree = new MarketsTreeProvider(engine, () => settings, memento, controller);
      const eth = tree.getTreeItem({ kind: 'market', exchange: 'binance', symbol: 'ETH/USDT', favourite: false });
      assert.equal(eth.contextValue, 'market.recording', 'Stop Recording is offered');
      assert.match(String(eth.description), /^REC/);
      assert.match(String(eth.tooltip), /a panel is open/);
      const xrp = tree.getTreeItem({ kind: 'favourite', exchange: 'binance', symbol: 'XRP/USDT' });
      assert.equal(xrp.contextValue, 'market.favourite', 'Record is offered');

      hub.send({ exchange: 'binance', symbol: 'ETH/USDT' }, 10);
      panels.set([{ exchange: 'binance', symbol: 'BTC/USDT' }]);
      assert.deepEqual(hub.subscribedMarkets(), ['binance BTC/USDT'], 'ETH stopped with its last panel; BTC is asked for');
      assert.equal(controller.info({ exchange: 'binance', symbol: 'ETH/USDT' }).status, 'off');
      assert.match(String(tree.getTreeItem({ kind: 'recordings' }).description), /^recording 1 now/);

      follow.dispose();
      await controller.stop();
      assert.deepEqual(hub.subscribedMarkets(), [], 'nothing held after stop');
      assert.equal(timers.pending(), 0, 'no timer outlives the recorders');
      assert.ok(engineStarted);
      tree.dispose();
      controller.dispose();
      assert.deepEqual(warnings, []);
    } finally {
      timers.restore();
    }
  });

  it('a panel opened or closed while the recorders stop (an engine restart, a new store) starts nothing on the hub being stopped: the sync after the restart records on the new one', async () => {
    const timers = trackTimers();
    try {
      const hubs = [new FakeRecordingHub()];
      const engine = {
        get hub() {
          return hubs.at(-1);
        },
        recordingRoot: root,
      } as unknown as EngineHost;
      setConfiguration({ 'tradesuite.exchanges': ['binance'], 'tradesuite.recording.markets': ['binance:BTC/USDT'], 'tradesuite.recording.recordOpenMarkets': true });
      const settings = readSettings().settings;
      const controller = new RecordingController(engine, () => settings, captureLog(), () => undefined);
      const panels = new FakePanels();
      const follow = controller.followPanels(panels);
      const [old] = hubs;
      assert.deepEqual(old?.subscribedMarkets(), ['binance BTC/USDT']);
      // settingsChanges on an exchange setting: the recorders stop (writing what they hold), the engine stops, then sync.
      const stopping = controller.stop();
      panels.set([{ exchange: 'binance', symbol: 'ETH/USDT' }]); // a panel opened meanwhile
      await stopping;
      hubs.push(new FakeRecordingHub()); // the engine restarted: a new hub
      controller.sync();
      assert.deepEqual(old?.subscribedMarkets(), [], 'nothing is left on the stopped hub');
      assert.deepEqual(hubs[1]?.subscribedMarkets(), ['binance BTC/USDT', 'binance ETH/USDT'], 'recorded on the new hub');
      assert.equal(controller.info({ exchange: 'binance', symbol: 'ETH/USDT' }).text, 'REC');
      // VS Code closing: a panel closed while the recorders stop starts no recorder that nobody stops.
      const closing = controller.stop();
      panels.set([]);
      await closing;
      assert.deepEqual(hubs[1]?.subscribedMarkets(), [], 'nothing held after the last stop');
      assert.equal(timers.pending(), 0, 'no timer outlives the recorders');
      follow.dispose();
      controller.dispose();
    } finally {
      timers.restore();
    }
  });

  it('nothing to record: the engine is never started', () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const settings = readSettings().settings;
    let engineStarted = false;
    const engine = {
      get hub() {
        engineStarted = true;
        return new FakeRecordingHub();
      },
      recordingRoot: root,
    } as unknown as EngineHost;
    const controller = new RecordingController(engine, () => settings, captureLog(), () => undefined);
    const panels = new FakePanels();
    panels.markets = [{ exchange: 'binance', symbol: 'ETH/USDT' }];
    controller.followPanels(panels).dispose();
    assert.equal(engineStarted, false);
    controller.dispose();
  });
});
