// A factory's reconnect holes for the rules: followed on the stream, sent on after a gap backfill, or told lost.
import type { HistoryService } from '../history/historyService';
import { describeMarket, type MarketKey } from '../keys';
import type { Trade } from '../types';
import type { LostHole } from '../hub/requests';
import { errorMessage, userMessage, type Logger } from '../util/log';
import { joinSpans, StreamHoles, type HoleCut } from './streamHoles';
import { HoleOutOfReachError } from '../errors';
import { wholeTradesBetween } from '../history/wholeTradesBetween';

export interface HoleSenderHost {
  readonly market: MarketKey;
  readonly log: Logger;
  /** The hole's trades before a seed's seam minute, for the rules only (without it they get those from the seam minute on). */
  readonly history: Partial<Pick<HistoryService, 'tradesBetween'>>;
  /** The factory's: aborted when it is disposed. */
  readonly signal: AbortSignal;
  /** CandleFactoryOptions.holeTrades (none: the stream had sent them all, the hole is in). */
  readonly holeTrades?: (trades: readonly Trade[]) => void;
  /** CandleFactoryOptions.holeLost. */
  readonly holeLost?: (hole: LostHole) => void;
  /**
   * A hole told lost, handed on to be asked again for the subscribers that take it found late (the panels: the hub's
   * LostHoleRefetch, which outlives this factory); the taker picks the cut once, found or given up.
   */
  readonly holeRefetch?: (cut: HoleCut) => void;
}

const NO_TRADES: readonly Trade[] = [];

/**
 * The reconnect holes a candle factory owes its stream's consumers (the rules): the stream followed (StreamHoles),
 * each hole sent once a gap backfill installed its bars (`holeTrades`), or told lost (`holeLost`) when it cannot be.
 */
export class HoleSender {
  private readonly holes = new StreamHoles();
  /** The holes given to send and not sent yet: lost if the factory is disposed first. */
  private readonly sending = new Set<HoleCut>();

  constructor(private readonly host: HoleSenderHost) {}

  /** A drop's hole is pending for a gap backfill, which sends its trades on: no one else need fetch it. */
  get holding(): boolean {
    return this.holes.holding;
  }

  /** A drop's hole is pending, or given and not sent yet: the rules' windows wait for it (sent or told lost). */
  get owes(): boolean {
    return this.holes.holding || this.sending.size > 0;
  }

  /** Once per streamed batch (StreamHoles.streamed: O(batch)). */
  streamed(batch: readonly Trade[]): void {
    this.holes.streamed(batch);
  }

  /** The stream dropped after being live. */
  dropped(): void {
    this.holes.dropped();
  }

  /** Taken by a job before its first await: the holes it owes are those of the drops up to here. */
  mark(): number {
    return this.holes.mark();
  }

  /**
   * A job that owed holes installed its bars: those holes' trades are picked out of REST's (`fromRest`: its whole
   * answer since the seam minute, not only the bars' share, which ends at the stream's oldest buffered trade; `weakRest`,
   * REST's trades since the seam minute, where they do not reach back to it) and sent, or skipped when no one takes
   * them. `buffered`: the job's buffer, read now (it is replaced when the job ends).
   */
  installed(mark: number, buffered: readonly Trade[], fromRest: readonly Trade[], seamMinute: number, weakRest: readonly Trade[] | undefined): void {
    const send = this.host.holeTrades;
    // No one to send a hole's trades to: the holes end all the same, without a cut waiting for a pick that never comes.
    if (!send) {
      this.holes.skip(mark);
      return;
    }
    const cut = this.holes.take(mark, buffered);
    if (cut) void this.sendHoleTrades(send, cut, fromRest, seamMinute, weakRest);
  }

  /**
   * A job that owed holes ends without sending those of the drops up to `mark`. Its retry (seconds to minutes away,
   * or never) would send them too late for the rules, whose windows meanwhile read on without them: lost now, unless
   * a job queued while it ran follows at once (`jobFollows`: it takes them). Told lost, they are asked again for the
   * panels (`buffered`: the job's buffer, read now: the stream's trades of the holes are never sent late).
   */
  failed(mark: number, reason: string, jobFollows: boolean, buffered: readonly Trade[]): void {
    if (jobFollows) return;
    const refetch = this.host.holeRefetch;
    if (refetch && this.host.holeLost) {
      const cut = this.holes.take(mark, buffered);
      if (!cut) return;
      this.lose({ ...cut.span, reason });
      this.tellLate(refetch, cut);
      return;
    }
    const span = this.holes.skip(mark);
    if (span) this.lose({ ...span, reason });
  }

  /**
   * The factory is disposed: the holes pending and those given and not sent yet will not be sent by it. Told lost (the
   * rules' windows start over), each is handed on to be asked again for the panels, as a failed job's are
   * (`buffered`: the job's buffer, read now: the stream's trades of the holes are never sent late).
   */
  dispose(buffered: readonly Trade[]): void {
    const reason = 'the candle series fetching them was closed';
    const cuts = [...this.sending];
    this.sending.clear();
    const refetch = this.host.holeRefetch;
    if (refetch && this.host.holeLost) {
      const pending = this.holes.take(this.holes.mark(), buffered);
      if (pending) cuts.push(pending);
      for (const cut of cuts) {
        this.lose({ ...cut.span, reason });
        this.tellLate(refetch, cut);
      }
      return;
    }
    const spans = cuts.map((cut) => cut.span);
    const pending = this.holes.skip(this.holes.mark());
    if (pending) spans.push(pending);
    if (spans.length > 0) this.lose({ ...joinSpans(spans), reason });
  }

  private lose(hole: LostHole): void {
    const lost = this.host.holeLost;
    if (!lost) return;
    this.host.log.warn(`${describeMarket(this.host.market)}: the trades of the reconnect's hole from ${new Date(hole.from).toISOString()} will not be sent; the rules reading them start their windows over: ${hole.reason}`);
    this.tellLate(lost, hole);
  }

  /** A late trades consumer (holeTrades, holeLost) that throws is logged: the factory's job goes on. */
  private tellLate<T>(consumer: (arg: T) => void, arg: T): void {
    try {
      consumer(arg);
    } catch (err) {
      this.host.log.error(`a late trades consumer threw: ${errorMessage(err)}`);
    }
  }

  /**
   * The stream's consumers (the rules) get the hole's trades: REST's from the seam minute (the bars' own), and those
   * before it (in the bars as klines), asked for the rules only, after the bars are installed; that request failing
   * costs the rules the hole (HoleTrades.lost), never the bars. `weak`: REST's trades since the seam minute where they
   * do not reach back to it (the weaker seam): they hold the hole's part after the seam minute only if they reach
   * back before the hole; if not, it is lost too. Picked once the stream picked up after the hole (StreamHoles:
   * HoleCut.pickedUp), not before: the factory's disposal ends the wait (and loses the hole). Never rejects.
   */
  private async sendHoleTrades(send: (trades: readonly Trade[]) => void, cut: HoleCut, fromRest: readonly Trade[], seamMinute: number, weak: readonly Trade[] | undefined): Promise<void> {
    this.sending.add(cut);
    try {
      const trades = await this.holeTradesOf(cut, fromRest, seamMinute, weak);
      if (trades === undefined) return;
      // Out of `sending` before it is sent: the hole is in (owes), even with none the stream had not sent.
      this.sending.delete(cut);
      if (trades.length > 0) this.host.log.info(`${describeMarket(this.host.market)}: ${trades.length} trade(s) of the reconnect's hole, fetched from REST, sent on as late trades`);
      this.tellLate(send, trades);
    } finally {
      this.sending.delete(cut);
    }
  }

  /** The hole's trades to send (picked: counted as sent); undefined when the factory was disposed or the hole is lost (told). */
  private async holeTradesOf(cut: HoleCut, fromRest: readonly Trade[], seamMinute: number, weak: readonly Trade[] | undefined): Promise<readonly Trade[] | undefined> {
    const { history, signal } = this.host;
    const lostNow = (reason: string, askAgain = true): undefined => {
      // Out of `sending` before it is told: a holeLost listener may dispose the factory at once, which would lose it again.
      this.sending.delete(cut);
      this.lose({ ...cut.span, reason });
      // Asked again for the panels, or given up: no REST answer for it is waited for here.
      const refetch = askAgain ? this.host.holeRefetch : undefined;
      if (refetch) this.tellLate(refetch, cut);
      else cut.pick(NO_TRADES);
      return undefined;
    };
    let rest = fromRest;
    const end = cut.span.until;
    if (weak !== undefined && (end === undefined || end >= seamMinute)) {
      // Whole from the millisecond after their oldest on (that one's page may be cut): the hole's, if before its edge.
      const reach = weak[0]?.timestamp ?? Number.POSITIVE_INFINITY;
      // Not asked again: REST's trades only move on, so it would reach back less far.
      if (reach >= cut.from) return lostNow("the exchange's REST trades do not reach back to the reconnect", false);
      rest = weak;
    }
    let before: readonly Trade[] = NO_TRADES;
    const ask = history.tradesBetween;
    if (cut.from < seamMinute && ask) {
      try {
        // Whole or refused: a part of the hole sent late would pass for all of it (Bybit's REST: the newest 1,000).
        before = await wholeTradesBetween({ tradesBetween: ask.bind(history) }, this.host.market, cut.from, seamMinute, signal);
      } catch (err) {
        if (signal.aborted) return undefined;
        this.host.log.warn(`${describeMarket(this.host.market)}: the trades of the reconnect's hole before ${new Date(seamMinute).toISOString()} could not be fetched: ${errorMessage(err)}`);
        return lostNow(userMessage(err), !(err instanceof HoleOutOfReachError));
      }
    }
    if (signal.aborted) return undefined;
    // A job may install before the stream sent anything after the reconnect: the hole ends where it picks up.
    if (!(await cut.pickedUp(signal)) || signal.aborted) return undefined;
    return cut.pick(before.length > 0 ? [...before, ...rest] : rest);
  }
}
