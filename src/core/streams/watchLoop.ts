import type { StreamState } from '../types';
import { NoLongerListedError, ServerShutdownError } from '../errors';
import type { Clock } from '../util/clock';
import { errorMessage, userMessage, type Logger } from '../util/log';
import { AbortRace, sleep } from '../util/sleep';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { ExchangeBack } from './exchangeBack';
import { classifyError, responseFacts } from './errorKind';

export interface WatchLoopOptions<T> {
  /** One call of a ccxt-style watch method: resolves with the next update. */
  readonly watch: () => Promise<T>;
  readonly onData: (data: T) => void;
  readonly onState: (state: StreamState) => void;
  /**
   * Resolves true when the exchange confirms the subscription that the watch call made just after it sends (false once
   * `signal` aborts first; it never rejects). After a reconnect the stream is live from that confirmation: on a quiet
   * market its first update may be minutes away. Absent: only an update makes the stream live again.
   */
  readonly confirmed?: (signal: AbortSignal) => Promise<boolean>;
  /**
   * How long after the confirmation the stream waits for its first update before it reads live without one
   * (CONFIRMED_QUIET_MS). Consumers fill a reconnect's hole up to the first update that follows live (the recorder,
   * the footprint, an aggregate's legs): only a market quiet for this long goes live before its data.
   */
  readonly confirmedQuietMs?: number;
  /**
   * Whether the market is listed as trading, as far as the markets in use tell (downloaded again when they are old
   * enough for a delisting since: may take a request). A fresh start (never live yet: the first open, a Reconnect of a stream not live, a
   * restart) counts the confirmation only when this says so after the quiet span, since Binance confirms a delisted
   * market's subscription too; one that is not trading is failed by the client's own watch (NoLongerListedError).
   * Absent: a fresh start is live with its first update only.
   */
  readonly listedAsTrading?: (signal: AbortSignal) => Promise<boolean>;
  /**
   * This loop takes over from one that was live (the user's Reconnect): it starts as `reconnecting` with this reason,
   * not `connecting`, so its consumers fill the trades made while the sockets changed, and it is live again as after
   * any reconnect.
   */
  readonly resumes?: string;
  readonly signal: AbortSignal;
  readonly backoff: BackoffPolicy;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Shared by the exchange's streams: this one tells it when it reconnects after failing, and its own backoff ends
   * early when another does (not a wait the exchange asked for with Retry-After).
   */
  readonly exchangeBack?: ExchangeBack;
  /** Consecutive failures after which the stream gives up and reports `failed`. */
  readonly maxAttempts?: number;
  readonly random?: () => number;
}

/**
 * The one loop behind every stream (trades, order book, ticker). It runs until the signal aborts, reconnecting
 * with exponential backoff and jitter, and publishes each state change. A malformed message costs one update,
 * never the stream; neither does a consumer that throws on an update or a state change. `live` always comes before
 * the first update after it (consumers such as the candle factory start their gap backfill on it).
 */
export async function runWatchLoop<T>(opts: WatchLoopOptions<T>): Promise<void> {
  const { signal, log } = opts;
  const publish = (state: StreamState): void => {
    try {
      opts.onState(state);
    } catch (err) {
      log.error(`a consumer threw while handling the state ${state.status}: ${errorMessage(err)}`);
    }
  };
  publish(opts.resumes === undefined ? { status: 'connecting' } : { status: 'reconnecting', attempt: 1, reason: opts.resumes, retryInMs: 0 });
  const race = new AbortRace(signal);
  try {
    if ((await loop(opts, race, publish)) === 'stopped') publish({ status: 'stopped' });
  } finally {
    race.dispose();
  }
}

/** Runs until the signal aborts (`stopped`) or the stream fails for good (`failed`, already published). */
async function loop<T>(opts: WatchLoopOptions<T>, race: AbortRace, publish: (state: StreamState) => void): Promise<'stopped' | 'failed'> {
  const { signal, log } = opts;
  const maxAttempts = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
  let attempt = 0;
  let live = false;
  /** Live once: a start's first confirmation is no proof the market streams (Binance confirms a delisted one). */
  let wasLive = opts.resumes !== undefined;
  let gapsInARow = 0;
  const goLive = (why: string): void => {
    if (live) return;
    live = true;
    wasLive = true;
    if (attempt > 0) {
      log.info(`reconnected after ${attempt} failed attempt(s)${why}`);
      opts.exchangeBack?.back();
    }
    attempt = 0;
    publish({ status: 'live', since: opts.clock.now() });
  };
  /** The quiet span after a confirmation passed with no update: live, a fresh start once its market is known to trade. */
  const quietAfterConfirmation = (waiting: AbortSignal): void => {
    if (wasLive) return goLive('; the exchange confirmed the subscription');
    const listed = opts.listedAsTrading;
    if (!listed) return;
    listed(waiting).then(
      (trading) => {
        if (!trading || waiting.aborted) return;
        log.info('live before its first update: the exchange confirmed the subscription and the markets list it as trading');
        goLive('; the exchange confirmed the subscription');
      },
      (err: unknown) => log.warn(`could not tell whether the market still trades (live with its first update): ${errorMessage(err)}`),
    );
  };
  while (!signal.aborted) {
    let data: T;
    try {
      const confirm = !live && (wasLive || opts.listedAsTrading) && opts.confirmed ? opts.confirmed : undefined;
      data = await nextUpdate(opts.watch, race, confirm, opts.confirmedQuietMs ?? CONFIRMED_QUIET_MS, quietAfterConfirmation, log);
    } catch (err) {
      if (signal.aborted) break;
      const kind = classifyError(err);
      if (kind === 'malformed') {
        log.warn(`skipped a malformed message: ${errorMessage(err)}`);
        continue;
      }
      if (kind === 'bad-request') {
        publish({ status: 'failed', reason: userMessage(err), ...(err instanceof NoLongerListedError ? { notListed: true as const } : {}) });
        return 'failed';
      }
      if (kind === 'gap') {
        // The socket is healthy and the next update may be the last for a while (a quiet market): the stream is live
        // again without waiting for one, and its consumers fill the hole from REST. At once the first time; a stream
        // that overflows read after read backs off, so its REST fills do not follow every read.
        const retryInMs = gapsInARow === 0 ? 0 : backoffDelay(opts.backoff, gapsInARow, opts.random);
        gapsInARow++;
        // The socket is fine: the reason is what went missing, said as a sentence (the state shows in a panel's badge).
        log.warn(`${errorMessage(err)}; live again ${retryInMs === 0 ? 'at once' : `in ${retryInMs} ms`}`);
        publish({ status: 'reconnecting', attempt: gapsInARow, reason: userMessage(err), retryInMs });
        if (retryInMs > 0) {
          try {
            await sleep(retryInMs, signal);
          } catch {
            break;
          }
        }
        attempt = 0;
        live = true;
        wasLive = true;
        publish({ status: 'live', since: opts.clock.now() });
        continue;
      }
      attempt++;
      live = false;
      if (attempt > maxAttempts) {
        publish({ status: 'failed', reason: `gave up after ${maxAttempts} attempts: ${userMessage(err)}` });
        return 'failed';
      }
      // A stream that fails because its market load was rate limited waits for the server's Retry-After too. One whose
      // server announced its shutdown was asked to connect again as soon as possible: its first try waits for nothing.
      const backoff = err instanceof ServerShutdownError && attempt === 1 ? 0 : backoffDelay(opts.backoff, attempt, opts.random);
      const retryAfterMs = responseFacts(err).retryAfterMs;
      const retryInMs = Math.max(backoff, retryAfterMs ?? 0);
      log.warn(`attempt ${attempt} failed (${errorMessage(err)}); retrying in ${retryInMs} ms`);
      // The reason in plain words for the badge and a rule's status; the log line above keeps the error's class.
      publish({ status: 'reconnecting', attempt, reason: userMessage(err), retryInMs });
      try {
        // A wait the exchange asked for is kept whoever reconnects; our own backoff ends when the exchange is back.
        const back = retryAfterMs === undefined ? opts.exchangeBack : undefined;
        if (!back) await sleep(retryInMs, signal);
        else if ((await back.waitOrBack(retryInMs, signal)) === 'back') log.info('trying again now: another stream of the exchange reconnected');
      } catch {
        break;
      }
      continue;
    }
    gapsInARow = 0;
    goLive('');
    try {
      opts.onData(data);
    } catch (err) {
      log.error(`a consumer threw while handling an update: ${errorMessage(err)}`);
    }
  }
  return 'stopped';
}

/** A confirmed stream with no update for this long after it is a quiet market: it reads live without one. */
export const CONFIRMED_QUIET_MS = 2_000;

/**
 * The watch's next update. With `confirm`: once the exchange has confirmed the subscription and `quietMs` have passed
 * without an update, `onQuiet` is called with a signal that aborts when the read ends (the stream may read live
 * before its data); the waits end with the read, whatever its outcome. An update within `quietMs` makes the stream
 * live with it, as without a confirmation.
 */
async function nextUpdate<T>(
  watch: () => Promise<T>,
  race: AbortRace,
  confirm: ((signal: AbortSignal) => Promise<boolean>) | undefined,
  quietMs: number,
  onQuiet: (waiting: AbortSignal) => void,
  log: Logger,
): Promise<T> {
  if (!confirm) return race.run(watch());
  const waiting = new AbortController();
  let quiet: NodeJS.Timeout | undefined;
  // Waiting before the watch sends its subscribe: the answer cannot come before it.
  void confirm(waiting.signal).then(
    (confirmed) => {
      if (!confirmed || waiting.signal.aborted) return;
      quiet = setTimeout(() => {
        if (!waiting.signal.aborted) onQuiet(waiting.signal);
      }, quietMs);
      quiet.unref?.();
    },
    (err: unknown) => log.warn(`the wait for the exchange's confirmation failed: ${errorMessage(err)}`),
  );
  try {
    return await race.run(watch());
  } finally {
    waiting.abort();
    clearTimeout(quiet);
  }
}
