// Where a seed's REST answer meets the stream it buffered: the seam minute, and whether the seam can be cut there.
import { bucketStart } from '../timeframes';

const MINUTE = 60_000;

/**
 * The minute of the first buffered trade (or the exchange's now), moved `lagMinutes` back: klines that may still
 * miss their latest trades are not trusted for the seed's last minutes, which are built from REST trades.
 */
export function seamMinuteOf(firstBuffered: number | undefined, exchangeNow: number, lagMinutes: number): number {
  return bucketStart('1m', Math.min(firstBuffered ?? Infinity, exchangeNow)) - lagMinutes * MINUTE;
}

/** What a seed knows once REST has answered for a seam minute. */
export interface SeamInput {
  readonly seamMinute: number;
  /** The klines' lag the seam minute was moved back by (0 once seeding at the live minute). */
  readonly lagMinutes: number;
  /** REST's trades reach back to the seam minute. */
  readonly restComplete: boolean;
  /** The oldest trade the stream has buffered since the job began, read now. */
  readonly firstLive: number | undefined;
  /** The stream was live from before REST was asked until now, without a break. */
  readonly streamCovered: boolean;
  /** The exchange's clock now (read only when no trade is buffered). */
  readonly exchangeNow: () => number;
}

/** The seam's decision: cut it (the weaker seam when REST's trades do not reach the minute), or ask REST again. */
export type SeamCut =
  /** REST's trades do not reach back past the klines' lag: seed again at the live minute, its last `unsureMs` of klines partial. */
  | { readonly kind: 'live minute'; readonly unsureMs: number; readonly why: string }
  /** The seam cannot be cut at this minute: seed again. */
  | { readonly kind: 'again'; readonly why: string }
  | { readonly kind: 'cut'; readonly weak: boolean };

export function seamCut(input: SeamInput): SeamCut {
  const { seamMinute, lagMinutes, restComplete, firstLive, streamCovered } = input;
  if (!restComplete && lagMinutes > 0) {
    return { kind: 'live minute', unsureMs: lagMinutes * MINUTE, why: "REST trades do not reach back past the klines' lag; seeding at the live minute" };
  }
  if (firstLive !== undefined && firstLive < seamMinute) return { kind: 'again', why: 'first live trade precedes the seam minute; seeding again' };
  // The weaker seam's kline holds the seam minute only, and the stream, not live throughout, may not hold the
  // minutes after it: an answer that came after the seam minute (a slow or rate-limited REST) seeds again.
  if (!restComplete && !streamCovered && (firstLive ?? input.exchangeNow()) >= seamMinute + MINUTE) {
    return { kind: 'again', why: 'REST trades answered after the seam minute, without reaching it; seeding again' };
  }
  // The exchange's REST trades do not reach back to the seam: the weaker seam, from its in-progress kline.
  return { kind: 'cut', weak: !restComplete };
}
