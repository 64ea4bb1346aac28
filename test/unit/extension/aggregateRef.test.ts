/** How a panel finds the aggregate it shows by name, and what it subscribes when the settings no longer have it. */
import * as assert from 'node:assert/strict';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import { aggregateNamed, missingAggregate } from '../../../src/extension/aggregates/aggregateRef';

const def = (name: string): AggregateDefinition => ({ name, legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'coinbase', symbol: 'BTC/USD' }], price: { kind: 'vwap' }, usdtIsUsd: true });

describe('a panel’s aggregate by name', () => {
  it('is the definition of that name in the settings, or none', () => {
    const all = [def('BTC-USD (agg)'), def('ETH-USD (agg)')];
    assert.equal(aggregateNamed(all, 'ETH-USD (agg)'), all[1]);
    assert.equal(aggregateNamed(all, 'BTC-USD (ag)'), undefined);
  });

  it('a missing one is a subscription whose ready fails naming it and the setting, and whose dispose is harmless', async () => {
    const sub = missingAggregate('BTC-USD (ag)');
    await assert.rejects(sub.ready, { message: 'no aggregate named "BTC-USD (ag)" in the setting tradesuite.aggregates' });
    sub.dispose();
  });
});
