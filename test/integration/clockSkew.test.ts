// A machine whose clock is off (a laptop after sleep, a VM, WSL): the bars still equal the exchange's trades.
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const MARKETS = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
] as const;

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

describe("a machine whose clock is off from the exchange's (real ccxt, emulators)", function () {
  this.timeout(60_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of MARKETS) {
    for (const skewMs of [-90_000, 90_000]) {
      it(`${m.exchange}, our clock ${Math.abs(skewMs) / 1000} s ${skewMs < 0 ? 'behind' : 'ahead'}: every 1m bar not marked partial equals the ground truth, across the seam and live`, async () => {
        rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 40, historyMinutes: 120, historyTradesPerMinute: 30 }, { machineClock: { now: () => Date.now() + skewMs } });
        const bars = new Recorder<CandleReq>();
        const trades = new Recorder<TradesReq>();
        rig.hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, bars.consume);
        rig.hub.subscribe({ kind: 'trades', exchange: m.exchange, symbol: m.symbol }, trades.consume);
        await bars.next((e) => e.type === 'snapshot', 'the candle snapshot', 30_000);
        // Minutes of the exchange's trades across several bar boundaries, then every bar settled.
        rig.emulator.setTradesPerSecond(0);
        const last = rig.emulator.trades(m.symbol).at(-1)!;
        const prices = Array.from({ length: 120 }, (_, i) => last.price * (1 + 0.002 * Math.sin(i / 7)));
        const played = await rig.emulator.playPath(m.symbol, prices, { intervalMs: 0, startTimestamp: Math.max(last.timestamp + 1000, Date.now()), stepMs: 3000 });
        const wire = rig.emulator.wireTradeId(m.symbol, played.at(-1)!);
        await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === wire), 'the last played trade', 20_000);
        await bars.next(() => bars.candles.length > 0 && !bars.candles.some((c) => c.partial), 'every partial bar settled', 30_000);
        const got = bars.candles.map(roundCandle);
        const truth = referenceCandles(rig.emulator.trades(m.symbol), '1m')
          .filter((c) => c.time >= bars.candles[0]!.time && c.time <= bars.candles.at(-1)!.time)
          .map(roundCandle);
        const wrong = got.filter((c, i) => JSON.stringify(c) !== JSON.stringify(truth[i]));
        assert.equal(got.length, truth.length, 'as many bars as the ground truth');
        assert.deepEqual(wrong, [], `bars unlike the ground truth (first expected: ${JSON.stringify(truth.find((t) => t.time === wrong[0]?.time))})`);
      });
    }
  }
});
