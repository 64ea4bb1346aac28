// The streams of one exchange waiting out a backoff try again as soon as another of its streams reconnects (a DOM
// leg read `reconnecting (7)` for up to 30 s after the exchange was back, its ticker on the same socket live); a wait
// the exchange asked for (Retry-After) is kept.
import * as assert from 'node:assert/strict';
import { ExchangeBack } from '../../src/core/streams/exchangeBack';
import { runWatchLoop } from '../../src/core/streams/watchLoop';
import type { StreamState } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';
import { trackTimers } from '../helpers/timerTracker';

const TEN_MINUTES = { baseMs: 600_000, maxMs: 600_000, factor: 1, jitter: 0 };
const QUICK = { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 };
const networkDown = () => Object.assign(new Error('socket closed'), { name: 'NetworkError' });

/** A stream whose watch() takes the next step of its script (then waits until aborted), and its states. */
function stream(back: ExchangeBack, steps: Array<number | Error>, backoff: typeof QUICK, abort: AbortController) {
  const states: StreamState[] = [];
  const infos: string[] = [];
  const listeners = new Set<() => void>();
  const log: Logger = { debug: () => undefined, info: (m) => infos.push(m), warn: () => undefined, error: () => undefined };
  let i = 0;
  const done = runWatchLoop<number>({
    backoff,
    clock: { now: () => 0 },
    log,
    signal: abort.signal,
    exchangeBack: back,
    watch: () => {
      const step = steps[i++];
      if (step === undefined) return new Promise<number>(() => undefined);
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    },
    onData: () => undefined,
    onState: (s) => {
      states.push(s);
      for (const l of listeners) l();
    },
  });
  /** Resolves once its states so far satisfy `pred`. */
  const until = (pred: (states: readonly StreamState[]) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (pred(states)) (listeners.delete(check), resolve());
      };
      listeners.add(check);
      check();
    });
  return { states, infos, done, until };
}

const reconnecting = (s: StreamState) => s.status === 'reconnecting';
const failing = (states: readonly StreamState[]) => states.some(reconnecting);
const liveAfterFailing = (states: readonly StreamState[]) => states.findIndex((s, i) => s.status === 'live' && states.slice(0, i).some(reconnecting)) >= 0;

describe('ExchangeBack: a stream waiting out its backoff when another of its exchange reconnects', () => {
  it('tries again at once, not after its ten-minute backoff, and says why', async () => {
    const abort = new AbortController();
    const back = new ExchangeBack();
    try {
      const book = stream(back, [1, networkDown(), 2], TEN_MINUTES, abort);
      await book.until(failing);
      assert.equal(back.waiting, 1, 'the book waits out its backoff');
      const ticker = stream(back, [networkDown(), 5], QUICK, abort);
      await book.until(liveAfterFailing);
      assert.ok(liveAfterFailing(ticker.states), 'the ticker reconnected first');
      assert.ok(book.infos.includes('trying again now: another stream of the exchange reconnected'), book.infos.join('\n'));
      assert.equal(back.waiting, 0);
    } finally {
      abort.abort();
    }
  });

  it('keeps a wait the exchange asked for (Retry-After)', async () => {
    const abort = new AbortController();
    const back = new ExchangeBack();
    try {
      const limited = Object.assign(new Error('429 Too Many Requests'), { name: 'RateLimitExceeded', retryAfterMs: 600_000 });
      const book = stream(back, [1, limited, 2], QUICK, abort);
      await book.until(failing);
      assert.equal(back.waiting, 0, 'not among the waits a reconnect ends');
      const ticker = stream(back, [networkDown(), 5], QUICK, abort);
      await ticker.until(liveAfterFailing);
      assert.deepEqual(book.states.map((s) => s.status), ['connecting', 'live', 'reconnecting'], 'still waiting');
    } finally {
      abort.abort();
    }
  });

  it('a wait ends with its signal: no timer and no place among the waiters is left', async () => {
    const timers = trackTimers();
    try {
      const back = new ExchangeBack();
      const abort = new AbortController();
      const wait = back.waitOrBack(600_000, abort.signal);
      assert.equal(back.waiting, 1);
      assert.equal(timers.pending(), 1);
      abort.abort();
      await assert.rejects(wait);
      assert.equal(back.waiting, 0);
      assert.equal(timers.pending(), 0);
      const woken = back.waitOrBack(600_000, new AbortController().signal);
      back.back();
      assert.equal(await woken, 'back');
      assert.equal(timers.pending(), 0, 'the timer of a wait ended by back() is cleared');
    } finally {
      timers.restore();
    }
  });
});
