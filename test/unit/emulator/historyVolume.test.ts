import * as assert from 'node:assert/strict';
import { ExchangeEmulator, liveHistoryVolumeScale } from '../../../src/emulator';
import { referenceCandles } from '../../helpers/referenceCandles';

describe('emulator: history volume (npm start: no volume jump at the seam)', () => {
  it('the scale makes a history minute trade what a live one does, between 1 and 1000', () => {
    assert.equal(liveHistoryVolumeScale(5), 50, '5 trades/s = 300 a minute against 6 history trades a minute');
    assert.equal(liveHistoryVolumeScale(5, 30), 10);
    assert.equal(liveHistoryVolumeScale(0.05), 1, 'never smaller');
    assert.equal(liveHistoryVolumeScale(2000), 1000, 'a benchmark rate is capped');
    assert.equal(liveHistoryVolumeScale(0), 1);
  });

  it('a scale below 1 is refused, naming the option', async () => {
    await assert.rejects(ExchangeEmulator.start({ historyVolumeScale: 0.5 }), /historyVolumeScale must be a number >= 1/);
  });

  it('scaled history has the same prices, sides and times, its amounts and bar volumes multiplied', async () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    const start = (historyVolumeScale?: number) => ExchangeEmulator.start({ seed: 9, tradesPerSecond: 0, historyMinutes: 30, now: () => now, ...(historyVolumeScale === undefined ? {} : { historyVolumeScale }) });
    const plain = await start();
    const scaled = await start(50);
    try {
      const a = plain.trades('BTC/USDT');
      const b = scaled.trades('BTC/USDT');
      assert.ok(a.length > 100, `${a.length} history trades`);
      assert.deepEqual(b.map((t) => [t.timestamp, t.price, t.side]), a.map((t) => [t.timestamp, t.price, t.side]));
      for (const [i, t] of a.entries()) assert.ok(Math.abs((b[i]?.amount ?? 0) - t.amount * 50) <= 1e-8 * 50, `trade ${i}: ${b[i]?.amount} vs ${t.amount} × 50`);
      const bars = (e: typeof plain) => referenceCandles(e.trades('BTC/USDT'), '1m').map((c) => c.volume);
      const ratio = bars(scaled).map((v, i) => v / (bars(plain)[i] as number));
      assert.ok(ratio.every((r) => Math.abs(r - 50) < 0.01), `bar volumes ×${ratio.join(', ')}`);
    } finally {
      await plain.close();
      await scaled.close();
    }
  });
});
