// A download of the markets changes what the tree shows only when it lists other markets or others as trading.
import * as assert from 'node:assert/strict';
import type { MarketInfo } from '../../src/core/exchange/marketDataClient';
import { sameListing } from '../../src/core/exchange/sameListing';

const m = (symbol: string, active = true, tickSize = 0.01): MarketInfo => ({ symbol, base: symbol.split('/')[0] as string, quote: symbol.split('/')[1] as string, active, tickSize });

describe('sameListing', () => {
  it('the same markets in another order, or with other precisions: the same listing', () => {
    assert.equal(sameListing([m('BTC/USDT'), m('ETH/USDT')], [m('ETH/USDT', true, 0.1), m('BTC/USDT')]), true);
  });

  it('a market gone, one new in its place, one more, or one halted: another listing', () => {
    const two = [m('BTC/USDT'), m('ETH/USDT')];
    assert.equal(sameListing(two, [m('BTC/USDT')]), false);
    assert.equal(sameListing(two, [m('BTC/USDT'), m('SOL/USDT')]), false);
    assert.equal(sameListing(two, [...two, m('SOL/USDT')]), false);
    assert.equal(sameListing(two, [m('BTC/USDT'), m('ETH/USDT', false)]), false);
  });

  it('a market that became, or stopped being, another name of a book (Coinbase alias): another listing', () => {
    const usd = m('BTC/USD');
    assert.equal(sameListing([usd, m('BTC/USDC')], [usd, { ...m('BTC/USDC'), aliasOf: 'BTC/USD' }]), false);
    assert.equal(sameListing([usd, { ...m('BTC/USDC'), aliasOf: 'BTC/USD' }], [usd, m('BTC/USDC')]), false);
    assert.equal(sameListing([usd, { ...m('BTC/USDC'), aliasOf: 'BTC/USD' }], [{ ...m('BTC/USDC'), aliasOf: 'BTC/USD' }, usd]), true);
  });
});
