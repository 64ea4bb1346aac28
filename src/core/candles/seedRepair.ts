// The end of a seed for one timeframe: its bars installed and settled, or kept (partial where they may lack trades)
// with its repair scheduled.
import { describeMarket, type MarketKey } from '../keys';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import { bucketStart, nextBucketStart, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import type { Logger } from '../util/log';
import type { Trouble } from '../history/historyTrouble';
import type { CandleSeries } from './candleSeries';
import type { BackfillEvent } from './factoryEvent';
import type { FactoryOutput } from './factoryOutput';
import { heldBars, seamHoleOf, type SeamHold } from './seamCheck';
import type { SeamGuard } from './seamGuard';
import { seedBars } from './seedBars';
import { settleIfClosed, type SettleHost } from './settleBars';
import { oldestTime } from './tradeTimes';
import { mergeModes, type SeedMode, type TimeframeState } from './timeframeState';

/** What a seed's end needs of its candle factory. */
export interface SeedRepairHost {
  readonly market: MarketKey;
  readonly log: Logger;
  readonly output: FactoryOutput;
  readonly settling: SettleHost;
  /** When a failed seed or backfill is tried again, and after how many failures in a row it is given up. */
  readonly backoff: BackoffPolicy;
  readonly maxAttempts: number;
  /** The factory's timeframe `tf` now (a retry is for the state that failed, not one added since). */
  timeframe(tf: Timeframe): TimeframeState | undefined;
  /** The running job's buffer of streamed trades, read now (it is replaced, not emptied, when the job ends). */
  buffer(): readonly Trade[];
  /** How long the exchange's klines may lag its trades (each seed reads it). */
  klineLagMs(): number;
  /** A timeframe's retry is due: it is pending again, and a job runs it. */
  requeued(): void;
}

/** Installs a seed's bars in a timeframe, or keeps what it held when the seed failed and schedules its repair. */
export class SeedRepair {
  constructor(private readonly host: SeedRepairHost) {}

  /**
   * `weak`: the REST trades do not reach the seam minute. The bar in progress is then its closed finer klines, the
   * exchange's in-progress 1m kline of the seam minute and the live trades after that minute, marked partial (since
   * the seam minute) until it closes and settle() replaces it with the exchange's own kline. `unsureMs`: the klines'
   * last minutes before the seam may lag its trades (REST trades did not reach back past the lag): their bars are
   * partial too, until settled.
   */
  install(tf: Timeframe, state: TimeframeState, mode: SeedMode, past: Candle[], ladder: Candle[], fromRest: readonly Trade[], guard: SeamGuard | undefined, seamMinute: number, weak: { readonly bar: Candle | undefined } | undefined, unsureMs: number, hold?: SeamHold): void {
    // Without the copies of REST's trades (none but after a resend: fromRest ends before the stream's first trade).
    const buffer = this.host.buffer();
    const streamed = guard ? guard.filter(buffer) : buffer;
    const seeded = seedBars({ timeframe: tf, mode, series: state.series, heldUpTo: state.heldUpTo, unsettled: state.unsettled, past, ladder, fromRest, streamed, seamMinute, weak, unsureMs });
    const { replaceFrom, range, kept } = seeded;
    if (kept) this.host.log.warn(`${describeMarket(this.host.market)} ${tf}: the exchange's klines do not yet hold the trades of ${new Date(kept.from).toISOString()} the chart held; kept them, partial until the klines catch up`);
    let bars = seeded.bars;
    if (hold) {
      state.seamHole = seamHoleOf(tf, hold, replaceFrom);
      bars = heldBars(bars, state.seamHole);
    }
    state.series.replaceFrom(replaceFrom, bars, false);
    state.restUpTo = seamMinute;
    // Bars taken from klines that may lag are checked against those klines only once the lag has passed.
    state.unsettled = range ? { ...range, fetching: false, failures: 0, ...(unsureMs > 0 ? { notBefore: range.until + this.host.klineLagMs() } : {}) } : undefined;
    const deltas = state.series.drain();
    const wasReady = state.status === 'ready';
    state.status = 'ready';
    state.failures = 0;
    state.cached = undefined;
    state.diskRead = undefined;
    state.historyMissing = false;
    // An initial seed's history came through closedHistory, which merged it into the cache already: kept for the
    // next persist, 5,000 bars would be held for half a minute and written a second time.
    const cachedUpTo = mode.kind === 'initial' ? (past[past.length - 1]?.time ?? -Infinity) : -Infinity;
    if (wasReady) this.host.output.emitDeltas(tf, state, deltas, cachedUpTo);
    else {
      this.host.output.keepClosed(state, deltas, cachedUpTo);
      this.host.output.emit({ type: 'ready', timeframe: tf });
    }
    // One event for a seed the check holds: a `done` and then its `catching up` read live for the moment between.
    this.host.output.emit(hold ? { type: 'backfill', timeframe: tf, outcome: 'done', catchingUp: true } : { type: 'backfill', timeframe: tf, outcome: 'done' });
    settleIfClosed(this.host.settling, tf, state);
  }


  /**
   * Nothing already held is lost: the bars stay, the trades that arrived during the job are applied on top (not those
   * the bars may hold already), and the bars that may lack trades (from the one the backfill began in, and the one
   * the stream resumed in) are marked partial — never closed, never persisted — until the retry, on its own
   * schedule, replaces them. After `repairMaxAttempts`
   * failures in a row (or one that asking again cannot mend) it gives up until the stream's next reconnect.
   */
  failed(tf: Timeframe, state: TimeframeState, mode: SeedMode, trouble: Trouble, retryAfterMs: number | undefined, retry: boolean): void {
    state.inJob = false;
    let cachedUpTo = -Infinity;
    if (state.status === 'seeding') {
      // History offline on the first seed: the cached bars (final, already on disk) are the history until a retry.
      const lastCached = state.cached?.[state.cached.length - 1];
      if (lastCached) cachedUpTo = nextBucketStart(tf, lastCached.time) - 1;
      if (state.cached) state.series.replaceFrom(-Infinity, state.cached, true);
      state.series.drain();
      state.cached = undefined;
      state.historyMissing = mode.kind === 'initial';
    }
    // The hole marks the last bar partial: a gap retried from a later bucket would never replace it (a seed on a bar
    // boundary has no bar in progress, its last bar is older than the gap), so the retry starts at that bar.
    const marked = state.series.lastTime();
    if (mode.kind === 'gap' && marked !== undefined && marked < bucketStart(tf, mode.since)) mode = { kind: 'gap', since: marked };
    // The buffer holds every streamed trade since the job began: copies of REST trades this series already holds too.
    const buffer = this.host.buffer();
    const buffered = state.seamGuard ? state.seamGuard.filter(buffer) : buffer;
    // A resend of trades the bars already hold (behind the seam, streamed before the drop, or in a cached closed bar:
    // a subscription's snapshot) cannot be told from a trade published late: neither is applied, and the retry
    // rebuilds from the oldest of them, as a seed that succeeded would have (its seam moves back to the first buffered
    // trade).
    const horizon = Math.max(state.heldUpTo ?? -Infinity, state.restUpTo - 1, cachedUpTo);
    const behind = oldestTime(buffered) ?? Infinity;
    if (mode.kind === 'gap' && behind <= horizon && behind < mode.since) mode = { kind: 'gap', since: behind };
    // The bars from where this backfill began may lack trades until its retry (a late trade's rebuild, a resend's: it
    // began before the last bar): partial, as the last one is, and the first seam's check, which asks only after
    // REST's last trade, must not release them as whole.
    const owes = mode.kind === 'gap' ? bucketStart(tf, mode.since) : -Infinity;
    if (mode.kind === 'gap') markPartialFrom(state.series, owes);
    state.series.openHole();
    const lastTime = state.series.lastTime();
    if (state.seamHole && lastTime !== undefined) state.seamHole.until = Math.min(state.seamHole.until, owes - 1, lastTime - 1);
    for (const t of buffered) if (t.timestamp > horizon) state.series.applyTrade(t.timestamp, t.price, t.amount);
    const deltas = state.series.drain();
    const wasReady = state.status === 'ready';
    state.status = 'ready';
    if (wasReady) this.host.output.emitDeltas(tf, state, deltas);
    else this.host.output.keepClosed(state, deltas);
    this.host.output.emit(this.schedule(tf, state, mode, trouble, retryAfterMs, retry));
    // A first seed's bars go out after its failure, as to a consumer joining later (factoryCache): read before it,
    // they would be taken as whole for a moment (an alert rule armed, then degraded).
    if (!wasReady) this.host.output.emit({ type: 'ready', timeframe: tf });
  }

  /** Logs a failed seed or backfill and schedules its retry, or gives it up; returns the event that names it. */
  private schedule(tf: Timeframe, state: TimeframeState, mode: SeedMode, trouble: Trouble, retryAfterMs: number | undefined, retry: boolean): BackfillEvent {
    const { message, reason } = trouble;
    this.host.log.warn(`${describeMarket(this.host.market)} ${tf}: ${message}`);
    state.failures++;
    if (!retry || state.failures >= this.host.maxAttempts) {
      const after = retry ? ` (gave up after ${state.failures} attempts)` : '';
      state.failures = 0; // the next reconnect's backfill starts a fresh schedule
      if (retry) state.abandoned = mergeModes(state.abandoned, mode);
      return { type: 'backfill', timeframe: tf, outcome: 'gave up', message: `${message}${after}`, reason: `${reason}${after}` };
    }
    const retryInMs = Math.max(backoffDelay(this.host.backoff, state.failures), retryAfterMs ?? 0);
    const timer = setTimeout(() => {
      if (this.host.timeframe(tf) !== state || state.repair?.timer !== timer) return;
      state.repair = undefined;
      state.pending = mergeModes(state.pending, mode);
      this.host.requeued();
    }, retryInMs);
    timer.unref?.();
    state.repair = { timer, mode };
    return { type: 'backfill', timeframe: tf, outcome: 'failed', message, reason, attempt: state.failures, retryInMs };
  }
}

/** Every bar from `from` up to the last one (which openHole marks) partial, unless all of them are already. */
function markPartialFrom(series: CandleSeries, from: number): void {
  const bars = series.between(from, Infinity);
  if (bars.slice(0, -1).every((c) => c.partial)) return;
  series.replaceFrom(from, bars.map((c, i) => (c.partial || i === bars.length - 1 ? c : { ...c, partial: true })), false);
}
