// Find Market…'s rows are built once per set of market loads: opening it again does no per-market work.
import * as assert from 'node:assert/strict';
import '../../helpers/fakeVscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { MarketPickRows } from '../../../src/extension/markets/findMarket';

const market = (base: string, quote: string, active = true): MarketInfo => ({ symbol: `${base}/${quote}`, base, quote, active, tickSize: 0.01 });

describe('Find Market rows', () => {
  it('the same loads give the very same rows; a reloaded exchange or another set of exchanges builds them again', () => {
    const binance = [market('ETH', 'USDT'), market('BTC', 'USDT'), market('OLD', 'USDT', false)];
    const bybit = [market('BTC', 'USDT')];
    const rows = new MarketPickRows();
    const first = rows.rows([{ exchange: 'binance', markets: binance }, { exchange: 'bybit', markets: bybit }]);
    assert.deepEqual(
      first.map((r) => [r.label, r.description, r.detail]),
      [['BTC/USDT', 'binance', undefined], ['BTC/USDT', 'bybit', undefined], ['ETH/USDT', 'binance', undefined], ['OLD/USDT', 'binance', 'inactive']],
    );
    assert.equal(rows.rows([{ exchange: 'binance', markets: binance }, { exchange: 'bybit', markets: bybit }]), first);

    const reloaded = [...binance, market('SOL', 'USDT')];
    const afterReload = rows.rows([{ exchange: 'binance', markets: reloaded }, { exchange: 'bybit', markets: bybit }]);
    assert.notEqual(afterReload, first);
    assert.equal(afterReload.length, 5);

    const oneExchange = rows.rows([{ exchange: 'binance', markets: reloaded }]);
    assert.deepEqual(oneExchange.map((r) => r.description), ['binance', 'binance', 'binance', 'binance']);
  });
});
