import * as assert from 'node:assert/strict';
import { resolveLegs } from '../../../src/core/aggregate/legResolution';
import { parseAggregateSetting } from '../../../src/core/aggregate/parseAggregateSetting';
import { MAX_EXCHANGE_ID_CHARS, MAX_SYMBOL_CHARS } from '../../../src/shared/util/marketName';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import { baseAmount, contractSpecOf } from '../../../src/core/exchange/contractSpec';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { checkMarket } from '../../../src/core/exchange/normalize';

const ccxtMarket = (over: Record<string, unknown>) => ({ symbol: 'BTC/USD:BTC', base: 'BTC', quote: 'USD', active: true, precision: { price: 0.5 }, ...over });

describe('aggregate normalisation: contract sizes and quote equivalence', () => {
  it('reads spot, linear and inverse contracts from ccxt markets and refuses what it cannot convert', () => {
    assert.deepEqual(contractSpecOf(ccxtMarket({ contract: false, spot: true })), { segment: 'spot' });
    assert.deepEqual(contractSpecOf(ccxtMarket({ contract: true, swap: true, linear: true, contractSize: 0.01 })), { segment: 'perp', settlement: 'linear', contractSize: 0.01 });
    assert.deepEqual(contractSpecOf(ccxtMarket({ contract: true, future: true, inverse: true, contractSize: 100 })), { segment: 'future', settlement: 'inverse', contractSize: 100 });
    assert.match(String(contractSpecOf(ccxtMarket({ contract: true, swap: true, linear: true, contractSize: undefined }))), /contract size undefined is not a positive number/);
    assert.match(String(contractSpecOf(ccxtMarket({ contract: true, swap: true, linear: true, contractSize: -1 }))), /contract size -1/);
    assert.match(String(contractSpecOf(ccxtMarket({ contract: true, swap: true, contractSize: 1 }))), /neither linear nor inverse/);
    assert.match(String(contractSpecOf(ccxtMarket({ contract: true, option: true }))), /options/);
    // The market boundary carries it: spot markets as before, contracts with their spec (or why it cannot be read).
    const inverse = checkMarket(ccxtMarket({ contract: true, swap: true, inverse: true, contractSize: 100 }), 4);
    assert.ok(inverse.ok);
    assert.deepEqual(inverse.value.contract, { segment: 'perp', settlement: 'inverse', contractSize: 100 });
    const spot = checkMarket(ccxtMarket({ contract: false }), 4);
    assert.ok(spot.ok);
    assert.equal(spot.value.contract, undefined);
  });

  it('converts amounts to base units: linear contracts times their size, inverse contracts worth their size in quote', () => {
    assert.equal(baseAmount({ segment: 'spot' }, 0.25, 60_000), 0.25);
    assert.equal(baseAmount({ segment: 'perp', settlement: 'linear', contractSize: 0.01 }, 30, 60_000), 0.3);
    // 6 000 contracts of 100 USD at 60 000 USD/BTC: 600 000 USD = 10 BTC.
    assert.equal(baseAmount({ segment: 'perp', settlement: 'inverse', contractSize: 100 }, 6000, 60_000), 10);
  });

  const markets: Record<string, MarketInfo[]> = {
    binance: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 }, { symbol: 'ETH/USDT', base: 'ETH', quote: 'USDT', active: true, tickSize: 0.01 }],
    coinbase: [
      { symbol: 'BTC/USD', base: 'BTC', quote: 'USD', active: true, tickSize: 0.01 },
      { symbol: 'BTC/USDC', base: 'BTC', quote: 'USDC', active: true, tickSize: 0.01, aliasOf: 'BTC/USD' },
    ],
    bybit: [{ symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } }],
    bitmex: [{ symbol: 'BTC/USD:BTC', base: 'BTC', quote: 'USD', active: true, tickSize: 0.5, contract: 'contract size undefined is not a positive number' }],
  };
  const def = (legs: Array<[string, string]>, usdtIsUsd = false): AggregateDefinition => ({ name: 'agg', legs: legs.map(([exchange, symbol]) => ({ exchange, symbol })), price: { kind: 'vwap' }, usdtIsUsd });
  const resolve = (d: AggregateDefinition) => resolveLegs(d, (ex) => markets[ex] ?? 'not configured');

  it('treats USDT and USD as one quote only when the aggregate says so (off by default)', () => {
    const legs: Array<[string, string]> = [['binance', 'BTC/USDT'], ['coinbase', 'BTC/USD'], ['bybit', 'BTC/USDT:USDT']];
    const off = resolve(def(legs));
    assert.deepEqual(off, { ok: false, issues: ['coinbase BTC/USD: quote USD is not USDT (binance BTC/USDT) (set usdtIsUsd to count USDT as USD)'] });
    const on = resolve(def(legs, true));
    assert.ok(on.ok);
    assert.deepEqual(on.legs.map((l) => l.contract.segment), ['spot', 'spot', 'perp']);
  });

  it('names every leg that does not fit: another base, an unknown market or exchange, a contract without a size', () => {
    const r = resolve(def([['binance', 'BTC/USDT'], ['binance', 'ETH/USDT'], ['binance', 'DOGE/USDT'], ['kraken', 'BTC/USD'], ['bitmex', 'BTC/USD:BTC']], true));
    assert.deepEqual(r, {
      ok: false,
      issues: [
        'leg 3 (binance DOGE/USDT): binance has no market DOGE/USDT',
        'leg 4 (kraken BTC/USD): not configured',
        'leg 5 (bitmex BTC/USD:BTC): contract size undefined is not a positive number',
        'binance ETH/USDT: base ETH is not BTC (binance BTC/USDT)',
      ],
    });
    assert.deepEqual(resolveLegs({ ...def([['binance', 'BTC/USDT']]), price: { kind: 'leg', leg: 3 } }, (ex) => markets[ex] ?? ''), { ok: false, issues: ['price: there is no leg 4'] });
  });
});

describe('an aggregate given one book under two names (Coinbase lists BTC/USDC as an alias of BTC/USD)', () => {
  const markets: Record<string, MarketInfo[]> = {
    binance: [{ symbol: 'BTC/USDC', base: 'BTC', quote: 'USDC', active: true, tickSize: 0.01 }],
    coinbase: [
      { symbol: 'BTC/USD', base: 'BTC', quote: 'USD', active: true, tickSize: 0.01 },
      { symbol: 'BTC/USDC', base: 'BTC', quote: 'USDC', active: true, tickSize: 0.01, aliasOf: 'BTC/USD' },
      { symbol: 'USDT/USDC', base: 'USDT', quote: 'USDC', active: true, tickSize: 0.0001 },
    ],
  };
  const resolve = (...legs: string[]) =>
    resolveLegs({ name: 'agg', legs: legs.map((l) => ({ exchange: l.split(':')[0] ?? '', symbol: l.split(':')[1] ?? '' })), price: { kind: 'vwap' }, usdtIsUsd: false }, (ex) => markets[ex] ?? 'not configured');

  it('is refused naming both legs and why (every trade would count twice), whichever name comes first; not as a quote mismatch', () => {
    assert.deepEqual(resolve('coinbase:BTC/USD', 'coinbase:BTC/USDC'), {
      ok: false,
      issues: ['leg 2 (coinbase BTC/USDC): the same order book as leg 1 (coinbase BTC/USD): coinbase lists BTC/USDC as another name of BTC/USD, so every trade would count twice; keep one of them'],
    });
    assert.deepEqual(resolve('coinbase:BTC/USDC', 'binance:BTC/USDC', 'coinbase:BTC/USD'), {
      ok: false,
      issues: ['leg 3 (coinbase BTC/USD): the same order book as leg 1 (coinbase BTC/USDC): coinbase lists BTC/USDC as another name of BTC/USD, so every trade would count twice; keep one of them'],
    });
  });

  it('takes the alias as a leg of its own book otherwise (its quote is its own name\'s: USDC)', () => {
    const r = resolve('coinbase:BTC/USDC', 'binance:BTC/USDC');
    assert.ok(r.ok);
    assert.deepEqual(r.legs.map((l) => [l.exchange, l.symbol, l.quote]), [['coinbase', 'BTC/USDC', 'USDC'], ['binance', 'BTC/USDC', 'USDC']]);
  });
});

describe('tradesuite.aggregates entries', () => {
  it('reads name, legs, price and usdtIsUsd (off unless set), and names what is wrong in a bad entry', () => {
    const where = 'tradesuite.aggregates[0]';
    assert.deepEqual(parseAggregateSetting({ name: ' BTC-USD (agg) ', legs: ['binance:BTC/USDT', 'bybit:BTC/USDT:USDT'], price: 'bybit:BTC/USDT:USDT' }, where), {
      name: 'BTC-USD (agg)',
      legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }],
      price: { kind: 'leg', leg: 1 },
      usdtIsUsd: false,
    });
    const bad: Array<[unknown, RegExp]> = [
      ['BTC', /^tradesuite\.aggregates\[0\]: expected an object/],
      [{ legs: ['binance:BTC/USDT', 'coinbase:BTC/USD'] }, /\.name: expected a name/],
      [{ name: 'a', legs: ['binance:BTC/USDT'] }, /\.legs: expected a list of 2 to 16/],
      [{ name: 'a', legs: ['binance:BTC/USDT', 'BTC/USD'] }, /\.legs\[1\]: expected "exchange:SYMBOL"/],
      [{ name: 'a', legs: ['binance:BTC/USDT', 'binance:BTC/USDT'] }, /\.legs\[1\]: binance:BTC\/USDT is listed twice/],
      [{ name: 'a', legs: ['binance:BTC/USDT', 'coinbase:BTC/USD'], price: 'kraken:BTC/USD' }, /\.price: expected "vwap" or one of the legs/],
      [{ name: 'a', legs: ['binance:BTC/USDT', 'coinbase:BTC/USD'], usdtIsUsd: 'yes' }, /\.usdtIsUsd: expected true or false/],
    ];
    for (const [raw, message] of bad) assert.match(String(parseAggregateSetting(raw, where)), message);
  });

  it("holds a leg's exchange and symbol to MAX_EXCHANGE_ID_CHARS and MAX_SYMBOL_CHARS, as every other place a market is named", () => {
    const exchange = 'x'.repeat(MAX_EXCHANGE_ID_CHARS);
    const symbol = 'S'.repeat(MAX_SYMBOL_CHARS);
    const legs = (leg: string) => parseAggregateSetting({ name: 'a', legs: ['binance:BTC/USDT', leg] }, 'tradesuite.aggregates[0]');
    assert.deepEqual(legs(`${exchange}:${symbol}`), { name: 'a', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange, symbol }], price: { kind: 'vwap' }, usdtIsUsd: false });
    assert.match(String(legs(`${exchange}x:${symbol}`)), /\.legs\[1\]: expected "exchange:SYMBOL"/);
    assert.match(String(legs(`${exchange}:${symbol}S`)), /\.legs\[1\]: expected "exchange:SYMBOL"/);
  });
});
