/** Where a trade that came late falls among the trades of its millisecond already held. */

const DIGITS = /^\d+$/;

/**
 * The exchange's order of two trades of one millisecond by their ids, where the ids are sequence numbers (digit
 * strings, compared exactly at any length); undefined where they are not (UUID-like, or prefixed), which says nothing.
 */
export function compareTradeIds(a: string, b: string): number | undefined {
  if (!DIGITS.test(a) || !DIGITS.test(b)) return undefined;
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether trade `id` came after the trade `heldId` of its millisecond `timestamp` already held: `late` (older than
 * trades given before: a fill's, a reconnect's resent ones) places it by LateTies, unless the held trade came with the
 * same LateTies (`heldLate`: the same call, or the same stream connection), which lists its trades in the exchange's
 * order: then it is the newer unless the ids say otherwise, as a trade given without `late` is.
 */
export function comesAfter(id: string, heldId: string, timestamp: number, late: LateTies | undefined, heldLate?: LateTies): boolean {
  if (late !== undefined && late !== heldLate) return late.after(id, heldId, timestamp);
  return (compareTradeIds(id, heldId) ?? 1) > 0;
}

/**
 * How late trades are placed against a held trade of their very millisecond (a bar's open or close). By id where
 * the ids are sequence numbers. Where they are not: as the exchange listed them, where its answer (`listed`: each
 * id's place in it) holds both the late trade and the held one; else after the held ones at `afterHeldAt`, a hole's
 * first millisecond (the trades the stream gave there came before the drop, the missed ones after them), and before
 * them at any other (the stream resumed inside that millisecond, so the trades it missed there came before the first
 * one it sent). One instance per run of trades listed in the exchange's order (a fill's call; a stream connection's
 * late trades, over all its messages): its identity tells that run's trades from those held from others (see
 * comesAfter).
 */
export class LateTies {
  constructor(
    private readonly afterHeldAt?: number,
    private readonly listed?: ReadonlyMap<string, number>,
  ) {}

  /** The same rule for another call's trades. */
  forAnotherCall(): LateTies {
    return new LateTies(this.afterHeldAt, this.listed);
  }

  /** Whether the late trade `id` at `timestamp` came after the held trade `heldId` (of another call) of the same millisecond. */
  after(id: string, heldId: string, timestamp: number): boolean {
    const order = compareTradeIds(id, heldId);
    if (order !== undefined) return order > 0;
    const mine = this.listed?.get(id);
    const held = this.listed?.get(heldId);
    if (mine !== undefined && held !== undefined) return mine > held;
    return timestamp === this.afterHeldAt;
  }
}
