import type { RecordingHole } from './recordTypes';

/** The holes a recorder wrote since it started (spans whose trades the recording may lack), and the newest of them. */
export interface HolesWritten {
  readonly count: number;
  readonly last: RecordingHole;
}

/** What a recorder is doing, as the Markets tree, the log and the bot's metrics show it. */
export type RecorderState =
  | { readonly status: 'starting' }
  /** Every requested stream is subscribed; rows are written as they come, the buffer is under its bound. */
  | { readonly status: 'recording'; readonly storedRows: number; readonly holes?: HolesWritten }
  /** The store refused or failed a write; rows are kept (within the bound) and the write is retried. */
  | { readonly status: 'behind'; readonly buffered: number; readonly reason: string; readonly retryInMs: number }
  /** The buffer reached its bound: `dropped` rows (the newest) were not recorded since it filled. */
  | { readonly status: 'dropping'; readonly dropped: number; readonly reason: string }
  /** A stream could not be subscribed (unknown market…): nothing of it is recorded. */
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'stopped'; readonly storedRows: number };

export type RecorderStatus = RecorderState['status'];
