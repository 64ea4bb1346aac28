// The emulator's irregular-book knob (setBookHoles / POST /_emulator/holes): gaps between the top levels vary per step.
import * as assert from 'node:assert/strict';
import { ExchangeEmulator } from '../../src/emulator';

const topGaps = (emu: ExchangeEmulator) => {
  const bids = emu.orderBook('BTC/USDT', 12).bids.map(([p]) => Number(p));
  return bids.slice(1).map((p, i) => Math.round((bids[i]! - p) * 100));
};

describe('emulator: irregular book levels', function () {
  this.timeout(20_000);
  let emu: ExchangeEmulator | undefined;
  afterEach(() => emu?.close());

  it('leaves random top levels empty at each book step while on, and restores the regular grid when off', async () => {
    emu = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 0, depthIntervalMs: 20 });
    const waitSteps = async (n: number) => {
      const start = emu!.orderBook('BTC/USDT', 1).lastUpdateId;
      while (emu!.orderBook('BTC/USDT', 1).lastUpdateId < start + n) await new Promise((r) => setTimeout(r, 20));
    };
    await waitSteps(2);
    assert.ok(topGaps(emu).every((g) => g === 100), `a regular grid of 100 ticks: ${topGaps(emu).join(',')}`);
    const res = await fetch(`${emu.url}/_emulator/holes`, { method: 'POST', body: JSON.stringify({ symbol: 'BTC/USDT', chance: 0.5 }) });
    assert.equal(res.status, 200, await res.text());
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await waitSteps(8);
      seen.add(topGaps(emu).join(','));
    }
    assert.ok(seen.size > 1, 'the pattern changes from step to step');
    assert.ok([...seen].some((g) => g.split(',').some((x) => Number(x) > 100)), `gaps wider than the grid: ${[...seen].join(' | ')}`);
    emu.setBookHoles('BTC/USDT', 0);
    await waitSteps(8);
    assert.ok(topGaps(emu).every((g) => g === 100), 'regular again');
    assert.throws(() => emu!.setBookHoles('BTC/USDT', 2), /from 0 to 1/);
  });
});
