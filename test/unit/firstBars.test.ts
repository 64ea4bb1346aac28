/**
 * A chart's first bars asked of the exchange without ccxt (issue 13, the cold open): each exchange's request from
 * the unified symbol, what is left to ccxt, and every answer that is not a clean page of klines rejected whole with
 * its reason, never thrown.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchFirstBars } from '../../src/core/exchange/firstBars/fetchFirstBars';
import { firstBarsExchange } from '../../src/core/exchange/firstBars/firstBarsExchange';
import type { FirstBarsExchange } from '../../src/core/exchange/firstBars/klinesShortcut';
import { bucketStart, type Timeframe } from '../../src/core/timeframes';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 11, 4, 10, 30, 20);
const THIS_MINUTE = bucketStart('1m', NOW);

const exchange = (id: string, endpoint?: string, more: { sandbox?: boolean; options?: Record<string, unknown> } = {}): FirstBarsExchange | undefined =>
  firstBarsExchange({ id, ...(endpoint !== undefined ? { endpoint } : {}), ...more });

function requestOf(id: string, symbol: string, timeframe: Timeframe, limit = 501, endpoint?: string): URL | undefined {
  const r = exchange(id, endpoint)?.request(symbol, timeframe, limit, NOW);
  return r === undefined ? undefined : new URL(r.url);
}

/** Binance's kline row: open time, OHLCV as decimal strings, close time and the rest. */
const binanceRow = (time: number, close = '100.5') => [time, '100', '101', '99', close, '2.5', time + MINUTE - 1, '250', 12, '1', '100', '0'];

describe('first bars without ccxt: the requests', () => {
  it('binance: spot at /api/v3/klines, USDⓈ-M perpetuals at /fapi/v1/klines, the id as BASEQUOTE, at most 1,000 rows', () => {
    const spot = requestOf('binance', 'BTC/USDT', '1m');
    assert.equal(spot?.origin + spot!.pathname, 'https://api.binance.com/api/v3/klines');
    assert.deepEqual(Object.fromEntries(spot!.searchParams), { symbol: 'BTCUSDT', interval: '1m', limit: '501' });
    const perp = requestOf('binance', 'ETH/USDT:USDT', '4h', 5000, 'http://127.0.0.1:9000');
    assert.equal(perp?.href, 'http://127.0.0.1:9000/fapi/v1/klines?symbol=ETHUSDT&interval=4h&limit=1000');
    assert.equal(requestOf('binance', 'BTC/USD:BTC', '1m'), undefined, 'coin-margined: another API');
    assert.equal(requestOf('binance', 'BTC/USDT:USDT-261225', '1m'), undefined, 'a dated future');
    assert.equal(requestOf('binance', 'BTC/USDT:USDT', '1s'), undefined, 'futures have no 1s klines');
  });

  it('bybit: /v5/market/kline with its category and interval names', () => {
    const perp = requestOf('bybit', 'BTC/USDT:USDT', '1d', 200);
    assert.deepEqual(Object.fromEntries(perp!.searchParams), { category: 'linear', symbol: 'BTCUSDT', interval: 'D', limit: '200' });
    assert.equal(perp!.origin + perp!.pathname, 'https://api.bybit.com/v5/market/kline');
    assert.equal(requestOf('bybit', 'SOL/USDT', '1h')!.searchParams.get('category'), 'spot');
    assert.equal(requestOf('bybit', 'SOL/USDT', '1h')!.searchParams.get('interval'), '60');
    assert.equal(requestOf('bybit', 'BTC/USD:BTC', '1m'), undefined, 'inverse: volume in quote units');
    assert.equal(requestOf('bybit', 'BTC/USDT:USDT', '8h'), undefined, 'no 8h klines');
  });

  it('coinbase: the public candles of BASE-QUOTE over a span of at most 300 bars ending now', () => {
    const url = requestOf('coinbase', 'BTC/USD', '5m', 501, 'http://127.0.0.1:9001');
    assert.equal(url!.origin + url!.pathname, 'http://127.0.0.1:9001/api/v3/brokerage/market/products/BTC-USD/candles');
    const end = Math.floor(NOW / 1000);
    assert.deepEqual(Object.fromEntries(url!.searchParams), { start: String(end - 300 * 300), end: String(end), granularity: 'FIVE_MINUTE' });
    assert.equal(requestOf('coinbase', 'BTC/USDC:USDC', '1m'), undefined, 'a perpetual has an id of its own');
    assert.equal(requestOf('coinbase', 'BTC/USD', '4h'), undefined, 'built from 2h bars, not served');
  });

  it('nothing for an exchange reached in a way only ccxt knows: sandbox, another host, a proxy, an exchange without a mapping', () => {
    assert.equal(exchange('binance', undefined, { sandbox: true }), undefined);
    assert.equal(exchange('bybit', undefined, { options: { hostname: 'bytick.com' } }), undefined);
    assert.equal(exchange('binance', undefined, { options: { httpsProxy: 'http://proxy:3128' } }), undefined);
    assert.equal(exchange('kraken'), undefined);
    assert.notEqual(exchange('binance', undefined, { options: { fetchMarkets: { types: ['spot', 'linear'] } } }), undefined, 'options that do not move the host');
    assert.equal(exchange('binance')?.request('btc/usdt', '1m', 10, NOW), undefined, 'not a unified symbol');
  });
});

describe('first bars without ccxt: the answers', function () {
  this.timeout(10_000);
  let server: http.Server;
  let base: string;
  /** What the server answers next: status and body (a string is sent as it is). */
  let answer: (url: URL) => { status: number; body: unknown; headers?: Record<string, string> } | 'hang';

  before(async () => {
    server = http.createServer((req, res) => {
      const a = answer(new URL(req.url ?? '/', base));
      if (a === 'hang') return; // no answer: the caller's timeout or abort ends it
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const key = (exchange: string, symbol: string, timeframe: Timeframe = '1m') => ({ exchange, symbol, timeframe });
  const fetchBinance = (depth = 500, signal = new AbortController().signal, timeoutMs?: number) => fetchFirstBars(exchange('binance', base)!, key('binance', 'BTC/USDT'), depth, NOW, signal, timeoutMs === undefined ? {} : { timeoutMs });
  /** Binance rows for the `count` minutes before this one, and the one in progress. */
  const binanceMinutes = (count: number) => [...Array.from({ length: count }, (_, i) => binanceRow(THIS_MINUTE - (count - i) * MINUTE)), binanceRow(THIS_MINUTE, '100.7')];

  it('binance: the closed bars of the depth asked, as numbers, oldest first; the bar in progress left out', async () => {
    answer = () => ({ status: 200, body: binanceMinutes(5) });
    const got = await fetchBinance(3);
    assert.ok(typeof got === 'object', String(got));
    assert.equal(got.marketId, 'BTCUSDT');
    assert.deepEqual(got.candles, [3, 2, 1].map((k) => ({ time: THIS_MINUTE - k * MINUTE, open: 100, high: 101, low: 99, close: 100.5, volume: 2.5 })));
  });

  it('bybit: its newest-first list, checked to be the market asked for', async () => {
    const rows = [0, 1, 2].map((k) => [String(THIS_MINUTE - k * MINUTE), '10', '12', '9', '11', '7', '77']);
    answer = () => ({ status: 200, body: { retCode: 0, retMsg: 'OK', result: { category: 'linear', symbol: 'BTCUSDT', list: rows } } });
    const got = await fetchFirstBars(exchange('bybit', base)!, key('bybit', 'BTC/USDT:USDT'), 500, NOW, new AbortController().signal);
    assert.ok(typeof got === 'object', String(got));
    assert.deepEqual(got.candles.map((c) => c.time), [THIS_MINUTE - 2 * MINUTE, THIS_MINUTE - MINUTE]);
    assert.deepEqual(got.candles[0], { time: THIS_MINUTE - 2 * MINUTE, open: 10, high: 12, low: 9, close: 11, volume: 7 });
    answer = () => ({ status: 200, body: { retCode: 0, retMsg: 'OK', result: { category: 'linear', symbol: 'ETHUSDT', list: rows } } });
    assert.match(String(await fetchFirstBars(exchange('bybit', base)!, key('bybit', 'BTC/USDT:USDT'), 500, NOW, new AbortController().signal)), /the answer is for "ETHUSDT", not BTCUSDT/);
    answer = () => ({ status: 200, body: { retCode: 10001, retMsg: 'params error: symbol invalid', result: {} } });
    assert.match(String(await fetchFirstBars(exchange('bybit', base)!, key('bybit', 'BTC/USDT:USDT'), 500, NOW, new AbortController().signal)), /answered 10001: "params error: symbol invalid"/);
  });

  it('coinbase: start in unix seconds, the newest first', async () => {
    const candles = [0, 1].map((k) => ({ start: String((THIS_MINUTE - k * MINUTE) / 1000), low: '1.5', high: '2.5', open: '2', close: '2.25', volume: '40' }));
    answer = () => ({ status: 200, body: { candles } });
    const got = await fetchFirstBars(exchange('coinbase', base)!, key('coinbase', 'ETH/USD'), 500, NOW, new AbortController().signal);
    assert.ok(typeof got === 'object', String(got));
    assert.equal(got.marketId, 'ETH-USD');
    assert.deepEqual(got.candles, [{ time: THIS_MINUTE - MINUTE, open: 2, high: 2.5, low: 1.5, close: 2.25, volume: 40 }]);
  });

  const rejected: Array<[string, () => { status: number; body: unknown } | 'hang', RegExp]> = [
    ['an HTTP error', () => ({ status: 503, body: { code: -1003, msg: 'busy' } }), /HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/api\/v3\/klines\?symbol=BTCUSDT/],
    ['an answer that is not JSON', () => ({ status: 200, body: '<html>maintenance</html>' }), /klines\?.*: .*JSON/],
    ['an object instead of rows', () => ({ status: 200, body: { code: -1121, msg: 'Invalid symbol.' } }), /expected an array of klines, got \{"code":-1121/],
    ['one row with a price that is not a number', () => ({ status: 200, body: [binanceRow(THIS_MINUTE - 2 * MINUTE), [THIS_MINUTE - MINUTE, '100', 'NaN', '99', '100', '1']] }), /OHLCV row .*: high/],
    ['one row with low above the close', () => ({ status: 200, body: [[THIS_MINUTE - MINUTE, '100', '101', '100.6', '100.5', '1']] }), /inconsistent/],
    ['a bar off the minute grid', () => ({ status: 200, body: [binanceRow(THIS_MINUTE - MINUTE + 1_000)] }), /not on the 1m grid/],
    ['the same minute twice', () => ({ status: 200, body: [binanceRow(THIS_MINUTE - MINUTE), binanceRow(THIS_MINUTE - MINUTE)] }), /two bars at/],
    ['only the bar in progress', () => ({ status: 200, body: [binanceRow(THIS_MINUTE)] }), /no closed bar/],
    ['an answer of more than 4 MB', () => ({ status: 200, body: `[${'1,'.repeat(2_200_000)}1]` }), /larger than 4194304 bytes/],
  ];
  for (const [what, a, reason] of rejected) {
    it(`${what}: rejected whole, with the URL and why`, async () => {
      answer = a;
      const got = await fetchBinance();
      assert.equal(typeof got, 'string', `${what} gave bars: ${JSON.stringify(got)}`);
      assert.match(got as string, reason);
    });
  }

  it('a rate limit (429) or a ban (418): the caller hears of it, with the Retry-After when sent, and gets why; other errors are no rate limit', async () => {
    const heard: Array<number | undefined> = [];
    const onRateLimit = (ms: number | undefined) => heard.push(ms);
    const ask = () => fetchFirstBars(exchange('binance', base)!, key('binance', 'BTC/USDT'), 500, NOW, new AbortController().signal, { onRateLimit });
    answer = () => ({ status: 429, body: { code: -1003, msg: 'Too many requests' }, headers: { 'retry-after': '7' } });
    assert.match(String(await ask()), /HTTP 429 from http:\/\/127/);
    answer = () => ({ status: 418, body: { code: -1003, msg: 'Way too many requests; IP banned' } });
    assert.match(String(await ask()), /HTTP 418/);
    answer = () => ({ status: 503, body: { code: -1003, msg: 'busy' }, headers: { 'retry-after': '3' } });
    assert.match(String(await ask()), /HTTP 503/);
    assert.deepEqual(heard, [7000, undefined]);
  });

  it('no answer within the time allowed: why, and the request is given up', async () => {
    answer = () => 'hang';
    assert.match(String(await fetchBinance(500, new AbortController().signal, 100)), /no answer within 100 ms from http:\/\/127/);
  });

  it("the caller's abort ends the request (the chart closed)", async () => {
    answer = () => 'hang';
    const abort = new AbortController();
    const pending = fetchBinance(500, abort.signal, 60_000);
    setImmediate(() => abort.abort());
    const got = await pending;
    assert.equal(typeof got, 'string');
    assert.doesNotMatch(got as string, /no answer within/);
  });

  it('a market or timeframe the shortcut does not cover asks nothing', async () => {
    let asked = 0;
    answer = () => {
      asked++;
      return { status: 200, body: [] };
    };
    assert.equal(await fetchFirstBars(exchange('binance', base)!, key('binance', 'BTC/USDT:USDT-261225'), 500, NOW, new AbortController().signal), undefined);
    assert.equal(asked, 0);
  });
});
