// The emulator's listing knob (setMarketStatus / POST /_emulator/market/status): a market halted or delisted while
// clients run is listed so from the next request on every protocol, and trades no more until it trades again.
import * as assert from 'node:assert/strict';
import { ExchangeEmulator } from '../../src/emulator';

describe('emulator: a market halted or delisted while clients run', function () {
  this.timeout(30_000);
  let emu: ExchangeEmulator<'binance'> | ExchangeEmulator<'coinbase'> | ExchangeEmulator<'bybit'> | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  const statusOf = async (url: string, path: string, pick: (body: unknown) => unknown): Promise<unknown> => pick(await (await fetch(`${url}${path}`)).json());

  it('Binance: exchangeInfo says BREAK, then TRADING again; no trades meanwhile, trades again after', async () => {
    const binance = await ExchangeEmulator.start({ exchange: 'binance', seed: 3, tradesPerSecond: 50 });
    emu = binance;
    const sol = (body: unknown) => (body as { symbols: Array<{ symbol: string; status: string }> }).symbols.find((s) => s.symbol === 'SOLUSDT')?.status;
    assert.equal(await statusOf(binance.url, '/api/v3/exchangeInfo', sol), 'TRADING');
    const res = await fetch(`${binance.url}/_emulator/market/status`, { method: 'POST', body: JSON.stringify({ symbol: 'SOL/USDT', status: 'delisted' }) });
    assert.equal(res.status, 200);
    assert.equal(await statusOf(binance.url, '/api/v3/exchangeInfo', sol), 'BREAK');
    assert.equal(binance.marketStatus('SOL/USDT'), 'delisted');
    const last = binance.trades('SOL/USDT').length;
    // Other markets go on trading: wait for 20 more BTC/USDT trades, then SOL/USDT has none more.
    const btc = binance.trades('BTC/USDT').length;
    await new Promise<void>((resolve) => {
      const onTrade = () => binance.trades('BTC/USDT').length >= btc + 20 && (binance.off('trade', onTrade), resolve());
      binance.on('trade', onTrade);
    });
    assert.equal(binance.trades('SOL/USDT').length, last, 'a delisted market makes no trades');
    assert.throws(() => binance.injectTrades('SOL/USDT', [{ price: 100, amount: 1, side: 'buy' }]), /SOL\/USDT is delisted/);
    binance.setMarketStatus('SOL/USDT', 'trading');
    assert.equal(await statusOf(binance.url, '/api/v3/exchangeInfo', sol), 'TRADING');
    await new Promise<void>((resolve) => {
      const onTrade = (symbol: string) => symbol === 'SOL/USDT' && (binance.off('trade', onTrade), resolve());
      binance.on('trade', onTrade);
    });
  });

  it('Coinbase lists the product delisted; Bybit halted (PreLaunch); a bad status or symbol is refused naming it', async () => {
    const coinbase = await ExchangeEmulator.start({ exchange: 'coinbase', seed: 3, tradesPerSecond: 0 });
    emu = coinbase;
    coinbase.setMarketStatus('SOL/USD', 'delisted');
    const product = await statusOf(coinbase.url, '/api/v3/brokerage/market/products', (b) => (b as { products: Array<{ product_id: string; status: string; trading_disabled: boolean }> }).products.find((p) => p.product_id === 'SOL-USD'));
    assert.deepEqual({ status: (product as { status: string }).status, disabled: (product as { trading_disabled: boolean }).trading_disabled }, { status: 'delisted', disabled: true });
    const bad = await fetch(`${coinbase.url}/_emulator/market/status`, { method: 'POST', body: JSON.stringify({ symbol: 'SOL/USD', status: 'gone' }) });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /'status' must be one of trading, halted, delisted/);
    const unknown = await fetch(`${coinbase.url}/_emulator/market/status`, { method: 'POST', body: JSON.stringify({ symbol: 'NOPE/USD', status: 'halted' }) });
    assert.equal(unknown.status, 400);
    await coinbase.close();
    const bybit = await ExchangeEmulator.start({ exchange: 'bybit', seed: 3, tradesPerSecond: 0 });
    emu = bybit;
    bybit.setMarketStatus('SOL/USDT:USDT', 'halted');
    const instrument = await statusOf(bybit.url, '/v5/market/instruments-info?category=linear&status=PreLaunch', (b) => (b as { result: { list: Array<{ symbol: string; status: string }> } }).result.list.find((i) => i.symbol === 'SOLUSDT')?.status);
    assert.equal(instrument, 'PreLaunch');
  });
});
