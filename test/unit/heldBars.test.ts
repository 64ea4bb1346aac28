import * as assert from 'node:assert/strict';
import { covers, keepClosedAsHeld, keepHeldBars, mergeRanges } from '../../src/core/candles/heldBars';
import type { Candle, Trade } from '../../src/core/types';

const M = 60_000;
const T0 = Date.UTC(2024, 2, 14, 15, 0);
const bar = (time: number, o: number, h: number, l: number, c: number, v: number): Candle => ({ time, open: o, high: h, low: l, close: c, volume: v });
const trade = (timestamp: number, price: number, amount: number): Trade => ({ id: String(timestamp), timestamp, price, amount, side: 'buy' });

describe('held bars against a lagging rebuild', () => {
  it('covers: the exchange bar must hold the volume and the range of what was held; a missing bar covers only an empty one', () => {
    const held = bar(T0, 10, 12, 9, 11, 2);
    assert.equal(covers(bar(T0, 10, 12, 9, 11, 2.0000000000001), held), true, 'float sums differ in the last bits');
    assert.equal(covers(bar(T0, 10, 13, 8, 11, 3), held), true);
    assert.equal(covers(bar(T0, 10, 12, 9, 11, 1.5), held), false, 'less volume: trades missing');
    assert.equal(covers(bar(T0, 10, 11.5, 9, 11, 5), held), false, 'a lower high: the held high is missing');
    assert.equal(covers(undefined, held), false, 'a missing kline');
    assert.equal(covers(undefined, bar(T0, 10, 10, 10, 10, 0)), true, 'an empty bar needs nothing');
  });

  it('returns nothing when the rebuild covers every held bar', () => {
    const held = [bar(T0, 10, 12, 9, 11, 2)];
    const rebuilt = [bar(T0, 10, 12, 9, 11.5, 2.5)];
    assert.equal(keepHeldBars({ timeframe: '1m', held, rebuilt, rebuiltAtHorizon: () => rebuilt[0], horizon: T0 + 20_000, later: [], start: T0 + M, seamMinute: T0 + M }), undefined);
  });

  it('keeps a held bar whose kline is missing, with the later trades of its bucket, partial since the horizon; later kline bars are partial too', () => {
    const horizon = T0 + 20_000;
    const held = [bar(T0, 10, 12, 9, 11, 2)];
    // The klines lag: minute T0 is missing, minute T0+1 short; the seam is at T0+2 (REST trades from there are exact).
    const rebuilt = [bar(T0 + M, 11, 11, 11, 11, 0.5), bar(T0 + 2 * M, 11, 11.2, 11, 11.2, 1)];
    const later = [trade(T0 + 40_000, 13, 1), trade(T0 + 2 * M + 1_000, 11.2, 1)];
    const kept = keepHeldBars({ timeframe: '1m', held, rebuilt, rebuiltAtHorizon: () => undefined, horizon, later, start: T0 + 2 * M, seamMinute: T0 + 2 * M })!;
    assert.deepEqual(kept.range, { from: T0, until: T0 + 2 * M }, 'the buckets from the lost one to the seam');
    assert.deepEqual(kept.bars, [
      { ...bar(T0, 10, 13, 9, 13, 3), partial: true, partialSince: horizon },
      { ...bar(T0 + M, 11, 11, 11, 11, 0.5), partial: true },
      bar(T0 + 2 * M, 11, 11.2, 11, 11.2, 1),
    ]);
  });

  it('a bar in progress rebuilt from lagging finer klines is kept as held plus the later trades, and settles after its bucket', () => {
    const horizon = T0 + 80_000;
    const held = [bar(T0, 10, 12, 9, 11, 4)];
    const rebuilt = [bar(T0, 10, 10.5, 10, 10.5, 1.2)];
    const kept = keepHeldBars({ timeframe: '5m', held, rebuilt, rebuiltAtHorizon: () => rebuilt[0], horizon, later: [trade(T0 + 130_000, 11.5, 0.5)], start: T0, seamMinute: T0 + 2 * M })!;
    assert.deepEqual(kept.range, { from: T0, until: T0 + 5 * M });
    assert.deepEqual(kept.bars, [{ ...bar(T0, 10, 12, 9, 11.5, 4.5), partial: true, partialSince: horizon }]);
  });

  it('held bars after the seam\'s bucket that the rebuild lacks (a late trade put the seam before them) are kept, the range past the last', () => {
    const horizon = T0 + 3 * M + 10_000;
    const held = [bar(T0, 10, 10, 10, 10, 1), bar(T0 + M, 11, 11, 11, 11, 2), bar(T0 + 2 * M, 12, 12, 12, 12, 4)];
    // The weaker seam at T0: its kline covers T0; the buckets after it hold the trades streamed during the rebuild only.
    const rebuilt = [bar(T0, 10, 10, 10, 10, 1), bar(T0 + M, 10, 10, 10, 10, 0), bar(T0 + 2 * M, 10, 10, 10, 10, 0), bar(T0 + 3 * M, 13, 13, 13, 13, 8)];
    const at = new Map(rebuilt.map((c) => [c.time, c]));
    const kept = keepHeldBars({ timeframe: '1m', held, rebuilt, rebuiltAtHorizon: (time) => (time === T0 ? at.get(time) : undefined), horizon, later: [trade(T0 + 3 * M + 20_000, 13, 8)], start: T0, seamMinute: T0 })!;
    assert.deepEqual(kept.range, { from: T0 + M, until: T0 + 3 * M });
    assert.deepEqual(kept.bars, [rebuilt[0], { ...held[1]!, partial: true }, { ...held[2]!, partial: true }, rebuilt[3]]);
  });

  it("a later trade at or before the horizon is held already (the stream sent it again after a reconnect): not counted twice", () => {
    const horizon = T0 + 80_000;
    const held = [bar(T0, 10, 12, 9, 11, 4)];
    const rebuilt = [bar(T0, 10, 10.5, 10, 10.5, 1.2)];
    const resent = trade(T0 + 70_000, 11, 1);
    const kept = keepHeldBars({ timeframe: '5m', held, rebuilt, rebuiltAtHorizon: () => rebuilt[0], horizon, later: [resent, trade(T0 + 130_000, 11.5, 0.5)], start: T0, seamMinute: T0 + 2 * M })!;
    assert.deepEqual(kept.bars, [{ ...bar(T0, 10, 12, 9, 11.5, 4.5), partial: true, partialSince: horizon }]);
  });

  it('mergeRanges spans both', () => {
    assert.deepEqual(mergeRanges(undefined, { from: 5, until: 9 }), { from: 5, until: 9 });
    assert.deepEqual(mergeRanges({ from: 3, until: 6 }, { from: 5, until: 9 }), { from: 3, until: 9 });
  });

  it('keepClosedAsHeld: a closed bar rebuilt with only float noise in its volume stays as held; a real change, a partial or the bar in progress is the rebuild', () => {
    const noisy = bar(T0, 10, 12, 9, 11, 0.1 + 0.2);
    const held = [bar(T0, 10, 12, 9, 11, 0.3), bar(T0 + M, 11, 12, 10, 12, 1), bar(T0 + 2 * M, 12, 12, 12, 12, 1), bar(T0 + 3 * M, 12, 13, 12, 13, 1)];
    const rebuilt = [noisy, bar(T0 + M, 11, 12, 10, 12, 1.5), { ...bar(T0 + 2 * M, 12, 12, 12, 12, 1 + 1e-15), partial: true }, bar(T0 + 3 * M, 12, 13, 12, 13, 1 + 1e-15)];
    assert.notEqual(noisy.volume, 0.3, 'the sums differ in the last bits');
    const kept = keepClosedAsHeld(rebuilt, held);
    assert.equal(kept[0], held[0], 'float noise: the closed bar as held (told closed, not revised)');
    assert.equal(kept[1], rebuilt[1], 'more volume: the rebuild');
    assert.equal(kept[2], rebuilt[2], 'a partial rebuild stays partial');
    assert.equal(kept[3], rebuilt[3], 'the bar in progress is the rebuild');
  });
});
