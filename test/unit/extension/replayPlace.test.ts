/** A replay's exchange (its id) as the tab title, the toolbar and the status bar say it: readable, the same in all three. */
import * as assert from 'node:assert/strict';
import '../../helpers/fakeVscode';
import { panelTitle } from '../../../src/extension/panels/panelContext';
import { statusText, statusTooltip } from '../../../src/extension/statusBar';
import { marketPlace } from '../../../src/shared/util/replayId';

const ID = 'replay:binance:BTC/USDT@2026-11-28T11:00';

describe("where a panel's market is, said to the user", () => {
  it('a replay: its exchange and its start in UTC, not its id', () => {
    assert.equal(marketPlace(ID), 'REPLAY binance from 2026-11-28 11:00 UTC');
    assert.equal(marketPlace('replay:bybit:BTC/USDT:USDT@2026-11-28T11:00:30'), 'REPLAY bybit from 2026-11-28 11:00 UTC');
  });

  it('a live market, or an id that does not parse (the panel says why): as it is', () => {
    assert.equal(marketPlace('binance'), 'binance');
    assert.equal(marketPlace('replay:binance:BTC/USDT@yesterday'), 'replay:binance:BTC/USDT@yesterday');
  });

  it('the status bar and the tab title read the same', () => {
    const state = { kind: 'chart', exchange: ID, symbol: 'BTC/USDT', timeframe: '1m' } as const;
    assert.equal(statusText(state, 'live'), '$(pulse) BTC/USDT 1m · REPLAY binance from 2026-11-28 11:00 UTC');
    assert.equal(panelTitle(state), 'BTC/USDT · 1m · REPLAY binance from 2026-11-28 11:00 UTC');
    assert.equal(statusText({ kind: 'dom', exchange: 'binance', symbol: 'BTC/USDT' }, 'reconnecting'), '$(sync~spin) BTC/USDT · binance');
  });
});

describe("the status bar item's tooltip", () => {
  it("says what a click does: a chart's changes its timeframe, another panel's reconnects its market's shared streams", () => {
    assert.equal(statusTooltip({ kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, 'live'), 'TradeSuite: BTC/USDT on binance — live. Click to change the timeframe.');
    for (const kind of ['dom', 'orderbook', 'tape', 'heatmap'] as const) {
      assert.equal(statusTooltip({ kind, exchange: 'binance', symbol: 'ETH/USDT' }, 'degraded'), "TradeSuite: ETH/USDT on binance — degraded. Click to reconnect ETH/USDT's streams (shared by every panel and rule on this market).");
    }
  });
});
