/** Rules whose exchange lists no such symbol: found once the markets load, located at the `symbol:` value. */
import * as assert from 'node:assert/strict';
import { checkRuleSymbols, parseAlertsConfig } from '../../../src/core/alerts';
import { UnknownSymbolError } from '../../../src/core/errors';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';

const market = (symbol: string): MarketInfo => {
  const [base = '', quote = ''] = symbol.split('/');
  return { symbol, base, quote, active: true, tickSize: 0.01 };
};
const MARKETS = ['BTC/USDT', 'ETH/USDT', 'ETH/BTC', 'SOL/USDT'].map(market);
const rule = (name: string, exchange: string, symbol: string) => `  - name: ${name}\n    type: price_level\n    exchange: ${exchange}\n    symbol: ${symbol}\n    above: 1\n`;

describe('unknown symbols in alert rules', () => {
  it('reports each unknown symbol at its value, with the closest spelling or related markets', async () => {
    const config = parseAlertsConfig(`rules:\n${rule('ok', 'binance', 'BTC/USDT')}${rule('typo', 'binance', 'BTC/USTD')}${rule('other', 'binance', 'ETH/EUR')}${rule('none', 'binance', 'XYZ/ABC')}`);
    const check = await checkRuleSymbols(config.rules, config.ranges, async () => MARKETS);
    assert.deepEqual(
      check.diagnostics.map((d) => [d.line, d.column, d.endColumn, d.message]),
      [
        [10, 13, 21, 'unknown symbol "BTC/USTD" on binance: rule "typo" can never alert; did you mean "BTC/USDT"?'],
        [15, 13, 20, 'unknown symbol "ETH/EUR" on binance: rule "other" can never alert; did you mean one of "ETH/USDT", "ETH/BTC"?'],
        [20, 13, 20, 'unknown symbol "XYZ/ABC" on binance: rule "none" can never alert'],
      ],
    );
    assert.deepEqual(check.unchecked, []);
  });

  it('suggests only markets that trade: a halted or delisted market is never the "did you mean"', async () => {
    const halted: MarketInfo = { ...market('BTC/USDC'), active: false };
    const config = parseAlertsConfig(`rules:\n${rule('typo', 'binance', 'BTC/USDD')}${rule('other', 'binance', 'BTC/EUR')}`);
    const check = await checkRuleSymbols(config.rules, config.ranges, async () => [...MARKETS, halted]);
    assert.deepEqual(
      check.diagnostics.map((d) => d.message),
      ['unknown symbol "BTC/USDD" on binance: rule "typo" can never alert; did you mean "BTC/USDT"?', 'unknown symbol "BTC/EUR" on binance: rule "other" can never alert; did you mean one of "BTC/USDT"?'],
    );
    const only = parseAlertsConfig(`rules:\n${rule('typo', 'binance', 'BTC/USDC.')}`);
    const alone = await checkRuleSymbols(only.rules, only.ranges, async () => [halted]);
    assert.doesNotMatch(alone.diagnostics[0]!.message, /did you mean/);
  });

  it('a rule on an aggregate must name one of the aggregates (the file\'s, and in VS Code the setting\'s): at its symbol, with the closest name; no markets are loaded for it', async () => {
    const config = parseAlertsConfig(`aggregates:
  - { name: BTC-USD (agg), legs: ["binance:BTC/USDT", "bybit:BTC/USDT:USDT"] }
rules:\n${rule('known', 'aggregate', 'BTC-USD (agg)')}${rule('typo', 'aggregate', 'BTC-USD (ag)')}`);
    assert.deepEqual(config.diagnostics, []);
    const asked: string[] = [];
    const check = await checkRuleSymbols(config.rules, config.ranges, async (exchange) => (asked.push(exchange), MARKETS), config.aggregates.map((a) => a.name));
    assert.deepEqual(check.diagnostics.map((d) => [d.line, d.column, d.message]), [[12, 13, 'unknown aggregate "BTC-USD (ag)": rule "typo" can never alert; did you mean "BTC-USD (agg)"?']]);
    assert.deepEqual(asked, []);
    const none = await checkRuleSymbols(config.rules, config.ranges, async () => MARKETS);
    assert.match(none.diagnostics[0]!.message, /^unknown aggregate "BTC-USD \(agg\)": rule "known" can never alert \(no aggregate is defined/);
  });

  it('aggregates: in the file are parsed as the setting is; a bad or repeated one is an error at it', () => {
    const config = parseAlertsConfig(`aggregates:
  - { name: A, legs: ["binance:BTC/USDT", "bybit:BTC/USDT:USDT"], price: "bybit:BTC/USDT:USDT", usdtIsUsd: true }
  - { name: A, legs: ["binance:BTC/USDT", "coinbase:BTC/USD"] }
  - { name: B, legs: ["binance:BTC/USDT"] }
rules:\n${rule('a', 'aggregate', 'A')}`);
    assert.deepEqual(config.aggregates, [{ name: 'A', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }], price: { kind: 'leg', leg: 1 }, usdtIsUsd: true }]);
    assert.deepEqual(config.diagnostics.map((d) => [d.line, d.message]), [
      [3, 'aggregates[1].name: "A" is defined twice'],
      [4, 'aggregates[2].legs: expected a list of 2 to 16 "exchange:SYMBOL" entries, got ["binance:BTC/USDT"]'],
    ]);
  });

  it('leaves an exchange whose markets cannot load unchecked, and checks the others', async () => {
    const config = parseAlertsConfig(`rules:\n${rule('a', 'binance', 'NOPE/USDT')}${rule('b', 'kraken', 'NOPE/USD')}`);
    const check = await checkRuleSymbols(config.rules, config.ranges, async (exchange) => {
      if (exchange === 'kraken') throw new Error('NetworkError: down');
      return MARKETS;
    });
    assert.equal(check.diagnostics.length, 1);
    assert.deepEqual(check.unchecked, [{ exchange: 'kraken', reason: 'Error: NetworkError: down' }]);
  });

  it('the engine\'s unknown-symbol error names no editor command', () => {
    assert.doesNotMatch(new UnknownSymbolError('binance', 'XYZ/ABC', []).message, /Find Market/);
  });
});
