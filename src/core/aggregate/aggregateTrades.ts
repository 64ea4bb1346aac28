/** An aggregate's trades as one trade stream (for alert rules): its legs' trades merged in time order, in base units, at the aggregate's price. */
import type { LostHole, TradesEvent } from '../hub/requests';
import { describeMarket } from '../keys';
import type { BackoffPolicy } from '../streams/backoff';
import type { StreamState } from '../types';
import { systemClock, type Clock } from '../util/clock';
import { silentLogger, type Logger } from '../util/log';
import type { ScheduleTimer } from '../util/scheduleTimer';
import type { Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition, AggregateLeg } from './aggregateDefinition';
import { AggregateMarket, type AggregateSource } from './aggregateMarket';
import type { LegStatus } from './aggregateState';
import { TradeMerge } from './tradeMerge';

export interface AggregateTradesOptions {
  /** How far (market time) a slow leg may hold the others back; 2 s. */
  readonly holdMs?: number;
  /** How long (wall time from the start) a leg whose start (filled from REST) is not in yet holds the others back entirely; 10 s. */
  readonly startHoldMs?: number;
  readonly clock?: Clock;
  readonly backoff?: BackoffPolicy;
  readonly log?: Logger;
  /** Ends the wait for the legs' first data (AggregateOptions.schedule); injected in tests. */
  readonly schedule?: ScheduleTimer;
  /** Trades from this time on; by default the start of the minute it opens in. */
  readonly since?: number;
  /** `aggregate` (the default, what rules read): each trade at the aggregate's price after it; `own`: at its leg's own price (a tape). */
  readonly prices?: 'aggregate' | 'own';
  /**
   * A leg's hole whose fill gave up is told as a `lost` event naming the leg (a tape shows it). Off for the rules: a
   * leg's reconnect already started their windows over, so the hole is in no window they read.
   */
  readonly tellLostHoles?: boolean;
}

const DEFAULT_HOLD_MS = 2000;
const DEFAULT_START_HOLD_MS = 10_000;

/**
 * The legs run as in an AggregateMarket (shared trade streams, holes filled from REST) and go through a TradeMerge:
 * a leg holds the others back by at most `holdMs` of market time; in the first `startHoldMs` a leg whose start is not
 * in yet (its REST fill reaches back to the minute's start, behind the other legs' sockets) holds them back entirely;
 * a failed leg not at all. When every leg is quiet for `holdMs` of wall time,
 * what waits is let through. A leg's reconnect is a gap of the
 * aggregate's stream (state `reconnecting`, naming the leg): windowed rules start over, as on one market's reconnect.
 * The trades of its hole, filled from REST, may come after the merge has moved past them: they are sent on at once,
 * after the batch they came with, as an event flagged `late` (never held for, never merged into the stream's
 * order), so the rules still judge them. A leg still opening (no data yet since the start) that reconnects is no gap:
 * the state is the aggregate's (connecting, or degraded past its wait). dispose() ends the timer and the legs.
 */
export class AggregateTrades implements Disposable {
  readonly ready: Promise<void>;
  private readonly market: AggregateMarket;
  private readonly merge: TradeMerge;
  private readonly name: string;
  private readonly holdMs: number;
  private readonly startHoldMs: number;
  /** Legs whose start is in (covered once). */
  private readonly started: boolean[];
  private readonly clock: Clock;
  private readonly startedAt: number;
  private legs: readonly LegStatus[] = [];
  private quiet: ReturnType<typeof setTimeout> | undefined;
  private check: ReturnType<typeof setImmediate> | undefined;
  private arrivals = 0;
  /** Late trades already logged. */
  private lateLogged = 0;
  private readonly log: Logger;
  private disposed = false;

  constructor(
    source: AggregateSource,
    definition: AggregateDefinition,
    opts: AggregateTradesOptions,
    private readonly consumer: (event: TradesEvent) => void,
  ) {
    this.name = `aggregate ${definition.name}`;
    this.holdMs = opts.holdMs ?? DEFAULT_HOLD_MS;
    this.startHoldMs = opts.startHoldMs ?? DEFAULT_START_HOLD_MS;
    this.started = definition.legs.map(() => false);
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.startedAt = this.clock.now();
    this.merge = new TradeMerge(definition.legs.length, definition.price, opts.prices === 'own');
    this.market = new AggregateMarket(
      source,
      definition,
      {
        timeframes: [],
        ...(opts.since !== undefined ? { since: opts.since } : {}),
        ...(opts.backoff ? { backoff: opts.backoff } : {}),
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.schedule ? { schedule: opts.schedule } : {}),
        onLegTrades: (leg, trades, base, late) => {
          this.merge.add(leg, trades, base, late);
          this.arrivals++;
          this.release();
        },
        ...(opts.tellLostHoles ? { onLegLost: (leg: number, hole: LostHole) => this.legLost(definition.legs[leg], hole) } : {}),
      },
      (e) => {
        if (this.disposed || e.type !== 'state') return;
        this.legs = e.legs;
        this.consumer({ type: 'state', state: streamState(e.state, e.legs) });
        this.release();
      },
    );
    this.ready = this.market.ready;
  }

  /** Trades from this time on (the start of the minute it opened in). */
  get since(): number {
    return this.market.since;
  }

  /**
   * Since when a leg's trades may still come late: the earliest start of a hole of a leg not filled yet nor given up
   * (the leg down, or its fill running); undefined when none. O(legs × holes).
   */
  missingSince(): number | undefined {
    let from: number | undefined;
    for (const c of this.market.coverage()) for (const h of c.holes) if (!h.settled && (from === undefined || h.from < from)) from = h.from;
    return from;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.quiet);
    if (this.check) clearImmediate(this.check);
    this.market.dispose();
  }

  private release(): void {
    if (this.disposed) return;
    const starting = this.clock.now() - this.startedAt < this.startHoldMs;
    const legs = this.market.coverage().map((c, i) => {
      if (c.coveredUntil !== undefined) this.started[i] = true;
      const maxHoldMs = this.legs[i]?.state.status === 'failed' ? 0 : !this.started[i] && starting ? Number.POSITIVE_INFINITY : this.holdMs;
      return { coveredUntil: c.coveredUntil, maxHoldMs };
    });
    const out = this.merge.release(legs);
    if (out.length > 0) this.consumer({ type: 'trades', trades: out });
    const late = this.merge.takeLate();
    if (late.length > 0) this.consumer({ type: 'trades', trades: late, late: true });
    if (this.merge.late > this.lateLogged) {
      this.log.info(`${this.name}: ${this.merge.late - this.lateLogged} trade(s) came after the merged stream had passed their time: sent on as late trades`);
      this.lateLogged = this.merge.late;
    }
    this.armQuiet();
  }

  /** A leg's hole will not come: the merged stream lacks its trades for good, said as one market's lost hole is. */
  private legLost(leg: AggregateLeg | undefined, hole: LostHole): void {
    if (this.disposed) return;
    const reason = leg ? `${describeMarket(leg)}: ${hole.reason}` : hole.reason;
    this.consumer({ type: 'trades', trades: [], late: true, lost: { ...hole, reason } });
  }

  /** Lets everything through after `holdMs` without a trade from any leg (checked after pending I/O, so a stalled loop's unread trades come first). */
  private armQuiet(): void {
    clearTimeout(this.quiet);
    this.quiet = undefined;
    if (this.merge.pending === 0) return;
    const seen = this.arrivals;
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      this.check = setImmediate(() => {
        this.check = undefined;
        if (this.disposed || this.arrivals !== seen) return;
        const out = this.merge.releaseAll();
        if (out.length > 0) this.consumer({ type: 'trades', trades: out });
      });
    }, this.holdMs);
    this.quiet.unref?.();
  }
}

/** A leg reconnecting after it delivered is the aggregate's stream reconnecting (a gap); otherwise the aggregate's own state. */
function streamState(state: StreamState, legs: readonly LegStatus[]): StreamState {
  const down = legs.find((l) => l.state.status === 'reconnecting' && l.opening === undefined);
  if (down?.state.status !== 'reconnecting') return state;
  return { status: 'reconnecting', attempt: down.state.attempt, reason: `${describeMarket(down.market)}: ${down.state.reason}`, retryInMs: down.state.retryInMs };
}
