// Aggregates in the extension: the setting read at the boundary, the Markets tree's "Aggregates", and the legs New Aggregate proposes.
import * as assert from 'node:assert/strict';
import { setConfiguration } from '../../helpers/fakeVscode';
import type * as vscode from 'vscode';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { EngineHost } from '../../../src/extension/engineHost';
import { legChoices } from '../../../src/extension/aggregates/defaultLegs';
import type { ResolvedLeg } from '../../../src/core/aggregate/legResolution';
import { barCandle, finestTick } from '../../../src/extension/panels/aggregateChartFeed';
import { toTreeItem, type MarketNode } from '../../../src/extension/markets/marketNodes';
import { rowOpens } from '../../../src/extension/markets/rowClick';
import { MarketsTreeProvider } from '../../../src/extension/markets/marketsTreeProvider';
import { readSettings } from '../../../src/extension/settings';

const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] } as unknown as vscode.Memento;
const spot = (base: string, quote: string): MarketInfo => ({ symbol: `${base}/${quote}`, base, quote, active: true, tickSize: 0.01 });
const perp = (base: string, quote: string): MarketInfo => ({ symbol: `${base}/${quote}:${quote}`, base, quote, active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } });

describe('aggregates in the extension', () => {
  it('a bad entry of tradesuite.aggregates is reported and skipped; the good ones show under "Aggregates" and open a chart', async () => {
    setConfiguration({
      'tradesuite.exchanges': ['binance', 'coinbase'],
      'tradesuite.aggregates': [
        { name: 'BTC-USD (agg)', legs: ['binance:BTC/USDT', 'coinbase:BTC/USD'], usdtIsUsd: true },
        { name: 'broken', legs: ['binance:BTC/USDT'] },
        { name: 'BTC-USD (agg)', legs: ['binance:BTC/USDT', 'coinbase:BTC/USDT'] },
      ],
    });
    const { settings, problems } = readSettings();
    assert.deepEqual(problems, [
      'tradesuite.aggregates[1].legs: expected a list of 2 to 16 "exchange:SYMBOL" entries, got ["binance:BTC/USDT"]; left out',
      'tradesuite.aggregates[2].name: "BTC-USD (agg)" is the name of an aggregate above; left out',
    ]);
    assert.deepEqual(settings.exchanges.map((e) => e.id), ['binance', 'coinbase'], 'the other settings are unaffected');
    const engine = { hub: { markets: () => Promise.resolve([]) }, warm: () => undefined } as unknown as EngineHost;
    const tree = new MarketsTreeProvider(engine, () => settings, memento);
    const roots = await tree.getChildren();
    assert.deepEqual(roots.map((n) => n.kind), ['aggregates', 'exchange', 'exchange']);
    const [agg] = (await tree.getChildren(roots[0])) as Array<Extract<MarketNode, { kind: 'aggregate' }>>;
    const item = toTreeItem(agg!, { ticker: () => ({ ticker: undefined, staleSince: undefined, error: undefined }), expanded: () => false, now: 0 });
    assert.equal(item.label, 'BTC-USD (agg)');
    assert.equal(item.description, '2 legs · USDT ≈ USD', 'the USDT ≈ USD note is always in sight');
    assert.deepEqual(rowOpens(agg!), { command: 'tradesuite.openChart', arguments: [{ exchange: 'aggregate', symbol: 'BTC-USD (agg)' }] });
    tree.dispose();
  });

  it('New Aggregate proposes, on every exchange, the dollar spot market and the dollar perpetual of the base', () => {
    const lists = [
      { exchange: 'binance', markets: [spot('BTC', 'EUR'), spot('BTC', 'USDT'), spot('BTC', 'USDC'), spot('ETH', 'USDT')] },
      { exchange: 'coinbase', markets: [spot('BTC', 'USD'), { ...spot('BTC', 'USDT'), active: false }] },
      { exchange: 'bybit', markets: [perp('BTC', 'USDT'), perp('BTC', 'USDC'), { ...perp('BTC', 'USD'), contract: 'contract size undefined is not a positive number' }] },
      { exchange: 'kraken', markets: [spot('ETH', 'USD')] },
    ];
    const { choices, proposed } = legChoices(lists, 'BTC');
    assert.deepEqual(proposed, [
      { exchange: 'binance', symbol: 'BTC/USDT' },
      { exchange: 'coinbase', symbol: 'BTC/USD' },
      { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
    ]);
    assert.deepEqual(choices.map((c) => `${c.exchange}:${c.symbol}`), ['binance:BTC/USDT', 'binance:BTC/USDC', 'binance:BTC/EUR', 'coinbase:BTC/USD', 'bybit:BTC/USDT:USDT', 'bybit:BTC/USDC:USDC']);
  });
});

describe('an aggregate bar on the chart', () => {
  it('has its volume-weighted prices rounded to the finest tick of its legs, and keeps the partial flag', () => {
    const legs = [{ tickSize: 0.1 }, { tickSize: 0.01 }, { tickSize: undefined }] as unknown as ResolvedLeg[];
    const tick = finestTick(legs);
    assert.equal(tick, 0.01);
    const flow = { trades: 1, volume: 2, buyVolume: 1, sellVolume: 1 };
    const bar = { time: 60_000, open: 59618.4256365, high: 59672.309002, low: 59516.3667220, close: 59615.8429465, ...flow, spot: flow, perp: flow, legs: [flow], partial: true as const };
    assert.deepEqual(barCandle(bar, tick), { time: 60_000, open: 59618.43, high: 59672.31, low: 59516.37, close: 59615.84, volume: 2, partial: true });
    assert.equal(finestTick([]), undefined);
    const quarter = { ...bar, open: 59618.26, high: 59618.74, low: 59618.1, close: 59618.5 };
    assert.deepEqual(barCandle(quarter, 0.25), { time: 60_000, open: 59618.25, high: 59618.75, low: 59618, close: 59618.5, volume: 2, partial: true }, 'a 0.25 tick: its two decimals kept (not cut to one by its size)');
    assert.equal(barCandle(bar).open, 59618.4256365, 'no tick known: as computed');
    assert.equal(barCandle({ ...bar, partialSince: 75_000 }).partialSince, 75_000, 'since when inside the bar a leg may lack trades');
  });
});
