/** A replayed market's messages, shared by every panel: its state from the host, the toolbar's controls from the webview. */
import { command, fields, notification, payload } from './ipc';
import { time } from './shared';
import { num, oneOf, optional, record, str } from './wireCheck';

export type ReplayStatus = 'paused' | 'playing' | 'ended' | 'failed';
const REPLAY_STATUSES: readonly ReplayStatus[] = ['paused', 'playing', 'ended', 'failed'];
export type ReplayAction = 'play' | 'pause' | 'step' | 'seek';
const REPLAY_ACTIONS: readonly ReplayAction[] = ['play', 'pause', 'step', 'seek'];

/** What the replay toolbar shows: where the replay's clock stands (epoch ms), its speed and whether it plays. */
export interface ReplayStateWire {
  readonly status: ReplayStatus;
  readonly start: number;
  readonly position: number;
  readonly speed: number;
  readonly reason?: string;
  /** The last hole of the recording playback jumped over (too long to play through), and why it lacks trades. */
  readonly skipped?: { readonly from: number; readonly until: number; readonly reason: string };
}

/** Why the replay failed, and why a hole it jumped over lacks trades. */
export const MAX_REPLAY_REASON_CHARS = 2000;

const speed = num({ min: 1, max: 100 });

// Host → webview
export const ReplayState = notification(
  'replay/state',
  payload<ReplayStateWire>(record({ status: oneOf(REPLAY_STATUSES), start: time, position: time, speed, reason: optional(str(MAX_REPLAY_REASON_CHARS)), skipped: optional(record({ from: time, until: time, reason: str(MAX_REPLAY_REASON_CHARS) })) })),
);

// Webview → host
/** `play` at `speed` (the last one when absent); `seek` forward (or back, negative) `by` milliseconds (at most a week). */
export const ReplayControl = command(
  'replay/control',
  fields<{ readonly action: ReplayAction; readonly speed?: number; readonly by?: number }>({ action: oneOf(REPLAY_ACTIONS), speed: optional(speed), by: optional(num({ integer: true, min: -7 * 86_400_000, max: 7 * 86_400_000 })) }),
  'action must be play, pause, step or seek; speed 1 to 100; by a whole number of ms, at most a week either way',
);
