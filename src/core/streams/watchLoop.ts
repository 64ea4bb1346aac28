import type { StreamState } from '../types';
import { NoLongerListedError } from '../errors';
import type { Clock } from '../util/clock';
import { errorMessage, userMessage, type Logger } from '../util/log';
import { AbortRace, sleep } from '../util/sleep';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { classifyError, responseFacts } from './errorKind';

export interface WatchLoopOptions<T> {
  /** One call of a ccxt-style watch method: resolves with the next update. */
  readonly watch: () => Promise<T>;
  readonly onData: (data: T) => void;
  readonly onState: (state: StreamState) => void;
  readonly signal: AbortSignal;
  readonly backoff: BackoffPolicy;
  readonly clock: Clock;
  readonly log: Logger;
  /** Consecutive failures after which the stream gives up and reports `failed`. */
  readonly maxAttempts?: number;
  readonly random?: () => number;
}

/**
 * The one loop behind every stream (trades, order book, ticker). It runs until the signal aborts, reconnecting
 * with exponential backoff and jitter, and publishes each state change. A malformed message costs one update,
 * never the stream; neither does a consumer that throws on an update or a state change.
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
  publish({ status: 'connecting' });
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
  let gapsInARow = 0;
  while (!signal.aborted) {
    let data: T;
    try {
      data = await race.run(opts.watch());
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
        publish({ status: 'live', since: opts.clock.now() });
        continue;
      }
      attempt++;
      live = false;
      if (attempt > maxAttempts) {
        publish({ status: 'failed', reason: `gave up after ${maxAttempts} attempts: ${errorMessage(err)}` });
        return 'failed';
      }
      // A stream that fails because its market load was rate limited waits for the server's Retry-After too.
      const retryInMs = Math.max(backoffDelay(opts.backoff, attempt, opts.random), responseFacts(err).retryAfterMs ?? 0);
      log.warn(`attempt ${attempt} failed (${errorMessage(err)}); retrying in ${retryInMs} ms`);
      publish({ status: 'reconnecting', attempt, reason: errorMessage(err), retryInMs });
      try {
        await sleep(retryInMs, signal);
      } catch {
        break;
      }
      continue;
    }
    gapsInARow = 0;
    if (!live) {
      live = true;
      if (attempt > 0) log.info(`reconnected after ${attempt} failed attempt(s)`);
      attempt = 0;
      publish({ status: 'live', since: opts.clock.now() });
    }
    try {
      opts.onData(data);
    } catch (err) {
      log.error(`a consumer threw while handling an update: ${errorMessage(err)}`);
    }
  }
  return 'stopped';
}
