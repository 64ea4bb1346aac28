/** New Aggregate with an exchange whose markets fail to load: the user is told which and why, and the others still make the aggregate. */
import { answerInputBoxes, answerQuickPicks, configured, forgetPrompts, setConfiguration, shownQuickPickLists, shownWarnings, type ShownQuickPickList } from '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import { newAggregate } from '../../../src/extension/aggregates/newAggregate';
import { readSettings } from '../../../src/extension/settings';

const spot = (base: string, quote: string): MarketInfo => ({ symbol: `${base}/${quote}`, base, quote, active: true, tickSize: 0.01 });
const MARKETS: Readonly<Record<string, readonly MarketInfo[]>> = { binance: [spot('BTC', 'USDT')], kraken: [spot('BTC', 'USD')] };
/** The Markets tree's markets: coinbase's fail to load. */
const tree = {
  markets: (exchange: string): Promise<readonly MarketInfo[]> => {
    const markets = MARKETS[exchange];
    return markets ? Promise.resolve(markets) : Promise.reject(new Error(`${exchange} timed out: GET https://api.exchange.coinbase.com/products`));
  },
};
/** The rows the quick pick had ticked, as Enter takes them. */
const pickedRows = ({ items }: ShownQuickPickList) => items.filter((i) => (i as { picked?: boolean }).picked === true);
const newWarnings = (before: number) => shownWarnings().slice(before);

describe('New Aggregate with an exchange whose markets do not load', () => {
  beforeEach(() => forgetPrompts());

  it('names the exchange and why, and makes the aggregate of the other exchanges\' markets', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance', 'coinbase', 'kraken'], 'tradesuite.aggregates': [] });
    const before = shownWarnings().length;
    answerInputBoxes('btc', 'BTC-USD (agg)');
    answerQuickPicks(pickedRows);
    const name = await newAggregate(tree, () => readSettings().settings);
    assert.equal(name, 'BTC-USD (agg)');
    assert.deepEqual(configured('tradesuite.aggregates'), [{ name: 'BTC-USD (agg)', legs: ['binance:BTC/USDT', 'kraken:BTC/USD'], usdtIsUsd: true }]);
    assert.deepEqual(newWarnings(before), ["New Aggregate: could not load the markets of coinbase (coinbase timed out: GET https://api.exchange.coinbase.com/products); the other exchanges' markets are offered."]);
    const [list] = shownQuickPickLists();
    assert.match(list?.options.placeHolder ?? '', /unavailable: coinbase$/, 'the list of legs says which exchange is missing from it');
  });

  it('with fewer than two markets left, the warning says which exchange could not be loaded and why', async () => {
    setConfiguration({ 'tradesuite.exchanges': ['binance', 'coinbase'], 'tradesuite.aggregates': [] });
    const before = shownWarnings().length;
    answerInputBoxes('BTC');
    assert.equal(await newAggregate(tree, () => readSettings().settings), undefined);
    assert.deepEqual(newWarnings(before), ['New Aggregate: fewer than two markets of BTC on the configured exchanges; could not load the markets of coinbase (coinbase timed out: GET https://api.exchange.coinbase.com/products).']);
    assert.equal(shownQuickPickLists().length, 0, 'no list of legs to pick from');
  });
});
