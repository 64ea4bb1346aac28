import type { RecordedMarket, RecordingHole } from '../../core/record/recordTypes';
import type { RecordSource } from '../../core/record/recordSource';
import { userMessage } from '../../core/util/log';

/**
 * A recording's holes over [first, last], and a sentence when some could not be read (a bad stored value, or the
 * store failing): what is shown goes on without them. Rejects only when `signal` ends the read.
 */
export async function readRecordingHoles(source: RecordSource, market: RecordedMarket, first: number, last: number, signal: AbortSignal): Promise<{ holes: readonly RecordingHole[]; unread?: string }> {
  const problems: string[] = [];
  try {
    const holes = await source.holes(market, first, last + 1, (p) => problems.push(p), signal);
    return problems.length === 0 ? { holes } : { holes, unread: `Some of its holes could not be read (${problems[0]}${problems.length > 1 ? ` and ${problems.length - 1} more` : ''}).` };
  } catch (err) {
    if (signal.aborted) throw err;
    return { holes: [], unread: `Where its trades are missing could not be read (${userMessage(err)}).` };
  }
}
