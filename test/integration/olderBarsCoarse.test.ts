/**
 * Older bars of coarse timeframes (1M, 1w, 3d) reach the beginning of history without a refused request: a page of
 * 1,000 months would start in 1944, a negative timestamp Binance refuses (-1100), so every request starts at the
 * exchange's history start at the earliest and the page that reaches it ends `exhausted`. Real ccxt, the emulator.
 */
import * as assert from 'node:assert/strict';
import { bucketStart, type Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { Rig } from '../helpers/emulatorHub';

const CASES: ReadonlyArray<{ exchange: ExchangeId; symbol: string }> = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
];
const TIMEFRAMES: readonly Timeframe[] = ['1M', '1w', '3d'];
/** Pages asked at most before the history must have ended. */
const MAX_PAGES = 3;

describe('older bars of coarse timeframes reach the start of history (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const { exchange, symbol } of CASES) {
    it(`${exchange}: ${TIMEFRAMES.join(', ')} charts page back to the first bar, every request accepted, the last page exhausted`, async () => {
      // Forty days of history: bars before the one in progress exist for every timeframe, then nothing.
      const r = (rig = await Rig.start({ exchange, symbols: [symbol], tradesPerSecond: 0, historyMinutes: 40 * 1440, historyTradesPerMinute: 1 }));
      for (const timeframe of TIMEFRAMES) {
        const current = bucketStart(timeframe, Date.now());
        const truth = [...new Set(r.emulator.trades(symbol).map((t) => bucketStart(timeframe, t.timestamp)))].filter((t) => t < current);
        assert.ok(truth.length > 0, `${timeframe}: the history holds bars before the one in progress`);

        const older: number[] = [];
        let before = current;
        let exhausted = false;
        for (let page = 0; page < MAX_PAGES && !exhausted; page++) {
          const got = await r.hub.olderBars({ exchange, symbol, timeframe }, before, 1000);
          older.unshift(...got.candles.map((c) => c.time));
          before = got.candles[0]?.time ?? before;
          exhausted = got.exhausted;
        }
        assert.ok(exhausted, `${timeframe}: the chart is told the history has begun`);
        assert.deepEqual(older, truth, `${timeframe}: every older bar, once`);
      }
      const refused = r.emulator.restLog().filter((e) => e.status >= 400);
      assert.deepEqual(refused, [], 'no request was refused');
    });
  }
});
