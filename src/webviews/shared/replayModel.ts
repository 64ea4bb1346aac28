/** What the replay bar says and offers, from the host's replay state (pure: unit-tested without a DOM). */
import type { ReplayStateWire } from '../../shared/protocol';
import { utcSeconds } from '../../shared/util/utcTime';
import type { BadgeView } from './connection';
import { Store } from './store';

/** The replay's state as the host last sent it; undefined on a live market (no bar is shown). */
export const replayState = new Store<ReplayStateWire | undefined>(undefined);

export const REPLAY_SPEEDS: readonly number[] = [1, 2, 5, 10, 25, 50, 100];
/** Seek buttons: back (bars rebuilt from the recording, never before the replay's start) or forward by these many milliseconds. */
export const REPLAY_SEEKS: ReadonlyArray<{ readonly label: string; readonly by: number }> = [
  { label: '−15m', by: -15 * 60_000 },
  { label: '−1m', by: -60_000 },
  { label: '+1m', by: 60_000 },
  { label: '+15m', by: 15 * 60_000 },
  { label: '+1h', by: 3_600_000 },
];

/** "2026-11-29 14:03:20 UTC" */
export function replayClock(ms: number): string {
  return `${utcSeconds(ms)} UTC`;
}

/**
 * "REPLAY · paused", "REPLAY · playing 10×", "REPLAY · end of the recording", "REPLAY · failed: reason"; after a jump
 * over a long hole, "… · skipped 2 d 3 h: reason".
 */
export function replayStatusText(s: ReplayStateWire): string {
  const skipped = s.skipped && s.status !== 'failed' ? ` · skipped ${spanText(s.skipped.until - s.skipped.from)}: ${s.skipped.reason}` : '';
  switch (s.status) {
    case 'playing':
      return `REPLAY · playing ${s.speed}×${skipped}`;
    case 'paused':
      return `REPLAY · paused${skipped}`;
    case 'ended':
      return `REPLAY · end of the recording${skipped}`;
    case 'failed':
      return `REPLAY · failed${s.reason ? `: ${s.reason}` : ''}`;
  }
}

/** "2 d 3 h", "5 h 12 min", "7 min": the two largest units. */
function spanText(ms: number): string {
  const min = Math.round(ms / 60_000);
  const days = Math.floor(min / 1440);
  const hours = Math.floor((min % 1440) / 60);
  const mins = min % 60;
  if (days > 0) return `${days} d ${hours} h`;
  return hours > 0 ? `${hours} h ${mins} min` : `${mins} min`;
}

/** Whether the controls that move the clock can act (not after the end or a failure). */
export const replayCanMove = (s: ReplayStateWire): boolean => s.status === 'paused' || s.status === 'playing';

/**
 * The connection badge on a replayed market: its streams are "live" while it is open, and quiet while it is paused,
 * which is neither news nor stale data: the badge says "replay" (the replay bar says the rest). Trouble shows as usual.
 */
export function replayBadge(view: BadgeView): BadgeView {
  return view.state === 'live' || view.state === 'quiet' ? { text: 'replay', tone: 'ok', state: 'live', stale: false, word: 'replay' } : view;
}
