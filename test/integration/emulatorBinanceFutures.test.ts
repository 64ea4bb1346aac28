/**
 * The Binance emulator's USDⓈ-M perpetuals, raw, as Binance's futures docs describe them: /fapi/v1 REST shapes and
 * {code, msg} errors; fstream routes (/public carries book and trade streams, /market aggTrade, forceOrder and tickers, a
 * stream on the wrong route is accepted and silent), depth diffs chained by `pu`, forceOrder events; spot and
 * futures subscriptions of the same name kept apart.
 */
import * as assert from 'node:assert/strict';
import { ExchangeEmulator } from '../../src/emulator';
import { RawClient } from '../helpers/rawClient';

const PERP = 'BTC/USDT:USDT';

async function get(emu: ExchangeEmulator, path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${emu.url}${path}`);
  return { status: res.status, body: await res.json() };
}

const replyTo =
  (id: number) =>
  (f: unknown): f is { result?: unknown; error?: { code: number; msg: string }; id: number } =>
    (f as { id?: unknown }).id === id;
const event =
  <T>(e: string) =>
  (f: unknown): f is T =>
    (f as { e?: unknown }).e === e;

interface DepthEvent {
  e: string;
  s: string;
  U: number;
  u: number;
  pu: number;
  b: unknown[];
  a: unknown[];
}

describe('Binance emulator: USDⓈ-M perpetuals (fapi, fstream)', function () {
  this.timeout(20_000);
  let emu: ExchangeEmulator;
  let client: RawClient | undefined;

  before(async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'ETH/BTC'], seed: 5, tradesPerSecond: 0, depthIntervalMs: 20, historyMinutes: 10, liquidationsPerTrade: 0 });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });
  after(async () => {
    await emu?.close();
  });

  it('exchangeInfo lists the configured USDT markets as PERPETUAL contracts with their filters', async () => {
    const { status, body } = await get(emu, '/fapi/v1/exchangeInfo');
    assert.equal(status, 200);
    const info = body as { futuresType: string; symbols: Array<Record<string, unknown> & { filters: Array<Record<string, unknown>> }> };
    assert.equal(info.futuresType, 'U_MARGINED');
    assert.deepEqual(info.symbols.map((s) => s.symbol), ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    const btc = info.symbols[0]!;
    assert.deepEqual([btc.contractType, btc.status, btc.baseAsset, btc.quoteAsset, btc.marginAsset], ['PERPETUAL', 'TRADING', 'BTC', 'USDT', 'USDT']);
    const filter = (type: string) => btc.filters.find((f) => f.filterType === type);
    assert.equal(filter('PRICE_FILTER')?.tickSize, '0.01');
    assert.ok(filter('LOT_SIZE')?.stepSize !== undefined && filter('MIN_NOTIONAL')?.notional !== undefined);
  });

  it('premiumIndex, openInterest, depth and aggTrades answer as the docs show, from the emulator state', async () => {
    const premium = (await get(emu, '/fapi/v1/premiumIndex?symbol=BTCUSDT')).body as Record<string, unknown>;
    const truth = emu.derivatives(PERP);
    assert.deepEqual([Number(premium.markPrice), Number(premium.indexPrice), Number(premium.lastFundingRate), premium.nextFundingTime], [truth.markPrice, truth.indexPrice, truth.fundingRate, truth.nextFundingTime]);
    assert.equal(premium.interestRate, '0.00010000');
    const control = await get(emu, `/_emulator/derivatives?symbol=${encodeURIComponent(PERP)}`);
    assert.equal(control.status, 200, JSON.stringify(control.body));
    assert.equal((control.body as { markPrice: number }).markPrice, truth.markPrice, 'the control API serves the same ground truth');
    const all = (await get(emu, '/fapi/v1/premiumIndex')).body as Array<{ symbol: string }>;
    assert.deepEqual(all.map((r) => r.symbol), ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
    const oi = (await get(emu, '/fapi/v1/openInterest?symbol=BTCUSDT')).body as { openInterest: string; symbol: string; time: number };
    assert.equal(oi.symbol, 'BTCUSDT');
    assert.equal(Number(oi.openInterest), emu.openInterestAt(PERP, oi.time));
    const depth = (await get(emu, '/fapi/v1/depth?symbol=BTCUSDT&limit=5')).body as { lastUpdateId: number; E: number; T: number; bids: unknown[]; asks: unknown[] };
    assert.deepEqual([depth.bids.length, depth.asks.length, typeof depth.lastUpdateId, typeof depth.E, typeof depth.T], [5, 5, 'number', 'number', 'number']);
    const trades = (await get(emu, '/fapi/v1/aggTrades?symbol=BTCUSDT&limit=3')).body as Array<Record<string, unknown>>;
    const last = emu.trades(PERP).at(-1)!;
    assert.deepEqual(trades.at(-1), { a: last.id, p: last.price.toFixed(8), q: trades.at(-1)?.q, f: last.id, l: last.id, T: last.timestamp, m: last.side === 'sell' });
    assert.equal(Number(trades.at(-1)?.q), last.amount);
    assert.equal(((await get(emu, '/fapi/v1/time')).body as { serverTime: number }).serverTime > 0, true);
  });

  it('errors are {code, msg}: unknown symbol, missing symbol, a depth limit not offered, an unknown path', async () => {
    assert.deepEqual(await get(emu, '/fapi/v1/openInterest?symbol=NOPEUSDT'), { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    assert.deepEqual((await get(emu, '/fapi/v1/premiumIndex?symbol=ETHBTC')).body, { code: -1121, msg: 'Invalid symbol.' }, 'a spot market not quoted in USDT has no contract');
    const missing = await get(emu, '/fapi/v1/klines?interval=1m');
    assert.deepEqual([missing.status, (missing.body as { code: number }).code], [400, -1102]);
    const limit = await get(emu, '/fapi/v1/depth?symbol=BTCUSDT&limit=7');
    assert.deepEqual([limit.status, (limit.body as { code: number }).code], [400, -1130]);
    const unknown = await get(emu, '/fapi/v1/nope');
    assert.equal(unknown.status, 404);
    assert.match((unknown.body as { msg: string }).msg, /\/fapi\/v1\/nope/);
  });

  it('/market carries aggTrade (no M field) and forceOrder; a public-route stream there is accepted and silent', async () => {
    client = new RawClient(`${emu.url.replace(/^http/, 'ws')}/fstream/market/ws`);
    await client.open();
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade', 'btcusdt@forceOrder', 'btcusdt@depth@100ms'], id: 1 });
    assert.deepEqual(await client.next(replyTo(1)), { result: null, id: 1 });
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    assert.deepEqual(((await client.next(replyTo(2))).result as string[]).sort(), ['btcusdt@aggTrade', 'btcusdt@forceOrder']);
    const [trade] = emu.injectTrades(PERP, [{ price: 60123.45, amount: 0.25, side: 'sell' }]);
    const agg = await client.next(event<Record<string, unknown>>('aggTrade'));
    assert.deepEqual({ ...agg, E: undefined }, { e: 'aggTrade', E: undefined, s: 'BTCUSDT', a: trade!.id, p: '60123.45000000', q: '0.25000000', f: trade!.id, l: trade!.id, T: trade!.timestamp, m: true });
    const [liquidation] = emu.injectLiquidations(PERP, [{ side: 'sell', price: 60100, amount: 1.5 }]);
    const force = await client.next(event<{ o: Record<string, unknown> }>('forceOrder'));
    // A short liquidated ('sell' in the emulator's log) is bought back: S is the order's side.
    assert.deepEqual(force.o, { s: 'BTCUSDT', S: 'BUY', o: 'LIMIT', f: 'IOC', q: '1.50000', p: '60100.00', ap: '60100.00', X: 'FILLED', l: '1.50000', z: '1.50000', T: liquidation!.timestamp });
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@bookDepth'], id: 3 });
    assert.equal((await client.next(replyTo(3))).error?.code, 2, 'a stream the futures service does not serve');
  });

  it('/market carries the 24h tickers: `@ticker` (no best bid/ask, as the futures docs show), `@miniTicker` and the all-market arrays', async () => {
    client = new RawClient(`${emu.url.replace(/^http/, 'ws')}/fstream/market/ws`);
    await client.open();
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker', 'ethusdt@miniTicker', '!miniTicker@arr', '!ticker@arr'], id: 1 });
    assert.deepEqual(await client.next(replyTo(1)), { result: null, id: 1 });
    await client.next(event<Record<string, unknown>>('24hrMiniTicker')); // a push: the arrays know every contract from here
    const [trade] = emu.injectTrades(PERP, [{ price: 60321.5, amount: 0.5, side: 'buy' }]);
    const ticker = await client.next((f: unknown): f is Record<string, unknown> => (f as { e?: unknown; s?: unknown; c?: unknown }).e === '24hrTicker' && Number((f as { c?: unknown }).c) === 60321.5);
    assert.deepEqual(Object.keys(ticker).sort(), ['C', 'E', 'F', 'L', 'O', 'P', 'Q', 'c', 'e', 'h', 'l', 'n', 'o', 'p', 'q', 's', 'v', 'w'].sort());
    assert.equal(ticker.s, 'BTCUSDT');
    assert.equal(ticker.L, trade!.id);
    const mini = await client.next(event<Record<string, unknown>>('24hrMiniTicker'));
    assert.equal(mini.s, 'ETHUSDT');
    const isArrayOf = (e: string) => (f: unknown): f is Array<Record<string, unknown>> => Array.isArray(f) && (f as Array<{ e?: unknown }>)[0]?.e === e;
    const all = await client.next(isArrayOf('24hrTicker'));
    assert.deepEqual(all.map((t) => [t.s, Number(t.c)]), [['BTCUSDT', 60321.5]], 'only the contract that changed (ETH/BTC has none at all)');
    const allMini = await client.next(isArrayOf('24hrMiniTicker'));
    assert.deepEqual(allMini.map((t) => t.s), ['BTCUSDT']);
    emu.injectTrades('SOL/USDT:USDT', [{ price: 151.5, amount: 2, side: 'sell' }]);
    assert.deepEqual((await client.next(isArrayOf('24hrMiniTicker'))).map((t) => [t.s, Number(t.c)]), [['SOLUSDT', 151.5]]);
  });

  it('/public carries depth diffs whose pu chains each event to the previous u; spot subscribers of the same name get spot events', async () => {
    client = new RawClient(`${emu.url.replace(/^http/, 'ws')}/fstream/public/ws`);
    const spot = new RawClient(`${emu.url.replace(/^http/, 'ws')}/ws`);
    try {
      await Promise.all([client.open(), spot.open()]);
      client.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 });
      spot.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms'], id: 1 });
      await Promise.all([client.next(replyTo(1)), spot.next(replyTo(1))]);
      const first = await client.next(event<DepthEvent>('depthUpdate'));
      const second = await client.next(event<DepthEvent>('depthUpdate'));
      assert.equal(first.pu, first.U - 1);
      assert.equal(second.pu, first.u, 'pu is the previous event’s u');
      const spotEvent = await spot.next(event<Record<string, unknown>>('depthUpdate'));
      assert.equal('pu' in spotEvent, false, 'the spot stream has no pu');
      const stats = emu.stats().subscriptions;
      assert.deepEqual([stats['btcusdt@depth@100ms'], stats['fstream:btcusdt@depth@100ms']], [1, 1]);
    } finally {
      await spot.close();
    }
  });
});
