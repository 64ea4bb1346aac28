// What a seed installs once its seam is cut (seamCut.ts): the REST trades it takes, the guard against the stream's
// copies of them, and how the stream's first read is checked against REST (seamCheck.ts). Pure: no I/O, no state.
import type { Trade } from '../types';
import { resentReadCheck } from './resentRead';
import type { RestReach, SeamHold } from './seamCheck';
import { SeamGuard } from './seamGuard';
import { newestTime } from './tradeTimes';

const MINUTE = 60_000;
const NO_IDS: ReadonlySet<string> = new Set();

/** A cut seam, as the seed knows it once REST has answered. */
export interface SeamInstallInput {
  readonly seamMinute: number;
  /** REST's trades do not reach the seam minute: the weaker seam (its bars from the seam's kline). */
  readonly weak: boolean;
  /** REST's trades from the seam minute, in time order (all of them, cut short or not). */
  readonly restTrades: readonly Trade[];
  /** The stream's trades buffered since the job began, in no order (none of them applied yet). */
  readonly buffer: readonly Trade[];
  /** The oldest of `buffer`. */
  readonly firstLive: number | undefined;
  /** The newest trade any timeframe of the job held when it stopped taking live trades (`heldUpTo`). */
  readonly heldUpTo: number | undefined;
  /** The stream was live from before REST was asked until now, without a break. */
  readonly streamCovered: boolean;
  /** The stream's first read after a drop (it may mix two sockets' trades). */
  readonly afterDrop: boolean;
}

/** How the stream's first read is checked: at once (it is buffered), when it comes, or not at all. */
export type ReadCheck =
  | { readonly kind: 'now'; readonly reach: RestReach; readonly hold: SeamHold }
  | { readonly kind: 'first trade'; readonly reach: RestReach }
  | { readonly kind: 'none' };

export interface SeamInstall {
  /** REST's trades the bars take: up to the stream's first trade, all of them after a resend, none on the weaker seam. */
  readonly fromRest: readonly Trade[];
  /** Tells the stream's copies of `fromRest`, whenever they come; none without REST trades. */
  readonly guard: SeamGuard | undefined;
  /** The bars the check holds partial until it settles (the check's own, when it runs at once). */
  readonly hold: SeamHold | undefined;
  readonly check: ReadCheck;
}

export function seamInstall(input: SeamInstallInput): SeamInstall {
  const { seamMinute, weak, restTrades, buffer, firstLive, streamCovered } = input;
  // A reconnect that resent trades the bars held (Coinbase's snapshot): REST holds them all, and the guard tells the
  // stream's copies of them, those buffered and those still to come. Cut at the stream's first trade, the bars would
  // lack the trades after it until the stream had sent them again, and count twice those it sent already.
  // So is a first read whose oldest trade came out of order (a trade of a reconnect's hole sent after the pick-up):
  // cut at it, the bars would lack REST's trades between it and the pick-up, and the check would find them missed and
  // backfill what REST's answer already held.
  const lateFirst = (input.afterDrop || !streamCovered) && buffer[0] !== undefined && firstLive !== undefined && buffer[0].timestamp > firstLive;
  const resent = firstLive !== undefined && (firstLive <= (input.heldUpTo ?? -Infinity) || lateFirst);
  const fromRest = weak ? [] : firstLive === undefined || resent ? restTrades : restTrades.filter((t) => t.timestamp < firstLive);
  const lastRest = fromRest[fromRest.length - 1];
  // The stream may still push copies of REST's trades, in this batch or a later one (out of time order).
  const guard = lastRest && new SeamGuard(lastRest.timestamp, fromRest);
  // A stream not live since before REST was asked (not yet, or first live meanwhile) may have begun after REST's
  // answer: the trades between would be in neither, for good and unflagged. Its first trades are checked against
  // REST (seamCheck.ts): at once if already buffered, else when they come. The weaker seam too: its bars hold the
  // newest REST trades (in its kline). A read REST's answer reaches into (served after the stream began, or after a
  // drop) is checked all the same: the trades taken from REST end before it, and its own span is no proof of an
  // unbroken run. So is a resend of trades the bars held, where it and REST's answer (taken whole) overlap: a trade
  // after REST's last that the read skipped, or one REST's answer lacked beside a trade of the read, would be in no
  // bar (resentRead.ts).
  const checkRead = !streamCovered || input.afterDrop;
  if (!checkRead) return { fromRest, guard, hold: undefined, check: { kind: 'none' } };
  const known = weak ? restTrades : fromRest;
  const checkedFrom = known[known.length - 1]?.timestamp ?? seamMinute - 1;
  const atLast = (): ReadonlySet<string> => new Set(known.filter((t) => t.timestamp === checkedFrom).map((t) => t.id));
  // (The weaker seam takes no REST trade: its read is checked below.)
  const resentCheck = resent ? resentReadCheck(fromRest, buffer) : undefined;
  if (resentCheck) return { fromRest, guard, hold: resentCheck.hold, check: { kind: 'now', reach: { ts: resentCheck.ts, ids: resentCheck.ids, guard }, hold: resentCheck.hold } };
  // Checked at once: the bars from REST's last trade to the read's newest go out partial, as a check's hold (a trade it
  // skipped is found anywhere in it); not the bar before the seam minute when REST had no trade in it (the exchange's
  // closed kline, whole).
  if (firstLive !== undefined && checkedFrom < firstLive) {
    const hold: SeamHold = { from: Math.max(checkedFrom, seamMinute), firstStreamed: firstLive, readNewest: newestTime(buffer) };
    return { fromRest, guard, hold, check: { kind: 'now', reach: { ts: checkedFrom, ids: atLast(), guard }, hold } };
  }
  // The weaker seam's read that REST's answer reaches into (a resend, or REST answering after the stream began): its
  // bars after the seam minute hold the read's trades alone (the seam minute's kline settles its own bar), so REST is
  // asked about the read from the next minute on: a trade it skipped there would be in no bar, unflagged. A read
  // inside the seam minute lacks nothing its kline will not bring.
  const newestLive = newestTime(buffer);
  if (weak && firstLive !== undefined && newestLive !== undefined && newestLive >= seamMinute + MINUTE) {
    const hold: SeamHold = { from: seamMinute + MINUTE, firstStreamed: firstLive, readNewest: newestLive };
    return { fromRest, guard, hold, check: { kind: 'now', reach: { ts: seamMinute + MINUTE, ids: NO_IDS, guard }, hold } };
  }
  // After a drop, a read still to come is after REST's answer, asked once the stream was live: REST took the hole's
  // end whole, and the stream has what followed it.
  if (firstLive === undefined && !streamCovered) return { fromRest, guard, hold: undefined, check: { kind: 'first trade', reach: { ts: checkedFrom, ids: atLast(), guard } } };
  return { fromRest, guard, hold: undefined, check: { kind: 'none' } };
}
