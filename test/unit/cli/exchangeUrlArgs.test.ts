import * as assert from 'node:assert/strict';
import { UsageError } from '../../../src/cli/args';
import { runArgs } from './helpers';

describe('tradesuite-alerts arguments: --exchange-url', () => {
  it('takes exchange=URL for ccxt exchange ids with streams, without the trailing slash', () => {
    const a = runArgs(['--config', 'a.yaml', '--exchange-url', 'binance=http://127.0.0.1:8765/', '--exchange-url=bybit=http://127.0.0.1:8766']);
    assert.deepEqual([...a.exchangeUrls], [
      ['binance', 'http://127.0.0.1:8765'],
      ['bybit', 'http://127.0.0.1:8766'],
    ]);
  });

  it('refuses an id ccxt does not know, with a did-you-mean, as the config does (the rules would go to the real exchange)', () => {
    assert.throws(() => runArgs(['--config', 'a.yaml', '--exchange-url', 'binanse=http://127.0.0.1:18765']), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.message, '--exchange-url binanse: "binanse" is not a ccxt exchange id; did you mean "binance"?');
      return true;
    });
  });

  it('refuses a ccxt exchange TradeSuite has no URL mapping for (its rules would all fail), naming the ones it maps', () => {
    assert.throws(() => runArgs(['--config', 'a.yaml', '--exchange-url', 'okx=http://127.0.0.1:18765']), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.message, '--exchange-url okx: TradeSuite has no endpoint mapping for "okx" (only for binance, coinbase, bybit): its rules would fail');
      return true;
    });
  });
});
