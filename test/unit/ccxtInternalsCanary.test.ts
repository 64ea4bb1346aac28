/**
 * The ccxt internals our hooks wrap or read (src/core/exchange: leftSockets, ccxtHooks, unreadTrades, snapshotRetries, the Binance,
 * Bybit and Coinbase hooks, unwatchLiquidations, socketReport). They are not ccxt's public API: a ccxt upgrade that
 * renames one would surface as a subtle stream fault. This names the missing one instead, for each exchange we emulate.
 */
import * as assert from 'node:assert/strict';
import { loadCcxt, type ProExchange } from '../../src/core/exchange/ccxtLoader';

const EVERY_EXCHANGE = ['handleMessage', 'onError', 'onClose', 'close', 'client', 'watch', 'handleRestResponse', 'getResponseHeaders', 'fetchMarkets', 'parseTrades', 'market', 'safeMarket', 'fetchOrderBook', 'fetchRestOrderBookSafe', 'handleOption'];
const METHODS: Readonly<Record<string, readonly string[]>> = {
  binance: [...EVERY_EXCHANGE, 'handleTrade', 'isSpotUrl', 'getWsUrl', 'stream', 'requestId', 'watchMultiple'],
  binanceusdm: [...EVERY_EXCHANGE, 'handleTrade', 'getWsUrl', 'getFutureWsCategory', 'stream', 'requestId', 'watchMultiple'],
  bybit: [...EVERY_EXCHANGE, 'handleOrderBook', 'getUrlByMarketType', 'unWatchTopics'],
  coinbase: [...EVERY_EXCHANGE, 'handleSubscriptionStatus', 'unSubscribe', 'unSubscribeMultiple', 'cleanUnsubscription', 'cleanCache'],
};
/** Objects our hooks read or index on the exchange itself. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  binance: ['clients', 'options', 'trades', 'tickers'],
  binanceusdm: ['clients', 'options', 'trades', 'tickers'],
  bybit: ['clients', 'options', 'trades', 'tickers', 'orderbooks'],
  coinbase: ['clients', 'options', 'trades', 'tickers', 'orderbooks'],
};

/** What our hooks read on ccxt's socket client (leftSockets, unreadTrades, socketReport, the Coinbase hooks). */
const CLIENT_FIELDS = ['url', 'rejections', 'subscriptions', 'futures'];
const CLIENT_METHODS = ['send', 'reject', 'resolve', 'future'];

describe('ccxt internals our hooks rely on (a ccxt upgrade that renames one is named here)', () => {
  let pro: Record<string, new (config: Record<string, unknown>) => ProExchange>;
  before(async () => {
    pro = (await loadCcxt()).pro as unknown as typeof pro;
  });

  for (const [id, methods] of Object.entries(METHODS)) {
    it(`${id}: the methods and fields wrapped or read`, () => {
      const Ctor = pro[id];
      assert.ok(Ctor, `ccxt.pro.${id} exists`);
      const ex = new Ctor({}) as unknown as Record<string, unknown>;
      const missing = methods.filter((m) => typeof ex[m] !== 'function');
      assert.deepEqual(missing, [], `ccxt.pro.${id} lacks the methods ${missing.join(', ')}`);
      const absent = (FIELDS[id] ?? []).filter((f) => typeof ex[f] !== 'object' || ex[f] === null);
      assert.deepEqual(absent, [], `ccxt.pro.${id} lacks the objects ${absent.join(', ')}`);
    });
  }

  it("a socket client: its url, pending rejections, subscriptions and futures, and what settles them", () => {
    const ex = new (pro['binance'] as NonNullable<(typeof pro)['binance']>)({}) as unknown as { client(url: string): Record<string, unknown>; clients: Record<string, unknown> };
    const url = 'wss://127.0.0.1:9/ws';
    const client = ex.client(url); // made, not connected
    try {
      assert.equal(ex.clients[url], client, 'clients are kept by URL');
      const fields = CLIENT_FIELDS.filter((f) => f === 'url' ? client[f] !== url : typeof client[f] !== 'object' || client[f] === null);
      assert.deepEqual(fields, [], `ccxt's WsClient lacks ${fields.join(', ')}`);
      const methods = CLIENT_METHODS.filter((m) => typeof client[m] !== 'function');
      assert.deepEqual(methods, [], `ccxt's WsClient lacks the methods ${methods.join(', ')}`);
    } finally {
      delete ex.clients[url];
    }
  });

  it("a trade cache is emptied by its clear() (emptyTradeCache, unreadTrades)", async () => {
    const ex = new (pro['binance'] as NonNullable<(typeof pro)['binance']>)({}) as unknown as { handleTrade(client: unknown, message: unknown): void; trades: Record<string, unknown[] & { clear?: () => void }>; markets_by_id: unknown };
    ex.markets_by_id = {}; // no markets: the trade keeps its exchange id as the symbol
    const client = { url: 'wss://stream.binance.com:9443/ws', resolve: () => undefined, subscriptions: {}, futures: {} };
    try {
      ex.handleTrade(client, { e: 'trade', E: 1, s: 'BTCUSDT', t: 1, p: '100', q: '1', T: 1, m: false });
    } catch (err) {
      assert.fail(`binance handleTrade of one trade message failed: ${String(err)}`);
    }
    const [cache] = Object.values(ex.trades);
    assert.ok(cache && cache.length === 1, `one trade cached by handleTrade, got ${JSON.stringify(Object.keys(ex.trades))}`);
    assert.equal(typeof cache.clear, 'function', 'the cache has clear()');
    cache.clear?.();
    assert.equal(cache.length, 0);
  });
});
