// A reconnect's first read that resent trades the bars held (Coinbase's market_trades snapshot): its seam takes REST's
// answer whole, so the read is checked against REST where the two overlap.
import type { Trade } from '../types';
import type { SeamHold } from './seamCheck';

/** What the first seam's check asks REST about a resent read: from `ts` on, REST's first answer held those of `ids`. */
export interface ResentReadCheck {
  readonly ts: number;
  readonly ids: ReadonlySet<string>;
  readonly hold: SeamHold;
}

/**
 * The check a resent read needs, or undefined when REST's answer (`rest`, in time order) holds the whole read: every
 * buffered trade up to REST's last is one of REST's, and none came after it. Otherwise the read is no proof of an
 * unbroken run on either side, and REST is asked again:
 * - a buffered trade after REST's last: a trade between them, in neither (a mixed read: resent trades, a hole, new
 *   ones), or one inside the read's span that it skipped, is missed;
 * - a buffered trade inside REST's span that REST's answer lacks: that answer was not whole there, so from that trade
 *   on, a trade REST lists now that neither its first answer nor the read had is missed.
 * Taken as whole instead, the bars would lack such a trade for good, unflagged. The hold reaches the read's newest
 * trade: a trade the read skipped after its first new one is found too, and its bar must not read whole meanwhile.
 * O(REST's answer + buffer), once a seed.
 */
export function resentReadCheck(rest: readonly Trade[], buffered: readonly Trade[]): ResentReadCheck | undefined {
  const lastRest = rest[rest.length - 1];
  if (!lastRest || buffered.length === 0) return undefined;
  const upTo = lastRest.timestamp;
  const restIds = new Set(rest.map((t) => t.id));
  let lacked = Infinity;
  let firstNew = Infinity;
  let newest = -Infinity;
  for (const t of buffered) {
    newest = Math.max(newest, t.timestamp);
    if (t.timestamp > upTo) firstNew = Math.min(firstNew, t.timestamp);
    else if (!restIds.has(t.id)) lacked = Math.min(lacked, t.timestamp);
  }
  if (lacked === Infinity && firstNew === Infinity) return undefined;
  const ts = Math.min(lacked, upTo);
  const ids = new Set(rest.filter((t) => t.timestamp >= ts).map((t) => t.id));
  return { ts, ids, hold: { from: ts, firstStreamed: firstNew === Infinity ? upTo : firstNew, readNewest: newest, readUpTo: upTo } };
}
