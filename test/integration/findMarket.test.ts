/** Find Market across Binance, Coinbase and Bybit (issue 12): every market of each, loaded by real ccxt from its emulator. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shownQuickPicks, shownWarnings, setConfiguration, type FakeQuickPick } from '../helpers/fakeVscode';
import type * as vscode from 'vscode';
import { ExchangeRegistry } from '../../src/core/exchange/exchangeRegistry';
import { MarketHub } from '../../src/core/hub/marketHub';
import { ExchangeEmulator, type ExchangeId } from '../../src/emulator';
import type { EngineHost } from '../../src/extension/engineHost';
import { MarketPickRows, pickMarket, type MarketPickItem } from '../../src/extension/markets/findMarket';
import { MarketsTreeProvider } from '../../src/extension/markets/marketsTreeProvider';
import { readSettings } from '../../src/extension/settings';
import { captureLog } from '../helpers/emulatorHub';

const EXCHANGES: readonly ExchangeId[] = ['binance', 'coinbase', 'bybit'];
const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;

describe('Find Market across three exchanges (real ccxt, emulators)', function () {
  this.timeout(60_000);
  const emulators: Array<ExchangeEmulator<ExchangeId>> = [];
  let registry: ExchangeRegistry | undefined;
  let hub: MarketHub | undefined;
  let cacheDir = '';
  after(async () => {
    await hub?.close();
    await registry?.closeAll();
    for (const e of emulators) await e.close();
    if (cacheDir) await fs.rm(cacheDir, { recursive: true, force: true });
  });

  it('lists every market of every exchange, each named by its exchange; a pick opens that exchange\'s market; an exchange that cannot load is named and the others still listed', async () => {
    for (const exchange of EXCHANGES) emulators.push(await ExchangeEmulator.start({ exchange, seed: 3, tradesPerSecond: 0 }));
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-find-market-'));
    const log = captureLog();
    registry = new ExchangeRegistry(emulators.map((e) => ({ id: e.exchange, endpoint: e.url })), { log });
    hub = new MarketHub({ clients: registry, cacheDir, log, backoff: { baseMs: 50, maxMs: 400, factor: 2, jitter: 0.2 }, historyBars: 100, restMaxAttempts: 2 });
    setConfiguration({ 'tradesuite.exchanges': [...EXCHANGES] });
    const settings = readSettings().settings;
    const engine = { hub, warm: () => undefined } as unknown as EngineHost;
    const find = async (exchanges: readonly string[], choose: (items: readonly MarketPickItem[]) => MarketPickItem | undefined) => {
      const tree = new MarketsTreeProvider(engine, () => settings, memento);
      try {
        const picked = pickMarket(tree, new MarketPickRows(), exchanges);
        const qp = shownQuickPicks().at(-1) as FakeQuickPick<MarketPickItem>;
        assert.ok(qp.shown && qp.matchOnDescription, 'the picker is shown and matches on the exchange too');
        while (qp.busy) await new Promise((r) => setImmediate(r));
        const item = choose(qp.items);
        if (item) qp.pick(item);
        else qp.hide();
        return { items: qp.items, picked: await picked };
      } finally {
        tree.dispose();
      }
    };

    const warned = shownWarnings().length; // the fake's warnings are shared by every test of the run
    const { items, picked } = await find(EXCHANGES, (rows) => rows.find((r) => r.exchange === 'coinbase' && r.symbol === 'BTC/USD'));
    for (const emu of emulators) {
      const listed = items.filter((i) => i.exchange === emu.exchange).map((i) => i.symbol).sort();
      assert.deepEqual(listed, [...emu.symbols].sort(), `${emu.exchange}: every market once`);
    }
    assert.deepEqual(items.filter((i) => i.label.startsWith('BTC/')).map((i) => [i.label, i.description]), [['BTC/USD', 'coinbase'], ['BTC/USDT', 'binance'], ['BTC/USDT:USDT', 'bybit']], 'one base on three exchanges, sorted by symbol');
    assert.deepEqual(picked, { exchange: 'coinbase', symbol: 'BTC/USD' });
    assert.deepEqual(shownWarnings().slice(warned), []);

    // An exchange that cannot be loaded (not configured here): its failure is named, the others still listed; Escape picks nothing.
    const partial = await find(['binance', 'bybit-down', 'coinbase'], () => undefined);
    assert.equal(partial.picked, undefined);
    assert.deepEqual([...new Set(partial.items.map((i) => i.exchange))].sort(), ['binance', 'coinbase']);
    assert.match(shownWarnings().at(-1) ?? '', /^TradeSuite could not load markets from bybit-down: /);
  });
});
