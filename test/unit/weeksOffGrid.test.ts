/**
 * Exchanges whose 1w klines open on another weekday than Monday (KuCoin and Hyperliquid: Thursday 00:00 UTC, the
 * epoch's weekday; Kucoin/kucoin-api-docs#350 and #373, ccxt/ccxt#25046) or whose months are 30-day windows. Our
 * weeks open on Monday everywhere (live trades, alerts, footprints, aggregates bucket them so): the seed took the
 * exchange's Thursday bar of the current week as closed history before the Monday bucket, and the live bucket beside
 * it made two bars of one week, each of the wrong span. Such klines are now found by their own times and the
 * timeframe built from the exchange's daily klines.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import { CandleCache } from '../../src/core/history/candleCache';
import { HistoryService } from '../../src/core/history/historyService';
import type { CandleKey } from '../../src/core/keys';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger, type Logger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';
import { referenceCandles } from '../helpers/referenceCandles';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const THU_DEC_3 = Date.UTC(2026, 11, 3);
const MON_NOV_30 = Date.UTC(2026, 10, 30);
const MON_DEC_7 = Date.UTC(2026, 11, 7);
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const weekday = (ms: number): string => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(ms).getUTCDay()]!;

/** An exchange whose weekly klines open on Thursday (each bar holds the trades of [Thursday, next Thursday)). */
class ThursdayWeeks extends FakeClient {
  readonly asked: string[] = [];

  constructor(id = 'kucoin') {
    super(id);
    this.caps = { ...this.caps, maxCandlesPerPage: 1500 };
  }

  override async fetchCandles(symbol: string, tf: Timeframe, since: number, limit: number): Promise<Candle[]> {
    this.asked.push(tf);
    if (tf !== '1w') return super.fetchCandles(symbol, tf, since, limit);
    return epochWeeks(this.log).filter((c) => c.time + WEEK > since).slice(0, limit);
  }
}

/** Weekly bars from the epoch's weekday (Thursday), as KuCoin's `type=1week` answers them. */
function epochWeeks(trades: readonly Trade[]): Candle[] {
  const out: Candle[] = [];
  for (const t of trades) {
    const time = Math.floor(t.timestamp / WEEK) * WEEK;
    const last = out.at(-1);
    if (last?.time === time) out[out.length - 1] = { ...last, high: Math.max(last.high, t.price), low: Math.min(last.low, t.price), close: t.price, volume: last.volume + t.amount };
    else out.push({ time, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount });
  }
  return out;
}

/** A trade every 5 hours from 2026-11-09, its price wandering, up to `until`. */
function tradesUntil(until: number): Trade[] {
  const out: Trade[] = [];
  for (let i = 0, at = Date.UTC(2026, 10, 9, 1); at < until; i++, at += 5 * HOUR) out.push({ id: `h${i}`, timestamp: at, price: 100 + ((i * 37) % 23) - (i % 5), amount: 1 + (i % 3), side: i % 2 ? 'buy' : 'sell' });
  return out;
}

function historyOf(client: FakeClient, now: () => number, log: Logger = silentLogger, cache?: CandleCache): HistoryService {
  const quick = { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 };
  return new HistoryService({ clientFor: async () => client, cache, log, concurrencyPerExchange: 1, backoff: quick, rateLimitBackoff: quick, maxAttempts: 1, clockOf: () => ({ now }) });
}

const plain = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

describe('Weekly bars on an exchange whose weeks open on Thursday', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it('a candle factory seeded from its weekly klines, fed live trades across Thursday 00:00 UTC and then Monday: one bar per Monday week, with the week\'s OHLCV', async () => {
    const client = new ThursdayWeeks();
    let now = THU_DEC_3 - 5 * 60_000; // Wednesday 23:55, in the week that opened on Monday, Nov 30 (and KuCoin's of Thursday, Nov 26)
    client.log.push(...tradesUntil(now - 60_000));
    const history = historyOf(client, () => now);
    f = new CandleFactory({ exchange: 'kucoin', symbol: 'BTC/USDT' }, { history, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 600_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f.onStreamState({ status: 'live', since: now });
    const seeded = nextEvent(f, backfillDone);
    f.addTimeframe('1w', 10);
    await seeded;

    const live = (id: string, at: number, price: number, amount: number): void => {
      now = at;
      const t: Trade = { id, timestamp: at, price, amount, side: 'buy' };
      client.log.push(t);
      f!.ingest([t]);
    };
    live('l1', THU_DEC_3 - 60_000, 130, 2); // Wednesday 23:59
    live('l2', THU_DEC_3 + 30_000, 70, 1); // Thursday 00:00:30: KuCoin's new week, not ours
    live('l3', THU_DEC_3 + 12 * HOUR, 95, 4);
    live('l4', MON_DEC_7 + 10 * 60_000, 101, 3); // Monday 00:10: our new week

    const bars = f.snapshot('1w')!;
    assert.deepEqual(bars.map((b) => weekday(b.time)).filter((d) => d !== 'Mon'), [], `every bar opens on a Monday: ${bars.map((b) => `${weekday(b.time)} ${iso(b.time)}`).join(', ')}`);
    const truth = referenceCandles(client.log, '1w');
    assert.deepEqual(bars.map(plain), truth.slice(-bars.length), "each week's bar is the week's trades, from its Monday to the next");
    const week = bars.find((b) => b.time === MON_NOV_30)!;
    assert.deepEqual([week.high, week.low, week.close], [130, 70, 95], 'the week across Thursday holds the trades on both sides of it');
    assert.equal(bars.at(-1)!.time, MON_DEC_7);
    assert.ok(client.asked.includes('1d'), 'the weeks were built from its daily klines');
  });
});

describe('HistoryService: klines off our bucket grid', () => {
  const until = Date.UTC(2026, 11, 7);

  it("an exchange's Thursday weeks: found once by their times (logged), then built from its daily klines; a Monday exchange's weeks are its own", async () => {
    const kucoin = new ThursdayWeeks();
    kucoin.log.push(...tradesUntil(until));
    const lines: string[] = [];
    const log: Logger = { ...silentLogger, info: (m) => lines.push(m) };
    const history = historyOf(kucoin, () => until, log);
    const market = { exchange: 'kucoin', symbol: 'BTC/USDT' };
    const from = Date.UTC(2026, 10, 9);
    const weeks = await history.candlesBetween(market, '1w', from, until);
    assert.deepEqual(weeks, referenceCandles(kucoin.log, '1w').filter((c) => c.time >= from && c.time < until), 'Monday weeks, as the daily klines fold');
    assert.equal(lines.filter((l) => /kucoin: its 1w klines open off our 1w buckets \(a bar at 2026-11-\d\dT00:00:00.000Z\)/.test(l)).length, 1, 'said once');
    kucoin.asked.length = 0;
    await history.candlesBetween(market, '1w', from, until);
    assert.deepEqual([...new Set(kucoin.asked)], ['1d'], 'the next request goes to the daily klines at once');

    const binance = new FakeClient('binance');
    binance.log.push(...tradesUntil(until));
    const asked: string[] = [];
    const fetch = binance.fetchCandles.bind(binance);
    binance.fetchCandles = (s, tf, since, limit) => (asked.push(tf), fetch(s, tf, since, limit));
    const own = await historyOf(binance, () => until).candlesBetween({ exchange: 'binance', symbol: 'BTC/USDT' }, '1w', from, until);
    assert.deepEqual(own, referenceCandles(binance.log, '1w').filter((c) => c.time >= from));
    assert.deepEqual([...new Set(asked)], ['1w'], 'weeks on the grid: its own weekly klines');
  });

  it('months of 30 days (an exchange counting from its first bar): calendar months from the daily klines', async () => {
    const client = new FakeClient('thirty');
    client.log.push(...tradesUntil(until));
    const fetch = client.fetchCandles.bind(client);
    client.fetchCandles = async (s, tf, since, limit) => {
      if (tf !== '1M') return fetch(s, tf, since, limit);
      const windows = new Map<number, Candle>();
      for (const t of client.log) {
        const time = Math.floor(t.timestamp / (30 * DAY)) * 30 * DAY;
        const last = windows.get(time);
        windows.set(time, last ? { ...last, high: Math.max(last.high, t.price), low: Math.min(last.low, t.price), close: t.price, volume: last.volume + t.amount } : { time, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount });
      }
      return [...windows.values()].filter((c) => c.time + 30 * DAY > since).slice(0, limit);
    };
    const months = await historyOf(client, () => until).candlesBetween({ exchange: 'thirty', symbol: 'BTC/USDT' }, '1M', Date.UTC(2026, 10, 1), until);
    assert.deepEqual(months.map((c) => iso(c.time)), ['2026-11-01', '2026-12-01']);
    assert.deepEqual(months, referenceCandles(client.log, '1M').filter((c) => c.time >= Date.UTC(2026, 10, 1)));
  });

  it('weekly rows cached before their grid was checked (Thursday bars) are not read back beside Monday ones', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-weeks-'));
    try {
      const cache = new CandleCache(dir, silentLogger);
      const key: CandleKey = { exchange: 'kucoin', symbol: 'BTC/USDT', timeframe: '1w' };
      const thursday = { time: Date.UTC(2026, 10, 19), open: 1, high: 2, low: 1, close: 2, volume: 5 };
      const monday = { time: Date.UTC(2026, 10, 23), open: 2, high: 3, low: 2, close: 3, volume: 4 };
      await cache.merge(key, [thursday, monday]);
      const history = historyOf(new ThursdayWeeks(), () => until, silentLogger, cache);
      assert.deepEqual(await history.cachedBars(key, until, 10), [monday]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
