/** How a frame's time & sales messages combine: row changes merge by row id, a snapshot supersedes them. */
import type { TapeRowWire } from '../../shared/protocol';
import type { MergeRules } from './frameCoalescer';

/** Tape rows of one frame by id, oldest first; a row changed twice keeps its newest values. */
export function mergeTapeRows(queued: readonly TapeRowWire[], next: readonly TapeRowWire[]): TapeRowWire[] {
  const byId = new Map<number, TapeRowWire>();
  for (const r of queued) byId.set(r[0], r);
  for (const r of next) byId.set(r[0], r);
  return [...byId.values()].sort((a, b) => a[0] - b[0]);
}

/**
 * A frame's row changes merge by row id (the newest stats win); a snapshot makes queued changes obsolete (`tape/missing`
 * carries every span: the newest wins; so does `tape/catchingUp`).
 */
export const TAPE_MERGE_RULES: MergeRules = {
  'tape/rows': { merge: (queued, next) => ({ method: 'tape/rows', params: { rows: mergeTapeRows(queued.params.rows, next.params.rows), stats: next.params.stats } }) },
  'tape/snapshot': { supersedes: ['tape/rows', 'tape/missing', 'tape/catchingUp'] },
};
