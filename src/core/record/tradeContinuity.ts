/** Keeps a recorded trade stream free of duplicates and, across a reconnect, of holes (filled from REST trades). */
import type { Trade } from '../types';
import { TradeRing } from '../util/tradeRing';

/** How a caller's log says what `onUnknownOlder` counts, after the count. */
export const TRADES_LEFT_OUT = 'trade(s) came older than every recent one remembered and were left out (they may repeat trades already taken)';

/** Ids at one millisecond kept in an array up to here (a scan beats hashing for a few); a Set beyond. */
const SCAN_LIMIT = 16;

/**
 * Trades are accepted in time order: one at or before the last accepted millisecond is a duplicate when its id was
 * seen at that millisecond (a re-delivery, or a REST trade the socket also gave). One before it is looked for among
 * the last trades accepted: found, it is a duplicate; not found, it is late (an exchange's stream out of order), new
 * and handed to the caller apart, so the candles, the footprint, the legs and the recording all count it. The hot
 * path allocates nothing per trade: the ids of the last millisecond live in one reused array, the ring in typed slots.
 */
export class TradeContinuity {
  private lastTs = Number.NEGATIVE_INFINITY;
  private readonly idsAtLast: string[] = [];
  /** How many of idsAtLast belong to the last millisecond (the array is reused, never truncated). */
  private idCount = 0;
  /** Only for a millisecond holding more than SCAN_LIMIT trades. */
  private manyIds: Set<string> | undefined;
  /** Every trade accepted lately, to tell a late trade from one sent twice. */
  private readonly recent = new TradeRing();
  /** Trades older than the last accepted that were dropped unread: older than the ring reaches, so possibly new. */
  unknownOlder = 0;
  /** Trades before this belong to an earlier run (see `resume`): left out, and not counted as unknown. */
  private floor = Number.NEGATIVE_INFINITY;

  /** `onUnknownOlder`: told, once per call of `accept`, how many such trades it left out (for the caller's log). */
  constructor(private readonly onUnknownOlder?: (count: number) => void) {}

  /** The timestamp of the last accepted trade, or undefined before the first. */
  get last(): number | undefined {
    return Number.isFinite(this.lastTs) ? this.lastTs : undefined;
  }

  /** Whether every trade accepted from `timestamp` on is still remembered, so `accept` tells a repeat of one from a new one. */
  remembersBackTo(timestamp: number): boolean {
    return this.recent.reaches(timestamp);
  }

  /**
   * Goes on from an earlier run (an app reload, a crash) whose store holds `trades`, oldest first: every trade it
   * recorded from `from` on. A trade before `from` is of that run's time, recorded by it or in its holes: left out.
   * No trades (a run that ended long ago, known by its last trade's time only, `from - 1`): the stream's trades
   * before `from` are left out too, those at that millisecond included, as their ids are not known (the recorder
   * keeps a hole from it); `last` is `from` then.
   */
  resume(from: number, trades: readonly Trade[]): void {
    this.accept(trades, []);
    if (trades.length === 0 && from > this.lastTs) {
      this.lastTs = from;
      this.idCount = 0;
      this.manyIds = undefined;
    }
    this.floor = from;
  }

  /** The ids accepted at the last accepted millisecond. */
  idsAtLastMs(): ReadonlySet<string> {
    // The array is reused across milliseconds: only its first idCount entries are this millisecond's.
    return new Set(this.manyIds ?? this.idsAtLast.slice(0, this.idCount));
  }

  /**
   * The trades not yet taken, in order: `trades` itself when every one is new (the usual live batch), so it is not
   * copied. Late ones (new, but older than the last accepted) go to `late` in the order they came, not into the result.
   */
  accept(trades: readonly Trade[], late: Trade[]): readonly Trade[] {
    const unknownBefore = this.unknownOlder;
    let out: Trade[] | undefined;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i] as Trade;
      if (t.timestamp > this.lastTs) {
        this.lastTs = t.timestamp;
        this.idCount = 0;
        this.manyIds = undefined;
      } else if (t.timestamp < this.lastTs) {
        out ??= trades.slice(0, i);
        // Only here: the floor is never after the last accepted, so the in-order path pays nothing for it.
        if (t.timestamp < this.floor || this.recent.has(t.timestamp, t.id)) continue;
        if (!this.recent.reaches(t.timestamp)) {
          this.unknownOlder++;
          continue;
        }
        this.recent.add(t.timestamp, t.id);
        late.push(t);
        continue;
      } else if (this.seen(t.id)) {
        out ??= trades.slice(0, i);
        continue;
      }
      this.remember(t.id);
      this.recent.add(t.timestamp, t.id);
      out?.push(t);
    }
    if (this.unknownOlder > unknownBefore) this.onUnknownOlder?.(this.unknownOlder - unknownBefore);
    return out ?? trades;
  }

  private seen(id: string): boolean {
    if (this.manyIds) return this.manyIds.has(id);
    for (let i = 0; i < this.idCount; i++) if (this.idsAtLast[i] === id) return true;
    return false;
  }

  private remember(id: string): void {
    if (this.manyIds) this.manyIds.add(id);
    else if (this.idCount < SCAN_LIMIT) this.idsAtLast[this.idCount++] = id;
    else this.manyIds = new Set([...this.idsAtLast.slice(0, this.idCount), id]);
  }
}
