/**
 * A contract market's kline volume, checked against ccxt itself: a kline row parsed by the exchange's ccxt class,
 * taken by the client into the unit of its trades (contracts: a chart's REST bars and live bars count alike), and by
 * an aggregate's leg into base units, must give what its own trades' amounts give.
 */
import * as assert from 'node:assert/strict';
import ccxt from 'ccxt';
import { legKlinesOf } from '../../../src/core/aggregate/aggregateSeries';
import { baseAmount, klineVolumeInTradeUnits, type ContractSpec } from '../../../src/core/exchange/contractSpec';

const T = 1_678_928_760_000;

interface ParsingExchange {
  parseOHLCV(row: unknown, market: unknown): number[];
  parseTrade(row: unknown, market: unknown): { amount: number };
}

type Contract = Exclude<ContractSpec, { segment: 'spot' }>;

const market = (id: string, symbol: string, contract: Contract) => ({
  id,
  symbol,
  type: 'swap',
  spot: false,
  swap: true,
  future: false,
  option: false,
  contract: true,
  linear: contract.settlement === 'linear',
  inverse: contract.settlement === 'inverse',
  contractSize: contract.contractSize,
  precision: {},
  limits: {},
});

/** The kline's volume as the client gives it (the unit of the market's trade amounts). */
function klineInTradeUnits(exchange: string, contract: ContractSpec, row: readonly number[]): number {
  const [, , , , close, volume] = row as [number, number, number, number, number, number];
  return klineVolumeInTradeUnits(exchange, contract, volume, close);
}

/** The same kline in an aggregate's leg: base units. */
function klineBase(exchange: string, contract: ContractSpec, row: readonly number[]): number {
  const [time, open, high, low, close] = row as [number, number, number, number, number, number];
  const [k] = legKlinesOf({ contract }, [{ time, open, high, low, close, volume: klineInTradeUnits(exchange, contract, row) }], time, time + 60_000);
  return k!.base;
}

describe('aggregate: a leg kline volume in base units', () => {
  it('OKX linear swap (0.01 BTC a contract): the kline counts its trades\' contracts for a chart, and their base for an aggregate, not a hundredth of it', () => {
    const contract: Contract = { segment: 'perp', settlement: 'linear', contractSize: 0.01 };
    const m = market('BTC-USDT-SWAP', 'BTC/USDT:USDT', contract);
    const okx = new ccxt.okx() as unknown as ParsingExchange;
    // The minute's one trade: 628 contracts (OKX's kline row: contract volume 628, base volume 6.28).
    const trade = okx.parseTrade({ instId: 'BTC-USDT-SWAP', side: 'buy', sz: '628', px: '24323', tradeId: '1', ts: String(T + 1) }, m);
    const row = okx.parseOHLCV([String(T), '24323', '24323', '24323', '24323', '628', '6.28', '152748.44', '1'], m);
    const fromTrades = baseAmount(contract, trade.amount, 24323);
    assert.ok(Math.abs(fromTrades - 6.28) < 1e-9, `the trade is ${fromTrades} BTC`);
    assert.ok(Math.abs(klineInTradeUnits('okx', contract, row) - trade.amount) < 1e-9, `kline ${klineInTradeUnits('okx', contract, row)} contracts vs its trade's ${trade.amount}`);
    assert.ok(Math.abs(klineBase('okx', contract, row) - fromTrades) < 1e-9, `kline ${klineBase('okx', contract, row)} BTC vs its trades' ${fromTrades}`);
  });

  it('Binance inverse perpetual (100 USD a contract): the kline bar holds the base of its trades', () => {
    const contract: Contract = { segment: 'perp', settlement: 'inverse', contractSize: 100 };
    const m = market('BTCUSD_PERP', 'BTC/USD:BTC', contract);
    const binance = new ccxt.binancecoinm() as unknown as ParsingExchange;
    // One trade of 1,200 contracts at 60,000: 2 BTC (the dapi kline row: volume 1200, base asset volume 2).
    const trade = binance.parseTrade({ a: 1, p: '60000', q: '1200', f: 1, l: 1, T: T + 1, m: false }, m);
    const row = binance.parseOHLCV([T, '60000', '60000', '60000', '60000', '1200', T + 59_999, '2', 1, '1200', '2', '0'], m);
    const fromTrades = baseAmount(contract, trade.amount, 60000);
    assert.ok(Math.abs(fromTrades - 2) < 1e-9, `the trade is ${fromTrades} BTC`);
    assert.ok(Math.abs(klineInTradeUnits('binancecoinm', contract, row) - trade.amount) < 1e-9, `kline ${klineInTradeUnits('binancecoinm', contract, row)} contracts vs its trade's ${trade.amount}`);
    assert.ok(Math.abs(klineBase('binancecoinm', contract, row) - fromTrades) < 1e-9, `kline ${klineBase('binancecoinm', contract, row)} BTC vs its trades' ${fromTrades}`);
  });

  it('an exchange whose klines count contracts: left in contracts for a chart, converted as its trades are for an aggregate; spot untouched', () => {
    const contract: ContractSpec = { segment: 'perp', settlement: 'linear', contractSize: 0.0001 };
    assert.equal(klineInTradeUnits('someexchange', contract, [T, 10, 10, 10, 10, 5000]), 5000);
    assert.equal(klineBase('someexchange', contract, [T, 10, 10, 10, 10, 5000]), 0.5);
    assert.equal(klineInTradeUnits('okx', { segment: 'spot' }, [T, 10, 10, 10, 10, 7.5]), 7.5);
  });
});
