/**
 * The Coinbase Advanced Trade emulator: its raw protocol as the Advanced Trade docs describe it (REST shapes and
 * errors; WebSocket subscriptions replies, per-connection sequence numbers, level2 snapshot then updates,
 * heartbeats), and the real, unmodified ccxt.pro.coinbase against it with only its URLs overridden.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import ccxt from 'ccxt';
import { ExchangeEmulator, type EmulatorTrade } from '../../src/emulator';
import { RawClient } from '../helpers/rawClient';
import { exactOhlcv } from '../helpers/referenceCandles';

type Coinbase = InstanceType<typeof ccxt.pro.coinbase>;

const MINUTE = 60_000;

function makeExchange(emu: ExchangeEmulator<'coinbase'>): Coinbase {
  const { urls, options } = emu.ccxtConfig();
  return new ccxt.pro.coinbase({ urls, options: { ...options, ws: { backoff: { base: 50 } } }, httpAgent: new http.Agent() });
}

interface Envelope {
  channel: string;
  client_id: string;
  timestamp: string;
  sequence_num: number;
  events: Record<string, unknown>[];
}
interface L2Update {
  side: 'bid' | 'offer';
  event_time: string;
  price_level: string;
  new_quantity: string;
}

const isEnvelope = (f: unknown): f is Envelope => typeof f === 'object' && f !== null && typeof (f as Envelope).sequence_num === 'number';
const onChannel =
  (channel: string) =>
  (f: unknown): f is Envelope =>
    isEnvelope(f) && f.channel === channel;
const subscribed = (topic: string) => (s: { subscriptions: Record<string, number> }) => (s.subscriptions[topic] ?? 0) >= 1;

describe('Coinbase Advanced Trade emulator', function () {
  this.timeout(20_000);

  describe('REST (raw and through ccxt) on a quiet market', () => {
    let emu: ExchangeEmulator<'coinbase'>;
    let exchange: Coinbase;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 7, tradesPerSecond: 0, depthIntervalMs: 0 });
      exchange = makeExchange(emu);
    });
    after(async () => {
      await exchange?.close();
      await emu?.close();
    });

    it('loadMarkets reads the products and the v2 currency lists; precisions come from the increments', async () => {
      const markets = await exchange.loadMarkets();
      assert.deepEqual(Object.keys(markets).sort(), ['BTC/USD', 'ETH/USD', 'SOL/USD']);
      const btc = markets['BTC/USD'];
      assert.equal(btc?.id, 'BTC-USD');
      assert.equal(btc?.spot, true);
      assert.equal(btc?.active, true);
      assert.equal(btc?.precision.price, 0.01);
      assert.equal(btc?.precision.amount, 1e-8);
      const calls = emu.stats().restRequests;
      for (const path of ['/v2/currencies', '/v2/currencies/crypto', '/v2/exchange-rates']) assert.equal(calls[path], 1, path);
      assert.equal(calls['/api/v3/brokerage/market/products'], 3, 'spot, then the (empty) futures and perpetuals lists');
    });

    it('candles: newest first, start within [start, end], at most 350 per request; fetchOHLCV equals the log', async () => {
      const log = emu.trades('BTC/USD');
      const expected = exactOhlcv(log, MINUTE);
      const first = expected[0]?.[0] as number;
      const raw = (await (await fetch(`${emu.url}/api/v3/brokerage/market/products/BTC-USD/candles?granularity=ONE_MINUTE&start=${first / 1000}&end=${first / 1000 + 600}`)).json()) as { candles: { start: string }[] };
      assert.deepEqual(raw.candles.map((c) => Number(c.start) * 1000), expected.filter((r) => r[0] <= first + 600_000).map((r) => r[0]).reverse());
      const tooMany = await fetch(`${emu.url}/api/v3/brokerage/market/products/BTC-USD/candles?granularity=ONE_MINUTE&start=0&end=${351 * 60}`);
      assert.equal(tooMany.status, 400);
      assert.equal(((await tooMany.json()) as { error: string }).error, 'INVALID_ARGUMENT');
      assert.deepEqual(await exchange.fetchOHLCV('BTC/USD', '1m', first, 300), expected.slice(0, 300));
      // Without a since, ccxt asks for the candles starting within [now − 12 × 5m, now], now in whole seconds: at a 5m
      // boundary that window has moved past the log's oldest of the last 12 buckets.
      const before = Math.floor(Date.now() / 1000);
      const latest = await exchange.fetchOHLCV('BTC/USD', '5m', undefined, 12);
      const after = Math.floor(Date.now() / 1000);
      const window = (nowS: number) => exactOhlcv(log, 5 * MINUTE).filter((r) => r[0] >= (nowS - 12 * 300) * 1000 && r[0] <= nowS * 1000);
      assert.ok([window(before), window(after)].some((w) => w.length > 0 && JSON.stringify(w) === JSON.stringify(latest)), `the 5m candles starting in the last hour: ${JSON.stringify(latest.slice(0, 2))}`);
    });

    it('a candle lag: candles are built from the trades up to now − lag (the newest minutes left out or short); clearFaults restores', async () => {
      const log = emu.trades('SOL/USD');
      const last = log.at(-1) as EmulatorTrade;
      const lagMs = Date.now() - last.timestamp + 90_000; // the newest 90 s of the log are not in any candle yet
      const since = Math.floor(last.timestamp / MINUTE) * MINUTE - 10 * MINUTE;
      const upTo = (ts: number) => exactOhlcv(log.filter((t) => t.timestamp <= ts), MINUTE).filter((r) => r[0] >= since);
      emu.setCandleLag(lagMs);
      const lagged = await exchange.fetchOHLCV('SOL/USD', '1m', since, 20);
      const asOf = Date.now() - lagMs;
      // The request's clock is between the two readings: compare with the log as of either bound.
      assert.ok([upTo(last.timestamp - 90_000), upTo(asOf)].some((x) => JSON.stringify(x) === JSON.stringify(lagged)), `the lagged candles are the log as of now − lag: ${JSON.stringify(lagged.slice(-3))}`);
      assert.notDeepEqual(lagged, upTo(last.timestamp), 'the newest candles lag');
      emu.clearFaults();
      assert.deepEqual(await exchange.fetchOHLCV('SOL/USD', '1m', since, 20), upTo(last.timestamp));
      assert.throws(() => emu.setCandleLag(-1), /non-negative/);
    });

    it('fetchTrades: the newest trades; `since` needs `until` (ccxt refuses it alone); with both, the window', async () => {
      const log = emu.trades('ETH/USD');
      const pick = (t: { id?: string | number; timestamp?: number; price?: number; amount?: number; side?: string }) => [String(t.id), t.timestamp, t.price, t.amount, t.side];
      assert.deepEqual((await exchange.fetchTrades('ETH/USD', undefined, 50)).map(pick), log.slice(-50).map(pick));
      const since = (log[100] as EmulatorTrade).timestamp;
      await assert.rejects(exchange.fetchTrades('ETH/USD', since, 20), (e: unknown) => e instanceof ccxt.ArgumentsRequired);
      const until = (log[140] as EmulatorTrade).timestamp;
      const window = await exchange.fetchTrades('ETH/USD', since, 1000, { until });
      const truth = log.filter((t) => t.timestamp >= since && t.timestamp <= Math.floor(until / 1000) * 1000);
      assert.ok(truth.length > 10);
      assert.deepEqual(window.map(pick), truth.map(pick));
      const raw = (await (await fetch(`${emu.url}/api/v3/brokerage/market/products/ETH-USD/ticker?limit=3`)).json()) as { trades: { trade_id: string }[]; best_bid: string; best_ask: string };
      assert.deepEqual(raw.trades.map((t) => t.trade_id), log.slice(-3).map((t) => String(t.id)).reverse(), 'newest first');
      assert.ok(Number(raw.best_bid) < Number(raw.best_ask));
      assert.equal((await fetch(`${emu.url}/api/v3/brokerage/market/products/ETH-USD/ticker`)).status, 400, 'limit is required');
    });

    it('a stale trades answer: the next market trades answer lists the trades up to now − ms only, the one after is current', async () => {
      const log = emu.trades('ETH/USD');
      const staleMs = Date.now() - (log.at(-20) as EmulatorTrade).timestamp;
      const ids = async (): Promise<string[]> => ((await (await fetch(`${emu.url}/api/v3/brokerage/market/products/ETH-USD/ticker?limit=100`)).json()) as { trades: { trade_id: string }[] }).trades.map((t) => t.trade_id);
      const upTo = (ts: number): string[] => log.filter((t) => t.timestamp <= ts).slice(-100).reverse().map((t) => String(t.id));
      const before = Date.now();
      emu.staleNextTrades(staleMs);
      const stale = await ids();
      const after = Date.now();
      assert.ok([upTo(before - staleMs), upTo(after - staleMs)].some((x) => JSON.stringify(x) === JSON.stringify(stale)), `the stale answer is the log as of now − ms: ${stale.slice(0, 3).join(', ')}`);
      assert.notEqual(stale[0], String(log.at(-1)?.id), 'the newest trades left out');
      assert.deepEqual(await ids(), upTo(Infinity), 'the next answer is current');
      assert.throws(() => emu.staleNextTrades(-1), /non-negative/);
    });

    it('fetchOrderBook equals the book; an unknown product is 404 NOT_FOUND', async () => {
      const book = await exchange.fetchOrderBook('SOL/USD', 5);
      const truth = emu.orderBook('SOL/USD', 5);
      assert.deepEqual(book.bids.map((l) => [l[0], l[1]]), truth.bids);
      assert.deepEqual(book.asks.map((l) => [l[0], l[1]]), truth.asks);
      const res = await fetch(`${emu.url}/api/v3/brokerage/market/products/NOPE-USD/candles?granularity=ONE_MINUTE&start=0&end=60`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: string }).error, 'NOT_FOUND');
    });

    it('faults fail as Coinbase fails: 429 rate_limit_exceeded (no Retry-After), 503 from the gateway', async () => {
      emu.failRest({ status: 429, count: 1, path: 'candles' });
      const limited = await fetch(`${emu.url}/api/v3/brokerage/market/products/BTC-USD/candles?granularity=ONE_MINUTE&start=0&end=60`);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), null);
      assert.deepEqual(await limited.json(), { errors: [{ id: 'rate_limit_exceeded', message: 'Too many requests' }] });
      emu.failRest({ status: 429, count: 1, path: 'candles' });
      await assert.rejects(exchange.fetchOHLCV('BTC/USD', '1m'), (e: unknown) => e instanceof ccxt.RateLimitExceeded);
      emu.failRest({ status: 503, count: 1, path: 'ticker' });
      await assert.rejects(exchange.fetchTrades('BTC/USD', undefined, 5), (e: unknown) => e instanceof ccxt.ExchangeNotAvailable);
      assert.equal((await exchange.fetchTrades('BTC/USD', undefined, 5)).length, 5);
    });
  });

  it("a nano future named in symbols is listed only among FUTURE products, as Advanced Trade lists BIP (0.01 BTC a contract, amounts in contracts); ccxt reads a linear future of that size", async () => {
    const future = 'BTC/USD:USD-301220';
    const emu = await ExchangeEmulator.start({ exchange: 'coinbase', symbols: ['BTC/USD', future], seed: 7, tradesPerSecond: 0, historyMinutes: 2 });
    const exchange = makeExchange(emu);
    try {
      const get = async (query: string) => (await (await fetch(`${emu.url}/api/v3/brokerage/market/products${query}`)).json()) as { products: Record<string, unknown>[] };
      assert.deepEqual((await get('')).products.map((p) => p.product_id), ['BTC-USD'], 'spot products only by default');
      assert.deepEqual((await get('?product_type=FUTURE&contract_expiry_type=PERPETUAL')).products, [], 'no perpetual-expiry product');
      const [bip] = (await get('?product_type=FUTURE')).products;
      assert.equal(bip?.product_id, 'BIP-20DEC30-CDE');
      assert.equal(bip?.product_type, 'FUTURE');
      assert.equal(bip?.base_increment, '1');
      assert.deepEqual(
        (({ contract_size, contract_root_unit, contract_expiry_type, contract_code }) => ({ contract_size, contract_root_unit, contract_expiry_type, contract_code }))(bip?.future_product_details as Record<string, unknown>),
        { contract_size: '0.01', contract_root_unit: 'BTC', contract_expiry_type: 'EXPIRING', contract_code: 'BIP' },
      );
      const market = (await exchange.loadMarkets())[future];
      assert.equal(market?.id, 'BIP-20DEC30-CDE');
      assert.deepEqual([market?.future, market?.linear, market?.contractSize, market?.base, market?.quote], [true, true, 0.01, 'BTC', 'USD']);
      assert.equal(emu.contractSize(future), 0.01);
      assert.equal(emu.contractSize('BTC/USD'), 1);
      assert.ok(emu.trades(future).every((t) => Number.isInteger(t.amount) && t.amount >= 1), 'whole contracts');
      await assert.rejects(ExchangeEmulator.start({ exchange: 'coinbase', symbols: ['SOL/USD:USD-301220'] }), /the futures emulated are 'BTC\/USD:USD-301220', 'ETH\/USD:USD-301220'/);
    } finally {
      await exchange.close();
      await emu.close();
    }
  });

  describe('raw WebSocket protocol', () => {
    let emu: ExchangeEmulator<'coinbase'>;
    let client: RawClient;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 11, tradesPerSecond: 0, depthIntervalMs: 20, historyMinutes: 10 });
    });
    afterEach(async () => {
      await client?.close();
    });
    after(async () => {
      await emu?.close();
    });

    it('each subscribe / unsubscribe is answered with the subscriptions; every message carries the next sequence_num', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      const seen: Envelope[] = [];
      const next = async (channel: string) => {
        const frame = await client.next(onChannel(channel));
        seen.push(frame);
        return frame;
      };
      client.send({ type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'market_trades' });
      assert.deepEqual((await next('subscriptions')).events, [{ subscriptions: { market_trades: ['BTC-USD', 'ETH-USD'] } }]);
      client.send({ type: 'subscribe', channel: 'heartbeats' });
      assert.deepEqual((await next('subscriptions')).events, [{ subscriptions: { market_trades: ['BTC-USD', 'ETH-USD'], heartbeats: [] } }]);
      const beats = [await next('heartbeats'), await next('heartbeats')].map((h) => Number(h.events[0]?.heartbeat_counter));
      assert.equal(beats[1], (beats[0] as number) + 1, 'heartbeat_counter counts up by one');
      client.send({ type: 'unsubscribe', product_ids: ['BTC-USD'], channel: 'market_trades' });
      assert.deepEqual((await next('subscriptions')).events, [{ subscriptions: { market_trades: ['ETH-USD'], heartbeats: [] } }]);
      client.send({ type: 'unsubscribe', channel: 'market_trades' });
      client.send({ type: 'unsubscribe', channel: 'heartbeats' });
      await next('subscriptions');
      assert.deepEqual((await next('subscriptions')).events, [{ subscriptions: {} }]);
      client.send({ type: 'subscribe', product_ids: ['NOPE-USD'], channel: 'ticker' });
      assert.match((await client.next((f): f is { type: string; message: string } => (f as { type?: string }).type === 'error')).message, /NOPE-USD/);
      // Every message of the connection, whatever its channel, in order: 0, 1, 2, …
      const all = [...seen].sort((a, b) => a.sequence_num - b.sequence_num);
      assert.equal(all[0]?.sequence_num, 0);
      for (let i = 1; i < all.length; i++) assert.ok((all[i] as Envelope).sequence_num > (all[i - 1] as Envelope).sequence_num);
    });

    it('market_trades: a snapshot of recent trades, then 250 ms batches newest first, exactly as logged', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'market_trades' });
      const snapshot = await client.next(onChannel('market_trades'));
      const snapTrades = (snapshot.events[0] as { type: string; trades: { trade_id: string }[] }).trades;
      assert.equal(snapshot.events[0]?.type, 'snapshot');
      assert.deepEqual(snapTrades.map((t) => t.trade_id), emu.trades('SOL/USD').slice(-50).reverse().map((t) => String(t.id)));
      const injected = emu.injectTrades('SOL/USD', [
        { price: 151.25, amount: 2.5, side: 'buy' },
        { price: 151, amount: 0.125, side: 'sell' },
      ]);
      const update = await client.next(onChannel('market_trades'));
      assert.equal(update.sequence_num, snapshot.sequence_num + 1);
      assert.deepEqual(update.events, [
        {
          type: 'update',
          trades: [...injected].reverse().map((t) => ({ trade_id: String(t.id), product_id: 'SOL-USD', price: String(t.price), size: String(t.amount), side: t.side.toUpperCase(), time: `${new Date(t.timestamp).toISOString().slice(0, 23)}000Z` })),
        },
      ]);
    });

    it('the trade-snapshot-gap fault: the next market_trades snapshot keeps its newest trade and leaves out the 3 before it; the one after is whole', async () => {
      const snapshotIds = async (): Promise<string[]> => {
        const raw = new RawClient(emu.ccxtUrls().api.ws);
        await raw.open();
        try {
          raw.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'market_trades' });
          const snapshot = await raw.next(onChannel('market_trades'));
          assert.equal(snapshot.events[0]?.type, 'snapshot');
          return (snapshot.events[0] as { trades: { trade_id: string }[] }).trades.map((t) => t.trade_id);
        } finally {
          await raw.close();
        }
      };
      const newest = emu.trades('SOL/USD').map((t) => String(t.id)).reverse();
      assert.equal(emu.sendMalformed('trade-snapshot-gap', 'market_trades:SOL-USD'), 0, 'nobody subscribed yet: the next subscriber gets it');
      assert.deepEqual(await snapshotIds(), [newest[0], ...newest.slice(4, 53)], '50 trades all the same');
      assert.deepEqual(await snapshotIds(), newest.slice(0, 50));
      assert.equal(emu.sendMalformed('trade-snapshot-gap', 'level2:SOL-USD'), 0, 'not a trade topic');
    });

    it('level2 arrives on l2_data: a snapshot of the whole book, then updates (new_quantity "0" removes) that keep it equal to the book', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['ETH-USD'], channel: 'level2' });
      const snapshot = await client.next(onChannel('l2_data'));
      assert.equal(snapshot.events[0]?.type, 'snapshot');
      const book = { bid: new Map<string, string>(), offer: new Map<string, string>() };
      const apply = (updates: L2Update[]) => {
        for (const u of updates) {
          if (u.new_quantity === '0') book[u.side].delete(u.price_level);
          else book[u.side].set(u.price_level, u.new_quantity);
        }
      };
      apply(snapshot.events[0]?.updates as L2Update[]);
      emu.injectTrades('ETH/USD', [{ price: 3050, amount: 1, side: 'buy' }]);
      const truthOf = () => emu.orderBook('ETH/USD', Number.MAX_SAFE_INTEGER);
      const sorted = (side: Map<string, string>, dir: 1 | -1) => [...side].map(([p, q]) => [Number(p), Number(q)]).sort((a, b) => dir * ((a[0] as number) - (b[0] as number)));
      let previous = snapshot.sequence_num;
      let removed = 0;
      let matched = 0;
      for (let n = 0; matched < 3; n++) {
        const update = await client.next(onChannel('l2_data'));
        assert.equal(update.sequence_num, previous + 1, 'no message skipped');
        previous = update.sequence_num;
        assert.equal(update.events[0]?.type, 'update');
        const updates = update.events[0]?.updates as L2Update[];
        removed += updates.filter((u) => u.new_quantity === '0').length;
        apply(updates);
        // The emulator may already be a book step ahead of the last update read: count the times both agree.
        const truth = truthOf();
        if (JSON.stringify(sorted(book.bid, -1)) === JSON.stringify(truth.bids) && JSON.stringify(sorted(book.offer, 1)) === JSON.stringify(truth.asks)) matched += 1;
        assert.ok(n < 200, 'the local book equals the emulator book after the updates read');
      }
      assert.ok(removed > 0, 'levels left the book with new_quantity "0"');
    });

    it("the crossed-level fault: a level2 update in sequence setting a bid above the best ask, which the book does not hold and no later update removes", async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' });
      const snapshot = await client.next(onChannel('l2_data'));
      assert.equal(snapshot.events[0]?.type, 'snapshot');
      const bestAsk = emu.orderBook('BTC/USD', 1).asks[0]![0];
      assert.equal(emu.sendMalformed('crossed-level', 'level2:BTC-USD'), 1);
      const crossesAt = (updates: L2Update[]) => updates.find((u) => u.side === 'bid' && Number(u.price_level) > bestAsk * 1.005);
      let previous = snapshot.sequence_num;
      let crossed: L2Update | undefined;
      for (let n = 0; crossed === undefined; n++) {
        const update = await client.next(onChannel('l2_data'));
        assert.equal(update.sequence_num, previous + 1, 'in sequence');
        previous = update.sequence_num;
        assert.equal(update.events[0]?.type, 'update');
        crossed = crossesAt(update.events[0]?.updates as L2Update[]);
        assert.ok(n < 50, 'the crossed update came');
      }
      assert.match(crossed.event_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.ok(Number(crossed.new_quantity) > 0);
      assert.ok(!emu.orderBook('BTC/USD', Number.MAX_SAFE_INTEGER).bids.some(([p]) => p === Number(crossed.price_level)), 'the book does not hold the level');
      for (let n = 0; n < 5; n++) {
        const update = await client.next(onChannel('l2_data'));
        assert.ok(!(update.events[0]?.updates as L2Update[]).some((u) => u.price_level === crossed.price_level), 'no later update names the level');
      }
    });

    it('the future-trade fault: the newest trade again on market_trades, under a trade_id no trade has, 23 h ahead', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' });
      assert.equal((await client.next(onChannel('market_trades'))).events[0]?.type, 'snapshot');
      const logged = emu.trades('BTC/USD');
      const newest = logged.at(-1)!;
      assert.equal(emu.sendMalformed('future-trade', 'market_trades:BTC-USD'), 1);
      const update = await client.next(onChannel('market_trades'));
      const [event] = update.events as { type: string; trades: { trade_id: string; product_id: string; price: string; size: string; side: string; time: string }[] }[];
      assert.equal(event?.type, 'update');
      assert.equal(event.trades.length, 1);
      const [trade] = event.trades;
      assert.deepEqual({ ...trade, trade_id: undefined, time: undefined }, { trade_id: undefined, product_id: 'BTC-USD', price: String(newest.price), size: String(newest.amount), side: newest.side.toUpperCase(), time: undefined });
      assert.ok(!logged.some((t) => String(t.id) === trade!.trade_id), `trade_id ${trade!.trade_id} is no logged trade's`);
      assert.match(trade!.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const ahead = Date.parse(trade!.time) - Date.now();
      assert.ok(ahead > 22 * 3_600_000 && ahead <= 23 * 3_600_000, `23 h ahead: ${ahead} ms`);
    });

    it('ticker_batch: a snapshot per product, then every 5 s one update per connection with the products that traded (no best bid/ask); none while nothing trades', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'ticker_batch' });
      assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: { ticker_batch: ['BTC-USD', 'ETH-USD'] } }]);
      const fields = ['type', 'product_id', 'price', 'volume_24_h', 'low_24_h', 'high_24_h', 'low_52_w', 'high_52_w', 'price_percent_chg_24_h'];
      for (const [id, symbol] of [['BTC-USD', 'BTC/USD'], ['ETH-USD', 'ETH/USD']] as const) {
        const snapshot = await client.next(onChannel('ticker_batch'));
        const [event] = snapshot.events as { type: string; tickers: Record<string, string>[] }[];
        assert.equal(event?.type, 'snapshot');
        assert.equal(event.tickers.length, 1);
        assert.deepEqual(Object.keys(event.tickers[0]!), fields, 'the ticker channel\'s fields without best bid / best ask');
        assert.equal(event.tickers[0]!.product_id, id);
        assert.equal(Number(event.tickers[0]!.price), emu.trades(symbol).at(-1)!.price);
      }
      const [btc] = emu.injectTrades('BTC/USD', [{ price: 61_234.5, amount: 0.01, side: 'buy' }]);
      const [eth] = emu.injectTrades('ETH/USD', [{ price: 3_210.25, amount: 0.1, side: 'sell' }]);
      const first = await client.next(onChannel('ticker_batch'));
      const tickersOf = (m: Envelope) => (m.events as { type: string; tickers: { product_id: string; price: string }[] }[]).flatMap((e) => (assert.equal(e.type, 'update'), e.tickers.map((t) => [t.product_id, t.price])));
      assert.deepEqual(tickersOf(first), [['BTC-USD', String(btc!.price)], ['ETH-USD', String(eth!.price)]], 'both changed products in one message');
      const [again] = emu.injectTrades('BTC/USD', [{ price: 61_240, amount: 0.01, side: 'buy' }]);
      const second = await client.next(onChannel('ticker_batch'));
      assert.deepEqual(tickersOf(second), [['BTC-USD', String(again!.price)]], 'only the product that changed');
      assert.equal(second.sequence_num, first.sequence_num + 1, 'no message in between: a batch without a change sends nothing');
      const apart = Date.parse(second.timestamp) - Date.parse(first.timestamp);
      assert.ok(apart >= 4900 && apart <= 5500, `batches 5 s apart, got ${apart} ms`);
    });

    it('ticker_batch: an unsubscribe leaves the products named (all of them without product_ids); their trades are no longer sent', async () => {
      const fast = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, tradesPerSecond: 0, historyMinutes: 5, tickerBatchMs: 50 });
      const raw = new RawClient(fast.ccxtUrls().api.ws);
      try {
        await raw.open();
        raw.send({ type: 'subscribe', product_ids: ['BTC-USD', 'SOL-USD'], channel: 'ticker_batch' });
        raw.send({ type: 'subscribe', channel: 'heartbeats' });
        await fast.waitForStats(subscribed('ticker_batch:SOL-USD'));
        raw.send({ type: 'unsubscribe', product_ids: ['SOL-USD'], channel: 'ticker_batch' });
        await raw.next((f): f is Envelope => onChannel('subscriptions')(f) && isDeepStrictEqual(f.events, [{ subscriptions: { heartbeats: [], ticker_batch: ['BTC-USD'] } }]));
        fast.injectTrades('SOL/USD', [{ price: 150.5, amount: 1, side: 'buy' }]);
        const [btc] = fast.injectTrades('BTC/USD', [{ price: 60_001, amount: 0.01, side: 'buy' }]);
        const update = await raw.next(onChannel('ticker_batch'));
        assert.deepEqual(update.events, [{ type: 'update', tickers: [{ ...(update.events[0] as { tickers: Record<string, string>[] }).tickers[0], product_id: 'BTC-USD', price: String(btc!.price) }] }]);
        raw.send({ type: 'unsubscribe', channel: 'ticker_batch' });
        await raw.next((f): f is Envelope => onChannel('subscriptions')(f) && isDeepStrictEqual(f.events, [{ subscriptions: { heartbeats: [] } }]));
        fast.injectTrades('BTC/USD', [{ price: 60_002, amount: 0.01, side: 'buy' }]);
        // Heartbeats go on every second: two of them with no ticker_batch between says the batches stopped.
        await raw.next(onChannel('heartbeats'));
        const seen: Envelope[] = [];
        await raw.next((f): f is Envelope => (isEnvelope(f) && seen.push(f) > 0 && f.channel === 'heartbeats'));
        assert.deepEqual(seen.map((m) => m.channel), ['heartbeats']);
        assert.deepEqual(fast.stats().subscriptions, { heartbeats: 1 });
      } finally {
        await raw.close();
        await fast.close();
      }
    });

    it('a connection sent nothing for the idle period has its channels closed without a word (it stays open); one subscribed to heartbeats keeps them', async () => {
      const quiet = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 1, coinbaseIdleChannelsMs: 1500 });
      const [bare, beating] = [new RawClient(quiet.ccxtUrls().api.ws), new RawClient(quiet.ccxtUrls().api.ws)];
      try {
        await Promise.all([bare.open(), beating.open()]);
        const framesOfBare: Envelope[] = [];
        bare.ws.on('message', (data) => framesOfBare.push(JSON.parse(String(data)) as Envelope));
        bare.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' });
        beating.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' });
        beating.send({ type: 'subscribe', channel: 'heartbeats' });
        await quiet.waitForStats((s) => s.subscriptions['market_trades:BTC-USD'] === 2 && s.subscriptions['heartbeats'] === 1);
        // The bare connection's channel closes once it has been sent nothing for 1.5 s; the other's stays.
        await quiet.waitForStats((s) => s.subscriptions['market_trades:BTC-USD'] === 1, 10_000);
        assert.deepEqual(quiet.stats().subscriptions, { heartbeats: 1, 'market_trades:BTC-USD': 1 });
        assert.equal(bare.ws.readyState, bare.ws.OPEN, 'the connection itself stays open');
        const heardBefore = framesOfBare.length;
        const [trade] = quiet.injectTrades('BTC/USD', [{ price: 60_000, amount: 1, side: 'buy' }]);
        const update = await beating.next((f): f is Envelope => onChannel('market_trades')(f) && f.events[0]?.type === 'update');
        assert.equal((update.events[0] as { trades: { trade_id: string }[] }).trades[0]?.trade_id, String(trade!.id), 'heartbeats kept the channel open');
        await beating.next(onChannel('heartbeats')); // a second after the trade's batch: the bare one would have had it
        assert.deepEqual(framesOfBare.slice(heardBefore), [], 'the closed channel sends nothing, and nothing says it closed');
      } finally {
        await Promise.all([beating.close(), quiet.close()]);
      }
    });

    it('a batch that spans a trim of the log sends exactly the trades appended (a log kept to its bound drops its oldest trades)', async () => {
      const small = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, tradesPerSecond: 0, depthIntervalMs: 0, maxTradesPerSymbol: 1000 });
      const raw = new RawClient(small.ccxtUrls().api.ws);
      try {
        await raw.open();
        raw.send({ type: 'subscribe', product_ids: ['SOL-USD'], channel: 'market_trades' });
        await raw.next(onChannel('market_trades')); // the snapshot
        // Two injections before one 250 ms batch; the log passes its bound (1,000 + 10 %) during them and is trimmed.
        const oldest = small.trades('SOL/USD')[0]!.id;
        const path = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ price: from + (i % 50) * 0.01, amount: 0.5 + i * 0.001, side: i % 3 === 0 ? ('sell' as const) : ('buy' as const) }));
        const injected = [...small.injectTrades('SOL/USD', path(200, 150)), ...small.injectTrades('SOL/USD', path(200, 152))];
        const sent: { trade_id: string; price: string; size: string }[] = [];
        while (sent.length < injected.length) {
          const update = await raw.next(onChannel('market_trades'));
          sent.push(...[...(update.events[0] as { trades: { trade_id: string; price: string; size: string }[] }).trades].reverse());
        }
        assert.notEqual(small.trades('SOL/USD')[0]!.id, oldest, 'the log was trimmed');
        assert.deepEqual(
          sent.map((t) => [t.trade_id, t.price, t.size]),
          injected.map((t) => [String(t.id), String(t.price), String(t.amount)]),
        );
      } finally {
        await raw.close();
        await small.close();
      }
    });
  });

  describe('-USDC products: aliases of the -USD ones on the feed (docs.cdp.coinbase.com, Advanced Trade WebSocket endpoints)', () => {
    let emu: ExchangeEmulator<'coinbase'>;
    let client: RawClient;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, symbols: ['BTC/USD', 'BTC/USDC', 'ETH/USDC', 'USDT/USDC'], tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 5 });
    });
    afterEach(async () => {
      await client?.close();
    });
    after(async () => {
      await emu?.close();
    });

    it('the products list names the alias both ways (BTC-USD alias_to BTC-USDC, BTC-USDC alias BTC-USD); a -USDC product without a -USD one, and USDT-USDC, are their own', async () => {
      const body = (await (await fetch(`${emu.url}/api/v3/brokerage/market/products`)).json()) as { products: { product_id: string; alias: string; alias_to: string[] }[] };
      const byId = new Map(body.products.map((p) => [p.product_id, { alias: p.alias, alias_to: p.alias_to }]));
      assert.deepEqual(byId.get('BTC-USD'), { alias: '', alias_to: ['BTC-USDC'] });
      assert.deepEqual(byId.get('BTC-USDC'), { alias: 'BTC-USD', alias_to: [] });
      assert.deepEqual(byId.get('ETH-USDC'), { alias: '', alias_to: [] });
      assert.deepEqual(byId.get('USDT-USDC'), { alias: '', alias_to: [] });
    });

    it("a subscribe to BTC-USDC returns BTC-USD's data: the snapshot and the updates name BTC-USD; the subscription is its own (the reply names BTC-USDC)", async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['BTC-USDC'], channel: 'market_trades' });
      assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: { market_trades: ['BTC-USDC'] } }]);
      const snapshot = await client.next(onChannel('market_trades'));
      const snapTrades = (snapshot.events[0] as { trades: { trade_id: string; product_id: string }[] }).trades;
      assert.deepEqual(new Set(snapTrades.map((t) => t.product_id)), new Set(['BTC-USD']));
      assert.deepEqual(snapTrades.map((t) => t.trade_id), emu.trades('BTC/USD').slice(-50).reverse().map((t) => String(t.id)));
      const [trade] = emu.injectTrades('BTC/USD', [{ price: 61_000, amount: 0.5, side: 'buy' }]);
      const update = await client.next(onChannel('market_trades'));
      assert.deepEqual((update.events[0] as { trades: { trade_id: string; product_id: string }[] }).trades.map((t) => [t.trade_id, t.product_id]), [[String(trade?.id), 'BTC-USD']]);
      client.send({ type: 'unsubscribe', product_ids: ['BTC-USDC'], channel: 'market_trades' });
      assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: {} }]);
    });

    it('BTC-USD and BTC-USDC both subscribed: every message comes twice (Coinbase developer forum), and unsubscribing BTC-USDC leaves BTC-USD', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      for (const id of ['BTC-USD', 'BTC-USDC']) {
        client.send({ type: 'subscribe', product_ids: [id], channel: 'market_trades' });
        await client.next(onChannel('subscriptions'));
        await client.next(onChannel('market_trades')); // each subscription's snapshot
      }
      const [trade] = emu.injectTrades('BTC/USD', [{ price: 61_100, amount: 0.5, side: 'buy' }]);
      const ids = (f: Envelope) => (f.events[0] as { trades: { trade_id: string }[] }).trades.map((t) => t.trade_id);
      assert.deepEqual([ids(await client.next(onChannel('market_trades'))), ids(await client.next(onChannel('market_trades')))], [[String(trade?.id)], [String(trade?.id)]]);
      client.send({ type: 'unsubscribe', product_ids: ['BTC-USDC'], channel: 'market_trades' });
      assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: { market_trades: ['BTC-USD'] } }]);
      const [later] = emu.injectTrades('BTC/USD', [{ price: 61_101, amount: 0.5, side: 'sell' }]);
      assert.deepEqual(ids(await client.next(onChannel('market_trades'))), [String(later?.id)]);
      client.send({ type: 'unsubscribe', channel: 'market_trades' });
      const reply = await client.next(onChannel('subscriptions'));
      assert.deepEqual(reply.events, [{ subscriptions: {} }], 'no second copy of the later trade came before the reply');
    });

    it("with coinbaseAliasSubscriptions 'shared': a subscribe to BTC-USDC is BTC-USD's subscription, and an unsubscribe naming either ends it", async () => {
      const shared = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 5, symbols: ['BTC/USD', 'BTC/USDC'], tradesPerSecond: 0, depthIntervalMs: 0, historyMinutes: 5, coinbaseAliasSubscriptions: 'shared' });
      try {
        client = new RawClient(shared.ccxtUrls().api.ws);
        await client.open();
        client.send({ type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' });
        await client.next(onChannel('subscriptions'));
        client.send({ type: 'subscribe', product_ids: ['BTC-USDC'], channel: 'market_trades' });
        assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: { market_trades: ['BTC-USD'] } }]);
        client.send({ type: 'unsubscribe', product_ids: ['BTC-USDC'], channel: 'market_trades' });
        assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: {} }]);
      } finally {
        await client.close();
        await shared.close();
      }
    });

    it("an alias's REST answers carry its -USD product's data, named as asked: its trades, candles, book, price and 24 h volume", async () => {
      const get = async <T>(path: string): Promise<T> => (await (await fetch(`${emu.url}/api/v3/brokerage/market/${path}`)).json()) as T;
      type Trades = { trades: { trade_id: string; product_id: string }[] };
      const [usdcTrades, usdTrades] = await Promise.all([get<Trades>('products/BTC-USDC/ticker?limit=20'), get<Trades>('products/BTC-USD/ticker?limit=20')]);
      assert.deepEqual(usdcTrades.trades.map((t) => t.trade_id), usdTrades.trades.map((t) => t.trade_id));
      assert.deepEqual(new Set(usdcTrades.trades.map((t) => t.product_id)), new Set(['BTC-USDC']));
      const end = Math.floor(Date.now() / 1000);
      const span = `granularity=ONE_MINUTE&start=${end - 300}&end=${end}`;
      const [usdcCandles, usdCandles] = await Promise.all([get<unknown>(`products/BTC-USDC/candles?${span}`), get<unknown>(`products/BTC-USD/candles?${span}`)]);
      assert.deepEqual(usdcCandles, usdCandles);
      type Book = { pricebook: { product_id: string; bids: unknown[]; asks: unknown[] } };
      const [usdcBook, usdBook] = await Promise.all([get<Book>('product_book?product_id=BTC-USDC&limit=5'), get<Book>('product_book?product_id=BTC-USD&limit=5')]);
      assert.equal(usdcBook.pricebook.product_id, 'BTC-USDC');
      assert.deepEqual([usdcBook.pricebook.bids, usdcBook.pricebook.asks], [usdBook.pricebook.bids, usdBook.pricebook.asks]);
      type Product = { product_id: string; price: string; volume_24h: string };
      const listed = new Map((await get<{ products: Product[] }>('products')).products.map((p) => [p.product_id, p]));
      const one = await get<Product>('products/BTC-USDC');
      for (const p of [listed.get('BTC-USDC'), one]) assert.deepEqual([p?.product_id, p?.price, p?.volume_24h], ['BTC-USDC', listed.get('BTC-USD')?.price, listed.get('BTC-USD')?.volume_24h]);
    });

    it('USDT-USDC streams as itself', async () => {
      client = new RawClient(emu.ccxtUrls().api.ws);
      await client.open();
      client.send({ type: 'subscribe', product_ids: ['USDT-USDC'], channel: 'level2' });
      assert.deepEqual((await client.next(onChannel('subscriptions'))).events, [{ subscriptions: { level2: ['USDT-USDC'] } }]);
      assert.equal((await client.next(onChannel('l2_data'))).events[0]?.product_id, 'USDT-USDC');
    });
  });

  describe('streams through ccxt', () => {
    let emu: ExchangeEmulator<'coinbase'>;
    let exchange: Coinbase;

    before(async () => {
      emu = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 3, tradesPerSecond: 20, depthIntervalMs: 50, tickerIntervalMs: 100, historyMinutes: 30 });
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

    it('watchTrades delivers every trade exactly as logged, injected ones included', async () => {
      await exchange.watchTrades('BTC/USD');
      const [injected] = emu.injectTrades('BTC/USD', [{ price: 61000.5, amount: 0.25, side: 'sell' }]);
      const seen = new Map<string, { timestamp?: number; price?: number; amount?: number; side?: string }>();
      while (!seen.has(String(injected?.id))) for (const t of await exchange.watchTrades('BTC/USD')) seen.set(String(t.id), t);
      const byId = new Map(emu.trades('BTC/USD').map((t) => [String(t.id), t]));
      for (const [id, t] of seen) {
        const truth = byId.get(id);
        assert.ok(truth, `trade ${id} is in the log`);
        assert.deepEqual([t.timestamp, t.price, t.amount, t.side], [truth.timestamp, truth.price, truth.amount, truth.side]);
      }
    });

    it('watchOrderBook: the local book equals the emulator book', async () => {
      let matched = false;
      for (let i = 0; !matched; i++) {
        const book = await exchange.watchOrderBook('ETH/USD');
        const truth = emu.orderBook('ETH/USD', Number.MAX_SAFE_INTEGER);
        const bids = Array.from(book.bids, (l) => [l[0], l[1]]);
        const asks = Array.from(book.asks, (l) => [l[0], l[1]]);
        matched = JSON.stringify(bids) === JSON.stringify(truth.bids) && JSON.stringify(asks) === JSON.stringify(truth.asks);
        assert.ok(i < 100, 'the local book caught up with the emulator');
      }
    });

    it('watchTicker: bid, ask, last and timestamp are the ticker the emulator logged as sent', async () => {
      const ticker = await exchange.watchTicker('SOL/USD');
      const logged = emu.tickers('SOL/USD').find((t) => t.timestamp === ticker.timestamp);
      assert.ok(logged, 'the ticker is in the log of tickers sent');
      assert.deepEqual([ticker.bid, ticker.ask, ticker.last], [logged.bid, logged.ask, logged.last]);
      const next = await exchange.watchTicker('SOL/USD');
      assert.ok((next.timestamp as number) > (ticker.timestamp as number), 'updates follow');
    });

    it('exchange.close() leaves no socket open', async () => {
      await Promise.all([exchange.watchTrades('SOL/USD'), exchange.watchOrderBook('SOL/USD')]);
      await emu.waitForStats(subscribed('level2:SOL-USD'));
      assert.equal(emu.stats().openSockets, 1, 'ccxt uses one socket for every channel');
      await exchange.close();
      assert.deepEqual((await emu.waitForStats((s) => s.openSockets === 0, 3000)).subscriptions, {});
    });

    it('malformed frames and a dropped connection do not stop the stream', async () => {
      await exchange.watchTrades('ETH/USD');
      await emu.waitForStats(subscribed('market_trades:ETH-USD'));
      for (const kind of ['invalid-json', 'bad-fields'] as const) {
        const settled = exchange.watchTrades('ETH/USD').then(
          () => 'resolved',
          () => 'rejected',
        );
        assert.ok(emu.sendMalformed(kind, 'market_trades:ETH-USD') >= 1);
        await settled;
      }
      assert.equal(emu.dropConnections(), 1);
      await emu.waitForStats((s) => s.openSockets === 0);
      const total = emu.stats().wsConnectionsTotal;
      const next = exchange.watchTrades('ETH/USD').catch(() => exchange.watchTrades('ETH/USD'));
      await emu.waitForStats((s) => s.wsConnectionsTotal > total && subscribed('market_trades:ETH-USD')(s));
      assert.ok((await next).length > 0);
    });
  });
});
