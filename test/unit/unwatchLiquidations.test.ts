// The liquidation unsubscribe on a stand-in for ccxt's exchange: what the integration test (liquidationsUnwatch)
// cannot provoke from the emulator — the exchange's unsubscribe failing.
import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { unWatchLiquidations } from '../../src/core/exchange/unwatchLiquidations';

describe('unWatchLiquidations', () => {
  it("forgets ccxt's subscription even when the exchange's unsubscribe fails, so an idle socket can close", async () => {
    const rejected: string[] = [];
    const client = { subscriptions: { 'liquidations::GONE/USDT:USDT': true, 'trade:BTC/USDT:USDT': true } as Record<string, unknown>, reject: (_e: unknown, hash?: string) => rejected.push(hash ?? '') };
    const ex = {
      clients: { ws: client },
      market: (symbol: string) => {
        throw new Error(`bybit does not have market symbol ${symbol}`); // gone from refreshed markets
      },
    };
    await assert.rejects(unWatchLiquidations(ex as unknown as ProExchange, 'bybit', 'GONE/USDT:USDT', () => new Error('closed')), /does not have market/);
    assert.deepEqual(Object.keys(client.subscriptions), ['trade:BTC/USDT:USDT']);
    assert.deepEqual(rejected, ['liquidations::GONE/USDT:USDT']);
  });
});
