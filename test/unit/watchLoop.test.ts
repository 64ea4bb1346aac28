import * as assert from 'node:assert/strict';
import { runWatchLoop } from '../../src/core/streams/watchLoop';
import type { StreamState } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

function logger() {
  const lines: string[] = [];
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  return { log, lines };
}

/** A scripted watch(): each call takes the next step; after the script, it waits until aborted. */
function scripted(steps: Array<number | Error>) {
  let i = 0;
  return () => {
    const step = steps[i++];
    if (step === undefined) return new Promise<number>(() => undefined);
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  };
}

describe('runWatchLoop', () => {
  const base = { backoff: { baseMs: 1, maxMs: 2, factor: 2, jitter: 0 }, clock: { now: () => 0 } };

  it('reports connecting → live → reconnecting(n) → live → stopped, and delivers data in order', async () => {
    const abort = new AbortController();
    const states: StreamState[] = [];
    const data: number[] = [];
    const { log } = logger();
    const done = runWatchLoop<number>({
      ...base,
      log,
      signal: abort.signal,
      watch: scripted([1, named('NetworkError', 'socket closed'), named('NetworkError'), 2, 3]),
      onData: (d) => {
        data.push(d);
        if (d === 3) abort.abort();
      },
      onState: (s) => states.push(s),
    });
    await done;
    assert.deepEqual(data, [1, 2, 3]);
    assert.deepEqual(
      states.map((s) => (s.status === 'reconnecting' ? `reconnecting ${s.attempt}` : s.status)),
      ['connecting', 'live', 'reconnecting 1', 'reconnecting 2', 'live', 'stopped'],
    );
  });

  it('skips a malformed message, logs it, and keeps the stream live', async () => {
    const abort = new AbortController();
    const states: string[] = [];
    const data: number[] = [];
    const { log, lines } = logger();
    await runWatchLoop<number>({
      ...base,
      log,
      signal: abort.signal,
      watch: scripted([1, named('InvalidDataError', 'price "abc"'), 2]),
      onData: (d) => {
        data.push(d);
        if (d === 2) abort.abort();
      },
      onState: (s) => states.push(s.status),
    });
    assert.deepEqual(data, [1, 2]);
    assert.deepEqual(states, ['connecting', 'live', 'stopped']);
    assert.match(lines.join('\n'), /malformed.*price "abc"/);
  });

  it('fails for good on a bad request, and gives up after maxAttempts', async () => {
    const states: StreamState[] = [];
    const { log } = logger();
    await runWatchLoop<number>({ ...base, log, signal: new AbortController().signal, watch: scripted([named('BadSymbol', 'no such market')]), onData: () => undefined, onState: (s) => states.push(s) });
    assert.deepEqual(states[states.length - 1], { status: 'failed', reason: 'BadSymbol: no such market' });
    const s2: StreamState[] = [];
    await runWatchLoop<number>({ ...base, log, maxAttempts: 2, signal: new AbortController().signal, watch: () => Promise.reject(named('NetworkError', 'down')), onData: () => undefined, onState: (s) => s2.push(s) });
    assert.equal(s2[s2.length - 1]?.status, 'failed');
    assert.match((s2[s2.length - 1] as { reason: string }).reason, /gave up after 2 attempts/);
  });

  it('stops at once when aborted while a watch is pending', async () => {
    const abort = new AbortController();
    const states: string[] = [];
    const { log } = logger();
    const done = runWatchLoop<number>({ ...base, log, signal: abort.signal, watch: () => new Promise(() => undefined), onData: () => undefined, onState: (s) => states.push(s.status) });
    abort.abort();
    await done;
    assert.deepEqual(states, ['connecting', 'stopped']);
  });

  it('keeps the stream running when a state listener throws, as when a data listener throws', async () => {
    const abort = new AbortController();
    const states: string[] = [];
    const data: number[] = [];
    const { log, lines } = logger();
    await runWatchLoop<number>({
      ...base,
      log,
      signal: abort.signal,
      watch: scripted([1, named('NetworkError'), 2, 3]),
      onData: (d) => {
        data.push(d);
        if (d === 2) throw new Error('data listener broke');
        if (d === 3) abort.abort();
      },
      onState: (s) => {
        states.push(s.status);
        throw new Error(`state listener broke on ${s.status}`);
      },
    });
    assert.deepEqual(data, [1, 2, 3]);
    assert.deepEqual(states, ['connecting', 'live', 'reconnecting', 'live', 'stopped']);
    assert.ok(lines.some((l) => l.includes('state listener broke on live')), lines.join('\n'));
    assert.ok(lines.some((l) => l.includes('data listener broke')), lines.join('\n'));
  });
  const brief = (s: StreamState): string => (s.status === 'reconnecting' ? `reconnecting ${s.attempt} in ${s.retryInMs} ms` : s.status);

  it('passes a gap on a healthy socket through reconnecting to live at once, before the next update arrives', async () => {
    const abort = new AbortController();
    const states: StreamState[] = [];
    const { log, lines } = logger();
    const script = scripted([1, named('TradesOverflowError', 'one update filled the cache')]);
    let calls = 0;
    let thirdRead!: () => void;
    const readingOn = new Promise<void>((resolve) => (thirdRead = resolve));
    const done = runWatchLoop<number>({
      ...base,
      log,
      signal: abort.signal,
      // The third read never answers: a quiet market after the overflow. The consumers must not wait for it.
      watch: () => {
        if (++calls === 3) thirdRead();
        return script();
      },
      onData: () => undefined,
      onState: (s) => states.push(s),
    });
    await readingOn;
    assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 0 ms', 'live']);
    assert.equal((states[2] as { reason: string }).reason, 'one update filled the cache', 'a sentence, without the class name');
    assert.match(lines.join('\n'), /filled the cache; live again at once/);
    abort.abort();
    await done;
  });

  it('backs off when gaps come on reads in a row (REST fills do not follow every read), and is live again after each wait', async () => {
    const abort = new AbortController();
    const states: StreamState[] = [];
    const { log } = logger();
    const gap = () => named('TradesOverflowError', 'overflow');
    await runWatchLoop<number>({
      ...base,
      backoff: { baseMs: 5, maxMs: 20, factor: 2, jitter: 0 },
      log,
      signal: abort.signal,
      watch: scripted([1, gap(), gap(), gap(), 2, gap(), 3]),
      onData: (d) => {
        if (d === 3) abort.abort();
      },
      onState: (s) => states.push(s),
    });
    assert.deepEqual(states.map(brief), [
      'connecting',
      'live',
      'reconnecting 1 in 0 ms',
      'live',
      'reconnecting 2 in 5 ms',
      'live',
      'reconnecting 3 in 10 ms',
      'live',
      // an update read in between: the next gap is again filled at once
      'reconnecting 1 in 0 ms',
      'live',
      'stopped',
    ]);
  });
});
