import * as assert from 'node:assert/strict';
import { CandleSeries } from '../../src/core/candles/candleSeries';
import { referenceCandles } from '../helpers/referenceCandles';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

describe('CandleSeries', () => {
  it('builds OHLCV across bucket boundaries exactly like the reference', () => {
    const trades = [
      { timestamp: T0 + 1, price: 10, amount: 1 },
      { timestamp: T0 + 30_000, price: 12, amount: 2 },
      { timestamp: T0 + MIN - 1, price: 9, amount: 1 },
      { timestamp: T0 + MIN, price: 11, amount: 3 },
      { timestamp: T0 + 5 * MIN + 7, price: 15, amount: 1 },
    ];
    const s = new CandleSeries('1m');
    for (const t of trades) s.applyTrade(t.timestamp, t.price, t.amount);
    assert.deepEqual(s.snapshot(), referenceCandles(trades, '1m'));
    const five = new CandleSeries('5m');
    for (const t of trades) five.applyTrade(t.timestamp, t.price, t.amount);
    assert.deepEqual(five.snapshot(), referenceCandles(trades, '5m'));
  });

  it('emits one update per changed bar per drain, then closed when a new bucket starts', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.applyTrade(T0 + 2, 11, 1);
    assert.deepEqual(s.drain(), [{ kind: 'updated', candle: { time: T0, open: 10, high: 11, low: 10, close: 11, volume: 2 } }]);
    assert.deepEqual(s.drain(), [], 'nothing changed, nothing emitted');
    s.applyTrade(T0 + MIN + 5, 12, 1);
    const deltas = s.drain();
    assert.deepEqual(
      deltas.map((d) => [d.kind, d.candle.time]),
      [
        ['closed', T0],
        ['updated', T0 + MIN],
      ],
    );
  });

  it('closes the in-progress bar by the clock when no trade arrives', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.drain();
    s.closeDue(T0 + MIN - 1);
    assert.deepEqual(s.drain(), []);
    s.closeDue(T0 + MIN);
    assert.deepEqual(s.drain().map((d) => d.kind), ['closed']);
    s.closeDue(T0 + 2 * MIN);
    assert.deepEqual(s.drain(), [], 'closing twice emits nothing');
  });

  it('folds a late trade into its past bar and reports it as revised, leaving the close alone', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.applyTrade(T0 + MIN + 1, 20, 1);
    s.drain();
    s.applyTrade(T0 + 5, 8, 2);
    const [d] = s.drain();
    assert.equal(d?.kind, 'revised');
    assert.deepEqual(d?.candle, { time: T0, open: 10, high: 10, low: 8, close: 10, volume: 3 });
  });

  it('replaceFrom reports only bars whose values changed', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.applyTrade(T0 + MIN + 1, 11, 1);
    s.applyTrade(T0 + 2 * MIN + 1, 12, 1);
    s.drain();
    const same = s.snapshot();
    s.replaceFrom(T0 + MIN, [same[1]!, { ...same[2]!, volume: 5 }], false);
    const deltas = s.drain();
    assert.deepEqual(deltas, [{ kind: 'updated', candle: { ...same[2]!, volume: 5 } }]);
  });

  it('keeps at most maxBars, trimming the oldest in chunks', () => {
    const s = new CandleSeries('1m', 100);
    for (let i = 0; i < 1000; i++) {
      s.applyTrade(T0 + i * MIN, 1 + i, 1);
      s.drain();
    }
    assert.ok(s.length <= 100 + 100 / 8, `length ${s.length}`);
    assert.equal(s.last()?.time, T0 + 999 * MIN);
  });
});
