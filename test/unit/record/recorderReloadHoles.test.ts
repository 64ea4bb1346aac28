/**
 * What a recording resumed by a new session (a reload, a crash) stores where it cannot have the trades: the time
 * TradeSuite was closed is a hole named so (not a reconnect) whatever the exchange's REST trades reach, and the trades
 * that come while the store's end is read are held only up to a bound, the rest a named hole.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExchangeCapabilities } from '../../../src/core/exchange/capabilities';
import { HistoryService } from '../../../src/core/history/historyService';
import type { EventFor, HubEvent, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import { MarketRecorder, type HubSubscriber, type TradeGapFiller } from '../../../src/core/record/marketRecorder';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded } from '../../../src/core/record/recordReader';
import type { RecordSink } from '../../../src/core/record/recordSink';
import { parquetSource } from '../../../src/core/record/recordSource';
import type { RecordBatch, RecordingHole } from '../../../src/core/record/recordTypes';
import { parquetStoredTail, type StoredTail, type StoredTailReader } from '../../../src/core/record/storedTail';
import type { Trade } from '../../../src/core/types';
import { silentLogger, type Logger } from '../../../src/core/util/log';
import { FakeClient } from '../../helpers/fakeClient';

const market = { exchange: 'fake', symbol: 'BTC/USDT' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + n, amount: 1, side: n % 2 ? 'buy' : 'sell' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));
const ids = (trades: readonly { readonly id: string }[]): string[] => trades.map((t) => t.id);
const span = (h: RecordingHole): [number, number, string] => [h.from - T0, h.until - T0, h.reason];

class FakeHub implements HubSubscriber {
  private consumer: ((e: HubEvent) => void) | undefined;
  subscribe<R extends SubscriptionRequest>(_request: R, consumer: (event: EventFor<R>) => void): Subscription {
    const c = consumer as (e: HubEvent) => void;
    this.consumer = c;
    return { ready: Promise.resolve(), dispose: () => void (this.consumer === c && (this.consumer = undefined)) };
  }
  trades(list: Trade[]): void {
    this.consumer?.({ type: 'trades', trades: list });
  }
  live(): void {
    this.consumer?.({ type: 'state', state: { status: 'live', since: 0 } });
  }
  dropped(): void {
    this.consumer?.({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
  }
}

class MemorySink implements RecordSink {
  readonly name = 'memory';
  readonly batches: RecordBatch[] = [];
  async write(batch: RecordBatch): Promise<void> {
    this.batches.push(batch);
  }
  async close(): Promise<void> {}
  ids(): string[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? ids(b.rows) : []));
  }
  holes(): RecordingHole[] {
    return this.batches.flatMap((b) => (b.kind === 'trades' ? [...(b.holes ?? [])] : []));
  }
}

function captureWarnings(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (m: string) => void warnings.push(m) };
}

describe('a recording resumed by a new session: the time TradeSuite was closed', function () {
  this.timeout(20_000);
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-reload-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  async function storedTrades(): Promise<string[]> {
    const out: string[] = [];
    for await (const e of readRecorded(root, { market, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'] })) if (e.kind === 'trades') out.push(e.row.id);
    return out;
  }
  const storedHoles = async (): Promise<Array<[number, number, string]>> => (await parquetSource(root).holes(market, 0, Number.MAX_SAFE_INTEGER)).map(span);

  const recorder = (hub: FakeHub, fillGap: TradeGapFiller, now: number) =>
    new MarketRecorder({ hub, sink: new ParquetStore(root), market, kinds: ['trades'], fillGap, storedTail: parquetStoredTail(root), lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } }).start();

  /**
   * Trades 1 to 10 recorded, TradeSuite closed while 11 to 60 happened, a new session at 61 s whose stream resumes
   * with trade 61 (Binance: new trades only). REST is HistoryService's over an exchange paging as `caps` say.
   */
  async function reloadOver(caps: Partial<ExchangeCapabilities>): Promise<void> {
    const client = new FakeClient();
    client.caps = { ...client.caps, ...caps };
    const fast = { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 };
    const history = new HistoryService({ clientFor: async () => client, cache: undefined, log: silentLogger, concurrencyPerExchange: 1, backoff: fast, rateLimitBackoff: fast, maxAttempts: 1, clockOf: () => ({ now: () => T0 + 61_000 }) });
    const fillGap: TradeGapFiller = (m, from, until, onMissing, signal) => history.tradesBetween(m, from, until, { onMissing, signal });
    const hub = new FakeHub();
    client.log.push(...range(1, 10));
    const first = recorder(hub, fillGap, T0 + 10_000);
    hub.live();
    hub.trades(range(1, 10));
    await first.close();
    client.log.push(...range(11, 61));
    const second = recorder(hub, fillGap, T0 + 61_000);
    hub.live();
    hub.trades([trade(61)]);
    await second.gapFilled();
    await second.close();
  }

  it('an exchange whose REST gives only its newest trades (Bybit), fewer than were made meanwhile: the span they do not reach is a hole named for the closed app', async () => {
    await reloadOver({ tradePaging: 'recent', maxTradesPerPage: 20 });
    assert.deepEqual(await storedTrades(), ids([...range(1, 10), ...range(42, 61)]), 'what REST gave, each once');
    // From LATE_TRADE_MS before the stored end (3 s here) through REST's oldest trade's millisecond.
    assert.deepEqual(await storedHoles(), [[7000, 42_001, "not recording (TradeSuite closed): the exchange's REST trades did not reach back this far"]]);
  });

  it('an exchange with no REST trades at all: the whole time between is such a hole, through the stream’s first trade', async () => {
    await reloadOver({ tradePaging: 'none' });
    assert.deepEqual(await storedTrades(), ids([...range(1, 10), trade(61)]));
    assert.deepEqual(await storedHoles(), [[7000, 61_001, "not recording (TradeSuite closed): the exchange's REST trades did not reach back this far"]]);
  });

  it('an exchange paging forward by windows (Binance: an hour a request) reaches back over the 5 minutes a reload may last: every trade, no hole', async () => {
    // 30 s windows here, so the 54 s between take two, of pages of 20.
    await reloadOver({ tradePaging: 'forward', maxTradesPerPage: 20, tradeWindowMs: 30_000 });
    assert.deepEqual(await storedTrades(), ids(range(1, 61)));
    assert.deepEqual(await storedHoles(), []);
  });

  it('a fetch that fails, and a stop before the time between is fetched, are named for the closed app too; a reconnect after the reload is still a reconnect', async () => {
    const hub = new FakeHub();
    const failing: TradeGapFiller = async () => Promise.reject(new Error('HTTP 503'));
    const first = recorder(hub, failing, T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    // Reloaded; the fetch of the time between fails, then the socket drops and its hole fails too.
    const second = recorder(hub, failing, T0 + 12_000);
    hub.trades([trade(12)]);
    await second.gapFilled();
    hub.dropped();
    hub.trades([trade(20)]);
    await second.gapFilled();
    await second.close();
    // Reloaded again, and stopped before any trade came to end the time between.
    const third = recorder(hub, () => new Promise<Trade[]>(() => undefined), T0 + 25_000);
    await third.close();
    assert.deepEqual(await storedHoles(), [
      [3000, 15_001, 'not recording (TradeSuite closed): the trades of that time could not be fetched (HTTP 503)'],
      // Apart: each hole of another reason is stored only past the trade time stored before it.
      [15_001, 20_001, 'the trades missed during a reconnect could not be fetched (HTTP 503)'],
      [20_001, 25_000, 'not recording (TradeSuite closed): recording stopped again before the trades of that time were fetched'],
    ]);
  });

  it('a recorder given no REST filler keeps the time between, and a reconnect’s hole, as named holes (they went unmarked)', async () => {
    const hub = new FakeHub();
    const noFiller = (now: number) => new MarketRecorder({ hub, sink: new ParquetStore(root), market, kinds: ['trades'], storedTail: parquetStoredTail(root), lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => now } }).start();
    const first = noFiller(T0 + 10_000);
    hub.trades(range(1, 6));
    await first.close();
    const second = noFiller(T0 + 12_000);
    hub.trades([trade(12)]);
    await second.gapFilled();
    hub.dropped();
    hub.trades([trade(20)]);
    await second.gapFilled();
    await second.close();
    assert.deepEqual(await storedTrades(), ['1', '2', '3', '4', '5', '6', '12', '20']);
    assert.deepEqual(await storedHoles(), [
      [3000, 15_001, 'not recording (TradeSuite closed): the trades of that time could not be fetched (no REST trades to fetch them from)'],
      [15_001, 20_001, 'the trades missed during a reconnect could not be fetched (no REST trades to fetch them from)'],
    ]);
  });
});

describe('trades held while the store’s end is read', () => {
  /** A tail read that waits for the test (the store slow, or ClickHouse down until its timeout). */
  function slowTail(): { readonly read: StoredTailReader; answer: (tail: StoredTail | undefined) => void } {
    const waiting: Array<(tail: StoredTail | undefined) => void> = [];
    return { read: () => new Promise((resolve) => waiting.push(resolve)), answer: (tail) => (waiting.shift() ?? assert.fail('the tail was not asked'))(tail) };
  }

  it('are held up to maxHeldTrades; those after are dropped, not held, and their span is a hole named for it once the tail is read', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const tail = slowTail();
    const log = captureWarnings();
    // The store's recording ended 30 minutes ago: not fetched, its last trades told apart, the time since a hole.
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], storedTail: tail.read, maxHeldTrades: 10, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => T0 + 30 * 60_000 }, log }).start();
    hub.live();
    for (const from of [5, 9, 13, 17, 21]) hub.trades(range(from, from + 3)); // 20 trades in batches of 4: the third is split
    assert.equal(log.warnings.filter((w) => /newer ones are dropped/.test(w)).length, 1, 'said once, when the bound is reached');
    tail.answer({ last: T0 + 6000, from: T0 + 3000, trades: range(3, 6), holes: [] });
    await rec.gapFilled();
    hub.trades(range(25, 26));
    await rec.close();
    assert.deepEqual(sink.ids(), ids([...range(7, 14), ...range(25, 26)]), 'the 10 held (less the stored 5 and 6), then those after the read');
    assert.deepEqual(sink.holes().map(span), [
      [15_000, 24_001, "trades dropped: more than 10 came while the store's end was read at start"],
      [3000, 10_001, 'not recording (TradeSuite closed)'],
    ]);
    assert.ok(log.warnings.some((w) => w.includes('10 trades between 2026-12-01T12:00:15.000Z and 2026-12-01T12:00:24.001Z')), log.warnings.join('\n'));
    assert.equal(rec.state.status, 'stopped');
  });

  it('a socket flapping while the tail is read holds a few states, not one per attempt: the first drop and the last state of each run between trades, and the gaps they opened are still fetched', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const tail = slowTail();
    const asked: Array<[number, number | undefined]> = [];
    const exchangeLog = range(1, 30);
    const fillGap: TradeGapFiller = async (_m, from, until) => {
      asked.push([from - T0, until === undefined ? undefined : until - T0]);
      return exchangeLog.filter((t) => t.timestamp >= from && t.timestamp < (until ?? Number.POSITIVE_INFINITY));
    };
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], storedTail: tail.read, fillGap, maxHeldTrades: 100, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => T0 + 20_000 }, log: silentLogger }).start();
    hub.live();
    hub.trades(range(12, 13));
    for (let i = 0; i < 10_000; i++) {
      hub.dropped();
      hub.live();
    }
    hub.trades(range(20, 21)); // 14 to 19 lost with the drops
    for (let i = 0; i < 10_000; i++) hub.live();
    assert.ok(rec.heldEvents <= 6, `held ${rec.heldEvents} events`);
    tail.answer({ last: T0 + 6000, from: T0 + 3000, trades: range(3, 6), holes: [] });
    await rec.gapFilled();
    hub.trades([trade(22)]);
    await rec.gapFilled();
    await rec.close();
    assert.equal(rec.heldEvents, 0);
    assert.deepEqual(asked, [[3000, 15_001], [12_000, 20_001]], 'the time between through LATE_TRADE_MS past the first held trade, then the drops from LATE_TRADE_MS before the last taken through the first after them');
    assert.deepEqual(sink.ids(), ids(range(7, 22)), 'each once, none lacking');
    assert.deepEqual(sink.holes(), []);
  });

  it('a continued recording: the held trades end the time between (fetched), the dropped ones are a hole after them', async () => {
    const hub = new FakeHub();
    const sink = new MemorySink();
    const tail = slowTail();
    const asked: Array<[number, number | undefined]> = [];
    const exchangeLog = range(1, 19); // what has happened when REST answers (20 comes after)
    const fillGap: TradeGapFiller = async (_m, from, until) => {
      asked.push([from - T0, until === undefined ? undefined : until - T0]);
      return exchangeLog.filter((t) => t.timestamp >= from && t.timestamp < (until ?? Number.POSITIVE_INFINITY));
    };
    const rec = new MarketRecorder({ hub, sink, market, kinds: ['trades'], storedTail: tail.read, fillGap, maxHeldTrades: 4, lateTradeMs: 3000, flushEveryMs: 60_000, clock: { now: () => T0 + 20_000 }, log: silentLogger }).start();
    hub.live();
    hub.trades(range(12, 19));
    tail.answer({ last: T0 + 6000, from: T0 + 3000, trades: range(3, 6), holes: [] });
    await rec.gapFilled();
    hub.trades([trade(20)]);
    await rec.close();
    assert.deepEqual(asked, [[3000, undefined]], 'the time between, with no end: none held came LATE_TRADE_MS past the first');
    assert.deepEqual(sink.ids(), ids(range(7, 20)), 'asked with no end, REST gives the dropped ones too');
    assert.deepEqual(sink.holes().map(span), [[16_000, 19_001, "trades dropped: more than 4 came while the store's end was read at start"]]);
  });
});
