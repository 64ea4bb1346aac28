// A reconnect's hole told lost, asked of REST again for the panels that can still take its trades in.
import type { HoleCut } from '../candles/streamHoles';
import { HoleOutOfReachError } from '../errors';
import { describeMarket, type MarketKey } from '../keys';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import type { Trade } from '../types';
import { errorMessage, type Logger } from '../util/log';
import { sleep } from '../util/sleep';

/** Where a lost hole found after all lies: after the trade at `from`, up to the stream's pick-up at `until`. */
export interface FoundSpan {
  readonly from: number;
  readonly until: number;
}

export interface LostHoleRefetchOptions {
  readonly market: MarketKey;
  readonly log: Logger;
  /**
   * The market's REST trades in [from, until) (wholeTradesBetween: HistoryService.tradesBetween, itself retried on a
   * failure); HoleOutOfReachError ends the asking at once.
   */
  readonly fetch: (from: number, until: number, signal: AbortSignal) => Promise<readonly Trade[]>;
  /** A subscriber still takes a lost hole's trades found late (HoleTrades.wantsFound): none, and the asking stops. */
  readonly wanted: () => boolean;
  /** The hole's trades the stream never sent (maybe none), and where the hole lies: the panels' `trades missing` spans withdrawn. */
  readonly found: (trades: readonly Trade[], span: FoundSpan) => void;
  /** The owner's (the market's HoleFetch): aborted when it is disposed, as its last subscriber taking holes leaves. */
  readonly signal: AbortSignal;
  readonly backoff: BackoffPolicy;
  /** Asks after the loss (the footprint's fill gives up after as many). */
  readonly maxAttempts: number;
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The rules are told a failed hole lost at once: their windows start over and stay timely. The tape, the DOM and the
 * heatmap can still take its trades late, so each lost hole's cut (StreamHoles: the edges and what the stream sent of
 * it) is asked of REST again on a backoff, up to `maxAttempts` times, while a subscriber wants it; the trades it finds
 * are picked as a gap backfill's are (each once, none the stream sent). Every cut is picked once, found or given up,
 * so the ledger of late trades does not wait for it. O(batch) per stream batch only while a hole is being asked again.
 */
export class LostHoleRefetch {
  private readonly asking = new Set<HoleCut>();

  constructor(private readonly opts: LostHoleRefetchOptions) {}

  /** Holes being asked again: for tests and the log. */
  get size(): number {
    return this.asking.size;
  }

  /**
   * A lost hole's cut, given up by its fetch (the hub's own, or a candle factory's gap backfill, handed over):
   * asked again while wanted, else picked empty (released) at once.
   */
  start(cut: HoleCut): void {
    if (this.opts.signal.aborted || !this.opts.wanted()) {
      cut.pick([]);
      return;
    }
    this.asking.add(cut);
    void this.ask(cut).finally(() => this.asking.delete(cut));
  }

  /** A stream batch: its trades inside a hole being asked again are the stream's, never sent late. */
  streamed(batch: readonly Trade[]): void {
    for (const cut of this.asking) cut.streamedMeanwhile(batch);
  }

  /** Never rejects. */
  private async ask(cut: HoleCut): Promise<void> {
    const { signal, maxAttempts, market, log } = this.opts;
    const wait = this.opts.wait ?? sleep;
    let lastError: string | undefined;
    let attempt = 0;
    while (++attempt <= maxAttempts) {
      try {
        await wait(backoffDelay(this.opts.backoff, attempt), signal);
      } catch {
        break; // aborted: the owner was disposed
      }
      if (!this.opts.wanted()) break;
      // A cut given before the stream picked up after its hole: its end is where it does.
      if (!(await cut.pickedUp(signal)) || signal.aborted) break;
      const { from, until } = cut.span;
      if (until === undefined) break; // cannot be: picked up
      try {
        const rest = await this.opts.fetch(from, until + 1, signal);
        if (signal.aborted) break;
        const trades = cut.pick(rest);
        // Picked: no longer being asked when its finder hears of it.
        this.asking.delete(cut);
        log.info(`${describeMarket(market)}: the reconnect's hole told lost (${new Date(from).toISOString()} to ${new Date(until).toISOString()}) was fetched on attempt ${attempt}: ${trades.length} trade(s) sent late to the panels`);
        try {
          this.opts.found(trades, { from, until });
        } catch (err) {
          log.error(`a late trades consumer threw: ${errorMessage(err)}`);
        }
        return;
      } catch (err) {
        if (signal.aborted) break;
        lastError = errorMessage(err);
        if (err instanceof HoleOutOfReachError) {
          // REST's trades only move on: asking again would reach back less far (a hole asked once after a failure).
          log.warn(`${describeMarket(market)}: the reconnect's hole told lost from ${new Date(cut.from).toISOString()} is not asked again: ${lastError}`);
          break;
        }
      }
    }
    cut.pick([]);
    if (attempt > maxAttempts && lastError !== undefined) log.warn(`${describeMarket(market)}: the reconnect's hole told lost from ${new Date(cut.from).toISOString()} could not be fetched again; gave up after ${maxAttempts} attempts: ${lastError}`);
  }
}
