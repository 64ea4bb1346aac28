/** Where an exchange's own listing (a REST answer, a stream message) places trades among those of their millisecond held. */
import type { Trade } from '../types';
import { LateTies } from './tradeOrder';

/** Trades a connection's ties list at most: a reconnect's resend comes first and is far smaller; past it, by the bounds. */
const MAX_LISTED = 4096;

/**
 * The ties of one stream connection's late trades (a reconnect's resend, a lagging socket's), whose identity keeps
 * their order among themselves (see LateTies): the connection sends its trades in the exchange's order across its
 * messages. Against a trade held from elsewhere (another connection, a fill), its own listing places them: every
 * trade of its messages that repeated or resent some (listResend), in the order sent. A late trade listed after a
 * repeat of a held one of its millisecond came after it, even in a later message; the bounds say before.
 */
export class ConnectionTies extends LateTies {
  private readonly positions: Map<string, number>;
  private sent = 0;

  constructor() {
    const positions = new Map<string, number>();
    super(undefined, positions);
    this.positions = positions;
  }

  /**
   * A message of this connection, of which TradeContinuity took `inOrder` in order: one that repeats trades or sends
   * late ones is listed; the live path, every trade taken in order, costs nothing.
   */
  listResend(trades: readonly Trade[], inOrder: number): void {
    if (inOrder === trades.length) return;
    for (const t of trades) {
      if (this.positions.size >= MAX_LISTED) return;
      // The first listing stands: a repeat within the connection (a re-delivery) does not move a trade after later ones.
      if (!this.positions.has(t.id)) this.positions.set(t.id, this.sent);
      this.sent++;
    }
  }
}

/**
 * Where a fill's answer listed each trade of its hole's first and last milliseconds, those held among them (not
 * taken again): a missed trade listed after one the socket gave came after it, as at the end of a hole a lagging
 * socket had not sent yet. Only those two milliseconds, where a fill's trades share one with trades held (inside the
 * hole only a lagging socket's resent ones could): bars keep their open's and close's ties, so this stays small.
 */
export function listedAtEnds(trades: readonly Trade[], from: number, until: number): ReadonlyMap<string, number> {
  const listed = new Map<string, number>();
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i] as Trade;
    if (t.timestamp === from || t.timestamp === until) listed.set(t.id, i);
  }
  return listed;
}

/**
 * Hands over the trades TradeContinuity accepted in order out of `trades` (`late`: how many it took as late), in
 * one call with `ties` (a fill's; undefined: they are the newest). But where a listing given as the newest repeats
 * trades held (a reconnect's resend, a REST answer), the first accepted that it listed before a repeat of a held
 * trade of their millisecond go first, in a call of their own placed by that listing (see listedBeforeHeld).
 */
export function giveInOrder(trades: readonly Trade[], accepted: readonly Trade[], late: number, ties: LateTies | undefined, give: (trades: readonly Trade[], ties: LateTies | undefined) => void): void {
  if (accepted.length === 0) return;
  // Only where the listing repeated a trade held: not on the live path.
  const before = ties === undefined && accepted.length + late < trades.length ? listedBeforeHeld(trades, accepted) : undefined;
  if (!before) return give(accepted, ties);
  give(before.trades, before.ties);
  if (before.trades.length < accepted.length) give(accepted.slice(before.trades.length), undefined);
}

/**
 * The first accepted trades of a listing that it listed before a repeat of a trade of their millisecond already
 * held (a reconnect's resend, where the socket before it had skipped them): TradeContinuity takes them as the newest
 * of the last millisecond taken, but they came before that held trade. They go as a call of their own, placed by the
 * listing of that millisecond; undefined where there are none.
 */
function listedBeforeHeld(trades: readonly Trade[], accepted: readonly Trade[]): { trades: Trade[]; ties: LateTies } | undefined {
  const at = (accepted[0] as Trade).timestamp;
  const fresh = new Set<string>();
  for (const t of accepted) if (t.timestamp === at) fresh.add(t.id);
  const listed = new Map<string, number>();
  let lastRepeat = -1;
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i] as Trade;
    if (t.timestamp !== at) continue;
    listed.set(t.id, i);
    if (!fresh.has(t.id)) lastRepeat = i;
  }
  const before: Trade[] = [];
  for (const t of accepted) {
    if (t.timestamp !== at || (listed.get(t.id) as number) > lastRepeat) break;
    before.push(t);
  }
  return before.length > 0 ? { trades: before, ties: new LateTies(undefined, listed) } : undefined;
}
