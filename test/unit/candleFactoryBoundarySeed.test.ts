/**
 * A seed on a bar boundary (a chart opened at 12:00:00.000 exactly) has no bar in progress: its last bar is closed
 * REST history. A failed backfill after a drop marks the last bar partial (a hole), here this closed one, which a retry
 * from the gap (after it) never replaced: it stayed partial for good (chartHistorySeams seeds 55, 196).
 */
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { StreamState, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { nextEvent } from '../helpers/factoryEvents';

const NOON = Date.UTC(2026, 10, 30, 12, 0);
const MINUTE = 60_000;
const CAPS: ExchangeCapabilities = { klineTimeframes: ['1m', '5m'], maxCandlesPerPage: 300, candlePagesAreWindows: true, tradePaging: 'window', maxTradesPerPage: 100, watchTickers: false, klineLagMinutes: 0, tradeWindowMs: undefined, historyStart: 0 };
const live: StreamState = { status: 'live', since: NOON };
const reconnecting: StreamState = { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 };
const trade = (n: number, at: number): Trade => ({ id: String(n), timestamp: at, price: 100 + n, amount: 2 ** n, side: 'buy' });

describe('CandleFactory: a seed on a bar boundary', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it('its last closed bar stays whole through a failed backfill after a drop, not partial for good', async () => {
    const ex = new SimFactoryHistory(CAPS);
    // The last trades are in the 11:45 bucket; 11:50 and 11:55 had none (windowed klines leave them out).
    ex.log.push(trade(1, NOON - 20 * MINUTE), trade(2, NOON - 14 * MINUTE));
    let now = NOON;
    f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f.onStreamState(live);
    let done = nextEvent(f, (e) => e.type === 'backfill' && e.outcome === 'done');
    f.addTimeframe('5m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await done;

    // Dropped before the stream pushed anything; back, and the backfill's first try fails (a hole), the retry answers.
    f.onStreamState(reconnecting);
    now = NOON + 20_000;
    const failed = nextEvent(f, (e) => e.type === 'backfill' && e.outcome === 'failed');
    f.onStreamState(live);
    await restAsked(ex);
    ex.rest.fail();
    await failed;
    done = nextEvent(f, (e) => e.type === 'backfill' && e.outcome === 'done');
    await restAsked(ex);
    ex.rest.answer();
    await done;

    now = NOON + MINUTE;
    ex.log.push(trade(3, now));
    f.ingest([ex.log.at(-1)!]);
    const closed = f.snapshot('5m')!.filter((b) => b.time < NOON);
    assert.deepEqual(closed.filter((b) => b.partial).map((b) => new Date(b.time).toISOString()), [], 'no closed bar is partial');
    const truth = new Map(referenceCandles(ex.log, '5m').map((c) => [c.time, c]));
    const last = closed.at(-1)!;
    assert.deepEqual({ time: last.time, open: last.open, high: last.high, low: last.low, close: last.close, volume: last.volume }, truth.get(last.time) ?? { ...last, volume: 0 }, 'the last closed bar is the exchange\'s');
  });
});
