import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

/**
 * The last consumer's leave closes its socket then, not after a linger: nothing else would close it before ccxt's
 * keep-alive or the server gave up on it (tens of seconds, or never). A bound far under those, wide enough for a
 * loaded machine (a 1–2 s bound is a timing claim a CI under load can miss).
 */
const SOCKET_CLOSED_WITHIN_MS = 10_000;

/**
 * What differs between the three emulated exchanges in these tests: names on the wire, and the history strategy
 * ccxt's capabilities give each (see the README's table). Every test runs on every exchange; where an exchange
 * cannot give an exact seam (Bybit's REST trades are only the newest 1000) the weaker guarantee is asserted.
 */
interface Profile {
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly ethSymbol: string;
  /** The emulator's name of the trade subscription (stats and malformed frames). */
  readonly tradeTopic: string;
  /** The kline endpoint's paths (Coinbase's name the product). */
  readonly klinePath: RegExp;
  /** failRest's path for the kline endpoint. */
  readonly klineFault: string;
  /** Kline requests for a cold 1500-bar 1m history. */
  readonly coldKlinePages: number;
  readonly cacheFile: string;
}

const PROFILES: readonly Profile[] = [
  { exchange: 'binance', symbol: 'BTC/USDT', ethSymbol: 'ETH/USDT', tradeTopic: 'btcusdt@aggTrade', klinePath: /^\/api\/v3\/klines$/, klineFault: 'klines', coldKlinePages: 2, cacheFile: 'binance/BTC_USDT/1m.csv' },
  { exchange: 'coinbase', symbol: 'BTC/USD', ethSymbol: 'ETH/USD', tradeTopic: 'market_trades:BTC-USD', klinePath: /^\/api\/v3\/brokerage\/market\/products\/[^/]+\/candles$/, klineFault: 'candles', coldKlinePages: 6, cacheFile: 'coinbase/BTC_USD/1m.csv' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT', ethSymbol: 'ETH/USDT:USDT', tradeTopic: 'publicTrade.BTCUSDT', klinePath: /^\/v5\/market\/kline$/, klineFault: 'kline', coldKlinePages: 2, cacheFile: 'bybit/BTC_USDT_USDT/1m.csv' },
];

type AnyRig = Rig<ExchangeId>;

const klineRequests = (rig: AnyRig, p: Profile): number => Object.entries(rig.emulator.stats().restRequests).reduce((n, [path, count]) => (p.klinePath.test(path) ? n + count : n), 0);

function subscribe<R extends SubscriptionRequest>(rig: AnyRig, req: R) {
  const rec = new Recorder<R>();
  const sub = rig.hub.subscribe(req, rec.consume);
  return { rec, sub };
}

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

const snapshotOf = (rec: Recorder<CandleReq>) => rec.next((e) => e.type === 'snapshot', 'candle snapshot', 20_000);

/** Waits until our trade consumer has seen the trade `id` of the emulator's log: the factory listens earlier in line. */
async function seen(rig: AnyRig, rec: Recorder<TradesReq>, symbol: string, id: number): Promise<void> {
  const trade = rig.emulator.trades(symbol).find((t) => t.id === id);
  assert.ok(trade, `trade ${id} is in the log`);
  const wire = rig.emulator.wireTradeId(symbol, trade);
  await rec.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === wire), `trade ${id} to arrive`, 20_000);
}

/** The latest state is live and not catching up: a reconnect's hole is backfilled (its bars were partial until then). */
const settledLive = (rec: Recorder<CandleReq>): boolean => {
  const last = rec.events.flatMap((e) => (e.type === 'state' ? [e.state] : [])).at(-1);
  return last?.status === 'live' && last.catchingUp !== true;
};

/** Resolves once no bar held is partial (a bar of the weaker seam is settled when its bucket has closed). */
const settled = (rec: Recorder<CandleReq>) => rec.next(() => rec.candles.length > 0 && !rec.candles.some((c) => c.partial), 'every partial bar settled', 20_000);

function assertMatchesGroundTruth(rig: AnyRig, symbol: string, got: readonly Candle[], tf: Timeframe): void {
  const truth = referenceCandles(rig.emulator.trades(symbol), tf);
  const first = got[0]!.time;
  const last = got[got.length - 1]!.time;
  const expected = truth.filter((c) => c.time >= first && c.time <= last);
  assert.equal(got.length, expected.length, `${tf}: same number of bars (${got.length} vs ${expected.length})`);
  assert.deepEqual(got.map(roundCandle), expected.map(roundCandle), `${tf} bars equal the ground truth`);
}

/**
 * The documented guarantee of every strategy: each bar not marked partial equals the ground truth; a partial bar
 * (the weaker seam's bar in progress) is only ever the newest one and says since when it is partial.
 */
function assertExactOrPartialInProgress(rig: AnyRig, symbol: string, got: readonly Candle[], tf: Timeframe): void {
  const partial = got.filter((c) => c.partial);
  assert.ok(partial.length <= 1 && (partial.length === 0 || partial[0] === got.at(-1)), `${tf}: only the bar in progress may be partial: ${JSON.stringify(partial)}`);
  if (partial[0]) assert.ok(typeof partial[0].partialSince === 'number', 'a partial bar of the seam says since when');
  assertMatchesGroundTruth(rig, symbol, got.filter((c) => !c.partial), tf);
}

describe('engine against the exchange emulator (real ccxt)', function () {
  this.timeout(60_000);
  let rig: AnyRig;
  afterEach(() => rig?.close());

  for (const p of PROFILES) {
    describe(p.exchange, () => {
      const candles = (timeframe: Timeframe, symbol = p.symbol): CandleReq => ({ kind: 'candles', exchange: p.exchange, symbol, timeframe });
      const tradesReq: TradesReq = { kind: 'trades', exchange: p.exchange, symbol: p.symbol };
      const start = (emu: Parameters<typeof Rig.start>[0] = {}, hub: Parameters<typeof Rig.start>[1] = {}) => Rig.start({ ...emu, exchange: p.exchange }, hub);

      it('1. the last consumer leaving closes the socket (no linger), 20 times over, with no leak', async () => {
        rig = await start({ tradesPerSecond: 20 });
        for (let i = 0; i < 20; i++) {
          const { rec, sub } = subscribe(rig, candles('1m'));
          await snapshotOf(rec);
          await rig.emulator.waitForStats((s) => s.openSockets === 1, 5000);
          sub.dispose();
          await rig.emulator.waitForStats((s) => s.openSockets === 0, SOCKET_CLOSED_WITHIN_MS);
        }
        assert.equal(rig.emulator.stats().wsConnectionsTotal, 20, 'one socket per cycle, nothing extra');
        assert.deepEqual(rig.hub.activeStreams(), []);
        assert.equal(rig.hub.candleFactoryCount, 0);
      });

      it('2. two consumers on one market with different timeframes open exactly one trade socket', async () => {
        rig = await start({ tradesPerSecond: 20 });
        const a = subscribe(rig, candles('1m'));
        const b = subscribe(rig, candles('5m'));
        await Promise.all([snapshotOf(a.rec), snapshotOf(b.rec)]);
        const stats = await rig.emulator.waitForStats((s) => s.openSockets >= 1);
        assert.equal(stats.openSockets, 1);
        // Coinbase: and the client's heartbeats on that socket, which keep a quiet market's channels open.
        assert.deepEqual(stats.subscriptions, { [p.tradeTopic]: 1, ...(p.exchange === 'coinbase' ? { heartbeats: 1 } : {}) });
        a.sub.dispose();
        assert.equal(rig.emulator.stats().openSockets, 1, 'the 5m consumer still holds it');
        b.sub.dispose();
        await rig.emulator.waitForStats((s) => s.openSockets === 0, SOCKET_CLOSED_WITHIN_MS);
      });

      it('3. 1m and 5m candles built live from one stream equal the ground-truth trade log (a weaker seam settles exact)', async () => {
        rig = await start({ tradesPerSecond: 40, historyMinutes: 120, historyTradesPerMinute: 30 });
        const one = subscribe(rig, candles('1m'));
        const five = subscribe(rig, candles('5m'));
        const tr = subscribe(rig, tradesReq);
        const snaps = await Promise.all([snapshotOf(one.rec), snapshotOf(five.rec)]);
        for (const [snap, tf] of [[snaps[0], '1m'], [snaps[1], '5m']] as const) {
          assert.ok(snap.type === 'snapshot');
          const closed = snap.candles.slice(0, -1); // the bar in progress has taken trades since
          assert.ok(!closed.some((c) => c.partial), `${tf}: no closed bar is partial`);
          assertMatchesGroundTruth(rig, p.symbol, closed, tf);
        }
        // Live trades flowed while REST history was being fetched (the seam); now script 15 minutes of market
        // time across several 1m and 5m boundaries.
        rig.emulator.setTradesPerSecond(0);
        const last = rig.emulator.trades(p.symbol).at(-1)!;
        const prices = Array.from({ length: 300 }, (_, i) => last.price * (1 + 0.002 * Math.sin(i / 7)));
        // Stamped from now on at the earliest, as an exchange stamps its trades: one from before a seed's seam minute that
        // arrives after the seed sends the bars back to REST (CandleFactory.rebuildBehindSeam), not on through the live path.
        const played = await rig.emulator.playPath(p.symbol, prices, { intervalMs: 0, startTimestamp: Math.max(last.timestamp + 1000, Date.now()), stepMs: 3000 });
        await seen(rig, tr.rec, p.symbol, played.at(-1)!.id);
        await Promise.all([settled(one.rec), settled(five.rec)]);
        assertMatchesGroundTruth(rig, p.symbol, one.rec.candles, '1m');
        assertMatchesGroundTruth(rig, p.symbol, five.rec.candles, '5m');
        assert.equal(rig.emulator.stats().subscriptions[p.tradeTopic], 1);
      });

      it('4. after a forced disconnect: reconnecting → live, and the backfill leaves no gap and no duplicate', async () => {
        rig = await start({ tradesPerSecond: 30, historyMinutes: 60 });
        const one = subscribe(rig, candles('1m'));
        const tr = subscribe(rig, tradesReq);
        await snapshotOf(one.rec);
        await tr.rec.next((e) => e.type === 'trades', 'a live trade');
        const reconnecting = one.rec.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
        rig.emulator.dropConnections();
        await reconnecting;
        await one.rec.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 20_000);
        // Let the market move on after the reconnect, then freeze it and compare.
        const after = await new Promise<number>((resolve) => {
          let n = 0;
          const onTrade = (_s: string, t: { id: number }) => {
            if (++n === 30) {
              rig.emulator.off('trade' as 'stats', onTrade as never);
              rig.emulator.setTradesPerSecond(0);
              resolve(t.id);
            }
          };
          rig.emulator.on('trade', onTrade);
        });
        const final = rig.emulator.trades(p.symbol).at(-1)!;
        assert.ok(final.id >= after);
        await seen(rig, tr.rec, p.symbol, final.id);
        // Settled once live and no longer catching up: the drop's hole backfilled. Until then the bars since the drop are
        // partial with no since (the hole's, not the seam's), and under load the last trade came before the backfill.
        const last = () => one.rec.candles.at(-1);
        await one.rec.next(() => settledLive(one.rec) && last()?.close === final.price && !one.rec.candles.slice(0, -1).some((c) => c.partial), 'the backfill to settle');
        const times = one.rec.candles.map((c) => c.time);
        assert.equal(new Set(times).size, times.length, 'no duplicate candle');
        assertExactOrPartialInProgress(rig, p.symbol, one.rec.candles, '1m');
        // One more trade in the next minute closes the bar in progress: then every bar is exact, on every strategy.
        const next = await rig.emulator.playPath(p.symbol, [final.price], { intervalMs: 0, startTimestamp: final.timestamp - (final.timestamp % 60_000) + 60_000 });
        await seen(rig, tr.rec, p.symbol, next[0]!.id);
        await settled(one.rec);
        assertMatchesGroundTruth(rig, p.symbol, one.rec.candles, '1m');
        assert.ok(rig.log.lines.some((l) => /retrying in/.test(l)), 'the reconnect was logged');
      });

      it('5. REST 429: backs off and recovers; a persistent 429 gives up after a bounded number of requests', async () => {
        rig = await start({ tradesPerSecond: 5, historyMinutes: 30 }, { restMaxAttempts: 4 });
        const klines = () => klineRequests(rig, p);
        rig.emulator.failRest({ status: 429, count: 2, path: p.klineFault, retryAfterSec: 1 });
        const one = subscribe(rig, candles('1m'));
        const snap = await snapshotOf(one.rec);
        assert.ok(snap.type === 'snapshot' && snap.candles.length >= 30);
        assert.ok(rig.log.lines.some((l) => /rate-limit.*attempt 2\/4/.test(l)), 'the back-off was logged');
        assert.ok(!rig.log.lines.some((l) => /attempt 3\/4/.test(l)), 'two refused, then answered');
        if (p.exchange === 'binance') assert.equal(klines(), 3, 'two refused, one answered');

        const before = klines();
        rig.emulator.failRest({ status: 429, count: 1000, path: p.klineFault });
        const eth = subscribe(rig, candles('1m', p.ethSymbol));
        const degraded = await eth.rec.next((e) => e.type === 'state' && e.state.status === 'degraded', 'a degraded state', 30_000);
        assert.ok(degraded.type === 'state' && degraded.state.status === 'degraded' && /^REST paused by a rate limit( \(HTTP 429\))?$/.test(degraded.state.reason), JSON.stringify(degraded));
        assert.ok(degraded.state.retryAt !== undefined && degraded.state.retryAt > Date.now(), 'the next repair time is shown');
        assert.ok(rig.log.lines.some((l) => /1m: history unavailable: .*(RateLimitExceeded|DDoSProtection)/.test(l)), 'the whole error is logged');
        assert.equal(klines() - before, 4, 'exactly maxAttempts requests');
        rig.emulator.clearFaults();
      });

      it('6. a malformed WS message is skipped and logged; the stream continues', async () => {
        rig = await start({ tradesPerSecond: 20 });
        const tr = subscribe(rig, tradesReq);
        await tr.rec.next((e) => e.type === 'trades', 'a first trade');
        const sockets = rig.emulator.stats().wsConnectionsTotal;
        assert.ok(rig.emulator.sendMalformed('bad-fields', p.tradeTopic) > 0);
        assert.ok(rig.emulator.sendMalformed('invalid-json', p.tradeTopic) > 0);
        const mark = rig.emulator.trades(p.symbol).at(-1)!.id;
        const later = (id: string) => rig.emulator.trades(p.symbol).some((t) => t.id > mark + 5 && rig.emulator.wireTradeId(p.symbol, t) === id);
        await tr.rec.upcoming((e) => e.type === 'trades' && e.trades.some((t) => later(t.id)), 'trades after the malformed messages', 20_000);
        const name = new RegExp(`trades ${p.exchange} ${p.symbol.replace(/[/:]/g, '.')}.*malformed`, 'i');
        assert.ok(rig.log.lines.some((l) => name.test(l)), `the bad message was logged, naming the stream:\n${rig.log.lines.slice(-10).join('\n')}`);
        assert.ok(!tr.rec.events.some((e) => e.type === 'state' && (e.state.status === 'failed' || e.state.status === 'reconnecting')), 'the stream stayed live');
        assert.equal(rig.emulator.stats().wsConnectionsTotal, sockets, 'no reconnect was needed');
      });

      it('7. cache: a restart tops up instead of refetching; a truncated file is discarded and refetched', async () => {
        rig = await start({ tradesPerSecond: 5, historyMinutes: 1600, historyTradesPerMinute: 2 }, { historyBars: 1500 });
        const first = subscribe(rig, candles('1m'));
        await snapshotOf(first.rec);
        first.sub.dispose();
        const klines = () => klineRequests(rig, p);
        assert.equal(klines(), p.coldKlinePages, 'a cold start pages through 1500 bars');

        rig = await rig.restartHub();
        const before = klines();
        const second = subscribe(rig, candles('1m'));
        const snap = await snapshotOf(second.rec);
        assert.ok(klines() - before <= 2, 'at most a small top-up (and the seam minute where the seam is weaker)');
        assert.ok(snap.type === 'snapshot' && snap.candles.length >= 1500);
        second.sub.dispose();
        // Closing the hub waits for its last cache write; only then is the file ours to break.
        rig = await rig.restartHub();

        const file = `${rig.cacheDir}/${p.cacheFile}`;
        const text = await fs.readFile(file, 'utf8');
        // Cut a few characters into a line: a cut exactly at a line break would leave a shorter, valid file.
        await fs.writeFile(file, text.slice(0, text.indexOf('\n', Math.floor(text.length / 2)) + 4));
        const third = subscribe(rig, candles('1m'));
        await snapshotOf(third.rec);
        assert.ok(rig.log.lines.some((l) => /corrupt/.test(l)), 'the corrupt cache was logged');
        const repaired = await fs.readFile(file, 'utf8');
        assert.ok(repaired.endsWith('\n') && repaired.split('\n').length > 1500, 'refetched and rewritten');
        // The market is still trading: compare the closed bars, once the seam's check has settled the ones it held
        // partial (the bars from REST's last trade to the stream's first, until REST says nothing was missed).
        const closed = () => third.rec.candles.slice(0, -1);
        await third.rec.next(() => !closed().some((c) => c.partial), 'the closed bars settled', 20_000);
        assertMatchesGroundTruth(rig, p.symbol, closed(), '1m');
      });
    });
  }

  it('bybit, busier than its newest 1000 REST trades reach: the bar in progress is partial since the seam minute, then settles exact', async () => {
    const symbol = 'BTC/USDT:USDT';
    // The test's clock runs to minute + 70 s, and the hour bar must still be in progress then: never the hour's last minute.
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const minute = Math.min(Math.floor(Date.now() / 60_000) * 60_000, hour + 58 * 60_000);
    let t = minute + 30_000;
    const clock = { now: () => t };
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, historyMinutes: 90, now: clock.now }, { clock });
    const price = rig.emulator.trades(symbol).at(-1)!.price;
    t = minute + 50_000; // the history ends at +30 s: 1500 trades in the last 1.5 s before now
    rig.emulator.injectTrades(symbol, Array.from({ length: 1500 }, (_, i) => ({ price: price + (i % 10) / 10, amount: 0.01, side: 'buy' as const, timestamp: t - 1500 + i })));
    const one = subscribe(rig, { kind: 'candles', exchange: 'bybit', symbol, timeframe: '1m' });
    const hourly = subscribe(rig, { kind: 'candles', exchange: 'bybit', symbol, timeframe: '1h' });
    const tr = subscribe(rig, { kind: 'trades', exchange: 'bybit', symbol });
    await Promise.all([snapshotOf(one.rec), snapshotOf(hourly.rec)]);
    for (const [rec, tf] of [[one.rec, '1m'], [hourly.rec, '1h']] as const) {
      const last = rec.candles.at(-1)!;
      assert.equal(last.partial, true, `${tf}: the bar in progress is partial`);
      assert.equal(last.partialSince, minute, `${tf}: since the seam minute`);
      // Nothing traded after the exchange's kline was read, so here even the partial bar holds the truth.
      assertMatchesGroundTruth(rig, symbol, [...rec.candles.slice(0, -1), { time: last.time, open: last.open, high: last.high, low: last.low, close: last.close, volume: last.volume }], tf);
    }
    t = minute + 70_000;
    const [next] = rig.emulator.injectTrades(symbol, [{ price, amount: 0.01, side: 'sell', timestamp: t }]);
    await seen(rig, tr.rec, symbol, next!.id);
    await settled(one.rec);
    assertMatchesGroundTruth(rig, symbol, one.rec.candles, '1m');
    assert.equal(one.rec.candles.find((c) => c.time === minute)?.partial, undefined, 'the seam bar was replaced by the exchange kline');
    assert.equal(hourly.rec.candles.at(-1)!.partial, true, '1h: partial until its hour closes');
  });

  const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
  const candles = (timeframe: Timeframe): CandleReq => ({ kind: 'candles', ...BTC, timeframe });

  it('order book and ticker streams: books sorted and uncrossed, ticker with bid/ask, sockets closed after', async () => {
    rig = await Rig.start({ tradesPerSecond: 10, depthIntervalMs: 50, tickerIntervalMs: 200 });
    const book = subscribe(rig, { kind: 'orderbook', ...BTC });
    const ticker = subscribe(rig, { kind: 'ticker', ...BTC });
    const b = await book.rec.next((e) => e.type === 'orderbook', 'an order book', 15_000);
    assert.ok(b.type === 'orderbook');
    const { bids, asks } = b.book;
    assert.ok(bids.length > 10 && asks.length > 10);
    assert.ok(bids[0]![0] < asks[0]![0], 'best bid below best ask');
    for (let i = 1; i < bids.length; i++) assert.ok(bids[i]![0] < bids[i - 1]![0], 'bids descending');
    for (let i = 1; i < asks.length; i++) assert.ok(asks[i]![0] > asks[i - 1]![0], 'asks ascending');
    assert.ok(bids.length <= 100, 'copied to the configured depth');
    await book.rec.upcoming((e) => e.type === 'orderbook', 'a later book');
    const t = await ticker.rec.next((e) => e.type === 'ticker', 'a ticker', 15_000);
    assert.ok(t.type === 'ticker');
    assert.ok(t.ticker.bid !== undefined && t.ticker.ask !== undefined && t.ticker.bid < t.ticker.ask, JSON.stringify(t.ticker));
    assert.ok(t.ticker.last > 0 && t.ticker.change24hPercent !== undefined);
    assert.ok(!book.rec.events.some((e) => e.type === 'state' && e.state.status === 'reconnecting'), 'the diff sequence never broke');
    book.sub.dispose();
    ticker.sub.dispose();
    await rig.emulator.waitForStats((s) => s.openSockets === 0, SOCKET_CLOSED_WITHIN_MS);
  });

  it('rejects an unknown symbol with the suggestion, and keeps serving others', async () => {
    rig = await Rig.start({ tradesPerSecond: 5 });
    const good = subscribe(rig, candles('1m'));
    const bad = subscribe(rig, { kind: 'candles', exchange: 'binance', symbol: 'BTC/USD', timeframe: '1m' });
    await assert.rejects(bad.sub.ready, /Unknown symbol "BTC\/USD" on binance\. Did you mean: BTC\/USDT/);
    await snapshotOf(good.rec);
  });
});
