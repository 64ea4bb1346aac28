/** What "Open Replay…" says of a recording's holes while a start is chosen: where rows are missing, of what, and why. Pure. */
import type { HoleKind, RecordingHole } from '../../core/record/recordTypes';
import { assertNever } from '../../core/util/assertNever';
import { utcSeconds } from '../../shared/util/utcTime';

/** How a hole of a kind is told: what is missing, and what a replay shows over it. */
export interface HoleWords {
  /** "Trades", "Order book rows", "Ticker rows". */
  readonly missing: string;
  /** What a replay shows there: "bars there are partial". */
  readonly shows: string;
}

export function holeWords(kind: HoleKind): HoleWords {
  switch (kind) {
    case 'trades':
      return { missing: 'Trades', shows: 'the bars there are partial' };
    case 'book':
      return { missing: 'Order book rows', shows: 'the book and heatmap are stale there (the bars are whole)' };
    case 'tickers':
      return { missing: 'Ticker rows', shows: 'the ticker is stale there (the bars are whole)' };
    default:
      return assertNever(kind);
  }
}

const KINDS_TOLD: readonly HoleKind[] = ['trades', 'book', 'tickers'];

/** At most this many holes are named in the prompt; the rest are counted. */
const NAMED = 3;

const hhmmss = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/** One hole as "2026-11-28 10:39:59 → 10:43:00" (the day again only when the hole ends on another). */
export function holeSpan(hole: RecordingHole): string {
  const sameDay = new Date(hole.from).toISOString().slice(0, 10) === new Date(hole.until).toISOString().slice(0, 10);
  return `${utcSeconds(hole.from)} → ${sameDay ? hhmmss(hole.until) : utcSeconds(hole.until)} UTC`;
}

/** The prompt's sentences on the holes, one per kind (trades first; each oldest first), or undefined when the recording has none. */
export function holesSentence(holes: readonly RecordingHole[]): string | undefined {
  const sentences = KINDS_TOLD.flatMap((kind) => {
    const sorted = holes.filter((h) => h.kind === kind).sort((a, b) => a.from - b.from);
    if (sorted.length === 0) return [];
    const named = sorted.slice(0, NAMED).map(holeSpan).join(', ');
    const more = sorted.length > NAMED ? ` and ${sorted.length - NAMED} more` : '';
    const words = holeWords(kind);
    return [`${words.missing} are missing ${named}${more}: ${words.shows}.`];
  });
  return sentences.length === 0 ? undefined : sentences.join(' ');
}

/** The warning for a start inside a hole. */
export function startInHoleWarning(hole: RecordingHole): string {
  const words = holeWords(hole.kind);
  return `${words.missing} are missing there (${holeSpan(hole)}: ${hole.reason}); ${words.shows}.`;
}

/** The hole a replay starting at `start` begins in, if any (a trade hole before one of another kind). */
export function holeAt(holes: readonly RecordingHole[], start: number): RecordingHole | undefined {
  const at = holes.filter((h) => start >= h.from && start < h.until);
  return at.find((h) => h.kind === 'trades') ?? at[0];
}
