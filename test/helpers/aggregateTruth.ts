/** The integration tests' aggregate of three emulators, and the ground truth of its merged trade stream from the legs' logs. */
import * as assert from 'node:assert/strict';
import { baseAmount } from '../../src/core/exchange/contractSpec';
import type { MarketHub } from '../../src/core/hub/marketHub';
import { bucketStart, type Timeframe } from '../../src/core/timeframes';
import type { AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import type { ExchangeEmulator, ExchangeId } from '../../src/emulator';

/** The integration tests' aggregate: Binance spot, Coinbase spot and a Bybit linear perpetual, one per emulator. */
export const LEGS = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
] as const satisfies ReadonlyArray<{ exchange: ExchangeId; symbol: string }>;
export const NAME = 'BTC-USD (agg)';
export const DEFINITION: AggregateDefinition = { name: NAME, legs: LEGS, price: { kind: 'vwap' }, usdtIsUsd: true };

export interface MergedTrade {
  /** The leg's index in the definition. */
  leg: number;
  timestamp: number;
  /** The aggregate's price after the trade (the 1m bar's VWAP close). */
  price: number;
  /** The trade's own price on its leg. */
  print: number;
  base: number;
  side: 'buy' | 'sell';
}

/**
 * The legs' logs in [since, until), amounts in base units, merged in time order (equal times: leg order), each priced
 * at the 1m bar's VWAP close after it.
 */
export async function mergedTruth(
  hub: MarketHub,
  emulators: ReadonlyMap<ExchangeId, ExchangeEmulator<ExchangeId>>,
  legs: ReadonlyArray<{ readonly exchange: ExchangeId; readonly symbol: string }>,
  since: number,
  until = Number.POSITIVE_INFINITY,
): Promise<MergedTrade[]> {
  const perLeg = await Promise.all(
    legs.map(async ({ exchange, symbol }, leg) => {
      const market = (await hub.markets(exchange)).find((m) => m.symbol === symbol)!;
      const contract = market.contract ?? { segment: 'spot' as const };
      assert.ok(typeof contract !== 'string');
      return emulators
        .get(exchange)!
        .trades(symbol)
        .filter((t) => t.timestamp >= since && t.timestamp < until)
        .map((t) => ({ leg, timestamp: t.timestamp, price: t.price, base: baseAmount(contract, t.amount, t.price), side: t.side }));
    }),
  );
  const all = perLeg.flat().sort((a, b) => a.timestamp - b.timestamp || a.leg - b.leg);
  let minute = NaN;
  const volume = legs.map(() => 0);
  const last = legs.map(() => 0);
  const traded = legs.map(() => false);
  return all.map((t) => {
    if (bucketStart('1m', t.timestamp) !== minute) {
      minute = bucketStart('1m', t.timestamp);
      volume.fill(0);
      traded.fill(false);
    }
    volume[t.leg]! += t.base;
    last[t.leg] = t.price;
    traded[t.leg] = true;
    const weight = volume.reduce((a, v, i) => a + (traded[i] ? v : 0), 0);
    let close = 0;
    for (let l = 0; l < legs.length; l++) if (traded[l]) close += last[l]! * (volume[l]! / weight);
    return { leg: t.leg, timestamp: t.timestamp, price: close, print: t.price, base: t.base, side: t.side };
  });
}

/**
 * Where a `cvd_change` rule (`above: 0`, `once_per_bar` at `timeframe`) fires on the merged stream: the first trade of
 * each bar at which the window, observed whole (from the first trade on), sums above 0; from `firesFrom` on (the
 * trades before it, older than the rule, only fill the window).
 */
export function cvdChangeFires(truth: readonly MergedTrade[], windowMs: number, timeframe: Timeframe, firesFrom = -Infinity): number[] {
  const first = truth[0]?.timestamp ?? 0;
  const fires: number[] = [];
  let firedBar = NaN;
  truth.forEach((t, i) => {
    if (t.timestamp - windowMs < first || t.timestamp < firesFrom) return;
    let delta = 0;
    for (let k = i; k >= 0 && truth[k]!.timestamp > t.timestamp - windowMs; k--) delta += truth[k]!.side === 'buy' ? truth[k]!.base : -truth[k]!.base;
    const bar = bucketStart(timeframe, t.timestamp);
    if (delta > 0 && bar !== firedBar) {
      fires.push(t.timestamp);
      firedBar = bar;
    }
  });
  return fires;
}
