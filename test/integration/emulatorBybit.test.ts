/**
 * The Bybit v5 emulator (linear perpetuals): its raw protocol as the v5 docs describe it (REST envelopes and
 * rate-limit answers; WebSocket op replies, ping/pong, orderbook snapshot + deltas with u and seq, ticker deltas,
 * allLiquidation), and the real, unmodified ccxt.pro.bybit against it with only its URLs overridden.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import ccxt from 'ccxt';
import { ExchangeEmulator } from '../../src/emulator';
import { RawClient } from '../helpers/rawClient';
import { exactOhlcv } from '../helpers/referenceCandles';

type Bybit = InstanceType<typeof ccxt.pro.bybit>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const BTC = 'BTC/USDT:USDT';

function makeExchange(emu: ExchangeEmulator<'bybit'>): Bybit {
  const { urls, options } = emu.ccxtConfig();
  return new ccxt.pro.bybit({ urls, options: { ...options, ws: { backoff: { base: 50 } } }, httpAgent: new http.Agent() });
}

interface Reply {
  success: boolean;
  ret_msg: string;
  conn_id: string;
  req_id?: string;
  op: string;
}
interface BookMessage {
  topic: string;
  type: 'snapshot' | 'delta';
  ts: number;
  data: { s: string; b: [string, string][]; a: [string, string][]; u: number; seq: number };
}
interface TickerMessage {
  topic: string;
  type: 'snapshot' | 'delta';
  data: Record<string, string>;
  cs: number;
  ts: number;
}

const isReply =
  (op: string, reqId: string) =>
  (f: unknown): f is Reply =>
    (f as Reply).op === op && (f as Reply).req_id === reqId;
const onTopic =
  <T>(topic: string) =>
  (f: unknown): f is T =>
    (f as { topic?: string }).topic === topic;
const subscribed = (topic: string) => (s: { subscriptions: Record<string, number> }) => (s.subscriptions[topic] ?? 0) >= 1;

describe('Bybit v5 emulator (linear perpetuals)', function () {
  this.timeout(20_000);

  describe('REST (raw and through ccxt) on a quiet market', () => {
    let emu: ExchangeEmulator<'bybit'>;
    let exchange: Bybit;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'bybit', seed: 7, tradesPerSecond: 0, depthIntervalMs: 0 });
      exchange = makeExchange(emu);
    });
    after(async () => {
      await exchange?.close();
      await emu?.close();
    });

    it('loadMarkets lists the linear perpetuals with tick, step and leverage from instruments-info', async () => {
      const markets = await exchange.loadMarkets();
      assert.deepEqual(Object.keys(markets).sort(), ['BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT']);
      const btc = markets[BTC];
      assert.equal(btc?.id, 'BTCUSDT');
      assert.equal(btc?.type, 'swap');
      assert.equal(btc?.linear, true);
      assert.equal(btc?.settle, 'USDT');
      assert.equal(btc?.active, true);
      assert.equal(btc?.precision.price, 0.1);
      assert.equal(btc?.precision.amount, 0.001);
      assert.equal(btc?.limits.leverage?.max, 100);
      assert.equal(emu.stats().restRequests['/v5/market/instruments-info'], 2, 'Trading, then PreLaunch');
    });

    it('kline: newest first, from the bucket containing start; fetchOHLCV equals the log', async () => {
      const log = emu.trades(BTC);
      const expected = exactOhlcv(log, MINUTE);
      const first = expected[0]?.[0] as number;
      const raw = (await (await fetch(`${emu.url}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&start=${first + 30_000}&limit=3`)).json()) as { retCode: number; result: { list: string[][] } };
      assert.equal(raw.retCode, 0);
      assert.deepEqual(raw.result.list.map((r) => Number(r[0])), expected.slice(0, 3).map((r) => r[0]).reverse());
      assert.deepEqual(await exchange.fetchOHLCV(BTC, '1m', first, 1000), expected.slice(0, 1000));
      assert.deepEqual(await exchange.fetchOHLCV(BTC, '5m', undefined, 20), exactOhlcv(log, 5 * MINUTE).slice(-20));
      const bad = (await (await fetch(`${emu.url}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=7`)).json()) as { retCode: number };
      assert.equal(bad.retCode, 10001);
    });

    it('fetchTrades: the newest trades with their UUID-shaped ids, exactly as logged', async () => {
      const log = emu.trades('ETH/USDT:USDT');
      const trades = await exchange.fetchTrades('ETH/USDT:USDT', undefined, 40);
      assert.deepEqual(
        trades.map((t) => [t.id, t.timestamp, t.price, t.amount, t.side]),
        log.slice(-40).map((t) => [emu.wireTradeId('ETH/USDT:USDT', t), t.timestamp, t.price, t.amount, t.side]),
      );
      assert.match(trades[0]?.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('fetchFundingRate and fetchOpenInterest equal the perpetual ground truth', async () => {
      const rate = await exchange.fetchFundingRate(BTC);
      const truth = emu.derivatives(BTC);
      assert.deepEqual([rate.markPrice, rate.indexPrice, rate.fundingRate, rate.fundingTimestamp], [truth.markPrice, truth.indexPrice, truth.fundingRate, truth.nextFundingTime]);
      assert.equal((rate.fundingTimestamp as number) % (8 * HOUR), 0, 'funding every 8 hours');
      const oi = await exchange.fetchOpenInterest(BTC);
      const hour = Math.floor(Date.now() / HOUR) * HOUR;
      assert.equal(oi.timestamp, hour, 'the latest hourly record');
      assert.equal(oi.openInterestAmount, emu.openInterestAt(BTC, hour));
    });

    it('faults fail as Bybit fails: retCode 10006 with X-Bapi-Limit headers, 403 for an IP ban', async () => {
      emu.failRest({ status: 429, count: 1, path: 'kline', retryAfterSec: 2 });
      const limited = await fetch(`${emu.url}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1`);
      assert.equal(limited.status, 200);
      assert.equal(((await limited.json()) as { retCode: number }).retCode, 10006);
      assert.equal(limited.headers.get('x-bapi-limit-status'), '0');
      assert.ok(Number(limited.headers.get('x-bapi-limit-reset-timestamp')) >= Date.now() + 1000);
      emu.failRest({ status: 429, count: 1, path: 'kline' });
      await assert.rejects(exchange.fetchOHLCV(BTC, '1m'), (e: unknown) => e instanceof ccxt.RateLimitExceeded);
      emu.failRest({ status: 418, count: 1, path: 'recent-trade' });
      await assert.rejects(exchange.fetchTrades(BTC, undefined, 5), (e: unknown) => e instanceof ccxt.RateLimitExceeded);
      assert.equal((await exchange.fetchTrades(BTC, undefined, 5)).length, 5);
    });
  });

  describe('raw WebSocket protocol', () => {
    let emu: ExchangeEmulator<'bybit'>;
    let client: RawClient;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'bybit', seed: 11, tradesPerSecond: 0, depthIntervalMs: 20, tickerIntervalMs: 20, historyMinutes: 10, liquidationsPerTrade: 0 });
    });
    afterEach(async () => {
      await client?.close();
    });
    after(async () => {
      await emu?.close();
    });

    it('op replies: subscribe, unsubscribe and ping (pong) as the linear stream answers; an unknown topic fails', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: 'a1', op: 'subscribe', args: ['publicTrade.BTCUSDT', 'allLiquidation.BTCUSDT'] });
      const ok = await client.next(isReply('subscribe', 'a1'));
      assert.deepEqual({ ...ok, conn_id: typeof ok.conn_id }, { success: true, ret_msg: '', conn_id: 'string', req_id: 'a1', op: 'subscribe' });
      client.send({ req_id: 'p1', op: 'ping' });
      assert.deepEqual({ ...(await client.next(isReply('ping', 'p1'))), conn_id: ok.conn_id }, { success: true, ret_msg: 'pong', conn_id: ok.conn_id, req_id: 'p1', op: 'ping' });
      client.send({ req_id: 'b1', op: 'subscribe', args: ['orderbook.7.BTCUSDT'] });
      const bad = await client.next(isReply('subscribe', 'b1'));
      assert.equal(bad.success, false);
      assert.match(bad.ret_msg, /orderbook\.7\.BTCUSDT/);
      const [trade] = emu.injectTrades(BTC, [{ price: 60123.4, amount: 0.25, side: 'sell' }]);
      const pushed = await client.next(onTopic<{ type: string; data: Record<string, unknown>[] }>('publicTrade.BTCUSDT'));
      assert.equal(pushed.type, 'snapshot');
      assert.deepEqual(
        { ...pushed.data[0], seq: typeof pushed.data[0]?.seq },
        { T: trade?.timestamp, s: 'BTCUSDT', S: 'Sell', v: '0.250', p: '60123.4', L: pushed.data[0]?.L, i: emu.wireTradeId(BTC, trade!), BT: false, RPI: false, seq: 'number' },
      );
      const [liquidation] = emu.injectLiquidations(BTC, [{ side: 'buy', price: 60100, amount: 1.5 }]);
      const liquidations = await client.next(onTopic<{ type: string; data: unknown[] }>('allLiquidation.BTCUSDT'));
      assert.deepEqual(liquidations.data, [{ T: liquidation?.timestamp, s: 'BTCUSDT', S: 'Buy', v: '1.500', p: '60100.0' }]);
      client.send({ req_id: 'u1', op: 'unsubscribe', args: ['publicTrade.BTCUSDT'] });
      assert.equal((await client.next(isReply('unsubscribe', 'u1'))).success, true);
      assert.deepEqual((await emu.waitForStats((s) => s.subscriptions['publicTrade.BTCUSDT'] === undefined)).subscriptions, { 'allLiquidation.BTCUSDT': 1 });
    });

    it('orderbook.50: a snapshot, then deltas with u one more each time and seq rising, that keep the top 50 equal to the book', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '1', op: 'subscribe', args: ['orderbook.50.ETHUSDT'] });
      const snapshot = await client.next(onTopic<BookMessage>('orderbook.50.ETHUSDT'));
      assert.equal(snapshot.type, 'snapshot');
      assert.equal(snapshot.data.b.length, 50);
      const book = { b: new Map(snapshot.data.b), a: new Map(snapshot.data.a) };
      emu.injectTrades('ETH/USDT:USDT', [{ price: 3100, amount: 1, side: 'buy' }]);
      let { u, seq } = snapshot.data;
      let removed = 0;
      let matched = 0;
      for (let n = 0; matched < 3; n++) {
        const delta = await client.next(onTopic<BookMessage>('orderbook.50.ETHUSDT'));
        assert.equal(delta.type, 'delta');
        assert.equal(delta.data.u, u + 1, 'u follows the previous message of the topic');
        assert.ok(delta.data.seq > seq, 'seq rises');
        ({ u, seq } = delta.data);
        for (const side of ['b', 'a'] as const) {
          for (const [p, q] of delta.data[side]) {
            if (Number(q) === 0) {
              removed += 1;
              book[side].delete(p);
            } else book[side].set(p, q);
          }
        }
        assert.equal(book.b.size, 50, 'the view keeps 50 bids');
        const truth = emu.orderBook('ETH/USDT:USDT', 50);
        const levels = (side: Map<string, string>, dir: 1 | -1) => [...side].map(([p, q]) => [Number(p), Number(q)]).sort((x, y) => dir * ((x[0] as number) - (y[0] as number)));
        if (JSON.stringify(levels(book.b, -1)) === JSON.stringify(truth.bids) && JSON.stringify(levels(book.a, 1)) === JSON.stringify(truth.asks)) matched += 1;
        assert.ok(n < 200, 'the local view equals the top 50 of the book');
      }
      assert.ok(removed > 0, 'levels leave the view with size 0');
    });

    it("the REST orderbook's u is the 1000-level topic's u (Bybit's docs), and its levels are the topic's book at that u", async () => {
      type RestBook = { result: { b: [string, string][]; a: [string, string][]; u: number; seq: number } };
      const rest = async (): Promise<RestBook['result']> => ((await (await fetch(`${emu.url}/v5/market/orderbook?category=linear&symbol=SOLUSDT&limit=1000`)).json()) as RestBook).result;
      // Nobody follows the topic yet: the answers are still in sequence, and a subscriber's snapshot comes after them.
      const first = await rest();
      emu.injectTrades('SOL/USDT:USDT', [{ price: 160, amount: 2, side: 'buy' }]);
      let second = await rest();
      // The book steps every 20 ms: asked again until it has (no timer of ours in between).
      for (let n = 0; JSON.stringify([second.b, second.a]) === JSON.stringify([first.b, first.a]); n++) {
        assert.ok(n < 1000, 'the book moved');
        second = await rest();
      }
      assert.ok(second.u > first.u, `u rises with the book (${first.u} → ${second.u})`);
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '1', op: 'subscribe', args: ['orderbook.1000.SOLUSDT'] });
      const snapshot = await client.next(onTopic<BookMessage>('orderbook.1000.SOLUSDT'));
      assert.ok(snapshot.data.u > second.u, `the snapshot (u ${snapshot.data.u}) comes after the last REST answer (u ${second.u})`);
      // Followed: the REST u names a message of the topic, and the book after it is the REST answer's.
      const book = { b: new Map(snapshot.data.b), a: new Map(snapshot.data.a) };
      emu.injectTrades('SOL/USDT:USDT', [{ price: 150, amount: 2, side: 'sell' }]);
      const answer = await rest();
      let u = snapshot.data.u;
      while (u < answer.u) {
        const delta = await client.next(onTopic<BookMessage>('orderbook.1000.SOLUSDT'));
        assert.equal(delta.data.u, u + 1);
        u = delta.data.u;
        for (const side of ['b', 'a'] as const) for (const [p, q] of delta.data[side]) (Number(q) === 0 ? book[side].delete(p) : book[side].set(p, q));
      }
      assert.equal(u, answer.u, 'a message of the topic carries the REST u');
      const sorted = (side: Map<string, string>, dir: 1 | -1) => [...side].sort((x, y) => dir * (Number(x[0]) - Number(y[0])));
      assert.deepEqual({ b: sorted(book.b, -1), a: sorted(book.a, 1) }, { b: answer.b, a: answer.a }, 'the topic at that u is the REST book');
    });

    it('tickers: a snapshot with funding, open interest and mark price, then deltas of the changed fields only', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '1', op: 'subscribe', args: ['tickers.SOLUSDT'] });
      const snapshot = await client.next(onTopic<TickerMessage>('tickers.SOLUSDT'));
      assert.equal(snapshot.type, 'snapshot');
      for (const field of ['lastPrice', 'markPrice', 'indexPrice', 'fundingRate', 'nextFundingTime', 'openInterest', 'openInterestValue', 'bid1Price', 'ask1Price']) assert.ok(snapshot.data[field] !== undefined, field);
      const logged = emu.tickers('SOL/USDT:USDT').find((t) => t.timestamp === snapshot.ts);
      assert.deepEqual(logged && [logged.markPrice, logged.fundingRate, logged.openInterest], [Number(snapshot.data.markPrice), Number(snapshot.data.fundingRate), Number(snapshot.data.openInterest)]);
      emu.injectTrades('SOL/USDT:USDT', [{ price: 155, amount: 3, side: 'buy' }]);
      const delta = await client.next((f): f is TickerMessage => onTopic<TickerMessage>('tickers.SOLUSDT')(f) && f.data.lastPrice !== undefined);
      assert.equal(delta.type, 'delta');
      assert.equal(delta.data.lastPrice, '155.000');
      assert.ok(Object.keys(delta.data).length < Object.keys(snapshot.data).length, 'only the changed fields');
    });

    it("the crossed-level fault: an orderbook delta in sequence (u one more) adding a bid above the best ask, which the book does not hold and no later delta removes", async () => {
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '1', op: 'subscribe', args: ['orderbook.50.BTCUSDT'] });
      const snapshot = await client.next(onTopic<BookMessage>('orderbook.50.BTCUSDT'));
      assert.equal(snapshot.type, 'snapshot');
      const bestAsk = emu.orderBook(BTC, 1).asks[0]![0];
      assert.equal(emu.sendMalformed('crossed-level', 'orderbook.50.BTCUSDT'), 1);
      const crossesAt = (m: BookMessage) => m.data.b.find(([p]) => Number(p) > bestAsk * 1.005);
      let { u, seq } = snapshot.data;
      let crossed: [string, string] | undefined;
      for (let n = 0; crossed === undefined; n++) {
        const delta = await client.next(onTopic<BookMessage>('orderbook.50.BTCUSDT'));
        assert.deepEqual([delta.type, delta.data.u], ['delta', u + 1], 'a delta in sequence');
        assert.ok(delta.data.seq > seq, 'seq rises');
        ({ u, seq } = delta.data);
        crossed = crossesAt(delta);
        if (crossed) assert.deepEqual(delta.data.a, [], 'the crossed delta adds one bid only');
        assert.ok(n < 50, 'the crossed delta came');
      }
      assert.match(crossed[0], /^\d+\.\d$/, "at the contract's price scale");
      assert.ok(Number(crossed[1]) > 0);
      assert.ok(!emu.orderBook(BTC, 1000).bids.some(([p]) => p === Number(crossed[0])), 'the book does not hold the level');
      for (let n = 0; n < 5; n++) {
        const delta = await client.next(onTopic<BookMessage>('orderbook.50.BTCUSDT'));
        assert.equal(delta.data.u, u + 1, 'still in sequence');
        u = delta.data.u;
        assert.ok(!delta.data.b.some(([p]) => p === crossed[0]), 'no later delta names the level');
      }
    });

    it('the future-trade fault: the newest trade again on publicTrade, under an id no trade has, 23 h ahead', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '1', op: 'subscribe', args: ['publicTrade.BTCUSDT'] });
      assert.equal((await client.next(isReply('subscribe', '1'))).success, true);
      const logged = emu.trades(BTC);
      const newest = logged.at(-1)!;
      assert.equal(emu.sendMalformed('future-trade', 'publicTrade.BTCUSDT'), 1);
      const pushed = await client.next(onTopic<{ type: string; ts: number; data: Record<string, unknown>[] }>('publicTrade.BTCUSDT'));
      assert.equal(pushed.type, 'snapshot');
      assert.equal(pushed.data.length, 1);
      const [trade] = pushed.data;
      assert.deepEqual({ s: trade?.s, S: trade?.S, p: Number(trade?.p), v: Number(trade?.v), BT: trade?.BT }, { s: 'BTCUSDT', S: newest.side === 'buy' ? 'Buy' : 'Sell', p: newest.price, v: newest.amount, BT: false });
      assert.ok(typeof trade?.i === 'string' && !logged.some((t) => emu.wireTradeId(BTC, t) === trade.i), `id ${String(trade?.i)} is no logged trade's`);
      const ahead = (trade?.T as number) - Date.now();
      assert.ok(ahead > 22 * 3_600_000 && ahead <= 23 * 3_600_000, `23 h ahead: ${ahead} ms`);
      assert.ok(Math.abs(pushed.ts - Date.now()) < 60_000, 'the message itself is stamped with the exchange clock');
    });

    it('a restarted service starts the orderbook topic over: the next snapshot has u = 1', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '1', op: 'subscribe', args: ['orderbook.200.BTCUSDT'] });
      await client.next(onTopic<BookMessage>('orderbook.200.BTCUSDT'));
      const delta = await client.next(onTopic<BookMessage>('orderbook.200.BTCUSDT'));
      assert.ok(delta.data.u > 1);
      await client.close();
      await emu.restart();
      client = new RawClient(emu.ccxtUrls().api.ws.public.linear);
      await client.open();
      client.send({ req_id: '2', op: 'subscribe', args: ['orderbook.200.BTCUSDT'] });
      const fresh = await client.next(onTopic<BookMessage>('orderbook.200.BTCUSDT'));
      assert.deepEqual([fresh.type, fresh.data.u], ['snapshot', 1]);
    });
  });

  describe('streams through ccxt', () => {
    let emu: ExchangeEmulator<'bybit'>;
    let exchange: Bybit;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'bybit', seed: 3, tradesPerSecond: 20, depthIntervalMs: 50, historyMinutes: 30, liquidationsPerTrade: 0 });
    });
    beforeEach(() => {
      exchange = makeExchange(emu);
    });
    afterEach(async () => {
      await exchange?.close();
    });
    after(async () => {
      await emu?.close();
    });

    it('watchTrades delivers every trade exactly as logged', async () => {
      await exchange.watchTrades(BTC);
      const [injected] = emu.injectTrades(BTC, [{ price: 60500, amount: 0.5, side: 'buy' }]);
      const wanted = emu.wireTradeId(BTC, injected!);
      const seen = new Map<string, { timestamp?: number; price?: number; amount?: number; side?: string }>();
      while (!seen.has(wanted)) for (const t of await exchange.watchTrades(BTC)) seen.set(String(t.id), t);
      const byId = new Map(emu.trades(BTC).map((t) => [emu.wireTradeId(BTC, t), t]));
      for (const [id, t] of seen) {
        const truth = byId.get(id);
        assert.ok(truth, `trade ${id} is in the log`);
        assert.deepEqual([t.timestamp, t.price, t.amount, t.side], [truth.timestamp, truth.price, truth.amount, truth.side]);
      }
    });

    it('watchOrderBook (orderbook.50): the local book equals the top 50 of the emulator book', async () => {
      let matched = false;
      for (let i = 0; !matched; i++) {
        const book = await exchange.watchOrderBook('ETH/USDT:USDT');
        const truth = emu.orderBook('ETH/USDT:USDT', 50);
        matched = JSON.stringify(Array.from(book.bids, (l) => [l[0], l[1]])) === JSON.stringify(truth.bids) && JSON.stringify(Array.from(book.asks, (l) => [l[0], l[1]])) === JSON.stringify(truth.asks);
        assert.ok(i < 100, 'the local book caught up with the emulator');
      }
      assert.deepEqual(Object.keys(emu.stats().subscriptions), ['orderbook.50.ETHUSDT']);
    });

    it('watchTicker: bid, ask, last and mark price are the ticker the emulator logged as sent', async () => {
      for (let i = 0; i < 3; i++) {
        const ticker = await exchange.watchTicker('SOL/USDT:USDT');
        const logged = emu.tickers('SOL/USDT:USDT').find((t) => t.timestamp === ticker.timestamp);
        assert.ok(logged, 'the ticker is in the log of tickers sent');
        assert.deepEqual([ticker.bid, ticker.ask, ticker.last, ticker.markPrice, ticker.indexPrice], [logged.bid, logged.ask, logged.last, logged.markPrice, logged.indexPrice]);
      }
    });

    it('watchLiquidations (allLiquidation) delivers injected liquidations exactly', async () => {
      // ccxt resolves a watch with the first liquidation of a push, so each one goes out in its own push.
      for (const input of [{ side: 'buy', price: 59000.5, amount: 2 }, { side: 'sell', price: 61000, amount: 0.75 }] as const) {
        const pending = exchange.watchLiquidations(BTC);
        await emu.waitForStats(subscribed('allLiquidation.BTCUSDT'));
        const [injected] = emu.injectLiquidations(BTC, [input]);
        const [got] = await pending;
        assert.deepEqual([got?.timestamp, got?.side, got?.price, got?.contracts], [injected?.timestamp, input.side, input.price, input.amount]);
        assert.deepEqual(emu.liquidations(BTC).at(-1), injected);
      }
    });

    it('exchange.close() leaves no socket open', async () => {
      await Promise.all([exchange.watchTrades('SOL/USDT:USDT'), exchange.watchOrderBook('SOL/USDT:USDT'), exchange.watchTicker('SOL/USDT:USDT')]);
      assert.equal(emu.stats().openSockets, 1, 'ccxt uses one socket for the linear stream');
      await exchange.close();
      assert.deepEqual((await emu.waitForStats((s) => s.openSockets === 0, 3000)).subscriptions, {});
    });
  });
});
