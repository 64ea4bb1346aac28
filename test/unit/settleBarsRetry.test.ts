// A settle of held bars waiting to ask the exchange's klines again ends with its candle factory: no timer of it is
// left once the factory's signal aborts (chaos seed 71, Bybit, found one after the last consumer had left).
import * as assert from 'node:assert/strict';
import { settleIfClosed, type SettleHost } from '../../src/core/candles/settleBars';
import { newTimeframeState } from '../../src/core/candles/timeframeState';
import { silentLogger } from '../../src/core/util/log';
import { trackTimers } from '../helpers/timerTracker';

const M = Date.UTC(2026, 11, 6, 16, 0);
const MINUTE = 60_000;

/** A 1m series whose bar at M is held unsettled and a later bar has closed it, on a host whose klines fail `failing` times. */
function heldBar(abort: AbortController, failing: { left: number }, asked: { count: number }) {
  const state = newTimeframeState('1m', 10, 10, undefined);
  state.series.applyTrade(M + 1000, 100, 1);
  state.series.applyTrade(M + MINUTE + 1000, 101, 1);
  state.unsettled = { from: M, until: M + MINUTE, fetching: false, failures: 0 };
  const host: SettleHost = {
    market: { exchange: 'bybit', symbol: 'BTC/USDT' },
    log: silentLogger,
    history: {
      candlesBetween: () => {
        asked.count++;
        return failing.left-- > 0 ? Promise.reject(new Error('HTTP 503')) : Promise.resolve([{ time: M, open: 100, high: 100, low: 100, close: 100, volume: 1 }]);
      },
    },
    signal: abort.signal,
    clock: { now: () => M + 5 * MINUTE },
    backoff: { baseMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 },
    maxAttempts: 3,
    klineLagMs: () => 0,
    holds: () => !abort.signal.aborted,
    publish: () => undefined,
  };
  return { state, host };
}

const turns = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('settleIfClosed: a retry waiting on its backoff', () => {
  let timers: ReturnType<typeof trackTimers>;
  beforeEach(() => (timers = trackTimers()));
  afterEach(() => timers.restore());

  it('is cleared when the factory ends: no timer outlives it', async () => {
    const abort = new AbortController();
    const asked = { count: 0 };
    const { state, host } = heldBar(abort, { left: 1 }, asked);
    settleIfClosed(host, '1m', state);
    await turns();
    assert.equal(asked.count, 1);
    assert.equal(timers.pending(), 1, 'the failed ask waits to ask again');
    abort.abort();
    assert.equal(timers.pending(), 0, 'the wait ended with the factory');
  });

  it('schedules nothing when the factory ended while the ask was out', async () => {
    const abort = new AbortController();
    const { state, host } = heldBar(abort, { left: 1 }, { count: 0 });
    settleIfClosed(host, '1m', state);
    abort.abort();
    await turns();
    assert.equal(timers.pending(), 0);
  });
});
