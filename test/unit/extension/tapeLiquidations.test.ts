import * as assert from 'node:assert/strict';
import type { LiquidationsSource } from '../../../src/core/aggregate/aggregateLiquidations';
import { UnsupportedStreamError } from '../../../src/core/errors';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { LiquidationsEvent, Subscription } from '../../../src/core/hub/requests';
import type { StreamState } from '../../../src/core/types';
import { tapeLiquidations } from '../../../src/extension/panels/tapeLiquidations';
import type { TapePrint } from '../../../src/extension/panels/tradeTape';

const PERP: MarketInfo = { symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1, contract: { segment: 'perp', settlement: 'linear', contractSize: 1 } };
const SPOT: MarketInfo = { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 };

/** A hub stand-in: markets per exchange, and liquidation subscriptions it records and lets the test drive. */
function source(markets: Record<string, MarketInfo[]>, refuse?: Error) {
  const subs: { request: { exchange: string; symbol: string }; consumer: (e: LiquidationsEvent) => void; disposed: boolean }[] = [];
  const src: LiquidationsSource = {
    markets: (exchange) => (markets[exchange] ? Promise.resolve(markets[exchange]) : Promise.reject(new Error(`no ${exchange}`))),
    subscribe: (request, consumer): Subscription => {
      const entry = { request, consumer, disposed: false };
      subs.push(entry);
      if (refuse) consumer({ type: 'state', state: { status: 'failed', reason: refuse.message } });
      return { ready: refuse ? Promise.reject(refuse) : Promise.resolve(), dispose: () => void (entry.disposed = true) };
    },
  };
  return { src, subs };
}

function sink() {
  const states: StreamState[] = [];
  const prints: { prints: readonly TapePrint[]; leg: number | undefined }[] = [];
  return { states, prints, sink: { state: (s: StreamState) => void states.push(s), prints: (p: readonly TapePrint[], leg: number | undefined) => void prints.push({ prints: p, leg }) } };
}

describe("time & sales: the tape's liquidation stream", () => {
  it("a perpetual's liquidations reach the tape as prints of their order's side (Bybit Buy: a long closed by a sell); disposing gives the stream back", async () => {
    const { src, subs } = source({ bybit: [PERP] });
    const s = sink();
    const sub = tapeLiquidations(src, { exchange: 'bybit', symbol: PERP.symbol }, undefined, s.sink);
    await sub.ready;
    assert.equal(subs.length, 1);
    subs[0]!.consumer({ type: 'state', state: { status: 'live', since: 1 } });
    subs[0]!.consumer({ type: 'liquidations', liquidations: [{ timestamp: 5, price: 100, amount: 2, side: 'buy' }] });
    assert.deepEqual(s.states, [{ status: 'live', since: 1 }]);
    assert.deepEqual(s.prints, [{ prints: [{ timestamp: 5, price: 100, amount: 2, side: 'sell' }], leg: undefined }]);
    sub.dispose();
    assert.equal(subs[0]!.disposed, true);
    subs[0]!.consumer({ type: 'liquidations', liquidations: [{ timestamp: 6, price: 100, amount: 1, side: 'buy' }] });
    assert.equal(s.prints.length, 1, 'nothing reaches the tape once disposed');
  });

  it('an exchange without a liquidation stream ends in a named failed state; ready still resolves (the tape itself is not in error)', async () => {
    const { src } = source({ okx: [PERP] }, new UnsupportedStreamError('okx', 'liquidation stream (watchLiquidations)'));
    const s = sink();
    const sub = tapeLiquidations(src, { exchange: 'okx', symbol: PERP.symbol }, undefined, s.sink);
    await sub.ready;
    assert.deepEqual(s.states.at(-1), { status: 'failed', reason: 'okx offers no liquidation stream (watchLiquidations).' });
    sub.dispose();
  });

  it('a spot market, an aggregate of spot legs, or markets that cannot be loaded: no stream, no line', async () => {
    const { src, subs } = source({ binance: [SPOT] });
    const s = sink();
    await tapeLiquidations(src, { exchange: 'binance', symbol: SPOT.symbol }, undefined, s.sink).ready;
    await tapeLiquidations(src, { exchange: 'kraken', symbol: 'BTC/USD' }, undefined, s.sink).ready;
    await tapeLiquidations(src, { exchange: 'aggregate', symbol: 'spot (agg)' }, { name: 'spot (agg)', legs: [{ exchange: 'binance', symbol: SPOT.symbol }], price: { kind: 'vwap' }, usdtIsUsd: false }, s.sink).ready;
    assert.equal(subs.length, 0);
    assert.deepEqual(s.states, []);
  });

  it("an aggregate's liquidations carry their leg's index and its exchange's side convention", async () => {
    const { src, subs } = source({ binance: [SPOT, { ...PERP, symbol: 'BTC/USDT:USDT' }], bybit: [PERP] });
    const s = sink();
    const def = { name: 'agg', legs: [{ exchange: 'binance', symbol: SPOT.symbol }, { exchange: 'bybit', symbol: PERP.symbol }, { exchange: 'binance', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' as const }, usdtIsUsd: false };
    const sub = tapeLiquidations(src, { exchange: 'aggregate', symbol: 'agg' }, def, s.sink);
    await sub.ready;
    assert.deepEqual(subs.map((x) => `${x.request.exchange} ${x.request.symbol}`), ['bybit BTC/USDT:USDT', 'binance BTC/USDT:USDT']);
    const liq = { timestamp: 1, price: 100, amount: 1, side: 'sell' as const };
    subs[0]!.consumer({ type: 'liquidations', liquidations: [liq] });
    subs[1]!.consumer({ type: 'liquidations', liquidations: [liq] });
    assert.deepEqual(s.prints.map((p) => [p.leg, p.prints[0]!.side]), [[1, 'buy'], [2, 'sell']], "Bybit's Sell is a short closed by a buy; Binance's sell order closes a long");
    sub.dispose();
    assert.ok(subs.every((x) => x.disposed));
  });
});
