import * as assert from 'node:assert/strict';
import { ServerShutdownError } from '../../src/core/errors';
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
    assert.deepEqual(states[states.length - 1], { status: 'failed', reason: 'bad symbol: no such market' }, 'in words, not the class');
    const s2: StreamState[] = [];
    await runWatchLoop<number>({ ...base, log, maxAttempts: 2, signal: new AbortController().signal, watch: () => Promise.reject(named('NetworkError', 'down')), onData: () => undefined, onState: (s) => s2.push(s) });
    assert.equal(s2[s2.length - 1]?.status, 'failed');
    assert.equal((s2[s2.length - 1] as { reason: string }).reason, 'gave up after 2 attempts: down');
    assert.deepEqual(s2.filter((s) => s.status === 'reconnecting').map((s) => (s as { reason: string }).reason), ['down', 'down'], 'the reconnect reason without NetworkError: ');
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

  it('a server shutdown announced reconnects at once, naming it; a second failure in a row backs off as usual', async () => {
    const abort = new AbortController();
    const states: StreamState[] = [];
    const { log, lines } = logger();
    const done = runWatchLoop<number>({
      ...base,
      backoff: { baseMs: 40, maxMs: 40, factor: 1, jitter: 0 },
      log,
      signal: abort.signal,
      watch: scripted([1, new ServerShutdownError('binance'), new ServerShutdownError('binance'), 2]),
      onData: (d) => {
        if (d === 2) abort.abort();
      },
      onState: (s) => states.push(s),
    });
    await done;
    assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 0 ms', 'reconnecting 2 in 40 ms', 'live', 'stopped']);
    assert.equal((states[2] as { reason: string }).reason, 'binance announced a server shutdown (serverShutdown): reconnecting on a new connection', 'plain words for the badge');
    assert.match(lines.join('\n'), /attempt 1 failed \(ServerShutdownError: binance announced/, 'the log keeps the class');
  });

  describe('the exchange confirming a resubscription', () => {
    /** A watch() and a confirmed() the test settles by hand, one call at a time. */
    function controlled() {
      const reads: Array<{ resolve: (n: number) => void; reject: (e: Error) => void }> = [];
      const waits: Array<{ resolve: (ok: boolean) => void; signal: AbortSignal }> = [];
      const readCalled: Array<() => void> = [];
      const nextRead = (): Promise<void> => new Promise((resolve) => readCalled.push(resolve));
      let calls = 0;
      return {
        reads,
        waits,
        /** Resolves when watch() has been called `n` times in all. */
        reading: async (n: number): Promise<void> => {
          while (calls < n) await nextRead();
        },
        watch: (): Promise<number> =>
          new Promise<number>((resolve, reject) => {
            reads.push({ resolve, reject });
            calls++;
            for (const r of readCalled.splice(0)) r();
          }),
        confirmed: (signal: AbortSignal): Promise<boolean> =>
          new Promise<boolean>((resolve) => {
            waits.push({ resolve, signal });
            signal.addEventListener('abort', () => resolve(false), { once: true });
          }),
      };
    }
    /** Lets every queued promise reaction run (the loop's reactions to a settled read or wait). */
    const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

    it('is live again as the exchange confirms, before any update, and the update then follows live', async () => {
      const abort = new AbortController();
      const states: StreamState[] = [];
      const data: number[] = [];
      const { log } = logger();
      const lines: string[] = [];
      const c = controlled();
      let liveAgain: () => void = () => {};
      const wentLive = new Promise<void>((resolve) => (liveAgain = resolve));
      const onState = (s: StreamState) => {
        states.push(s);
        if (states.filter((x) => x.status === 'live').length === 2) liveAgain();
      };
      const done = runWatchLoop<number>({ ...base, log: { ...log, info: (m) => lines.push(m) }, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, confirmedQuietMs: 5, onData: (d) => data.push(d), onState });
      await c.reading(1);
      assert.equal(c.waits.length, 0, 'no confirmation is awaited on the first connect');
      c.reads[0]!.resolve(1);
      await c.reading(2);
      c.reads[1]!.reject(named('NetworkError', 'connection closed'));
      await c.reading(3);
      assert.equal(c.waits.length, 1, 'the reconnect waits for the confirmation');
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms']);
      c.waits[0]!.resolve(true);
      await settled();
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms'], 'not live at the confirmation itself: an update may be on its way');
      await wentLive;
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms', 'live'], 'live without an update, the quiet time after the confirmation');
      assert.deepEqual(data, [1]);
      assert.match(lines.join('\n'), /reconnected after 1 failed attempt\(s\); the exchange confirmed the subscription/);
      const statesBeforeUpdate = states.length;
      c.reads[2]!.resolve(2);
      await c.reading(4);
      assert.deepEqual(data, [1, 2]);
      assert.equal(states.length, statesBeforeUpdate, 'the update publishes no second live');
      assert.ok(c.waits[0]!.signal.aborted, 'the wait ended with its read');
      assert.equal(c.waits.length, 1, 'a live stream waits for no confirmation');
      abort.abort();
      await done;
      assert.equal(states.at(-1)?.status, 'stopped');
    });

    it('an update soon after the confirmation makes the stream live with it, as before (consumers fill the hole up to its first trade)', async () => {
      const abort = new AbortController();
      const states: StreamState[] = [];
      const data: number[] = [];
      const c = controlled();
      const done = runWatchLoop<number>({ ...base, log: logger().log, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, confirmedQuietMs: 60_000, onData: (d) => data.push(d), onState: (s) => states.push(s) });
      await c.reading(1);
      c.reads[0]!.resolve(1);
      await c.reading(2);
      c.reads[1]!.reject(named('NetworkError', 'connection closed'));
      await c.reading(3);
      c.waits[0]!.resolve(true);
      await settled();
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms'], 'not live at the confirmation: within the quiet time an update may come');
      let statesAtUpdate = -1;
      const dataAt = data.length;
      c.reads[2]!.resolve(2);
      await c.reading(4);
      statesAtUpdate = states.length;
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms', 'live'], 'live once, with the update');
      assert.deepEqual(data.slice(dataAt), [2]);
      assert.equal(statesAtUpdate, 4);
      abort.abort();
      await done;
    });

    it('stays connecting on the first connect until an update, whatever the exchange confirms (a delisted market is confirmed too)', async () => {
      const abort = new AbortController();
      const states: string[] = [];
      let asked = 0;
      const c = controlled();
      const done = runWatchLoop<number>({
        ...base,
        log: logger().log,
        signal: abort.signal,
        watch: c.watch,
        confirmed: (signal) => {
          asked++;
          return c.confirmed(signal);
        },
        onData: () => undefined,
        onState: (s) => states.push(s.status),
      });
      await c.reading(1);
      c.reads[0]!.reject(named('NetworkError', 'refused'));
      await c.reading(2);
      assert.equal(asked, 0, 'never live yet: no confirmation counts');
      assert.deepEqual(states, ['connecting', 'reconnecting']);
      abort.abort();
      await done;
    });

    /** A listedAsTrading() the test answers by hand. */
    function listing() {
      const asks: Array<{ resolve: (trading: boolean) => void; signal: AbortSignal }> = [];
      let asked: () => void = () => undefined;
      return {
        asks,
        whenAsked: (): Promise<void> => (asks.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => (asked = resolve))),
        listedAsTrading: (signal: AbortSignal): Promise<boolean> =>
          new Promise<boolean>((resolve) => {
            asks.push({ resolve, signal });
            asked();
          }),
      };
    }

    it('a fresh start of a market listed as trading is live the quiet time after the confirmation, before any update', async () => {
      const abort = new AbortController();
      const states: StreamState[] = [];
      const data: number[] = [];
      const lines: string[] = [];
      const c = controlled();
      const l = listing();
      let wentLive: () => void = () => undefined;
      const live = new Promise<void>((resolve) => (wentLive = resolve));
      const onState = (s: StreamState) => {
        states.push(s);
        if (s.status === 'live') wentLive();
      };
      const done = runWatchLoop<number>({ ...base, log: { ...logger().log, info: (m) => lines.push(m) }, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, listedAsTrading: l.listedAsTrading, confirmedQuietMs: 5, onData: (d) => data.push(d), onState });
      await c.reading(1);
      assert.equal(c.waits.length, 1, 'the first connect waits for the confirmation');
      c.waits[0]!.resolve(true);
      await l.whenAsked();
      assert.deepEqual(states.map(brief), ['connecting'], 'not live while the listing is asked');
      l.asks[0]!.resolve(true);
      await live;
      assert.deepEqual(states.map(brief), ['connecting', 'live']);
      assert.match(lines.join('\n'), /live before its first update: the exchange confirmed the subscription and the markets list it as trading/);
      c.reads[0]!.resolve(1);
      await c.reading(2);
      assert.deepEqual([data, states.length], [[1], 2], 'the update follows, with no second live');
      abort.abort();
      await done;
      assert.ok(c.waits.every((w) => w.signal.aborted) && l.asks.every((a) => a.signal.aborted), 'every wait and ask ended');
    });

    it('a fresh start stays connecting when the markets do not list the confirmed market as trading (Binance confirms a delisted one)', async () => {
      const abort = new AbortController();
      const states: StreamState[] = [];
      const c = controlled();
      const l = listing();
      const done = runWatchLoop<number>({ ...base, log: logger().log, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, listedAsTrading: l.listedAsTrading, confirmedQuietMs: 1, onData: () => undefined, onState: (s) => states.push(s) });
      await c.reading(1);
      c.waits[0]!.resolve(true);
      await l.whenAsked();
      l.asks[0]!.resolve(false);
      await settled();
      assert.deepEqual(states.map(brief), ['connecting']);
      // The client's own watch fails the gone market (NoLongerListedError): a final failure, never live.
      c.reads[0]!.reject(named('BadSymbol', 'no longer listed'));
      await done;
      assert.deepEqual(states.map(brief), ['connecting', 'failed']);
    });

    it('a fresh start whose update comes within the quiet time asks nothing about the listing; a listing answered after the read ended counts for nothing', async () => {
      const abort = new AbortController();
      const states: StreamState[] = [];
      const c = controlled();
      const l = listing();
      const done = runWatchLoop<number>({ ...base, log: logger().log, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, listedAsTrading: l.listedAsTrading, confirmedQuietMs: 60_000, onData: () => undefined, onState: (s) => states.push(s) });
      await c.reading(1);
      c.waits[0]!.resolve(true);
      c.reads[0]!.resolve(1);
      await c.reading(2);
      assert.deepEqual([states.map(brief), l.asks.length], [['connecting', 'live'], 0]);
      abort.abort();
      await done;

      // The listing is asked, the read fails meanwhile, then the answer comes: still not live.
      const states2: StreamState[] = [];
      const abort2 = new AbortController();
      const c2 = controlled();
      const l2 = listing();
      const done2 = runWatchLoop<number>({ ...base, log: logger().log, signal: abort2.signal, watch: c2.watch, confirmed: c2.confirmed, listedAsTrading: l2.listedAsTrading, confirmedQuietMs: 1, onData: () => undefined, onState: (s) => states2.push(s) });
      await c2.reading(1);
      c2.waits[0]!.resolve(true);
      await l2.whenAsked();
      c2.reads[0]!.reject(named('NetworkError', 'connection closed'));
      await c2.reading(2);
      assert.ok(l2.asks[0]!.signal.aborted, 'the failed read ended the ask');
      l2.asks[0]!.resolve(true);
      await settled();
      assert.deepEqual(states2.map(brief), ['connecting', 'reconnecting 1 in 1 ms']);
      abort2.abort();
      await done2;
    });

    it('is not live when the read fails before the confirmation, nor when that wait answers late; a refused market ends failed', async () => {
      const abort = new AbortController();
      const states: StreamState[] = [];
      const c = controlled();
      const done = runWatchLoop<number>({ ...base, log: logger().log, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, onData: () => undefined, onState: (s) => states.push(s) });
      await c.reading(1);
      c.reads[0]!.resolve(1);
      await c.reading(2);
      c.reads[1]!.reject(named('NetworkError', 'connection closed'));
      await c.reading(3);
      c.reads[2]!.reject(named('NetworkError', 'closed again'));
      await c.reading(4);
      assert.ok(c.waits[0]!.signal.aborted, 'the failed read ended its wait');
      c.waits[0]!.resolve(true);
      await settled();
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms', 'reconnecting 2 in 2 ms']);
      c.reads[3]!.reject(named('BadSymbol', 'no such market'));
      await done;
      assert.deepEqual(states.map(brief), ['connecting', 'live', 'reconnecting 1 in 1 ms', 'reconnecting 2 in 2 ms', 'failed']);
      assert.ok(c.waits.every((w) => w.signal.aborted), 'every wait ended');
    });

    it('ends the wait for a confirmation when the stream stops', async () => {
      const abort = new AbortController();
      const c = controlled();
      const done = runWatchLoop<number>({ ...base, log: logger().log, signal: abort.signal, watch: c.watch, confirmed: c.confirmed, onData: () => undefined, onState: () => undefined });
      await c.reading(1);
      c.reads[0]!.resolve(1);
      await c.reading(2);
      c.reads[1]!.reject(named('NetworkError', 'connection closed'));
      await c.reading(3);
      abort.abort();
      await done;
      assert.equal(c.waits.length, 1);
      assert.ok(c.waits[0]!.signal.aborted);
    });
  });
});
