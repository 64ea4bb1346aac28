/** The footprint on the chart's wire: engine bars to compact messages, and how a frame's footprint changes combine. */
import type { DeltaBar } from '../../core/orderflow/cvdSeries';
import type { FootprintBar } from '../../core/orderflow/footprintBar';
import type { DeltaWire, FootprintBarWire, FootprintCellWire, HostMessage } from '../../shared/protocol';
import type { MergeRules } from './frameCoalescer';

export function footprintBarWire(b: FootprintBar): FootprintBarWire {
  const cells = b.cells.map((c): FootprintCellWire => {
    const imbalance = (c.buyImbalance ? 1 : 0) + (c.sellImbalance ? 2 : 0);
    return imbalance === 0 ? [c.price, c.buy, c.sell] : [c.price, c.buy, c.sell, imbalance];
  });
  const bar = { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, buy: b.buyVolume, sell: b.sellVolume, poc: b.poc, cells };
  return b.partial ? { ...bar, partial: true } : bar;
}

export const deltaWire = (d: DeltaBar): DeltaWire => [d.time, d.delta, d.cvd];

/** Changes of one frame: bars by time (the newer bar's fields, cells merged by price), delta bars by time. */
export function mergeFootprintBars(queued: readonly FootprintBarWire[], next: readonly FootprintBarWire[]): FootprintBarWire[] {
  const byTime = new Map<number, FootprintBarWire>();
  for (const b of queued) byTime.set(b.time, b);
  for (const b of next) {
    const prev = byTime.get(b.time);
    if (!prev) {
      byTime.set(b.time, b);
      continue;
    }
    const cells = new Map<number, FootprintCellWire>();
    for (const c of prev.cells) cells.set(c[0], c);
    for (const c of b.cells) cells.set(c[0], c);
    byTime.set(b.time, { ...b, cells: [...cells.values()].sort((x, y) => x[0] - y[0]) });
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

function mergeDeltas(queued: readonly DeltaWire[], next: readonly DeltaWire[]): DeltaWire[] {
  const byTime = new Map<number, DeltaWire>();
  for (const d of queued) byTime.set(d[0], d);
  for (const d of next) byTime.set(d[0], d);
  return [...byTime.values()].sort((a, b) => a[0] - b[0]);
}

type FootprintBars = Extract<HostMessage, { method: 'chart/footprintBars' }>;

export const FOOTPRINT_MERGE_RULES: MergeRules = {
  'chart/footprintBars': {
    merge: (queued: FootprintBars, next: FootprintBars): FootprintBars => ({
      method: 'chart/footprintBars',
      params: { bars: mergeFootprintBars(queued.params.bars, next.params.bars), deltas: mergeDeltas(queued.params.deltas, next.params.deltas) },
    }),
  },
  'chart/footprint': { supersedes: ['chart/footprintBars', 'chart/footprintLoading'] },
};
