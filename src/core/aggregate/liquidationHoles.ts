/**
 * Where an aggregate's liquidation lanes may lack a leg's liquidations: before the lanes started (inside the bar they
 * started in), and from each drop of a leg's liquidation stream until the stream is live again. Exchanges give no
 * past liquidations over REST, so these spans are never filled: the bars over them stay partial.
 */
import type { StreamState } from '../types';

/** [from, until): liquidations in it may be missing; `until` undefined while the leg is still down. */
export interface LiquidationHole {
  readonly leg: number;
  readonly from: number;
  until: number | undefined;
}

export class LiquidationHoles {
  private readonly holes: LiquidationHole[] = [];
  /** Legs whose stream was live at least once: only for those is a new `connecting` a restart (a drop). */
  private readonly wasLive = new Set<number>();
  /** By leg: the hole its stream's `live` just closed, until the liquidation that came with it is seen. */
  private readonly closedByLive = new Map<number, LiquidationHole>();

  /** `countedFrom`: liquidations are counted from this time on. */
  constructor(readonly countedFrom: number) {}

  /**
   * A leg's stream changed state at `now`: the hole it opened or closed, if any. A stream says `live` only with its
   * first liquidation after a reconnect (ccxt tells nothing sooner), so the hole closes there, as it arrived; see
   * firstLiquidation for the time it closes at in the end. A leg that goes down while a hole of its is open keeps that one.
   */
  onState(leg: number, state: StreamState, now: number): LiquidationHole | undefined {
    const open = this.holes.find((h) => h.leg === leg && h.until === undefined);
    this.closedByLive.delete(leg);
    if (state.status === 'live') {
      this.wasLive.add(leg);
      if (open) {
        open.until = Math.max(open.from, state.since);
        this.closedByLive.set(leg, open);
      }
      return open;
    }
    if (open || (state.status === 'connecting' && !this.wasLive.has(leg))) return undefined;
    return this.openHole(leg, now);
  }

  /** The leg's stream could not be had at all: none of its liquidations is counted. */
  neverCounted(leg: number): LiquidationHole | undefined {
    const open = this.holes.find((h) => h.leg === leg && h.until === undefined);
    if (open) return undefined;
    return this.openHole(leg, this.countedFrom);
  }

  /**
   * The first liquidations of a leg since its stream said `live`: a hole that `live` closed ends at the earliest of
   * them instead (its own time, not its arrival, which may be a bar later): a stream delivers in order, so none
   * after it was missed. Where the hole ended before it shrank, or undefined when it did not.
   */
  firstLiquidation(leg: number, earliest: number): number | undefined {
    const hole = this.closedByLive.get(leg);
    this.closedByLive.delete(leg);
    if (!hole || hole.until === undefined || earliest >= hole.until || earliest < hole.from) return undefined;
    const endedAt = hole.until;
    hole.until = earliest;
    return endedAt;
  }

  /** Whether a bar over [start, end) may lack liquidations. O(holes held). */
  partial(start: number, end: number): boolean {
    if (start < this.countedFrom && this.countedFrom < end) return true;
    return this.holes.some((h) => h.from < end && (h.until === undefined || start < h.until));
  }

  /** The earliest start of a hole still open (a leg down now), or undefined. */
  openFrom(): number | undefined {
    let from: number | undefined;
    for (const h of this.holes) if (h.until === undefined && (from === undefined || h.from < from)) from = h.from;
    return from;
  }

  /** Closed holes that end before `time` are forgotten (no bar that old is held). */
  forgetBefore(time: number): void {
    for (let i = this.holes.length - 1; i >= 0; i--) {
      const until = this.holes[i]?.until;
      if (until !== undefined && until <= time) this.holes.splice(i, 1);
    }
  }

  private openHole(leg: number, from: number): LiquidationHole {
    const hole: LiquidationHole = { leg, from, until: undefined };
    this.holes.push(hole);
    return hole;
  }
}
