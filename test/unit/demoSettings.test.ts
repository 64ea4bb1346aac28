// npm start's demo settings: what an older run or the user left is kept, what the demo needs is added.
import { strict as assert } from 'node:assert';
import { demoFavourites, withDemoUserDefaults } from '../../scripts/lib/demoSettings';

describe('npm start demo settings', () => {
  it('a first run gets a favourite on each demo exchange', () => {
    assert.deepEqual(demoFavourites(undefined), ['binance:BTC/USDT', 'binance:ETH/USDT', 'coinbase:BTC/USD', 'bybit:BTC/USDT:USDT']);
  });

  it('a workspace from an older run (Binance only) keeps its favourites and gains the other exchanges\'', () => {
    assert.deepEqual(demoFavourites(['binance:SOL/USDT']), ['binance:SOL/USDT', 'coinbase:BTC/USD', 'bybit:BTC/USDT:USDT']);
  });

  it('favourites the user chose on every exchange are left as they are; a broken value is replaced', () => {
    const mine = ['coinbase:ETH/USD', 'bybit:ETH/USDT:USDT', 'binance:BNB/USDT'];
    assert.deepEqual(demoFavourites(mine), mine);
    assert.deepEqual(demoFavourites('binance:BTC/USDT'), demoFavourites(undefined));
  });

  it('the profile gets the missing defaults, a hidden secondary side bar among them, and keeps the user\'s own', () => {
    const merged = withDemoUserDefaults({ 'workbench.colorTheme': 'Default Light Modern', 'editor.fontSize': 15 });
    assert.equal(merged['workbench.colorTheme'], 'Default Light Modern');
    assert.equal(merged['editor.fontSize'], 15);
    assert.equal(merged['workbench.secondarySideBar.defaultVisibility'], 'hidden');
  });
});
