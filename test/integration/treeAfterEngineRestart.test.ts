/**
 * An engine restart (a changed `exchanges`, `historyBars` or `cacheDirectory`) while the Markets view shows prices:
 * the favourites' and the expanded groups' ticker streams are subscribed again on the new engine, so their rows keep
 * moving (real ccxt, the Binance emulator, the extension's own EngineHost and settings-change steps).
 */
import { setConfiguration } from '../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ExchangeEmulator } from '../../src/emulator';
import { EngineHost } from '../../src/extension/engineHost';
import type { MarketNode } from '../../src/extension/markets/marketNodes';
import { MarketsTreeProvider } from '../../src/extension/markets/marketsTreeProvider';
import { readSettings, type Settings } from '../../src/extension/settings';
import { settingsChanges } from '../../src/extension/settingsChanges';
import { captureLog } from '../helpers/emulatorHub';

const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;
const none = () => ({ dispose: () => undefined });
const view = { visible: true, onDidExpandElement: none, onDidCollapseElement: none, onDidChangeVisibility: none } as unknown as vscode.TreeView<MarketNode>;

describe('the Markets view across an engine restart (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let emulator: ExchangeEmulator | undefined;
  let engine: EngineHost | undefined;
  let tree: MarketsTreeProvider | undefined;
  let dir = '';
  after(async () => {
    tree?.dispose();
    await engine?.stop();
    await emulator?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("a favourite's and an expanded group's prices come from the new engine after a restart, and the old engine holds no stream of them", async () => {
    emulator = await ExchangeEmulator.start({ exchange: 'binance', seed: 5, tradesPerSecond: 20 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tree-restart-'));
    setConfiguration({ 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'tradesuite.favourites': ['binance:BTC/USDT'], 'tradesuite.cacheDirectory': dir });
    let settings: Settings = readSettings().settings;
    engine = new EngineHost(() => settings, { fsPath: dir } as vscode.Uri, captureLog());
    const theEngine = engine;
    const t = (tree = new MarketsTreeProvider(engine, () => settings, memento));
    t.watch(view); // visible, the Favourites node expanded (its default)
    const favourite: MarketNode = { kind: 'favourite', exchange: 'binance', symbol: 'BTC/USDT' };
    const tickerStreams = () => theEngine.hub.streamReport().filter((s) => s.kind === 'ticker' || s.kind === 'tickers');
    const priced = async (what: string) => {
      const deadline = Date.now() + 20_000;
      while (!/^[\d,.]+ /.test(t.getTreeItem(favourite).description?.toString() ?? '')) {
        assert.ok(Date.now() < deadline, `${what}: the favourite's row has no price: ${t.getTreeItem(favourite).description?.toString()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /** What VS Code does with the whole tree redrawn: it asks for the roots, and the rows of the nodes expanded. */
    const showUsdtGroup = async () => {
      await t.getChildren();
      const usdt = (await t.getChildren({ kind: 'exchange', exchange: 'binance' })).find((n) => n.kind === 'quote' && n.quote === 'USDT');
      assert.ok(usdt, 'a USDT group');
      await t.getChildren(usdt);
    };
    await showUsdtGroup();
    await priced('before the restart');
    const oldHub = engine.hub;
    const streams = () => tickerStreams().map((s) => [s.kind, s.symbol, s.listeners]).sort();
    const wanted = [['ticker', 'BTC/USDT', 1], ['tickers', '*', 1]];
    assert.deepEqual(streams(), wanted);

    const apply = settingsChanges({
      recorder: { stop: () => Promise.resolve(), sync: () => undefined },
      engine: () => theEngine,
      panels: { resubscribeAll: () => undefined, all: () => [], settingsChanged: () => undefined },
      alerts: () => undefined,
      tree: t,
      log: { info: () => undefined, error: (m) => assert.fail(m) },
    });
    setConfiguration({ 'tradesuite.exchanges': [{ id: 'binance', endpoint: emulator.url }], 'tradesuite.favourites': ['binance:BTC/USDT'], 'tradesuite.cacheDirectory': dir, 'tradesuite.historyBars': 300 });
    settings = readSettings().settings;
    await apply((key) => key === 'historyBars');

    assert.ok(engine.started, 'the tree subscribed again, starting the new engine');
    assert.notEqual(engine.hub, oldHub, 'a new engine');
    await showUsdtGroup();
    await priced('after the restart');
    assert.deepEqual(streams(), wanted, "the favourite's and the group's tickers on the new engine");
    assert.deepEqual(oldHub.streamReport(), [], 'nothing left on the old engine');
  });
});
