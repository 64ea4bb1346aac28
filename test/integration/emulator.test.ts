/**
 * The exchange emulator driven by the real, unmodified ccxt (binance / ccxt.pro.binance), plus the raw WS protocol
 * and the HTTP control API. Synchronisation uses the emulator's events (waitForStats, 'listening'), never sleeps.
 */
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import ccxt from 'ccxt';
import { ExchangeEmulator, type EmulatorTrade } from '../../src/emulator';
import { RawClient } from '../helpers/rawClient';
import { binanceOhlcv } from '../helpers/referenceCandles';

type Binance = InstanceType<typeof ccxt.pro.binance>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function makeExchange(emu: ExchangeEmulator): Binance {
  return new ccxt.pro.binance({
    urls: emu.ccxtUrls(),
    options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, ws: { backoff: { base: 50 } } },
    httpAgent: new http.Agent(),
  });
}

const subscribed = (stream: string) => (s: { subscriptions: Record<string, number> }) => (s.subscriptions[stream] ?? 0) >= 1;

interface Reply {
  id: unknown;
  result?: unknown;
  error?: { code: number; msg: string };
}
interface DepthEvent {
  e: 'depthUpdate';
  U: number;
  u: number;
  b: [string, string][];
  a: [string, string][];
}
const isReply =
  (id: number) =>
  (f: unknown): f is Reply =>
    typeof f === 'object' && f !== null && (f as Reply).id === id;
const isDepth = (f: unknown): f is DepthEvent => typeof f === 'object' && f !== null && (f as DepthEvent).e === 'depthUpdate';

describe('exchange emulator (real ccxt)', function () {
  this.timeout(20_000);

  describe('REST on a quiet market (no generated trades)', () => {
    let emu: ExchangeEmulator;
    let exchange: Binance;

    before(async () => {
      emu = await ExchangeEmulator.start({ seed: 7, tradesPerSecond: 0, depthIntervalMs: 0 }); // a still book: its update id is comparable
      exchange = makeExchange(emu);
    });
    after(async () => {
      await exchange?.close();
      await emu?.close();
    });

    it('loadMarkets finds the symbols with precisions and limits from the filters', async () => {
      const markets = await exchange.loadMarkets();
      for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']) assert.ok(markets[symbol], `missing ${symbol}`);
      const btc = markets['BTC/USDT'];
      assert.equal(btc?.id, 'BTCUSDT');
      assert.equal(btc?.active, true);
      assert.equal(btc?.spot, true);
      assert.equal(btc?.precision.price, 0.01);
      assert.equal(btc?.precision.amount, 0.00001);
      assert.equal(btc?.limits.cost?.min, 5);
    });

    it('fetchOHLCV 1m and 5m equal an aggregation of the trade log', async () => {
      const log = emu.trades('BTC/USDT');
      assert.ok(log.length > 2000, 'history was pre-generated');
      for (const [timeframe, ms] of [['1m', MINUTE], ['5m', 5 * MINUTE]] as const) {
        const since = Math.floor((log[0] as EmulatorTrade).timestamp / ms) * ms;
        const asked = Math.floor(Date.now() / ms) * ms;
        const candles = await exchange.fetchOHLCV('BTC/USDT', timeframe, since, 1000);
        // Up to the bucket in progress, which may be a quiet one: Binance answers it too, flat at the last close.
        const lastOpen = candles.at(-1)?.[0] as number;
        assert.ok(lastOpen >= asked, `${timeframe}: up to the bucket in progress`);
        assert.deepEqual(candles, binanceOhlcv(log, ms, lastOpen), `${timeframe} candles`);
        const recent = await exchange.fetchOHLCV('BTC/USDT', timeframe, undefined, 10);
        assert.deepEqual(recent, binanceOhlcv(log, ms, recent.at(-1)?.[0] as number).slice(-10), `${timeframe} most recent candles`);
      }
    });

    it('klines follow trades scripted hours ahead of the clock, including the in-progress candle', async () => {
      const last = emu.trades('ETH/USDT').at(-1) as EmulatorTrade;
      const start = Math.ceil((last.timestamp + 3 * HOUR) / HOUR) * HOUR;
      const prices = [3100, 3120.5, 3090.25, 3105, 3111.11];
      const injected = emu.injectTrades(
        'ETH/USDT',
        prices.map((price, i) => ({ price, amount: 0.5 + i, side: i % 2 === 0 ? 'buy' : 'sell', timestamp: start + i * 20 * MINUTE })),
      );
      assert.deepEqual(injected.map((t) => t.timestamp - start), [0, 20, 40, 60, 80].map((m) => m * MINUTE));
      assert.deepEqual(injected.map((t) => t.id), [1, 2, 3, 4, 5].map((n) => last.id + n));
      const candles = await exchange.fetchOHLCV('ETH/USDT', '1h', start - HOUR, 10);
      assert.deepEqual(candles, [
        // The hour before the scripted trades has none: flat at the last close, volume 0, as Binance answers it.
        [start - HOUR, last.price, last.price, last.price, last.price, 0],
        [start, 3100, 3120.5, 3090.25, 3090.25, 4.5],
        [start + HOUR, 3105, 3111.11, 3105, 3111.11, 8],
      ]);
      assert.throws(() => emu.injectTrades('ETH/USDT', [{ price: 1, amount: 1, side: 'buy', timestamp: start }]), /must not be before the previous trade's/);
      // Trades of one millisecond (a taker order filled against several makers) share its timestamp.
      const sameMs = emu.injectTrades('ETH/USDT', [3112, 3113].map((price) => ({ price, amount: 1, side: 'buy' as const, timestamp: (injected.at(-1) as EmulatorTrade).timestamp })));
      assert.deepEqual(sameMs.map((t) => [t.id - last.id, t.timestamp - start]), [[6, 80 * MINUTE], [7, 80 * MINUTE]]);
    });

    it('fetchTrades ids, timestamps, prices, amounts and sides match the log', async () => {
      const log = emu.trades('SOL/USDT');
      const recent = await exchange.fetchTrades('SOL/USDT', undefined, 100);
      const pick = (t: { id?: string | number; timestamp?: number; price?: number; amount?: number; side?: string }) => [String(t.id), t.timestamp, t.price, t.amount, t.side];
      assert.deepEqual(recent.map(pick), log.slice(-100).map(pick));
      const since = (log[50] as EmulatorTrade).timestamp;
      const window = await exchange.fetchTrades('SOL/USDT', since, 20);
      assert.deepEqual(window.map(pick), log.slice(50, 70).map(pick));
    });

    it('fetchTicker and fetchOrderBook agree with the log and the book', async () => {
      const last = emu.trades('BTC/USDT').at(-1) as EmulatorTrade;
      const ticker = await exchange.fetchTicker('BTC/USDT');
      assert.equal(ticker.last, last.price);
      assert.ok(ticker.bid !== undefined && ticker.ask !== undefined && ticker.bid < ticker.ask);
      const book = await exchange.fetchOrderBook('BTC/USDT', 5);
      assert.equal(book.bids.length, 5);
      assert.equal(book.nonce, emu.orderBook('BTC/USDT').lastUpdateId);
      assert.equal(book.bids[0]?.[0], ticker.bid);
    });

    it('a 429 fault makes fetchOHLCV reject with DDoSProtection / RateLimitExceeded, then recovers', async () => {
      const before = emu.stats().restRequests['/api/v3/klines'] ?? 0;
      emu.failRest({ status: 429, count: 1, path: 'klines' });
      await assert.rejects(exchange.fetchOHLCV('BTC/USDT', '1m'), (e: unknown) => e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection);
      emu.failRest({ status: 500, count: 1, path: '/api/v3/klines' });
      // Binance's 500 body {code: -1001} is mapped by ccxt's own error table before the HTTP status.
      await assert.rejects(exchange.fetchOHLCV('BTC/USDT', '1m'), (e: unknown) => e instanceof ccxt.OperationFailed || e instanceof ccxt.ExchangeNotAvailable);
      assert.ok((await exchange.fetchOHLCV('BTC/USDT', '1m')).length > 0);
      assert.equal(emu.stats().restRequests['/api/v3/klines'], before + 3);
    });

    it('holdRest: REST requests wait until released, then are answered in order from the state at release; the control API is not held', async () => {
      const release = emu.holdRest();
      let answered = 0;
      const first = exchange.fetchTrades('BTC/USDT', undefined, 1000).then((t) => (answered++, t));
      const second = exchange.fetchOHLCV('BTC/USDT', '1m').then((c) => (answered++, c));
      // Injected while held (the control API answers meanwhile): the held trades request sees it.
      const [late] = emu.injectTrades('BTC/USDT', [{ price: 50_000, amount: 0.5, side: 'buy' }]);
      const control = await fetch(`${emu.url}/_emulator/stats`);
      assert.equal(control.status, 200);
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.equal(answered, 0, 'nothing answered while held');
      release();
      const [trades, candles] = await Promise.all([first, second]);
      assert.ok(trades.some((t) => t.id === emu.wireTradeId('BTC/USDT', late!)), 'the trade injected while held is in the answer');
      assert.ok(candles.length > 0);
      release(); // a second release does nothing
      assert.ok((await exchange.fetchOHLCV('BTC/USDT', '1m')).length > 0, 'answered at once after the release');
    });

    it('holdRest(path): only requests to that path wait; the others are answered meanwhile', async () => {
      const release = emu.holdRest('/api/v3/klines');
      let answered = false;
      const candles = exchange.fetchOHLCV('BTC/USDT', '1m').then((c) => ((answered = true), c));
      await emu.waitForStats((s) => s.restHeld === 1);
      assert.ok((await exchange.fetchTrades('BTC/USDT', undefined, 10)).length > 0, 'trades answered while klines are held');
      assert.equal(answered, false, 'the klines request is still held');
      release();
      assert.ok((await candles).length > 0);
      assert.ok((await exchange.fetchOHLCV('BTC/USDT', '1m')).length > 0, 'answered at once after the release');
    });

    it('answers an unknown symbol with HTTP 400 {code:-1121} and a bad interval with -1120', async () => {
      const bad = await fetch(`${emu.url}/api/v3/klines?symbol=NOPEUSDT&interval=1m`);
      assert.equal(bad.status, 400);
      assert.deepEqual(await bad.json(), { code: -1121, msg: 'Invalid symbol.' });
      const interval = await fetch(`${emu.url}/api/v3/klines?symbol=BTCUSDT&interval=7m`);
      assert.equal(interval.status, 400);
      assert.equal(((await interval.json()) as { code: number }).code, -1120);
      await assert.rejects(exchange.fetchTicker('BTC/USDT', { symbol: 'NOPEUSDT' }), (e: unknown) => e instanceof ccxt.BadSymbol);
    });

    it('refuses a negative startTime with HTTP 400 {code:-1100}, as Binance does (ccxt: BadRequest)', async () => {
      const res = await fetch(`${emu.url}/api/v3/klines?symbol=BTCUSDT&interval=1M&startTime=-796867200000&limit=1000`);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { code: -1100, msg: "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'." });
      await assert.rejects(exchange.fetchOHLCV('BTC/USDT', '1M', -796_867_200_000, 1000), (e: unknown) => e instanceof ccxt.BadRequest);
    });
  });

  describe('streams on a live market', () => {
    let emu: ExchangeEmulator;
    let exchange: Binance;

    before(async () => {
      emu = await ExchangeEmulator.start({ seed: 3, tradesPerSecond: 20, depthIntervalMs: 50, tickerIntervalMs: 100, historyMinutes: 30 });
    });
    beforeEach(() => {
      exchange = makeExchange(emu);
    });
    afterEach(async () => {
      await exchange?.close();
      emu.clearFaults();
    });
    after(async () => {
      await emu?.close();
    });

    it('watchTrades delivers injected trades with the logged ids, and live trades exactly as logged', async () => {
      await exchange.watchTrades('BTC/USDT');
      const injected = emu.injectTrades('BTC/USDT', [
        { price: 61000, amount: 0.5, side: 'buy' },
        { price: 60990.5, amount: 0.25, side: 'sell' },
      ]);
      const wanted = new Set(injected.map((t) => String(t.id)));
      const seen = new Map<string, { timestamp?: number; price?: number; amount?: number; side?: string }>();
      while ([...wanted].some((id) => !seen.has(id))) {
        for (const t of await exchange.watchTrades('BTC/USDT')) seen.set(String(t.id), t);
      }
      const byId = new Map(emu.trades('BTC/USDT').map((t) => [String(t.id), t]));
      for (const [id, t] of seen) {
        const truth = byId.get(id);
        assert.ok(truth, `trade ${id} is in the log`);
        assert.deepEqual([t.timestamp, t.price, t.amount, t.side], [truth.timestamp, truth.price, truth.amount, truth.side]);
      }
    });

    it('watchOrderBook syncs and keeps updating; the local book equals the emulator book', async () => {
      let previous = 0;
      let matched = false;
      for (let i = 0; i < 8 || !matched; i++) {
        const book = await exchange.watchOrderBook('ETH/USDT');
        const nonce = book.nonce as number;
        assert.ok(nonce > previous, 'nonce increases');
        previous = nonce;
        const bid = book.bids[0]?.[0] as number;
        const ask = book.asks[0]?.[0] as number;
        assert.ok(bid < ask, `best bid ${bid} < best ask ${ask}`);
        const truth = emu.orderBook('ETH/USDT');
        if (truth.lastUpdateId === nonce) {
          matched = true;
          const levels = (side: ArrayLike<readonly [unknown, unknown]>) => Array.from(side, (l) => [l[0], l[1]]);
          assert.deepEqual(levels(book.bids), truth.bids.map(([p, q]) => [Number(p), Number(q)]));
          assert.deepEqual(levels(book.asks), truth.asks.map(([p, q]) => [Number(p), Number(q)]));
        }
        assert.ok(i < 100, 'the local book caught up with the emulator at least once');
      }
    });

    it("watchTicker({name: 'ticker'}) has bid and ask; the default miniTicker has the last price", async () => {
      const ticker = await exchange.watchTicker('SOL/USDT', { name: 'ticker' });
      assert.equal(ticker.symbol, 'SOL/USDT');
      assert.ok(typeof ticker.bid === 'number' && typeof ticker.ask === 'number' && ticker.bid < ticker.ask);
      assert.ok(emu.trades('SOL/USDT').some((t) => t.price === ticker.last));
      const mini = await exchange.watchTicker('ETH/USDT');
      assert.ok(typeof mini.last === 'number' && mini.last > 0);
    });

    it('exchange.close() leaves the emulator with no open sockets', async () => {
      await Promise.all([exchange.watchTrades('SOL/USDT'), exchange.watchOrderBook('SOL/USDT')]);
      assert.ok(emu.stats().openSockets >= 2);
      await exchange.close();
      const stats = await emu.waitForStats((s) => s.openSockets === 0, 3000);
      assert.deepEqual(stats.subscriptions, {});
    });

    it('malformed frames do not crash the emulator; the stream works again afterwards', async () => {
      for (const kind of ['invalid-json', 'bad-fields'] as const) {
        const pending = exchange.watchTrades('ETH/USDT', undefined, undefined, { name: 'aggTrade' });
        const settled = pending.then(
          () => 'resolved',
          () => 'rejected',
        );
        await emu.waitForStats(subscribed('ethusdt@aggTrade'));
        assert.ok(emu.sendMalformed(kind, 'ethusdt@aggTrade') >= 1);
        await settled; // a live trade may win the race; either way nothing crashed
      }
      const trades = await exchange.watchTrades('ETH/USDT', undefined, undefined, { name: 'aggTrade' });
      assert.ok(trades.length > 0);
      assert.ok((await exchange.fetchTrades('ETH/USDT', undefined, 5)).length === 5);
    });

    it('drop + restart: a subsequent watchTrades works again', async () => {
      await exchange.watchTrades('BTC/USDT');
      const pending = exchange.watchTrades('BTC/USDT').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal(emu.dropConnections(), 1);
      await emu.restart();
      await emu.waitForStats((s) => s.openSockets === 0);
      const outcome = await pending;
      assert.ok(outcome === undefined || outcome instanceof ccxt.NetworkError);
      const totalBefore = emu.stats().wsConnectionsTotal;
      const next = exchange.watchTrades('BTC/USDT');
      await emu.waitForStats((s) => s.wsConnectionsTotal > totalBefore && subscribed('btcusdt@trade')(s));
      const [trade] = emu.injectTrades('BTC/USDT', [{ price: 60500, amount: 1, side: 'buy' }]);
      const ids = new Set((await next).map((t) => t.id));
      while (!ids.has(String(trade?.id))) for (const t of await exchange.watchTrades('BTC/USDT')) ids.add(t.id);
    });
  });

  describe('raw WebSocket protocol', () => {
    let emu: ExchangeEmulator;
    let client: RawClient;

    before(async () => {
      // These tests send their requests back to back, faster than the 5 a second Binance allows a connection.
      emu = await ExchangeEmulator.start({ seed: 11, tradesPerSecond: 0, depthIntervalMs: 20, historyMinutes: 10, maxIncomingPerSecond: 0 });
    });
    afterEach(async () => {
      await client?.close();
    });
    after(async () => {
      await emu?.close();
    });

    it('SUBSCRIBE / LIST_SUBSCRIPTIONS / UNSUBSCRIBE replies; a symbol not listed is accepted silently (as Binance does), a malformed name refused', async () => {
      client = new RawClient(`${emu.ccxtUrls().api.ws.spot}/0`);
      await client.open();
      client.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'ethusdt@depth'], id: 1 });
      assert.deepEqual(await client.next(isReply(1)), { result: null, id: 1 });
      client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
      assert.deepEqual(await client.next(isReply(2)), { result: ['btcusdt@trade', 'ethusdt@depth'], id: 2 });
      client.send({ method: 'SUBSCRIBE', params: ['btcusdt@nope'], id: 3 });
      assert.equal((await client.next(isReply(3))).error?.code, 2, 'a stream name of no channel');
      client.send({ method: 'SUBSCRIBE', params: ['BTCUSDT@trade'], id: 31 });
      assert.equal((await client.next(isReply(31))).error?.code, 2, 'an upper-case symbol');
      client.send({ method: 'SUBSCRIBE', params: ['nopeusdt@trade'], id: 32 });
      assert.deepEqual(await client.next(isReply(32)), { result: null, id: 32 }, 'a symbol Binance does not list: accepted, and nothing comes');
      client.send({ method: 'UNSUBSCRIBE', params: ['nopeusdt@trade'], id: 33 });
      assert.deepEqual(await client.next(isReply(33)), { result: null, id: 33 });
      client.send({ method: 'UNSUBSCRIBE', params: ['ethusdt@depth'], id: 4 });
      assert.deepEqual(await client.next(isReply(4)), { result: null, id: 4 });
      assert.deepEqual((await emu.waitForStats((s) => s.subscriptions['ethusdt@depth'] === undefined)).subscriptions, { 'btcusdt@trade': 1 });
      emu.injectTrades('BTC/USDT', [{ price: 60000.5, amount: 0.001, side: 'sell' }]);
      const isTrade = (f: unknown): f is { e: string; p: string; q: string; m: boolean } => (f as { e?: string }).e === 'trade';
      const trade = await client.next(isTrade);
      assert.deepEqual([trade.p, trade.q, trade.m], ['60000.50000000', '0.00100000', true]);
    });

    it('answers ping frames and serves combined streams as {stream, data}', async () => {
      client = new RawClient(`${emu.url.replace('http', 'ws')}/stream?streams=ethusdt@trade`);
      await client.open();
      const pong = once(client.ws, 'pong');
      client.ws.ping();
      await pong;
      await emu.waitForStats(subscribed('ethusdt@trade'));
      const [trade] = emu.injectTrades('ETH/USDT', [{ price: 3001, amount: 2, side: 'buy' }]);
      const isWrapped = (f: unknown): f is { stream: string; data: { t: number; m: boolean } } => (f as { stream?: string }).stream === 'ethusdt@trade';
      const frame = await client.next(isWrapped);
      assert.equal(frame.data.t, trade?.id);
      assert.equal(frame.data.m, false);
    });

    it('depth diffs are contiguous (U = previous u + 1), remove levels with "0" and continue the REST snapshot', async () => {
      client = new RawClient(`${emu.ccxtUrls().api.ws.spot}/1`);
      await client.open();
      client.send({ method: 'SUBSCRIBE', params: ['solusdt@depth@100ms'], id: 1 });
      await client.next(isReply(1));
      const snapshot = (await (await fetch(`${emu.url}/api/v3/depth?symbol=SOLUSDT&limit=1000`)).json()) as { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] };
      const book = { bids: new Map(snapshot.bids), asks: new Map(snapshot.asks) };
      let previous: number | undefined;
      let synced = false;
      // Move the price so that levels are removed, then follow the diffs.
      emu.injectTrades('SOL/USDT', [{ price: 160, amount: 1, side: 'buy' }]);
      let removed = 0;
      for (let n = 0; n < 10; n++) {
        const event = await client.next(isDepth);
        if (previous !== undefined) assert.equal(event.U, previous + 1);
        previous = event.u;
        if (event.u <= snapshot.lastUpdateId) continue;
        if (!synced) assert.ok(event.U <= snapshot.lastUpdateId + 1, 'first diff after the snapshot overlaps it');
        synced = true;
        for (const [side, levels] of [[book.bids, event.b], [book.asks, event.a]] as const) {
          for (const [price, qty] of levels) {
            if (qty === '0.00000000') {
              removed += 1;
              side.delete(price);
            } else side.set(price, qty);
          }
        }
      }
      assert.ok(removed > 0, 'some levels were removed with quantity 0');
      const bestBid = Math.max(...[...book.bids.keys()].map(Number));
      const bestAsk = Math.min(...[...book.asks.keys()].map(Number));
      assert.ok(bestBid < 160 && 160 < bestAsk, `book re-centred on the last trade: ${bestBid} < 160 < ${bestAsk}`);
    });
  });

  describe('HTTP control API', () => {
    let emu: ExchangeEmulator;

    before(async () => {
      emu = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 0, historyMinutes: 5 });
    });
    after(async () => {
      await emu?.close();
    });

    const post = (path: string, body: unknown) => fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });

    it('stats, inject and trades', async () => {
      const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { openSockets: number };
      assert.equal(stats.openSockets, 0);
      const injected = await post('inject', { symbol: 'BTCUSDT', trades: [{ price: 59000, amount: 0.1, side: 'sell' }] });
      assert.equal(injected.status, 200);
      const [trade] = ((await injected.json()) as { trades: EmulatorTrade[] }).trades;
      assert.deepEqual(trade, emu.trades('BTC/USDT').at(-1));
      const since = await fetch(`${emu.url}/_emulator/trades?symbol=BTC/USDT&since=${trade?.timestamp}`);
      assert.deepEqual(await since.json(), [trade]);
    });

    it('play: a price path is played at intervalMs and logged with sides following the moves', async () => {
      const res = await post('play', { symbol: 'SOL/USDT', prices: [170, 171.25, 169.5], intervalMs: 10, amount: 3 });
      assert.equal(res.status, 200);
      const { trades } = (await res.json()) as { trades: EmulatorTrade[] };
      assert.deepEqual(trades.map((t) => [t.price, t.amount, t.side]), [
        [170, 3, 'buy'],
        [171.25, 3, 'buy'],
        [169.5, 3, 'sell'],
      ]);
      assert.deepEqual(emu.trades('SOL/USDT').slice(-3), trades);
    });

    it('rate sets the generated trades per second and answers the rate it replaced, so a script can restore it', async () => {
      const set = async (tradesPerSecond: number) => (await (await post('rate', { tradesPerSecond })).json()) as { tradesPerSecond: number; previous: number };
      assert.deepEqual(await set(3), { tradesPerSecond: 3, previous: 0 });
      assert.equal(emu.tradesPerSecond, 3);
      assert.deepEqual(await set(0), { tradesPerSecond: 0, previous: 3 });
      assert.equal(emu.tradesPerSecond, 0);
    });

    it('validates input with 400 and a clear message', async () => {
      const cases: [string, unknown, RegExp][] = [
        ['inject', { symbol: 'BTCUSDT', trades: [{ price: 'x', amount: 1, side: 'buy' }] }, /price and amount must be numbers/],
        ['inject', { symbol: 'NOPE', trades: [{ price: 1, amount: 1, side: 'buy' }] }, /unknown emulator symbol/],
        ['fault/rest', { status: 404 }, /'status' must be one of/],
        ['fault/delay', { ms: -1 }, /'ms' must be a number >= 0/],
        ['fault/candleLag', { ms: 60_000 }, /only the coinbase protocol models a candle lag/],
        ['fault/malformed', { kind: 'garbage' }, /'kind' must be/],
        ['rate', { tradesPerSecond: -1 }, /'tradesPerSecond' must be a number >= 0/],
      ];
      for (const [path, body, message] of cases) {
        const res = await post(path, body);
        assert.equal(res.status, 400, path);
        assert.match(((await res.json()) as { error: string }).error, message);
      }
      const notJson = await fetch(`${emu.url}/_emulator/inject`, { method: 'POST', body: '{oops' });
      assert.equal(notJson.status, 400);
    });

    it('spread widens the book around the last price; the @ticker events sent are logged for GET /tickers', async () => {
      const fast = await ExchangeEmulator.start({ seed: 5, tradesPerSecond: 0, historyMinutes: 5, tickerIntervalMs: 20, depthIntervalMs: 20 });
      const raw = new RawClient(`${fast.url.replace('http', 'ws')}/ws/btcusdt@ticker`);
      try {
        await raw.open();
        type TickerEvent = { e: '24hrTicker'; E: number; b: string; a: string };
        const isTicker = (f: unknown): f is TickerEvent => (f as TickerEvent).e === '24hrTicker';
        const spreadOf = (t: TickerEvent) => Number(t.a) - Number(t.b);
        const tight = spreadOf(await raw.next(isTicker));
        assert.ok(tight >= 1 && tight <= 2, `BTC levels are 1.00 apart: the tight spread is 1 or 2, got ${tight}`);
        const res = await fetch(`${fast.url}/_emulator/spread`, { method: 'POST', body: JSON.stringify({ symbol: 'BTCUSDT', levels: 3 }) });
        assert.deepEqual(await res.json(), { symbol: 'BTC/USDT', levels: 3 });
        const wide = await raw.next((f): f is TickerEvent => isTicker(f) && spreadOf(f) > 2);
        assert.equal(spreadOf(wide), tight + 6, 'three empty levels on each side');
        const logged = (await (await fetch(`${fast.url}/_emulator/tickers?symbol=BTC/USDT&since=${wide.E}`)).json()) as { timestamp: number; bid: number; ask: number }[];
        assert.deepEqual(logged[0], { timestamp: wide.E, bid: Number(wide.b), ask: Number(wide.a) });
        assert.deepEqual(fast.tickers('BTC/USDT', wide.E)[0], logged[0]);
        for (const levels of [-1, 1.5, 'x']) {
          const bad = await fetch(`${fast.url}/_emulator/spread`, { method: 'POST', body: JSON.stringify({ symbol: 'BTCUSDT', levels }) });
          assert.equal(bad.status, 400, String(levels));
          assert.match(((await bad.json()) as { error: string }).error, /'levels'/);
        }
      } finally {
        await raw.close();
        await fast.close();
      }
    });

    it("the all-market ticker arrays carry only the markets that changed (Binance's docs): none while nothing trades, then the one that traded; @ticker every second regardless", async () => {
      const quiet = await ExchangeEmulator.start({ seed: 6, tradesPerSecond: 0, historyMinutes: 5, tickerIntervalMs: 20 });
      const raw = new RawClient(`${quiet.url.replace('http', 'ws')}/stream?streams=!ticker@arr/!miniTicker@arr/ethusdt@ticker`);
      try {
        await raw.open();
        type Framed = { stream: string; data: unknown };
        const on = (stream: string) => (f: unknown): f is Framed => (f as Framed).stream === stream;
        const any = (f: unknown): f is Framed => typeof (f as Framed).stream === 'string';
        // The market's own stream comes every push though nothing changes; the arrays stay silent meanwhile.
        for (let i = 0; i < 5; i++) assert.equal((await raw.next(any)).stream, 'ethusdt@ticker', 'no array while nothing trades');
        const [trade] = quiet.injectTrades('BTC/USDT', [{ price: 61_234.5, amount: 0.25, side: 'buy' }]);
        const all = (await raw.next(on('!ticker@arr'))).data as Array<{ s: string; c: string; L: number }>;
        assert.deepEqual(all.map((t) => [t.s, Number(t.c), t.L]), [['BTCUSDT', 61_234.5, trade!.id]], 'only the market that traded');
        const mini = (await raw.next(any)) as Framed;
        assert.equal(mini.stream, '!miniTicker@arr');
        assert.deepEqual((mini.data as Array<{ s: string }>).map((t) => t.s), ['BTCUSDT']);
        for (let i = 0; i < 5; i++) assert.equal((await raw.next(any)).stream, 'ethusdt@ticker', 'nothing more: nothing changed since');
      } finally {
        await raw.close();
        await quiet.close();
      }
    });

    it('fault/rest answers 429 with Retry-After, fault/delay delays REST, fault/restart comes back', async () => {
      assert.equal((await post('fault/rest', { status: 429, count: 1, path: 'time', retryAfterSec: 3 })).status, 200);
      const limited = await fetch(`${emu.url}/api/v3/time`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '3');
      assert.equal(((await limited.json()) as { code: number }).code, -1003);
      assert.equal((await fetch(`${emu.url}/api/v3/time`)).status, 200);

      assert.equal((await post('fault/delay', { ms: 150 })).status, 200);
      const t0 = performance.now();
      await fetch(`${emu.url}/api/v3/ping`);
      assert.ok(performance.now() - t0 >= 140, 'REST answer was delayed');
      await post('fault/clear', {});

      const listening = once(emu, 'listening');
      const restart = await post('fault/restart', { afterMs: 50 });
      assert.deepEqual(await restart.json(), { restartingInMs: 50 });
      assert.equal(restart.headers.get('connection'), 'close', 'the answer closes its socket: none is pooled across the restart');
      await listening;
      assert.equal((await fetch(`${emu.url}/api/v3/ping`)).status, 200);
    });
  });

  describe('determinism', () => {
    const emulators: ExchangeEmulator[] = [];
    after(async () => {
      await Promise.all(emulators.map((e) => e.close()));
    });

    it('the same seed and start time yield the same prices, amounts and sides; another seed does not', async () => {
      const start = async (seed: number, now?: () => number) => {
        const emu = await ExchangeEmulator.start({ seed, tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 60, ...(now ? { now } : {}) });
        emulators.push(emu);
        return emu;
      };
      const sequence = (emu: ExchangeEmulator) => emu.trades('BTC/USDT').map((t) => [t.price, t.amount, t.side]);
      // Prices follow the asset's common price at each trade's time (one price across exchanges), so the start time counts too.
      const fixed = () => Date.UTC(2024, 0, 1);
      const [a, b, c] = await Promise.all([start(42, fixed), start(42, fixed), start(43, fixed)]);
      assert.equal(sequence(a).length, 360);
      assert.deepEqual(sequence(a), sequence(b));
      assert.notDeepEqual(sequence(a), sequence(c));
      const [d, e] = await Promise.all([start(9, fixed), start(9, fixed)]);
      assert.deepEqual(d.trades('ETH/USDT'), e.trades('ETH/USDT'));
      assert.deepEqual(d.orderBook('SOL/USDT'), e.orderBook('SOL/USDT'));
    });
  });
});
