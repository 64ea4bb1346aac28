// A market's reconnect hole asked of REST for its `trades` subscribers when no candle factory's gap backfill fetches it.
import { describeMarket, type MarketKey } from '../keys';
import { StreamHoles, type HoleCut } from '../candles/streamHoles';
import { LostHoleRefetch, type LostHoleRefetchOptions } from './lostHoleRefetch';
import type { StreamState, Trade } from '../types';
import type { LostHole } from './requests';
import { HoleOutOfReachError } from '../errors';
import { assertNever } from '../util/assertNever';
import { errorMessage, userMessage, type Logger } from '../util/log';

/** Where a market's hole fetch stands: each hole ends `sent`, `failed`, `factory` or `stopped`. */
export type HoleFetchState =
  /** No hole (none yet, or the last one ended). */
  | { readonly kind: 'idle' }
  /** The stream dropped and is live again: its first trade after the drop is where the hole ends. */
  | { readonly kind: 'waiting' }
  /** REST asked for the trades from the drop's edge to the stream's pick-up, both included. */
  | { readonly kind: 'fetching'; readonly from: number; readonly until: number }
  /** The market's candle factory owed the hole: its gap backfill sends it (one fetch, not two), or tells it lost. */
  | { readonly kind: 'factory' }
  /** The hole's trades the stream never sent (`trades`, maybe none) went to the subscribers as one late event. */
  | { readonly kind: 'sent'; readonly trades: number }
  /** REST failed after its retries: the subscribers were told the hole is lost (`lost`), and the log says so. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** The market's last `trades` subscriber left: a request in flight was aborted, nothing more is sent. */
  | { readonly kind: 'stopped' };

export interface HoleFetchOptions {
  readonly market: MarketKey;
  readonly log: Logger;
  /**
   * The market's REST trades in [from, until), paged (wholeTradesBetween: rejecting where REST does not reach back to
   * `from`, so a part of the hole is never sent as if it were all of it).
   */
  readonly fetch: (from: number, until: number, signal: AbortSignal) => Promise<readonly Trade[]>;
  /**
   * The market's candle factory owes a drop's hole: pending, or taken by a gap job and not sent yet (CandleFactory.owesHole).
   * Not only pending: a job that starts while the stream is down takes that drop's hole too, and may install before the
   * stream picks up; asked then, the hole read as no one's and was fetched and sent twice (chaos seed 141).
   */
  readonly factoryFetches: () => boolean;
  /** The hole's trades the stream never sent, in REST's order (HoleTrades.late); none when it sent them all: the hole is in. */
  readonly send: (trades: readonly Trade[]) => void;
  /** The hole's trades will not come: REST failed after its retries (HoleTrades.lost). */
  readonly lost: (hole: LostHole) => void;
  /** A hole told lost is asked again for the subscribers that take it found late (the panels: LostHoleRefetch). */
  readonly refetch?: Pick<LostHoleRefetchOptions, 'wanted' | 'found' | 'backoff' | 'maxAttempts' | 'wait'>;
  readonly onState?: (state: HoleFetchState) => void;
}

/**
 * Follows one market's trade stream while it has `trades` subscribers. After a drop, once the stream is live again:
 * a market whose candle factory owes the hole leaves it to its gap backfill; any other waits for the stream's
 * first trade after the drop, asks REST for the trades between the drop's edge and it, and sends those the stream
 * never sent. A drop during the request is a hole of its own, fetched after it. O(batch) per stream batch.
 */
export class HoleFetch {
  private readonly holes = new StreamHoles();
  private readonly abort = new AbortController();
  private current: HoleFetchState = { kind: 'idle' };
  private wasLive = false;
  /** The request in flight: the end of its hole, and the trades streamed up to it meanwhile (the stream sent those). */
  private job: { readonly until: number; readonly streamed: Trade[] } | undefined;
  private readonly refetch: LostHoleRefetch | undefined;

  constructor(private readonly opts: HoleFetchOptions) {
    const { market, log, fetch, refetch } = opts;
    this.refetch = refetch && new LostHoleRefetch({ market, log, fetch, signal: this.abort.signal, ...refetch });
  }

  get state(): HoleFetchState {
    return this.current;
  }

  /** Holes told lost and being asked again for the panels. */
  get askingAgain(): number {
    return this.refetch?.size ?? 0;
  }

  /** A drop's hole is pending or being fetched: its subscribers' windows wait for it (sent or told lost). */
  get owes(): boolean {
    return !this.abort.signal.aborted && (this.job !== undefined || this.holes.holding);
  }

  streamed(batch: readonly Trade[]): void {
    if (this.abort.signal.aborted) return;
    this.holes.streamed(batch);
    if (this.refetch?.size) this.refetch.streamed(batch);
    const job = this.job;
    if (job) {
      for (const t of batch) if (t.timestamp <= job.until) job.streamed.push(t);
    } else if (this.current.kind === 'waiting') this.start(batch);
  }

  onStreamState(state: StreamState): void {
    if (this.abort.signal.aborted) return;
    switch (state.status) {
      case 'reconnecting':
        if (this.wasLive) this.holes.dropped();
        this.wasLive = false;
        return;
      case 'live':
        this.wasLive = true;
        if (!this.job) this.next();
        return;
      case 'connecting':
      case 'retrying':
      case 'degraded':
      case 'failed':
      case 'stopped':
        return;
      default:
        assertNever(state);
    }
  }

  /**
   * A hole of the market's candle factory told lost (its gap backfill failed): asked again here for the panels, as this
   * fetch's own are, so the asking outlives a chart closed meanwhile; picked at once when no refetch is configured.
   */
  refetchLost(cut: HoleCut): void {
    if (this.refetch) this.refetch.start(cut);
    else cut.pick([]);
  }

  dispose(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.job = undefined;
    this.set({ kind: 'stopped' });
  }

  /** A pending hole, the stream live: the factory's, fetched now (picked up already), or waiting for the pick-up. */
  private next(): void {
    if (!this.holes.holding || !this.wasLive) return;
    if (this.opts.factoryFetches()) {
      this.holes.skip(this.holes.mark()); // its gap backfill sends it; this copy of the hole ends here
      this.set({ kind: 'factory' });
    } else if (this.holes.span()) this.start([]);
    else this.set({ kind: 'waiting' });
  }

  /** `batch`: the stream's batch that picked up, whose trades up to the hole's end the stream sent. */
  private start(batch: readonly Trade[]): void {
    const span = this.holes.span();
    if (!span) return;
    const mark = this.holes.mark();
    const job = { until: span.until, streamed: batch.filter((t) => t.timestamp <= span.until) };
    this.job = job;
    this.set({ kind: 'fetching', ...span });
    const { market, log } = this.opts;
    const signal = this.abort.signal;
    this.opts.fetch(span.from, span.until + 1, signal).then(
      (rest) => {
        if (signal.aborted) return;
        this.job = undefined;
        const trades = this.holes.take(mark, job.streamed)?.pick(rest) ?? [];
        if (trades.length > 0) log.info(`${describeMarket(market)}: ${trades.length} trade(s) of the reconnect's hole, fetched from REST (no candle factory), sent on as late trades`);
        try {
          this.opts.send(trades);
        } catch (err) {
          log.error(`a late trades consumer threw: ${errorMessage(err)}`);
        }
        this.set({ kind: 'sent', trades: trades.length });
        this.next();
      },
      (err: unknown) => {
        if (signal.aborted) return;
        this.job = undefined;
        // Kept, not skipped: the panels may take its trades found late (asked again below, once the rules were told),
        // unless REST does not reach back to it: its trades only move on, asking again would reach less far.
        const cut = this.refetch && !(err instanceof HoleOutOfReachError) ? this.holes.take(mark, job.streamed) : undefined;
        if (!cut) this.holes.skip(mark);
        log.warn(`${describeMarket(market)}: the trades of the reconnect's hole (${new Date(span.from).toISOString()} to ${new Date(span.until).toISOString()}) could not be fetched; the rules reading them start their windows over: ${errorMessage(err)}`);
        const reason = userMessage(err);
        try {
          this.opts.lost({ ...span, reason });
        } catch (e) {
          log.error(`a late trades consumer threw: ${errorMessage(e)}`);
        }
        this.set({ kind: 'failed', reason });
        if (cut) this.refetch?.start(cut);
        this.next();
      },
    );
  }

  private set(state: HoleFetchState): void {
    this.current = state;
    this.opts.onState?.(state);
  }
}
