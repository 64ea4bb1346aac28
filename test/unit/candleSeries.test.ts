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

  it('never closes a bar by the clock: only a trade after its end does, which also closes the empty minutes between (issue 10, defects 4 and 6)', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.drain();
    assert.equal('closeDue' in s, false, 'there is no clock-driven close');
    s.applyTrade(T0 + 3 * MIN + 5, 12, 1);
    assert.deepEqual(s.drain(), [
      { kind: 'closed', candle: { time: T0, open: 10, high: 10, low: 10, close: 10, volume: 1 } },
      { kind: 'closed', candle: { time: T0 + MIN, open: 10, high: 10, low: 10, close: 10, volume: 0 } },
      { kind: 'closed', candle: { time: T0 + 2 * MIN, open: 10, high: 10, low: 10, close: 10, volume: 0 } },
      { kind: 'updated', candle: { time: T0 + 3 * MIN, open: 12, high: 12, low: 12, close: 12, volume: 1 } },
    ]);
  });

  it('across a hole: the bars around it are partial, never closed, and nothing is invented inside it (issue 10, defect 3)', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.drain();
    s.openHole();
    s.applyTrade(T0 + 3 * MIN + 5, 12, 1);
    s.applyTrade(T0 + 4 * MIN + 5, 13, 1);
    assert.deepEqual(s.drain(), [
      { kind: 'updated', candle: { time: T0, open: 10, high: 10, low: 10, close: 10, volume: 1, partial: true } },
      { kind: 'updated', candle: { time: T0 + 3 * MIN, open: 12, high: 12, low: 12, close: 12, volume: 1, partial: true } },
      { kind: 'updated', candle: { time: T0 + 4 * MIN, open: 13, high: 13, low: 13, close: 13, volume: 1 } },
    ]);
    s.applyTrade(T0 + 5 * MIN, 14, 1);
    assert.deepEqual(s.drain().map((d) => [d.kind, d.candle.time]), [
      ['closed', T0 + 4 * MIN],
      ['updated', T0 + 5 * MIN],
    ]);
    assert.deepEqual(s.partialTimes(), [T0, T0 + 3 * MIN]);
    s.replaceFrom(T0, [
      { time: T0, open: 10, high: 11, low: 9, close: 11, volume: 4 },
      { time: T0 + 2 * MIN, open: 11, high: 12, low: 11, close: 12, volume: 1 },
      { time: T0 + 3 * MIN, open: 12, high: 12, low: 12, close: 12, volume: 2 },
      { time: T0 + 4 * MIN, open: 13, high: 13, low: 13, close: 13, volume: 1 },
      { time: T0 + 5 * MIN, open: 14, high: 14, low: 14, close: 14, volume: 1 },
    ], false);
    assert.deepEqual(s.drain().map((d) => [d.kind, d.candle.time, d.candle.volume]), [
      ['closed', T0, 4],
      ['closed', T0 + MIN, 0],
      ['closed', T0 + 2 * MIN, 1],
      ['closed', T0 + 3 * MIN, 2],
    ], 'the backfill closes the partial bars and fills the empty minute; the bars already final are unchanged');
    assert.deepEqual(s.partialTimes(), []);
  });

  it('a hole that begins after the last bar ended: that bar is not marked partial, and closes whole with the next trade; one holding the hole\'s start is', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.drain();
    s.openHole(T0 + MIN); // the bar [T0, T0 + 1 min) cannot lack a trade from T0 + 1 min on
    assert.deepEqual(s.partialTimes(), []);
    s.applyTrade(T0 + 3 * MIN + 5, 12, 1);
    assert.deepEqual(s.drain().map((d) => [d.kind, d.candle.time, d.candle.partial === true]), [
      ['closed', T0, false],
      ['updated', T0 + 3 * MIN, true],
    ], 'the last bar closed whole, the next trade\'s bar partial, nothing invented across the hole');
    s.openHole(T0 + 4 * MIN - 1); // the bar's last millisecond: another trade of it may be missing
    assert.deepEqual(s.partialTimes(), [T0 + 3 * MIN]);
  });

  it('history that skips months (a halted market: 200,000 empty minutes) is filled with flat bars, the series still bounded', () => {
    const s = new CandleSeries('1m', 5000);
    const gap = 200_000;
    s.replaceFrom(-Infinity, [{ time: T0 - 3 * MIN, open: 9, high: 9, low: 9, close: 9, volume: 1 }], true);
    s.replaceFrom(T0, [
      { time: T0, open: 10, high: 11, low: 9, close: 11, volume: 4 },
      { time: T0 + gap * MIN, open: 12, high: 12, low: 12, close: 12, volume: 1 },
    ], false);
    // The bars the series holds only: the months' flat bars older than its bound are neither held nor reported.
    assert.equal(s.length, 5000, 'bounded before the drain');
    const deltas = s.drain();
    assert.equal(deltas.length, 5000, 'a delta per bar held');
    assert.equal(deltas.at(-1)?.candle.time, T0 + gap * MIN);
    const bars = s.snapshot();
    assert.equal(bars[0]?.time, T0 + (gap - 4999) * MIN, 'the newest 5,000 minutes; the bars before the replaced ones gone with the oldest');
    assert.deepEqual(bars.at(-1), { time: T0 + gap * MIN, open: 12, high: 12, low: 12, close: 12, volume: 1 });
    assert.deepEqual(bars.at(-2), { time: T0 + (gap - 1) * MIN, open: 11, high: 11, low: 11, close: 11, volume: 0 }, 'flat at the last close');
    assert.ok(bars.every((b, i) => i === 0 || b.time - (bars[i - 1]?.time ?? 0) === MIN), 'one bar a minute, no hole');
  });

  it('a trade after more quiet weeks or months than the series holds: the newest flat bars only, each on its bucket', () => {
    const weeks = new CandleSeries('1w', 10);
    const monday = Date.UTC(2024, 0, 1); // a Monday: weekly buckets open then
    weeks.applyTrade(monday + 1, 10, 1);
    weeks.applyTrade(monday + 500 * 7 * 24 * 60 * MIN + 5, 12, 1);
    const w = weeks.snapshot();
    assert.equal(w.length, 12, 'the traded bar, the newest 10 flat weeks, the new bar');
    assert.ok(w.slice(1).every((b, i) => b.time === monday + (490 + i) * 7 * 24 * 60 * MIN && b.volume === (i === 10 ? 1 : 0)), JSON.stringify(w.map((b) => new Date(b.time).toISOString())));
    const months = new CandleSeries('1M', 3);
    months.replaceFrom(-Infinity, [
      { time: Date.UTC(2020, 0, 1), open: 5, high: 5, low: 5, close: 5, volume: 1 },
      { time: Date.UTC(2024, 4, 1), open: 6, high: 6, low: 6, close: 6, volume: 1 },
    ], false);
    assert.deepEqual(months.snapshot().map((b) => [new Date(b.time).toISOString().slice(0, 7), b.close, b.volume]), [
      ['2024-03', 5, 0],
      ['2024-04', 5, 0],
      ['2024-05', 6, 1],
    ]);
  });

  it("folds a late trade into its past bar and reports it as revised; the bucket's newest trade is its close, as the exchange's kline has it", () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.applyTrade(T0 + MIN + 1, 20, 1);
    s.drain();
    s.applyTrade(T0 + 5, 8, 2);
    const [d] = s.drain();
    assert.equal(d?.kind, 'revised');
    assert.deepEqual(d?.candle, { time: T0, open: 10, high: 10, low: 8, close: 8, volume: 3 });
  });

  it('a trade a batch late sets neither the close of a bar holding a newer trade, nor misses the open of one whose first trade came after it', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 20, 10, 1);
    s.applyTrade(T0 + 30, 11, 1);
    s.applyTrade(T0 + 25, 12, 1); // late: older than the close
    s.applyTrade(T0 + 10, 9, 1); // late: older than the open
    assert.deepEqual(s.snapshot().at(-1), { time: T0, open: 9, high: 12, low: 9, close: 11, volume: 4 });
    // Across the boundary: the previous bar's newest trade came after the next bar's first.
    s.applyTrade(T0 + MIN + 1, 20, 1);
    s.applyTrade(T0 + 40, 13, 1);
    s.applyTrade(T0 + 5, 7, 1);
    assert.deepEqual(s.snapshot().slice(-2), [
      { time: T0, open: 7, high: 13, low: 7, close: 13, volume: 6 },
      { time: T0 + MIN, open: 20, high: 20, low: 20, close: 20, volume: 1 },
    ]);
  });

  it('a trade late two or more bars back is its bar\'s close or open by time, the bar revised (alertSeams ALERT_LATE seed 411)', () => {
    for (const back of [2, 3, 40]) {
      const trades = [
        { timestamp: T0 + 10, price: 10, amount: 1 },
        { timestamp: T0 + 30_000, price: 11, amount: 1 },
        ...Array.from({ length: back }, (_, i) => ({ timestamp: T0 + (i + 1) * MIN + 5, price: 20 + i, amount: 1 })),
      ];
      const s = new CandleSeries('1m');
      for (const t of trades) s.applyTrade(t.timestamp, t.price, t.amount);
      s.drain();
      const late = [
        { timestamp: T0 + 50_000, price: 12, amount: 2 }, // newer than the bar's close: its close
        { timestamp: T0 + 40_000, price: 13, amount: 1 }, // older than that close: not its close
        { timestamp: T0 + 5, price: 9, amount: 1 }, // older than its open: its open
        { timestamp: T0 + 7, price: 8, amount: 1 }, // newer than that open: not its open
      ];
      for (const t of late) s.applyTrade(t.timestamp, t.price, t.amount);
      const deltas = s.drain();
      assert.deepEqual(deltas.map((d) => [d.kind, d.candle.time]), [['revised', T0]], `${back} bars back`);
      assert.deepEqual(deltas[0]?.candle, { time: T0, open: 9, high: 13, low: 8, close: 12, volume: 7 }, `${back} bars back`);
      assert.deepEqual(s.snapshot(), referenceCandles([...trades, ...late], '1m'), `${back} bars back: every bar as the whole log's`);
    }
  });

  it('a bar between two others inserted by a late trade keeps its trades\' order for later late trades', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.openHole(); // nothing invented across it: a late trade makes its bar
    s.applyTrade(T0 + 3 * MIN + 1, 20, 1);
    s.applyTrade(T0 + 4 * MIN + 1, 21, 1);
    s.applyTrade(T0 + MIN + 30_000, 15, 1);
    s.applyTrade(T0 + MIN + 40_000, 16, 1); // newer: the close
    s.applyTrade(T0 + MIN + 35_000, 17, 1); // between: neither
    s.applyTrade(T0 + MIN + 20_000, 14, 1); // older: the open
    assert.deepEqual(s.find(T0 + MIN), { time: T0 + MIN, open: 14, high: 17, low: 14, close: 16, volume: 4, partial: true }, 'inside the hole: its other trades are unknown');
  });

  it('a late trade before the first bar held (REST history\'s first): a partial bar in front, in order, the bars after it unchanged', () => {
    const s = new CandleSeries('1m');
    s.replaceFrom(-Infinity, [
      { time: T0 + 2 * MIN, open: 100, high: 100, low: 100, close: 100, volume: 0 },
      { time: T0 + 3 * MIN, open: 100, high: 104, low: 99, close: 103, volume: 5 },
    ], false);
    s.drain();
    s.applyTrade(T0 + 30_000, 90, 2);
    assert.deepEqual(s.drain(), [{ kind: 'updated', candle: { time: T0, open: 90, high: 90, low: 90, close: 90, volume: 2, partial: true } }], 'not closed as a whole bar of one trade; the flat bar after it is not re-flattened at its price');
    assert.deepEqual(s.snapshot().map((c) => c.time), [T0, T0 + 2 * MIN, T0 + 3 * MIN], 'in time order; nothing invented between it and the first bar');
    s.applyTrade(T0 + 10_000, 91, 1);
    assert.deepEqual(s.find(T0), { time: T0, open: 91, high: 91, low: 90, close: 90, volume: 3, partial: true }, 'a later late trade folds into it by time');
    s.applyTrade(T0 + 3 * MIN + 1, 105, 1);
    assert.deepEqual(s.drain().map((d) => [d.kind, d.candle.time]), [['updated', T0], ['updated', T0 + 3 * MIN]], 'the bar in front stays partial: no trade after its end closes it');
  });

  it('a late trade before the first live bar: a partial bar in front of it, the first live bar unchanged', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 5 * MIN + 1, 50, 1);
    s.applyTrade(T0 + 6 * MIN + 1, 51, 1);
    s.drain();
    s.applyTrade(T0 + 3 * MIN + 7, 40, 4);
    assert.deepEqual(s.snapshot(), [
      { time: T0 + 3 * MIN, open: 40, high: 40, low: 40, close: 40, volume: 4, partial: true },
      { time: T0 + 5 * MIN, open: 50, high: 50, low: 50, close: 50, volume: 1 },
      { time: T0 + 6 * MIN, open: 51, high: 51, low: 51, close: 51, volume: 1 },
    ]);
    assert.deepEqual(s.partialTimes(), [T0 + 3 * MIN]);
  });

  it('bars from history have no trade times: a trade late into one older than the last moves neither its open nor its close', () => {
    const s = new CandleSeries('1m');
    // In two pages, as a seed's history and then its bar in progress: the first page's newest is no longer the last.
    s.replaceFrom(T0, [{ time: T0, open: 10, high: 12, low: 9, close: 11, volume: 4 }], true);
    s.replaceFrom(T0 + MIN, [
      { time: T0 + MIN, open: 11, high: 11, low: 11, close: 11, volume: 1 },
      { time: T0 + 2 * MIN, open: 12, high: 12, low: 12, close: 12, volume: 1 },
    ], false);
    s.applyTrade(T0 + 2 * MIN + 5, 13, 1);
    s.applyTrade(T0 + 3 * MIN + 5, 14, 1);
    s.applyTrade(T0 + 59_000, 15, 1);
    s.applyTrade(T0 + 1, 8, 1);
    assert.deepEqual(s.find(T0), { time: T0, open: 10, high: 15, low: 8, close: 11, volume: 6 });
    assert.deepEqual(s.find(T0 + 2 * MIN), { time: T0 + 2 * MIN, open: 12, high: 13, low: 12, close: 13, volume: 2 }, 'the last bar\'s close followed the trade after it');
  });

  it('a trade late into a bar closed empty is its open, high, low and close, not the flat bar\'s (alertSeams ALERT_LATE)', () => {
    for (const lateIn of [1, 2]) {
      // Bars: T0 with trades, then `lateIn` empty minutes closed flat at 10 by a trade after them.
      const after = T0 + (lateIn + 1) * MIN + 5;
      const trades = [
        { timestamp: T0 + 1, price: 10, amount: 1 },
        { timestamp: after, price: 13, amount: 1 },
        { timestamp: T0 + MIN + 7, price: 12, amount: 2 }, // late, into the first empty minute
      ];
      const s = new CandleSeries('1m');
      for (const t of trades) s.applyTrade(t.timestamp, t.price, t.amount);
      const bar = s.snapshot().find((c) => c.time === T0 + MIN);
      assert.deepEqual(bar, { time: T0 + MIN, open: 12, high: 12, low: 12, close: 12, volume: 2 }, `${lateIn} empty minute(s) before the newest`);
    }
  });

  it('the empty bars after a bar whose close a late trade changed are flat at its new close, revised, as the whole log has them', () => {
    const trades = [
      { timestamp: T0 + 1, price: 10, amount: 1 },
      { timestamp: T0 + 3 * MIN + 5, price: 13, amount: 1 }, // after two empty minutes: they close flat at 10
      { timestamp: T0 + 4 * MIN + 5, price: 14, amount: 1 },
    ];
    const late = [
      { timestamp: T0 + 50_000, price: 11, amount: 1 }, // late, newer than T0's close: its close, and the empty minutes' price
      { timestamp: T0 + MIN + 7, price: 12, amount: 2 }, // late, into the first empty minute: the second is flat at 12
    ];
    const s = new CandleSeries('1m');
    for (const t of trades) s.applyTrade(t.timestamp, t.price, t.amount);
    s.drain();
    s.applyTrade(late[0]!.timestamp, late[0]!.price, late[0]!.amount);
    const deltas = s.drain();
    assert.deepEqual(s.snapshot(), referenceCandles([...trades, late[0]!], '1m'), 'after the first late trade');
    assert.deepEqual(deltas.map((d) => [d.kind, d.candle.time, d.candle.close]), [['revised', T0, 11], ['revised', T0 + MIN, 11], ['revised', T0 + 2 * MIN, 11]]);
    s.applyTrade(late[1]!.timestamp, late[1]!.price, late[1]!.amount);
    assert.deepEqual(s.snapshot(), referenceCandles([...trades, ...late], '1m'), 'after the second');
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

  it('replaceFrom refuses bars before `from` or out of order, naming the bar, and leaves the series as it was', () => {
    const s = new CandleSeries('1m');
    s.applyTrade(T0 + 1, 10, 1);
    s.applyTrade(T0 + MIN + 1, 11, 1);
    s.applyTrade(T0 + 2 * MIN + 1, 12, 1);
    s.drain();
    const held = s.snapshot();
    // The factory's settle once gave its bar of T0+1 as from T0+2: the series ended with two bars of one time.
    assert.throws(() => s.replaceFrom(T0 + 2 * MIN, [held[1]!], false), /1m bars replacing from 2024-01-01T00:02:00\.000Z: a bar of 2024-01-01T00:01:00\.000Z is before it/);
    assert.throws(() => s.replaceFrom(T0 + MIN, [held[2]!, held[1]!], false), /a bar of 2024-01-01T00:01:00\.000Z follows one of 2024-01-01T00:02:00\.000Z/);
    assert.throws(() => s.replaceFrom(T0 + MIN, [held[1]!, held[1]!], false), /follows one of/);
    assert.deepEqual(s.snapshot(), held);
    assert.deepEqual(s.drain(), []);
  });

  it('keeps at most maxBars, trimming the oldest in chunks', () => {
    const s = new CandleSeries('1m', 100);
    for (let i = 0; i < 1000; i++) {
      s.applyTrade(T0 + i * MIN, 1 + i, 1);
      s.drain();
    }
    assert.ok(s.length <= 100 + 100 / 8, `length ${s.length}`);
    assert.equal(s.lastTime(), T0 + 999 * MIN);
  });
});
