// The markets cache file is untrusted input: each broken field is refused with a message naming it.
import * as assert from 'node:assert/strict';
import { ccxtVersion } from '../../src/core/exchange/ccxtVersion';
import { parseCacheFile } from '../../src/core/exchange/marketsCache';

const market = { id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', type: 'spot', active: true, precision: { price: 0.01, amount: 0.0001 }, limits: {} };
const file = { version: 1, ccxt: ccxtVersion(), exchange: 'binance', source: 'S', savedAt: 1_700_000_000_000, markets: [market], currencies: null };

describe('markets cache file', () => {
  it('knows the version of the ccxt installed', () => assert.match(ccxtVersion(), /^\d+\.\d+\.\d+/));

  it('a valid file gives its markets unchanged', () => {
    assert.deepEqual(parseCacheFile(file, 'binance', 'S'), { savedAt: file.savedAt, markets: [market], currencies: undefined });
  });

  it('refuses each broken field, naming it', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[], /expected an object/],
      [{ ...file, version: 2 }, /version is 2/],
      [{ ...file, ccxt: '4.0.1' }, new RegExp(`written by ccxt "4\\.0\\.1", this is ccxt ${ccxtVersion().replace(/\./g, '\\.')}$`)],
      [{ version: 1, exchange: 'binance', source: 'S', savedAt: 1_700_000_000_000, markets: [market], currencies: null }, /written by ccxt undefined/],
      [{ ...file, exchange: 'bybit' }, /markets of "bybit"/],
      [{ ...file, source: 'other' }, /another endpoint/],
      [{ ...file, savedAt: 'yesterday' }, /savedAt/],
      [{ ...file, markets: [] }, /markets is not a list/],
      [{ ...file, markets: [market, { ...market, id: '' }] }, /markets\[1\]: id is ""/],
      [{ ...file, markets: [{ ...market, precision: null }] }, /markets\[0\]: precision is null/],
      [{ ...file, markets: [{ ...market, active: 'yes' }] }, /markets\[0\]: active is "yes"/],
      [{ ...file, markets: [{ ...market, quote: 'US\u0000DT' }] }, /markets\[0\]: market quote .* is not a name/],
      [{ ...file, currencies: [] }, /currencies is/],
    ];
    for (const [raw, why] of cases) {
      const parsed = parseCacheFile(raw, 'binance', 'S');
      assert.equal(typeof parsed, 'string', JSON.stringify(raw));
      assert.match(parsed as string, why);
    }
  });
});
