/**
 * Whether a chart/snapshot needs drawing. The page gets the same bars twice as it starts (from its HTML, then in the
 * answer to its ready) and again whenever the host's other state changes (the timeframe list, the tick size, the
 * history note): setting the same bars in the chart again is a full redraw for nothing. Pure.
 */
import type { CandleWire, ChartOptionsWire, FlowWire, MarkerWire } from '../../shared/protocol';
import type { Bar } from './barStore';

/** What a snapshot's drawing depends on besides its bars. `flows: 'changed'`: updated since by chart/candles. */
export interface SnapshotLook {
  readonly rev: number | undefined;
  readonly series: string;
  readonly options: ChartOptionsWire;
  readonly markers: readonly MarkerWire[];
  readonly tickSize: number | undefined;
  readonly footprint: boolean;
  readonly legs: readonly string[];
  readonly flows: readonly FlowWire[] | 'changed';
}

/**
 * `stale`: no newer than one the page had (by the host's `rev`): ignored. `unchanged`: the bars shown and the look
 * drawn are the snapshot's: only the rest of it (legend note, timeframe list) applies. `retick`: the same, but the
 * market's tick size is new (cached bars are painted before the markets load): only the price format changes.
 * `draw`: everything applies.
 */
export type SnapshotPlan = 'stale' | 'unchanged' | 'retick' | 'draw';

/** `drawn`: the look of the last snapshot applied (undefined before any); `shown`: the chart's bars now (deltas included). */
export function planSnapshot(drawn: SnapshotLook | undefined, shown: readonly Bar[], next: SnapshotLook, candles: readonly CandleWire[]): SnapshotPlan {
  if (drawn === undefined) return 'draw';
  if (next.rev !== undefined && drawn.rev !== undefined && next.rev <= drawn.rev) return 'stale';
  if (!sameLook(drawn, next) || !barsMatch(shown, candles)) return 'draw';
  return drawn.tickSize === next.tickSize ? 'unchanged' : 'retick';
}

/** The look after an update of the aggregate's flows: the next snapshot's flows are drawn whatever they are. */
export function flowsChanged(drawn: SnapshotLook | undefined): SnapshotLook | undefined {
  return drawn && { ...drawn, flows: 'changed' };
}

/** The same look but perhaps for the tick size. */
function sameLook(a: SnapshotLook, b: SnapshotLook): boolean {
  return (
    a.series === b.series &&
    a.footprint === b.footprint &&
    a.options.showVolume === b.options.showVolume &&
    sameList(a.options.emaPeriods, b.options.emaPeriods, (x, y) => x === y) &&
    sameList(a.markers, b.markers, (x, y) => x.time === y.time && x.text === y.text && x.position === y.position) &&
    sameList(a.legs, b.legs, (x, y) => x === y) &&
    a.flows !== 'changed' &&
    b.flows !== 'changed' &&
    sameList(a.flows, b.flows, (x, y) => sameList(x, y, (u, v) => u === v))
  );
}

/** The chart's bars are exactly these candles (as BarStore.reset would make them: seconds, partial only when true). */
export function barsMatch(bars: readonly Bar[], candles: readonly CandleWire[]): boolean {
  if (bars.length !== candles.length) return false;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    const c = candles[i];
    if (b === undefined || c === undefined) return false;
    if (b.time !== Math.floor(c[0] / 1000) || b.open !== c[1] || b.high !== c[2] || b.low !== c[3] || b.close !== c[4] || b.volume !== c[5]) return false;
    const partial = c[6] === true;
    if ((b.partial === true) !== partial) return false;
    if (partial && b.partialSince !== (c[7] === undefined ? undefined : Math.floor(c[7] / 1000))) return false;
  }
  return true;
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || !same(x, y)) return false;
  }
  return true;
}
