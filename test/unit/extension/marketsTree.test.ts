// The Markets tree groups an exchange's markets by quote once per load: each group lists exactly its own markets.
import * as assert from 'node:assert/strict';
import { setConfiguration } from '../../helpers/fakeVscode';
import type * as vscode from 'vscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { EngineHost } from '../../../src/extension/engineHost';
import type { MarketNode } from '../../../src/extension/markets/marketNodes';
import { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import { readSettings } from '../../../src/extension/settings';

const market = (base: string, quote: string): MarketInfo => ({ symbol: `${base}/${quote}`, base, quote, active: true, tickSize: 0.01 });
const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;

describe('Markets tree groups', () => {
  it('quote groups by size with their counts; a group lists exactly its markets; the same nodes come back for an unchanged group', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance'] });
    const markets = [market('BTC', 'USDT'), market('ETH', 'BTC'), market('ETH', 'USDT'), market('SOL', 'USDT'), market('SOL', 'BTC'), market('BNB', 'EUR')];
    let loads = 0;
    const engine = { hub: { markets: () => (loads++, Promise.resolve(markets)) }, warm: () => undefined } as unknown as EngineHost;
    const settings = readSettings().settings;
    const tree = new MarketsTreeProvider(engine, () => settings, memento);
    const groups = (await tree.getChildren({ kind: 'exchange', exchange: 'binance' })) as Array<Extract<MarketNode, { kind: 'quote' }>>;
    assert.deepEqual(groups.map((g) => [g.quote, g.count]), [['USDT', 3], ['BTC', 2], ['EUR', 1]]);
    const btc = await tree.getChildren(groups[1]);
    assert.deepEqual(btc.map((n) => (n.kind === 'market' ? n.symbol : n.kind)), ['ETH/BTC', 'SOL/BTC']);
    const again = await tree.getChildren(groups[1]);
    assert.ok(again.every((n, i) => n === btc[i]), 'stable node objects (a row redraw needs the very object the tree was given)');
    assert.equal(loads, 1, 'markets loaded once');
    tree.dispose();
  });
});
