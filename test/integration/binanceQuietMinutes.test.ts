/**
 * Binance answers a minute without trades as a kline flat at the previous close with volume 0 (the emulator does too).
 * Our chart of a thin market (a trade every four minutes) takes those bars from REST as they are: its 1m and 5m
 * history equals the ground truth, quiet minutes included, and no quiet bar is marked partial. Real ccxt.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;

describe('Binance quiet minutes: flat volume-0 klines reach the chart as the exchange sends them (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  after(() => rig?.close());

  for (const timeframe of ['1m', '5m'] as const satisfies readonly Timeframe[]) {
    it(`${timeframe}: the history of a thin market equals the ground truth, its quiet bars flat with volume 0`, async () => {
      rig ??= await Rig.start({ tradesPerSecond: 0, historyMinutes: 120, historyTradesPerMinute: 0.25 });
      const rec = new Recorder<CandleReq>();
      const sub = rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe }, rec.consume);
      try {
        const snap = await rec.next((e) => e.type === 'snapshot', 'the history', 30_000);
        assert.ok(snap.type === 'snapshot');
        const closed = snap.candles.slice(0, -1);
        const truth = referenceCandles(rig.emulator.trades('BTC/USDT'), timeframe).filter((c) => c.time >= closed[0]!.time && c.time <= closed.at(-1)!.time);
        const quiet = closed.filter((c) => c.volume === 0);
        if (timeframe === '1m') assert.ok(quiet.length >= 60, `quiet minutes among the bars (${quiet.length} of ${closed.length})`);
        assert.ok(!closed.some((c) => c.partial), 'no closed bar is partial');
        assert.deepEqual(closed.map(roundCandle), truth.map(roundCandle), 'every bar, quiet ones too, equals the ground truth');
        for (const c of quiet) assert.ok(c.open === c.high && c.high === c.low && c.low === c.close, `${new Date(c.time).toISOString()} is flat`);
      } finally {
        sub.dispose();
      }
    });
  }
});
