// Bars held partial until the exchange's own klines hold their trades (the weaker seam's, lagging klines'): settled
// once those buckets have closed.
import type { HistoryService } from '../history/historyService';
import { describeMarket, type MarketKey } from '../keys';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import type { Timeframe } from '../timeframes';
import type { Candle } from '../types';
import type { Clock } from '../util/clock';
import { errorMessage, type Logger } from '../util/log';
import { covers } from './heldBars';
import type { TimeframeState } from './timeframeState';

/** What settling needs of its candle factory. */
export interface SettleHost {
  readonly market: MarketKey;
  readonly log: Logger;
  readonly history: Pick<HistoryService, 'candlesBetween'>;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** When a failed or short answer is asked again, and after how many tries the exchange's klines are taken. */
  readonly backoff: BackoffPolicy;
  readonly maxAttempts: number;
  /** How long the exchange's klines may lag its trades (each seed reads it). */
  klineLagMs(): number;
  /** Whether `state` is still the factory's timeframe `tf` (neither disposed nor removed). */
  holds(tf: Timeframe, state: TimeframeState): boolean;
  /** Sends the changes of a timeframe's bars. */
  publish(tf: Timeframe, state: TimeframeState): void;
}

/**
 * Once the unsettled buckets have closed (a later bar exists), they are replaced by the exchange's own klines for
 * them, but only when those cover what the bars hold (a lagging kline is asked again): closed bars are exact on
 * every strategy, and nothing held is lost. A failed or short answer is tried again on the repair backoff.
 */
export function settleIfClosed(host: SettleHost, tf: Timeframe, state: TimeframeState): void {
  const pending = state.unsettled;
  if (!pending || pending.fetching) return;
  const lastTime = state.series.lastTime();
  if (lastTime === undefined || lastTime < pending.until) return;
  // Bars from klines that may lag hold no more than those klines: asked before the lag has passed, they would look
  // covered. tick() asks again.
  if (pending.notBefore !== undefined && host.clock.now() < pending.notBefore) return;
  pending.fetching = true;
  const retry = (why: string, counts = true): void => {
    if (counts) pending.failures++;
    if (host.signal.aborted) return;
    // The factory's end ends the wait: a retry timer outlived the last consumer (chaos seed 71, Bybit).
    const stop = (): void => clearTimeout(timer);
    const timer = setTimeout(() => {
      host.signal.removeEventListener('abort', stop);
      pending.fetching = false;
      if (host.holds(tf, state) && state.unsettled === pending) settleIfClosed(host, tf, state);
    }, backoffDelay(host.backoff, Math.max(1, pending.failures)));
    timer.unref?.();
    host.signal.addEventListener('abort', stop, { once: true });
    if (counts) host.log.warn(`${describeMarket(host.market)} ${tf}: could not settle the partial bars from ${new Date(pending.from).toISOString()}: ${why}`);
  };
  host.history.candlesBetween(host.market, tf, pending.from, pending.until, { signal: host.signal }).then(
    (bars) => {
      if (!host.holds(tf, state) || state.unsettled !== pending) return;
      const held = state.series.between(pending.from, pending.until);
      const short = held.filter((h) => !covers(bars.find((b) => b.time === h.time), h));
      // Short within the lag is lagging, not a try that failed: the exchange's klines are not judged before it has passed.
      if (short.length > 0 && host.clock.now() < pending.until + host.klineLagMs()) return retry("the exchange's klines do not hold its trades yet (within their lag)", false);
      if (short.length > 0 && pending.failures + 1 < host.maxAttempts) return retry("the exchange's klines do not hold its trades yet");
      let settled: Candle[] = bars;
      if (short.length > 0) {
        // Klines that still fall short after every try are not lagging: a closed bar is the exchange's, as everywhere
        // else; a bucket it has no kline for at all keeps the trades the chart saw (nothing held is dropped).
        const at = short.map((h) => new Date(h.time).toISOString()).join(', ');
        host.log.warn(`${describeMarket(host.market)} ${tf}: after ${pending.failures + 1} tries the exchange's klines still hold less than the chart saw at ${at}; the closed bars are now the exchange's`);
        const unmatched = short.filter((h) => !bars.some((b) => b.time === h.time)).map(({ time, open, high, low, close, volume }) => ({ time, open, high, low, close, volume }));
        settled = [...bars, ...unmatched].sort((a, b) => a.time - b.time);
      }
      state.unsettled = undefined;
      const after = state.series.between(pending.until, Infinity).filter((c) => c.volume > 0 || c.partial);
      try {
        state.series.replaceFrom(pending.from, [...settled, ...after], false);
      } catch (err) {
        // A bug (the range or the exchange's answer not as settling needs): named, and the held bars stay partial.
        host.log.error(`${describeMarket(host.market)} ${tf}: could not settle the partial bars from ${new Date(pending.from).toISOString()}: ${errorMessage(err)}`);
        return;
      }
      host.publish(tf, state);
    },
    (err: unknown) => {
      if (!host.holds(tf, state) || state.unsettled !== pending) return;
      retry(errorMessage(err));
    },
  );
}
