// The Markets tree's ticker rows (MarketTickers over the real hub, the real ccxt and the emulators): every exchange's
// quote group shows prices, and a ticker stream that cannot work says so on its rows.
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import type { ExchangeId } from '../../src/emulator';
import type { MarketInfo } from '../../src/core/exchange/marketDataClient';
import { MarketTickers, type RowTicker } from '../../src/extension/markets/marketTickers';
import { Rig } from '../helpers/emulatorHub';

/** Resolves once `done` holds for the rows, checked on every change the tickers report. */
function rowsWhen(start: (changed: () => void) => MarketTickers, done: (t: MarketTickers) => boolean, what: string, timeoutMs = 20_000): { tickers: MarketTickers; reached: Promise<void> } {
  let resolve: () => void = () => undefined;
  const reached = new Promise<void>((r) => (resolve = r));
  let tickers: MarketTickers | undefined;
  tickers = start(() => tickers !== undefined && done(tickers) && resolve());
  const timer = setTimeout(() => resolve(), timeoutMs);
  return {
    tickers,
    reached: reached.then(() => {
      clearTimeout(timer);
      assert.ok(tickers !== undefined && done(tickers), `timed out waiting for ${what}`);
    }),
  };
}

/**
 * A quiet Binance (nothing trades) whose USDT group shows, every row priced (by the REST snapshot); `untilPrice` waits
 * for a row to read a price, failing with what it reads instead.
 */
async function quietBinanceGroup(start: (r: Rig<ExchangeId>) => void) {
  const r = await Rig.start({ exchange: 'binance', tradesPerSecond: 0, tickerIntervalMs: 100 });
  start(r);
  const group = (await r.hub.markets('binance')).filter((m) => m.quote === 'USDT');
  let onChange = (): unknown => undefined;
  const { tickers, reached } = rowsWhen(
    (changed) => new MarketTickers({ hub: r.hub }, () => (changed(), onChange())),
    (t) => group.every((m) => t.row('binance', m.symbol).ticker !== undefined),
    'a price on every row of a market that does not trade',
  );
  tickers.sync([], [{ exchange: 'binance', markets: group }]);
  await reached;
  const untilPrice = (symbol: string, price: number, after: () => void, what: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const reads = new Promise<void>((resolve) => (onChange = () => tickers.row('binance', symbol).ticker?.last === price && resolve()));
    after();
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${symbol} still reads ${tickers.row('binance', symbol).ticker?.last} 20 s on, not ${price}: ${what}`)), 20_000)));
    return Promise.race([reads, late]).finally(() => clearTimeout(timer));
  };
  return { r, group, tickers, untilPrice };
}

const cases: ReadonlyArray<{ exchange: ExchangeId; quote: string; topics: (s: Record<string, number>) => boolean }> = [
  { exchange: 'binance', quote: 'USDT', topics: (s) => s['!miniTicker@arr'] === 1 },
  { exchange: 'coinbase', quote: 'USD', topics: (s) => ['BTC-USD', 'ETH-USD', 'SOL-USD'].every((id) => s[`ticker_batch:${id}`] === 1) },
  { exchange: 'bybit', quote: 'USDT', topics: (s) => ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].every((id) => s[`tickers.${id}`] === 1) },
];

describe("the Markets tree's ticker rows against the emulators (real ccxt watchTickers)", function () {
  this.timeout(60_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const { exchange, quote, topics } of cases) {
    it(`${exchange}: every row of the ${quote} group gets its price and 24h change${exchange === 'bybit' ? ', mark and funding' : ''}; the streams end with the group`, async () => {
      const r = (rig = await Rig.start({ exchange, tradesPerSecond: 10, tickerIntervalMs: 200 }));
      const group = (await r.hub.markets(exchange)).filter((m) => m.quote === quote);
      assert.equal(group.length, 3);
      const shown = (t: MarketTickers) => group.map((m) => t.row(exchange, m.symbol));
      const { tickers, reached } = rowsWhen(
        (changed) => new MarketTickers({ hub: r.hub }, changed),
        (t) => shown(t).every((row) => row.ticker !== undefined && row.ticker.change24hPercent !== undefined && (exchange !== 'bybit' || (row.ticker.derivatives?.markPrice !== undefined && row.ticker.derivatives.fundingRate !== undefined))),
        `prices on every ${exchange} row`,
      );
      tickers.sync([], [{ exchange, markets: group }]);
      await reached;
      for (const [i, row] of shown(tickers).entries()) {
        const m = group[i]!;
        const traded = r.emulator.trades(m.symbol).map((t) => t.price);
        assert.ok(row.ticker!.last >= Math.min(...traded) && row.ticker!.last <= Math.max(...traded), `${m.symbol}: ${row.ticker!.last} is a traded price`);
        assert.equal(row.error, undefined);
      }
      await r.emulator.waitForStats((s) => topics(s.subscriptions));
      assert.ok(!r.log.lines.some((l) => /tickers .* attempt \d+ failed/.test(l)), r.log.lines.filter((l) => l.includes('tickers')).join('\n'));
      tickers.sync([], []);
      await r.emulator.waitForStats((s) => s.openSockets === 0, 5000);
      tickers.dispose();
    });
  }

  it("binance with its USDⓈ-M perpetuals: the USDT group's spot rows come from `!miniTicker@arr`, its perpetuals' from their own futures streams (that stream does not carry them); all end with the group", async () => {
    const r = (rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 10, tickerIntervalMs: 200 }, { exchangeOptions: { fetchMarkets: { types: ['spot', 'linear'] } } }));
    const group = (await r.hub.markets('binance')).filter((m) => m.quote === 'USDT');
    const perps = group.filter((m) => m.symbol.endsWith(':USDT'));
    assert.ok(perps.length === 3 && group.length === 6, group.map((m) => m.symbol).join(' '));
    const { tickers, reached } = rowsWhen(
      (changed) => new MarketTickers({ hub: r.hub }, changed),
      (t) => group.every((m) => t.row('binance', m.symbol).ticker !== undefined),
      'prices on every spot and perpetual row',
    );
    tickers.sync([], [{ exchange: 'binance', markets: group }]);
    await reached;
    for (const m of perps) {
      const row = tickers.row('binance', m.symbol);
      const traded = r.emulator.trades(m.symbol).map((t) => t.price);
      assert.ok(row.ticker!.last >= Math.min(...traded) && row.ticker!.last <= Math.max(...traded), `${m.symbol}: ${row.ticker!.last} is a traded price`);
      assert.equal(row.error, undefined);
    }
    await r.emulator.waitForStats((s) => s.subscriptions['!miniTicker@arr'] === 1 && ['btcusdt', 'ethusdt', 'solusdt'].every((id) => s.subscriptions[`fstream:${id}@miniTicker`] === 1));
    tickers.sync([], []);
    await r.emulator.waitForStats((s) => s.openSockets === 0, 5000);
    tickers.dispose();
  });

  it("binance, nothing trading: `!miniTicker@arr` carries only markets that changed, so every row's first price comes from one REST snapshot; a trade then comes on the stream", async () => {
    let restBefore = 0;
    const { r, group, tickers, untilPrice } = await quietBinanceGroup((started) => {
      rig = started;
      restBefore = started.emulator.stats().restRequests['/api/v3/ticker/24hr'] ?? 0;
    });
    assert.equal(group.length, 3);
    for (const m of group) assert.equal(tickers.row('binance', m.symbol).ticker!.last, r.emulator.trades(m.symbol).at(-1)!.price, `${m.symbol}: its last traded price`);
    assert.equal((r.emulator.stats().restRequests['/api/v3/ticker/24hr'] ?? 0) - restBefore, 1, 'one snapshot of every market');
    await untilPrice('ETH/USDT', 3_210.5, () => r.emulator.injectTrades('ETH/USDT', [{ price: 3_210.5, amount: 1, side: 'buy' }]), 'the trade on the stream');
    assert.equal((r.emulator.stats().restRequests['/api/v3/ticker/24hr'] ?? 0) - restBefore, 1, 'the stream, not another snapshot');
    tickers.sync([], []);
    await r.emulator.waitForStats((s) => s.openSockets === 0, 5000);
    tickers.dispose();
  });

  it('binance: a market that traded while the exchange was away, and not since, gets its new price when the stream is back (the arrays do not send that change again: a new snapshot does)', async () => {
    const { r, tickers, untilPrice } = await quietBinanceGroup((started) => (rig = started));
    assert.notEqual(tickers.row('binance', 'ETH/USDT').ticker!.last, 3_210.5);
    const stopped = once(r.emulator, 'stopped');
    r.emulator.restartAfter(1000);
    await stopped;
    const listening = once(r.emulator, 'listening');
    await untilPrice('ETH/USDT', 3_210.5, () => r.emulator.injectTrades('ETH/USDT', [{ price: 3_210.5, amount: 1, side: 'buy' }]), 'the price it traded at while the exchange was away');
    await listening;
    assert.equal(tickers.row('binance', 'ETH/USDT').staleSince, undefined, 'live again');
    assert.ok((r.emulator.stats().restRequests['/api/v3/ticker/24hr'] ?? 0) >= 2, 'a second snapshot');
    tickers.dispose();
  });

  it("binance, real-size: every trading row of its largest quote group is priced by the snapshot though only three markets trade; rows of markets not trading get none", async () => {
    const r = (rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 5, tickerIntervalMs: 200, markets: 'real-size' }));
    const markets = await r.hub.markets('binance');
    const count = (quote: string) => markets.filter((m) => m.quote === quote).length;
    const largest = [...new Set(markets.map((m) => m.quote))].sort((a, b) => count(b) - count(a))[0];
    const group = markets.filter((m) => m.quote === largest);
    const trading = group.filter((m) => m.active);
    assert.ok(trading.length > 500 && trading.length < group.length, `${group.length} markets, ${trading.length} trading`);
    const { tickers, reached } = rowsWhen(
      (changed) => new MarketTickers({ hub: r.hub }, changed),
      (t) => trading.every((m) => t.row('binance', m.symbol).ticker !== undefined),
      `a price on all ${trading.length} trading rows`,
    );
    tickers.sync([], [{ exchange: 'binance', markets: group }]);
    await reached;
    assert.ok(group.filter((m) => !m.active).every((m) => tickers.row('binance', m.symbol).ticker === undefined), 'no price for a market not trading');
    tickers.dispose();
  });

  it('binance: a REST snapshot of the tickers that fails is logged, and the rows get their prices from the stream', async () => {
    const r = (rig = await Rig.start({ exchange: 'binance', tradesPerSecond: 20, tickerIntervalMs: 100 }));
    r.emulator.failRest({ status: 503, path: 'ticker/24hr', count: 1000 });
    const group = (await r.hub.markets('binance')).filter((m) => m.quote === 'USDT');
    const { tickers, reached } = rowsWhen(
      (changed) => new MarketTickers({ hub: r.hub }, changed),
      (t) => group.every((m) => t.row('binance', m.symbol).ticker !== undefined),
      'prices on every row from the stream',
    );
    tickers.sync([], [{ exchange: 'binance', markets: group }]);
    await reached;
    await r.log.line(/^warn \[binance\] binance tickers: markets that have not traded since the stream started show no price until they trade \(the REST snapshot failed: .*Service unavailable/);
    assert.ok((r.emulator.stats().restRequests['/api/v3/ticker/24hr'] ?? 0) >= 1, 'the snapshot was asked for');
    assert.ok(group.every((m) => tickers.row('binance', m.symbol).error === undefined));
    tickers.dispose();
  });

  it('a group stream that cannot work (a market the exchange no longer lists) names why on its rows instead of staying blank', async () => {
    const r = (rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 5 }));
    const listed = (await r.hub.markets('bybit')).filter((m) => m.quote === 'USDT');
    const gone: MarketInfo = { ...listed[0]!, symbol: 'GONE/USDT:USDT', base: 'GONE' };
    const group = [...listed, gone];
    const { tickers, reached } = rowsWhen(
      (changed) => new MarketTickers({ hub: r.hub }, changed),
      (t) => group.every((m) => t.row('bybit', m.symbol).error !== undefined),
      'the failure on every row',
    );
    tickers.sync([], [{ exchange: 'bybit', markets: group }]);
    await reached;
    const row: RowTicker = tickers.row('bybit', listed[1]!.symbol);
    assert.match(row.error ?? '', /^Prices unavailable: .*GONE\/USDT:USDT/);
    tickers.dispose();
  });
});
