/**
 * loadMarkets in two turns: the real ccxt downloads Binance's real-size listing from the emulator, and the timers
 * queued as its parse ends (a panel's message the extension host should read) run before ccxt indexes the markets.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import ccxt from 'ccxt';
import { setMarketsOnALaterTurn } from '../../src/core/exchange/ccxtHooks';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { ExchangeEmulator } from '../../src/emulator';

interface Spied {
  fetchMarkets(params?: Record<string, unknown>): Promise<unknown>;
  setMarkets(markets: unknown, currencies?: unknown): unknown;
}

/** Records when ccxt indexes the markets, and queues a timer the moment its download and parse end. */
function spyOn(ex: ProExchange, order: string[]): void {
  const spied = ex as unknown as Spied;
  const fetchMarkets = spied.fetchMarkets.bind(spied);
  spied.fetchMarkets = async (params) => {
    const markets = await fetchMarkets(params);
    setTimeout(() => order.push('timer queued as the parse ended'), 0);
    return markets;
  };
  const setMarkets = spied.setMarkets.bind(spied);
  spied.setMarkets = (markets, currencies) => {
    order.push('setMarkets');
    return setMarkets(markets, currencies);
  };
}

describe('loadMarkets lets queued timers run between the parse and setMarkets (real ccxt, real-size emulator)', function () {
  this.timeout(60_000);
  let emu: ExchangeEmulator<'binance'>;
  const opened: ProExchange[] = [];

  before(async () => {
    emu = await ExchangeEmulator.start({ exchange: 'binance', markets: 'real-size', seed: 7, tradesPerSecond: 1, historyMinutes: 5 });
  });
  after(async () => {
    for (const ex of opened) await ex.close();
    await emu?.close();
  });

  function binance(): ProExchange {
    const { urls, options } = emu.ccxtConfig();
    const ex = new ccxt.pro.binance({ urls, options, httpAgent: new http.Agent() }) as unknown as ProExchange;
    opened.push(ex);
    return ex;
  }

  it('hooked: the timer runs first, and every market is indexed', async () => {
    const order: string[] = [];
    const ex = binance();
    spyOn(ex, order);
    setMarketsOnALaterTurn(ex);
    const markets = await ex.loadMarkets();
    assert.deepEqual(order, ['timer queued as the parse ended', 'setMarkets']);
    assert.equal(Object.keys(markets).length, 3000);
    assert.equal(ex.market('BTC/USDT').id, 'BTCUSDT');
  });

  it('unhooked (ccxt as it comes): setMarkets runs in the same turn as the parse, before the timer', async () => {
    const order: string[] = [];
    const ex = binance();
    spyOn(ex, order);
    await ex.loadMarkets();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(order, ['setMarkets', 'timer queued as the parse ended']);
  });
});
