/** tradesuite.defaultExchange: the exchange of a market named to a command without one (a keybinding's args). */
import { setConfiguration } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { marketOfArg } from '../../../src/extension/markets/commandMarket';
import { registerCommands } from '../../../src/extension/commands';
import type { EngineHost } from '../../../src/extension/engineHost';
import type { AlertsController } from '../../../src/extension/alerts/alertsController';
import type { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import type { PanelState } from '../../../src/extension/panels/panelContext';
import type { PanelRegistry } from '../../../src/extension/panels/panelRegistry';
import { readSettings } from '../../../src/extension/settings';

describe('the market a command is given', () => {
  it('{ exchange, symbol } as it is; a symbol alone, as an object or a string, on the default exchange; "exchange:SYMBOL" as a favourite spells it', () => {
    assert.deepEqual(marketOfArg({ exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '5m' }, 'bybit'), { exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '5m' });
    assert.deepEqual(marketOfArg({ symbol: 'ETH/USDT', timeframe: '1h' }, 'bybit'), { exchange: 'bybit', symbol: 'ETH/USDT', timeframe: '1h' });
    assert.deepEqual(marketOfArg(' SOL/USDT ', 'binance'), { exchange: 'binance', symbol: 'SOL/USDT' });
    assert.deepEqual(marketOfArg('bybit:BTC/USDT:USDT', 'binance'), { exchange: 'bybit', symbol: 'BTC/USDT:USDT' });
    assert.deepEqual(marketOfArg('BTC/USDT:USDT', 'bybit'), { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, 'a perpetual is not read as exchange:symbol');
  });

  it('anything else names no market (the command asks for one)', () => {
    for (const arg of [undefined, null, 42, '', '   ', 'x'.repeat(101), 'BTC/\nUSDT', [], ['BTC/USDT'], { symbol: 7 }, { symbol: '' }, { exchange: 7, symbol: 'BTC/USDT' }, { kind: 'exchange', id: 'binance' }]) {
      assert.equal(marketOfArg(arg, 'binance'), undefined, JSON.stringify(arg));
    }
  });

  it('Open Chart with a symbol alone opens it on tradesuite.defaultExchange', async () => {
    const opened: PanelState[] = [];
    const panels = { active: undefined, all: () => [], reveal: () => undefined, open: (state: PanelState) => (opened.push(state), { state }) } as unknown as PanelRegistry;
    setConfiguration({ 'tradesuite.defaultExchange': 'coinbase', 'tradesuite.exchanges': ['binance', 'coinbase'] });
    const commands = registerCommands({ engine: {} as EngineHost, panels, tree: {} as MarketsTreeProvider, settings: () => readSettings().settings, output: {} as vscode.LogOutputChannel, alerts: {} as AlertsController });
    try {
      await vscode.commands.executeCommand('tradesuite.openChart', 'BTC/USD');
      await vscode.commands.executeCommand('tradesuite.openDom', { symbol: 'ETH/USD' });
      assert.deepEqual(opened, [
        { kind: 'chart', exchange: 'coinbase', symbol: 'BTC/USD', timeframe: '1m' },
        { kind: 'dom', exchange: 'coinbase', symbol: 'ETH/USD' },
      ]);
    } finally {
      commands.forEach((c) => c.dispose());
      setConfiguration({});
    }
  });
});
