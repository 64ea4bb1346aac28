/** A replayed market through the real hub: ids, pause/step/seek/play on a controlled clock, history before the start, disposal. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClientLookup } from '../../../src/core/hub/validateRequest';
import { MarketHub } from '../../../src/core/hub/marketHub';
import type { SubscriptionRequest } from '../../../src/core/hub/requests';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import type { BookRow, TickerRow, TradeRow } from '../../../src/core/record/recordTypes';
import { InvalidReplayIdError, parseReplayId, replayId } from '../../../src/core/replay/replayId';
import { ReplayRegistry } from '../../../src/core/replay/replayRegistry';
import { parquetSource } from '../../../src/core/record/recordSource';
import { NothingRecordedError, ReplaySeekError, type ReplayState } from '../../../src/core/replay/replaySession';
import type { Trade } from '../../../src/core/types';
import { Recorder } from '../../helpers/emulatorHub';
import { referenceCandles } from '../../helpers/referenceCandles';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const START = Date.parse('2026-11-29T14:00:00Z');
const ID = 'replay:binance:BTC/USDT@2026-11-29T14:00';
const noLive: ClientLookup = { ids: () => [], has: () => false, get: () => Promise.reject(new Error('no live exchange')) };

/** Trades every 10 s from 13:58 to 14:09:50 (two minutes of history before the start), a book and tickers. */
function recording(): { trades: TradeRow[]; book: BookRow[]; tickers: TickerRow[] } {
  const trades: TradeRow[] = [];
  for (let i = 0, ts = START - 120_000; ts < START + 600_000; i++, ts += 10_000) {
    trades.push({ ts, id: String(1000 + i), price: 100 + (i % 7) - (i % 3) * 0.5, amount: 1 + (i % 4), side: i % 2 ? 'buy' : 'sell', received: ts + 5 });
  }
  const book: BookRow[] = [
    { ts: START - 60_000, seq: 1, kind: 'snapshot', side: 'bid', price: 99, amount: 2 },
    { ts: START - 60_000, seq: 1, kind: 'snapshot', side: 'ask', price: 101, amount: 3 },
    { ts: START + 5_000, seq: 2, kind: 'delta', side: 'bid', price: 99.5, amount: 4 },
    { ts: START + 305_000, seq: 3, kind: 'delta', side: 'ask', price: 101, amount: 0 },
  ];
  const tickers: TickerRow[] = [
    { ts: START - 30_000, last: 100, bid: 99, ask: 101, change24hPercent: 1.5 },
    { ts: START + 200_000, last: 102, bid: 101.5, ask: null, change24hPercent: null },
  ];
  return { trades, book, tickers };
}

const toTrade = (r: TradeRow): Trade => ({ id: r.id, timestamp: r.ts, price: r.price, amount: r.amount, side: r.side });

describe('replay through the hub', function () {
  this.timeout(20_000);
  let root: string;
  let rows: ReturnType<typeof recording>;
  let registry: ReplayRegistry;
  let hub: MarketHub;
  let real = 0;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-replay-'));
    rows = recording();
    const store = new ParquetStore(root);
    // Written in several batches (files), as a recorder would.
    for (let i = 0; i < rows.trades.length; i += 17) await store.write({ kind: 'trades', market: MARKET, rows: rows.trades.slice(i, i + 17) });
    await store.write({ kind: 'book', market: MARKET, rows: rows.book });
    await store.write({ kind: 'tickers', market: MARKET, rows: rows.tickers });
    await store.close();
    real = 0;
    registry = new ReplayRegistry(noLive, { source: () => parquetSource(root), session: { tickMs: 5, realClock: { now: () => real } } });
    hub = new MarketHub({ clients: registry });
  });
  afterEach(async () => {
    await hub.close();
    await registry.closeAll();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('names a replay in one spelling and refuses a bad one, naming what is wrong', () => {
    assert.deepEqual(parseReplayId(ID), { market: MARKET, start: START });
    assert.equal(replayId(parseReplayId('replay:binance:BTC/USDT@2026-11-29T14:00:00')), ID);
    assert.equal(replayId({ market: { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, start: START + 1500 }), 'replay:bybit:BTC/USDT:USDT@2026-11-29T14:00:01.500');
    assert.deepEqual(parseReplayId('replay:bybit:BTC/USDT:USDT@2026-11-29T14:00:01.500').market, { exchange: 'bybit', symbol: 'BTC/USDT:USDT' });
    for (const [bad, why] of [
      ['binance:BTC/USDT@2026-11-29T14:00', /does not start with "replay:"/],
      ['replay:BTC/USDT@2026-11-29T14:00', /no symbol|no exchange/],
      ['replay:binance:BTC/USDT', /no symbol, or no "@"/],
      ['replay:binance:BTC/USDT@yesterday', /"yesterday" is not a UTC time/],
      ['replay:binance:BTC/USDT@2026-13-45T99:00', /not a real time/],
      // the id is the replayed market's exchange: a page drops every message naming a longer one
      [`replay:binance:${'S'.repeat(70)}/USDT@2026-11-29T14:00`, /longer than a panel takes \(100\)/],
    ] as const) assert.throws(() => parseReplayId(bad), (err: unknown) => err instanceof InvalidReplayIdError && why.test(err.message), bad);
  });

  it("carries the market's price increment from its recorded prices, and where its recording begins", async () => {
    const handle = await registry.open(ID);
    try {
      // Prices such as 99.5 and 101: one decimal. Without it a chart opened at the start showed whole numbers.
      assert.deepEqual(await hub.markets(ID), [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1 }]);
      assert.equal(handle.session.recordedFrom, START - 120_000, 'the first recorded trade: no older bar to page in');
    } finally {
      handle.dispose();
    }
  });

  it('refuses a start after the recording, and a market never recorded', async () => {
    await assert.rejects(registry.open('replay:binance:BTC/USDT@2026-11-29T15:00'), NothingRecordedError);
    await assert.rejects(registry.open('replay:binance:ETH/USDT@2026-11-29T14:00'), NothingRecordedError);
    assert.equal(registry.has('replay:binance:BTC/USDT@2026-11-29T15:00'), false);
  });

  it('starts paused at its start with the book and ticker as they stood; step releases the next trade, seek everything up to a time, pause holds', async () => {
    const handle = await registry.open(ID);
    const { session } = handle;
    assert.equal(session.state().status, 'paused');
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const book = new Recorder<Extract<SubscriptionRequest, { kind: 'orderbook' }>>();
    const ticker = new Recorder<Extract<SubscriptionRequest, { kind: 'ticker' }>>();
    const subs = [hub.subscribe({ kind: 'trades', ...MARKET, exchange: ID }, trades.consume), hub.subscribe({ kind: 'orderbook', ...MARKET, exchange: ID }, book.consume), hub.subscribe({ kind: 'ticker', ...MARKET, exchange: ID }, ticker.consume)];
    const first = await book.next((e) => e.type === 'orderbook', 'the book at the start');
    assert.deepEqual(first.type === 'orderbook' && first.book, { timestamp: START - 60_000, bids: [[99, 2]], asks: [[101, 3]] });
    const t0 = await ticker.next((e) => e.type === 'ticker', 'the ticker at the start');
    assert.deepEqual(t0.type === 'ticker' && t0.ticker, { timestamp: START - 30_000, last: 100, bid: 99, ask: 101, change24hPercent: 1.5 });
    await trades.next((e) => e.type === 'state' && e.state.status === 'connecting', 'the trade stream started');
    assert.equal(trades.events.filter((e) => e.type === 'trades').length, 0, 'paused: nothing released');

    const batches = () => trades.events.flatMap((e) => (e.type === 'trades' ? [e] : []));
    const batch = async (n: number) => {
      await trades.next(() => batches().length >= n, `trade batch ${n}`);
      return batches()[n - 1]!;
    };
    await session.step();
    const one = await batch(1);
    assert.deepEqual(one.type === 'trades' && one.trades, [toTrade(rows.trades[12]!)], 'the first trade at the start, alone');
    assert.equal(session.now(), START);
    await session.step();
    const two = await batch(2);
    assert.deepEqual(two.type === 'trades' && two.trades, [toTrade(rows.trades[13]!)]);
    assert.equal(session.now(), START + 10_000);

    await session.seek(START + 300_000);
    const three = await batch(3);
    assert.deepEqual(three.type === 'trades' && three.trades, rows.trades.filter((t) => t.ts > START + 10_000 && t.ts <= START + 300_000).map(toTrade), 'one batch up to the seek');
    const moved = await book.next((e) => e.type === 'orderbook' && e.book.timestamp === START + 5_000, 'the delta applied');
    assert.deepEqual(moved.type === 'orderbook' && moved.book.bids, [[99.5, 4], [99, 2]]);
    await ticker.next((e) => e.type === 'ticker' && e.ticker.last === 102, 'the ticker at 14:03:20');
    await assert.rejects(session.seek(START - 1), ReplaySeekError, 'seeking back before the start is refused');
    assert.equal(session.now(), START + 300_000);

    // Play at 100×: 1 real second is 100 s of market. Every state change is an event; no timer is waited on.
    const states: ReplayState[] = [];
    const sub = session.onDidChange((s) => states.push(s));
    const reached = new Promise<void>((resolve) => session.onDidChange((s) => s.position >= START + 400_000 && resolve()));
    session.play(100);
    real += 1000;
    await reached;
    session.pause();
    await session.settled();
    const held = session.now();
    assert.equal(held, START + 400_000);
    real += 5000;
    await session.settled();
    assert.equal(session.now(), held, 'paused: the clock holds however much real time passes');
    const statuses = states.map((s) => `${s.status} ${s.speed}×`).filter((s, i, all) => s !== all[i - 1]);
    assert.deepEqual(statuses, ['paused 100×', 'playing 100×', 'paused 100×'], 'the speed set, played, paused');
    sub.dispose();
    const released = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades : []));
    assert.deepEqual(released, rows.trades.filter((t) => t.ts >= START && t.ts <= held).map(toTrade), 'every trade once, in order');

    // To the end: the session says it ended.
    const ended = new Promise<void>((resolve) => session.onDidChange((s) => s.status === 'ended' && resolve()));
    await session.seek(START + 3_600_000);
    await ended;
    for (const s of subs) s.dispose();
    handle.dispose();
  });

  it('step(n) releases through the n-th next trade time at once: trades of one time are one step, a day boundary is passed, the end ends it', async () => {
    const eth = { exchange: 'binance', symbol: 'ETH/USDT' } as const;
    const midnight = Date.parse('2026-11-30T00:00:00Z');
    const times = [-30_000, -20_000, -20_000, -10_000, 0, 10_000, 20_000].map((d) => midnight + d);
    const ethRows: TradeRow[] = times.map((ts, i) => ({ ts, id: String(i), price: 3000 + i, amount: 1, side: 'buy', received: ts }));
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market: eth, rows: ethRows });
    await store.close();
    const handle = await registry.open('replay:binance:ETH/USDT@2026-11-29T23:59:30');
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const sub = hub.subscribe({ kind: 'trades', ...eth, exchange: handle.session.id }, trades.consume);
    const released = () => trades.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
    const releasedUntil = (n: number) => trades.next(() => released().length >= n, `${n} trades released`);
    try {
      await trades.next((e) => e.type === 'state' && e.state.status === 'connecting', 'the trade stream started');
      await handle.session.step(2);
      await releasedUntil(3);
      assert.deepEqual(released(), ['0', '1', '2'], 'two steps: the first time, then both trades of the second');
      assert.equal(handle.session.now(), midnight - 20_000);
      await handle.session.step(3);
      await releasedUntil(6);
      assert.deepEqual(released(), ['0', '1', '2', '3', '4', '5'], 'three steps, over midnight (the next day of the recording)');
      assert.equal(handle.session.now(), midnight + 10_000);
      await handle.session.step(5);
      await releasedUntil(7);
      assert.deepEqual(released(), ['0', '1', '2', '3', '4', '5', '6']);
      assert.deepEqual([handle.session.now(), handle.session.state().status], [midnight + 20_000, 'ended'], 'more steps than trades left: the end');
      await assert.rejects(handle.session.step(0), /a replay step count must be a whole number ≥ 1, got 0/);
    } finally {
      sub.dispose();
      handle.dispose();
    }
  });

  it('a candle series on a replay: history before the start from the recording, then the replayed trades; bars equal the reference', async () => {
    const handle = await registry.open(ID);
    const candles = new Recorder<Extract<SubscriptionRequest, { kind: 'candles' }>>();
    const sub = hub.subscribe({ kind: 'candles', exchange: ID, symbol: MARKET.symbol, timeframe: '1m' }, candles.consume);
    await candles.next((e) => e.type === 'snapshot', 'the snapshot');
    const truth = referenceCandles(rows.trades.map(toTrade), '1m');
    assert.deepEqual(candles.candles, truth.filter((c) => c.time < START), 'two minutes of history, nothing after the start');
    const last = rows.trades.at(-1)!;
    await handle.session.seek(last.ts);
    await candles.next((e) => e.type === 'deltas' && e.dataTime === last.ts, 'the last trade applied');
    // The stream's first trade is checked against the recording's REST (the first seam's check): partial until it answers.
    if (candles.candles.some((c) => c.partial)) await candles.next(() => candles.candles.every((c) => !c.partial), 'the first seam check settled');
    assert.deepEqual(candles.candles, truth);
    assert.equal(hub.snapshot({ exchange: ID, symbol: MARKET.symbol, timeframe: '1m' })?.length, truth.length);
    sub.dispose();
    handle.dispose();
  });

  it('disposal: the last consumer and the last handle leave nothing open (streams, session, registry entry)', async () => {
    const a = await registry.open(ID);
    const b = await registry.open('replay:binance:BTC/USDT@2026-11-29T14:00:00.000');
    assert.equal(a.session, b.session, 'one session per replay');
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const subs = [hub.subscribe({ kind: 'trades', ...MARKET, exchange: ID }, trades.consume), hub.subscribe({ kind: 'candles', exchange: ID, symbol: MARKET.symbol, timeframe: '5m' }, () => undefined)];
    await Promise.all(subs.map((s) => s.ready));
    await trades.next((e) => e.type === 'state' && e.state.status === 'connecting', 'the trade stream started');
    a.session.play(10);
    for (const s of subs) s.dispose();
    await hub.whenStreamsIdle();
    assert.deepEqual(hub.activeStreams(), []);
    assert.equal(hub.candleFactoryCount, 0);
    assert.equal(a.session.trades.isWatched, false, 'the replayed trade stream was stopped');
    a.dispose();
    assert.ok(registry.has(ID), 'still held by the other handle');
    b.dispose();
    assert.equal(registry.has(ID), false);
    real += 1000;
    await a.session.settled();
    assert.equal(a.session.now(), START - 1, 'a disposed session no longer advances');
    await assert.rejects(hub.subscribe({ kind: 'trades', ...MARKET, exchange: ID }, () => undefined).ready, /Unknown exchange/);
  });
});
