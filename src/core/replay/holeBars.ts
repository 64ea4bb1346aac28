/** A replay's bars where the recording has a hole: partial, so a chart does not show a quiet market there. */
import type { RecordingHole } from '../record/recordTypes';
import type { Candle } from '../types';

/**
 * Each bar a hole overlaps, partial; from the hole's start when that is inside the bar (its trades before are whole).
 * `endOf`: where the bar opening at a time ends (a month's calendar end, not 30 days on).
 */
export function markHoles(bars: readonly Candle[], endOf: (time: number) => number, holes: readonly RecordingHole[]): Candle[] {
  let h = 0;
  return bars.map((bar) => {
    const end = endOf(bar.time);
    while (h < holes.length && (holes[h] as RecordingHole).until <= bar.time) h++;
    let from: number | undefined;
    for (let i = h; i < holes.length; i++) {
      const hole = holes[i] as RecordingHole;
      if (hole.from >= end) break;
      if (hole.until > bar.time) from = Math.min(from ?? Infinity, hole.from);
    }
    if (from === undefined) return bar;
    return from > bar.time ? { ...bar, partial: true, partialSince: from } : { ...bar, partial: true };
  });
}
