import * as assert from 'node:assert/strict';
import type { OlderBars } from '../../../src/core/history/historyService';
import { attachResponseFacts } from '../../../src/core/streams/errorKind';
import type { Candle } from '../../../src/core/types';
import { silentLogger } from '../../../src/core/util/log';
import { MAX_OLDER_BARS, OlderBarsLoader, type OlderBarsAnswer } from '../../../src/extension/panels/olderBarsLoader';

const bar = (minute: number): Candle => ({ time: minute * 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 });

/** A source whose pages the test resolves or fails by hand, recording each call's signal. */
function manualSource() {
  const calls: Array<{ before: number; count: number; signal: AbortSignal; resolve: (p: OlderBars) => void; reject: (e: unknown) => void }> = [];
  const source = (before: number, count: number, signal: AbortSignal) => new Promise<OlderBars>((resolve, reject) => calls.push({ before, count, signal, resolve, reject }));
  return { calls, source };
}

/** Resolves once `answers` holds `n` answers (each answer is pushed from a promise callback). */
async function answered(answers: readonly OlderBarsAnswer[], n: number): Promise<void> {
  while (answers.length < n) await new Promise<void>((r) => setImmediate(r));
}

describe('OlderBarsLoader (a chart scrolled left)', () => {
  it('answers a page, keeps it, and puts the bars older than a snapshot before it', async () => {
    const { calls, source } = manualSource();
    const answers: OlderBarsAnswer[] = [];
    const loader = new OlderBarsLoader(source, (a) => answers.push(a), silentLogger);
    loader.request(1, bar(100).time, 3);
    assert.deepEqual([calls[0]!.before, calls[0]!.count], [bar(100).time, 3]);
    assert.equal(loader.loading, true);
    calls[0]!.resolve({ candles: [bar(97), bar(98), bar(99)], exhausted: false });
    await answered(answers, 1);
    assert.deepEqual(answers[0], { requestId: 1, candles: [[97 * 60_000, 1, 2, 0.5, 1.5, 3], [98 * 60_000, 1, 2, 0.5, 1.5, 3], [99 * 60_000, 1, 2, 0.5, 1.5, 3]], exhausted: false });
    assert.equal(loader.loading, false);
    assert.deepEqual(loader.prependTo([bar(100), bar(101)]).map((c) => c.time / 60_000), [97, 98, 99, 100, 101]);
    assert.deepEqual(loader.prependTo([bar(99), bar(100)]).map((c) => c.time / 60_000), [97, 98, 99, 100], 'no bar twice');
  });

  it('one request in flight: a new one cancels it, and the cancelled one never answers', async () => {
    const { calls, source } = manualSource();
    const answers: OlderBarsAnswer[] = [];
    const loader = new OlderBarsLoader(source, (a) => answers.push(a), silentLogger);
    loader.request(1, bar(100).time, 2);
    loader.request(2, bar(100).time, 2);
    assert.equal(calls[0]!.signal.aborted, true);
    assert.equal(calls[1]!.signal.aborted, false);
    calls[0]!.resolve({ candles: [bar(98), bar(99)], exhausted: false });
    calls[1]!.resolve({ candles: [bar(99)], exhausted: true });
    await answered(answers, 1);
    await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(answers, [{ requestId: 2, candles: [[99 * 60_000, 1, 2, 0.5, 1.5, 3]], exhausted: true }]);
    assert.deepEqual(loader.held, [bar(99)], 'the cancelled page is not kept');
  });

  it('closing the panel cancels the request in flight: its signal aborts, nothing is answered', async () => {
    const { calls, source } = manualSource();
    const answers: OlderBarsAnswer[] = [];
    const loader = new OlderBarsLoader(source, (a) => answers.push(a), silentLogger);
    loader.request(1, bar(100).time, 2);
    loader.dispose();
    assert.equal(calls[0]!.signal.aborted, true);
    assert.equal(loader.loading, false);
    calls[0]!.reject(new DOMException('aborted', 'AbortError'));
    await new Promise<void>((r) => setImmediate(r));
    assert.deepEqual(answers, []);
  });

  it('a failed page answers a named failure and keeps nothing; asking again retries', async () => {
    const { calls, source } = manualSource();
    const answers: OlderBarsAnswer[] = [];
    const loader = new OlderBarsLoader(source, (a) => answers.push(a), silentLogger);
    loader.request(1, bar(100).time, 2);
    const err = new Error('binance GET /api/v3/klines 503 Service Unavailable');
    attachResponseFacts(err, { httpStatus: 503 });
    calls[0]!.reject(err);
    await answered(answers, 1);
    assert.deepEqual(answers[0], { requestId: 1, candles: [], exhausted: false, error: 'history unavailable (HTTP 503)' });
    loader.request(2, bar(100).time, 2);
    calls[1]!.resolve({ candles: [bar(98), bar(99)], exhausted: false });
    await answered(answers, 2);
    assert.equal(answers[1]!.candles.length, 2);
  });

  it('past the most older bars a chart keeps, answers exhausted naming the cap (the exchange has more: not the start of history)', async () => {
    const { calls, source } = manualSource();
    const answers: OlderBarsAnswer[] = [];
    const loader = new OlderBarsLoader(source, (a) => answers.push(a), silentLogger);
    loader.request(1, bar(MAX_OLDER_BARS + 100).time, 5000);
    calls[0]!.resolve({ candles: Array.from({ length: MAX_OLDER_BARS }, (_, i) => bar(100 + i)), exhausted: false });
    await answered(answers, 1);
    assert.equal(answers[0]!.cappedAt, undefined);
    loader.request(2, bar(100).time, 5000);
    assert.equal(calls.length, 1, 'the exchange is not asked');
    assert.deepEqual(answers[1], { requestId: 2, candles: [], exhausted: true, cappedAt: MAX_OLDER_BARS });
  });
});
