/**
 * Why a recording may lack rows over a span (its trades, or its order book or ticker rows), worded for the user: a
 * replay's stream, the Recordings node's tooltip and Open Replay… show these as they are stored.
 */
import { assertNever } from '../util/assertNever';
import type { HoleKind } from './recordTypes';

/**
 * What left the recording without trades for a while: the trade socket's reconnect, TradeSuite closed (a window
 * reload, a crash, a restart) since the store's recording ended, which a new session continues, or the recording of
 * the market stopped and started again in this session.
 */
export type GapCause = 'reconnect' | 'closed' | 'stopped';

export interface GapWording {
  /** For logs: the span the gap is. */
  readonly span: string;
  /** The exchange's REST trades did not reach back to the gap's start (Bybit gives its newest 1,000). */
  readonly short: string;
  /** The fetch of the gap's trades failed. */
  readonly failed: (why: string) => string;
  /** Recording stopped before the gap's trades were fetched. */
  readonly stopped: string;
}

const CLOSED = 'not recording (TradeSuite closed)';
const STOPPED = 'not recording (recording stopped)';

/**
 * The time since a stored recording that ended longer ago than a reload lasts (RESUME_WITHIN_MS): TradeSuite was
 * closed (or the recording stopped) and nothing was recorded; not fetched, as it may be days.
 */
export const NOT_RECORDING = CLOSED;

/**
 * A hole not fetched (NOT_RECORDING, NOT_RECORDING_STOPPED) whose recording stopped before the stream gave a new trade:
 * it ends at the stop, as nothing says where the trades sent before the recording listened end; the market may have
 * been quiet from then on.
 */
export const noTradeBeforeStop = (reason: string): string => `${reason}; no new trade came before recording stopped again, so it is kept through the stop (the market may have been quiet)`;

/**
 * The time between a recording stopped and started again in this session, when it was longer than a reload lasts
 * (RESUME_WITHIN_MS): the user chose not to record it; not fetched.
 */
export const NOT_RECORDING_STOPPED = STOPPED;

export const GAP_WORDING: Readonly<Record<GapCause, GapWording>> = {
  reconnect: {
    span: "a reconnect's hole",
    short: "the exchange's REST trades did not reach back this far after a reconnect",
    failed: (why) => `the trades missed during a reconnect could not be fetched (${why})`,
    stopped: "recording stopped while a reconnect's hole was being filled",
  },
  closed: {
    span: 'the time TradeSuite was closed',
    short: `${CLOSED}: the exchange's REST trades did not reach back this far`,
    failed: (why) => `${CLOSED}: the trades of that time could not be fetched (${why})`,
    stopped: `${CLOSED}: recording stopped again before the trades of that time were fetched`,
  },
  stopped: {
    span: 'the time recording was stopped',
    short: `${STOPPED}: the exchange's REST trades did not reach back this far`,
    failed: (why) => `${STOPPED}: the trades of that time could not be fetched (${why})`,
    stopped: `${STOPPED}: recording stopped again before the trades of that time were fetched`,
  },
};

/** Trades dropped from a full buffer while the store was behind. */
export const BUFFER_FULL = 'trades dropped: the buffer was full while the store was behind';

/** Rows of a kind dropped from a full buffer while the store was behind (a replay's book is stale until the snapshot after them). */
export function bufferFull(kind: HoleKind): string {
  switch (kind) {
    case 'trades':
      return BUFFER_FULL;
    case 'book':
      return 'order book rows dropped: the buffer was full while the store was behind (the book is taken again from a snapshot after them)';
    case 'tickers':
      return 'ticker rows dropped: the buffer was full while the store was behind';
    default:
      return assertNever(kind);
  }
}

/**
 * What a starting recording waits for before it takes the stream's trades: the store's end read (the store slow or
 * down), or the recording of the market stopped before it in this session writing what it held.
 */
export type HeldFor = 'tail' | 'earlier';

const HELD_FOR: Readonly<Record<HeldFor, string>> = {
  tail: "the store's end was read at start",
  earlier: 'the recording stopped before was still writing',
};

/** Trades that came past what is held while a starting recording waits (see HeldFor). */
export const heldOverflow = (maxHeld: number, heldFor: HeldFor): string => `trades dropped: more than ${maxHeld} came while ${HELD_FOR[heldFor]}`;

/** Trades a stopped recording held that the store did not take (its last write failed), handed to the next recording. */
export const notStoredAtStop = (why: string): string => `trades not stored: the store failed the last write before recording stopped (${why})`;

const ROWS_OF: Readonly<Record<'book' | 'tickers', string>> = { book: 'order book rows', tickers: 'ticker rows' };

/**
 * Order book or ticker rows a stopped recording held that the store did not take, handed on as a hole of their kind
 * like its trades' (a replay's book or ticker is stale over it; its bars are not partial for it).
 */
export const rowsNotStoredAtStop = (kind: 'book' | 'tickers', why: string): string => `${ROWS_OF[kind]} not stored: the store failed the last write before recording stopped (${why})`;
