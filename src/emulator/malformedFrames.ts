/** Deliberately broken frames for fault injection, sent the same way on every protocol. */
import type { MalformedKind } from './types';
import type { WsHubControl } from './wsHub';

/** A text frame that is not JSON at all. */
export const INVALID_JSON_FRAME = 'this is not JSON: emulator malformed frame {';

/**
 * Sends a broken frame on `topic` (default: every subscribed topic): non-JSON text, or what `badFields` sends for
 * the topic (a message of its own shape with non-numeric prices). Returns the frames sent.
 */
export function sendMalformedFrames(
  hub: WsHubControl & { broadcast(topic: string, text: string): number },
  kind: MalformedKind,
  topic: string | undefined,
  badFields: (topic: string) => number,
): number {
  let sent = 0;
  for (const name of topic === undefined ? hub.activeTopics() : [topic]) sent += kind === 'invalid-json' ? hub.broadcast(name, INVALID_JSON_FRAME) : badFields(name);
  return sent;
}
