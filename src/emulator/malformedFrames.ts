/** Deliberately broken frames for fault injection, sent the same way on every protocol. */
import type { MalformedKind } from './types';
import type { WsHubControl } from './wsHub';

/** How far ahead of the exchange's clock a 'future-trade' is timed. */
export const FUTURE_TRADE_AHEAD_MS = 23 * 3_600_000;
/** How far ahead of the exchange's clock a 'near-future-trade' is timed: within the hour a day's bound lets through. */
export const NEAR_FUTURE_TRADE_AHEAD_MS = 10 * 60_000;
/** A 'future-trade' carries the newest trade's id plus this: an id no logged trade has. */
export const FUTURE_TRADE_ID_OFFSET = 1_000_000_000;

/**
 * The price (in ticks) of a 'crossed-level' bid: 1% above the best ask, at least 10 ticks. A bid a few ticks above
 * healed itself: the walk lifted the asks past it within a few updates, before the client had refused enough of them.
 */
export const crossedBidUnits = (bestAskUnits: number): number => Math.max(bestAskUnits + 10, Math.round(bestAskUnits * 1.01));

/** A text frame that is not JSON at all. */
export const INVALID_JSON_FRAME = 'this is not JSON: emulator malformed frame {';

/**
 * Sends a broken frame on `topic` (default: every subscribed topic): non-JSON text, or what `badFields` sends for
 * the topic (a message of its own shape with non-numeric prices). Returns the frames sent.
 */
export function sendMalformedFrames(
  hub: WsHubControl & { broadcast(topic: string, text: string): number },
  kind: Extract<MalformedKind, 'invalid-json' | 'bad-fields'>,
  topic: string | undefined,
  badFields: (topic: string) => number,
): number {
  let sent = 0;
  for (const name of topic === undefined ? hub.activeTopics() : [topic]) sent += kind === 'invalid-json' ? hub.broadcast(name, INVALID_JSON_FRAME) : badFields(name);
  return sent;
}
