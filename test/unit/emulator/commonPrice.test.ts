/** One asset's price on several emulated exchanges: each walks its own seeded path, all within a basis of one another. */
import * as assert from 'node:assert/strict';
import { CommonPrice } from '../../../src/emulator/commonPrice';
import { MarketGenerator } from '../../../src/emulator/market';
import { symbolSpec } from '../../../src/emulator/symbols';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const price = (units: number, precision: number) => units / 10 ** precision;

describe('the common price of an asset across emulated exchanges', () => {
  it('is a pure function of the asset and the time: two instances agree, other assets differ', () => {
    const a = new CommonPrice('BTC', 60_000);
    const b = new CommonPrice('BTC', 60_000);
    const eth = new CommonPrice('ETH', 60_000);
    const times = [T0, T0 + 7_777, T0 + 3_600_000, T0 - 86_400_000];
    // b is read in another order (its knot cache filled differently): the same values.
    assert.deepEqual(times.map((t) => a.at(t)), [...times].reverse().map((t) => b.at(t)).reverse());
    assert.notDeepEqual(times.map((t) => a.at(t)), times.map((t) => eth.at(t)));
  });

  it('moves smoothly (no jump between neighbouring milliseconds) and stays near its start price over days', () => {
    const c = new CommonPrice('BTC', 60_000);
    let low = Infinity;
    let high = -Infinity;
    let largestStep = 0;
    let prev = c.at(T0);
    for (let t = T0 + 1000; t < T0 + 3 * 86_400_000; t += 1000) {
      const p = c.at(t);
      largestStep = Math.max(largestStep, Math.abs(p / prev - 1));
      low = Math.min(low, p);
      high = Math.max(high, p);
      prev = p;
    }
    assert.ok(largestStep < 0.0005, `a 1 s step moved ${largestStep}`);
    assert.ok(low > 60_000 * 0.9 && high < 60_000 * 1.1, `ranged ${low}–${high}`);
    assert.ok(high / low > 1.005, `it hardly moved: ${low}–${high}`);
  });

  it('keeps BTC on Binance, Coinbase and Bybit within a realistic basis of each other, whatever their seeds and start times', () => {
    const legs = [
      { spec: symbolSpec('BTC/USDT', 'binance'), seed: 1, start: T0 },
      { spec: symbolSpec('BTC/USD', 'coinbase'), seed: 3, start: T0 + 5 * 60_000 },
      { spec: symbolSpec('BTC/USDT:USDT', 'bybit'), seed: 3, start: T0 + 5 * 60_000 },
    ].map((l) => ({ ...l, generator: new MarketGenerator(l.spec, l.seed), last: 0 }));
    let widest = 0;
    for (let t = T0; t < T0 + 2 * 3_600_000; t += 100) {
      for (const leg of legs) if (t >= leg.start) leg.last = price(leg.generator.next(t).priceUnits, leg.spec.pricePrecision);
      if (t < T0 + 6 * 60_000) continue; // each walk has had its first minute
      const prices = legs.map((l) => l.last);
      widest = Math.max(widest, Math.max(...prices) / Math.min(...prices) - 1);
    }
    // The emulator's books are 200 levels of $1 a side: legs within 0.3 % ($180) always overlap.
    assert.ok(widest < 0.003, `the legs drifted ${(widest * 100).toFixed(3)} % apart`);
    assert.ok(widest > 0, 'the legs are one walk, not three');
  });
});
