/** What "Open Replay…" says of a recording's holes while a start is chosen: where trades are missing, and why. Pure. */
import type { RecordingHole } from '../../core/record/recordTypes';
import { utcSeconds } from '../../shared/util/utcTime';

/** At most this many holes are named in the prompt; the rest are counted. */
const NAMED = 3;

const hhmmss = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** One hole as "2026-11-28 10:39:59 → 10:43:00" (the day again only when the hole ends on another). */
export function holeSpan(hole: RecordingHole): string {
  const sameDay = new Date(hole.from).toISOString().slice(0, 10) === new Date(hole.until).toISOString().slice(0, 10);
  return `${utcSeconds(hole.from)} → ${sameDay ? hhmmss(hole.until) : utcSeconds(hole.until)} UTC`;
}

/** The prompt's sentence on the holes (oldest first), or undefined when the recording has none. */
export function holesSentence(holes: readonly RecordingHole[]): string | undefined {
  if (holes.length === 0) return undefined;
  const sorted = [...holes].sort((a, b) => a.from - b.from);
  const named = sorted.slice(0, NAMED).map(holeSpan).join(', ');
  const more = sorted.length > NAMED ? ` and ${sorted.length - NAMED} more` : '';
  return `Trades are missing ${named}${more}: bars there are partial.`;
}

/** The hole a replay starting at `start` begins in, if any. */
export function holeAt(holes: readonly RecordingHole[], start: number): RecordingHole | undefined {
  return holes.find((h) => start >= h.from && start < h.until);
}
