/** The liquidity heatmap's host buffer at its bound (30 minutes at 100 ms): the level data held with 100 and 200 levels per side (the typed arrays' bytes), and the cost of a sample. */
import { HeatmapSampler } from '../src/extension/panels/heatmapSampler';
import type { OrderBook } from '../src/core/types';

export interface HeatmapBufferResult {
  readonly columns: number;
  readonly perLevels: readonly { levels: number; dataMB: number; microsPerSample: number }[];
}

function book(levels: number, mid: number): OrderBook {
  return {
    timestamp: 0,
    bids: Array.from({ length: levels }, (_, i) => [mid - 0.01 * (i + 1), 0.1 + (i % 7)] as const),
    asks: Array.from({ length: levels }, (_, i) => [mid + 0.01 * (i + 1), 0.1 + (i % 5)] as const),
  };
}

export function benchHeatmapBuffer(): HeatmapBufferResult {
  const perLevels = [];
  let columns = 0;
  for (const levels of [100, 200]) {
    let now = 0;
    const sampler = new HeatmapSampler({ sampleMs: 100, levels, minutes: 30, now: () => now }, () => undefined);
    columns = sampler.buffer.maxColumns;
    const t0 = process.hrtime.bigint();
    // Twice the bound: the ring is full and evicting for the second half.
    for (let i = 0; i < 2 * columns; i++) {
      now += 100;
      sampler.onBook(book(levels, 60_000 + (i % 100)));
      sampler.onTrades([
        { id: String(i), timestamp: now, price: 60_000, amount: 0.5, side: 'buy' },
        { id: `${i}s`, timestamp: now, price: 60_000.01, amount: 0.2, side: 'sell' },
      ]);
      sampler.sample();
    }
    const micros = Number(process.hrtime.bigint() - t0) / 1000 / (2 * columns);
    perLevels.push({ levels, dataMB: Math.round((sampler.buffer.bytes / 2 ** 20) * 10) / 10, microsPerSample: Math.round(micros * 10) / 10 });
  }
  return { columns, perLevels };
}
