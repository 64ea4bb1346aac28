// A machine whose clock is off (a laptop after sleep, a VM, WSL): the bars still equal the exchange's trades.
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { ExchangeId } from '../../src/emulator';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecorded } from '../../src/core/record/recordReader';
import { RecordingService } from '../../src/core/record/recordingService';
import { responseFacts } from '../../src/core/streams/errorKind';
import type { TradeRow } from '../../src/core/record/recordTypes';
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
    // The exchange's clock against ours: ahead of it is ours running behind (the case that lost trades).
    for (const exchangeAheadMs of [90_000, -90_000]) {
      it(`${m.exchange}, our clock ${Math.abs(exchangeAheadMs) / 1000} s ${exchangeAheadMs > 0 ? 'behind' : 'ahead of'} the exchange's: every 1m bar equals the ground truth, across the seam and live`, async () => {
        const exchangeNow = () => Date.now() + exchangeAheadMs;
        rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 40, historyMinutes: 120, historyTradesPerMinute: 30, now: exchangeNow });
        const bars = new Recorder<CandleReq>();
        const trades = new Recorder<TradesReq>();
        rig.hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, bars.consume);
        rig.hub.subscribe({ kind: 'trades', exchange: m.exchange, symbol: m.symbol }, trades.consume);
        await bars.next((e) => e.type === 'snapshot', 'the candle snapshot', 30_000);
        // Minutes of the exchange's trades across several bar boundaries, then every bar settled.
        rig.emulator.setTradesPerSecond(0);
        const last = rig.emulator.trades(m.symbol).at(-1)!;
        const prices = Array.from({ length: 120 }, (_, i) => last.price * (1 + 0.002 * Math.sin(i / 7)));
        const played = await rig.emulator.playPath(m.symbol, prices, { intervalMs: 0, startTimestamp: Math.max(last.timestamp + 1000, exchangeNow()), stepMs: 3000 });
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

  it("bybit, our clock 90 s behind the exchange's: a rate limit's reset (a time on the exchange's clock) pauses REST for the second it asks, not 91 s", async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, historyMinutes: 1, now: () => Date.now() + 90_000 });
    const client = await rig.registry.get('bybit');
    rig.emulator.failRest({ status: 429, count: 1, path: 'recent-trade', retryAfterSec: 1 });
    const failed: unknown = await client.fetchTrades('BTC/USDT:USDT', undefined, 10).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(failed instanceof Error, 'the rate limit failed the request');
    const { retryAfterMs } = responseFacts(failed);
    // The answer's Date header has whole seconds: the reset read against it is at most a second longer than asked.
    assert.ok(retryAfterMs !== undefined && retryAfterMs >= 1_000 && retryAfterMs <= 2_000, `paused ${String(retryAfterMs)} ms, asked 1,000`);
  });

  it("bybit's IP ban (HTTP 403, no Retry-After): REST is paused the ten minutes Bybit asks, not retried a second later", async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, historyMinutes: 1 });
    const client = await rig.registry.get('bybit');
    rig.emulator.failRest({ status: 418, count: 1, path: 'recent-trade' }); // the emulator's ban: Bybit's 403
    const failed: unknown = await client.fetchTrades('BTC/USDT:USDT', undefined, 10).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(failed instanceof Error, 'the ban failed the request');
    assert.deepEqual(responseFacts(failed), { httpStatus: 403, retryAfterMs: 10 * 60_000 });
  });

  it("a recording across a trade update larger than ccxt keeps, our clock 90 s behind the exchange's: the socket is live again without a trade, and its hole is fetched up to the exchange's now, none missing", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-skew-rec-'));
    const BTC = { exchange: 'coinbase', symbol: 'BTC/USD' } as const;
    const exchangeNow = () => Date.now() + 90_000;
    // ccxt's own default trade cache (the client sets 10,000): a burst of 2,500 overflows it.
    rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 0, historyMinutes: 0, now: exchangeNow }, { exchangeOptions: { tradesLimit: 1000 } });
    const r = rig;
    const service = new RecordingService({ hub: r.hub, root, policy: () => ({}), log: r.log, recorder: { flushEveryMs: 250 } });
    try {
      const tape = new Recorder<TradesReq>();
      const panel = r.hub.subscribe({ kind: 'trades', ...BTC }, tape.consume);
      const recording = new Promise<void>((resolve) => service.onDidChange(() => service.stateOf(BTC)?.status === 'recording' && resolve()));
      service.setMarkets([BTC]);
      await recording;
      // The burst lies in the exchange's past (no history, so nothing later is logged): what REST up to its now holds.
      assert.deepEqual(r.emulator.trades(BTC.symbol), [], 'no history');
      const price = 59_000;
      const base = exchangeNow() - 15_000;
      const [first] = r.emulator.injectTrades(BTC.symbol, [{ price, amount: 0.01, side: 'buy', timestamp: base }]);
      await tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === r.emulator.wireTradeId(BTC.symbol, first!)), 'the stream live', 20_000);
      // Spread over 12.5 s: Coinbase's REST windows are whole seconds of at most 1,000 trades (see the note in tradesSince).
      r.emulator.injectTrades(BTC.symbol, Array.from({ length: 2500 }, (_, i) => ({ price: price + (i % 7) / 10, amount: 0.001 * (1 + (i % 5)), side: i % 3 === 0 ? ('sell' as const) : ('buy' as const), timestamp: base + 1 + i * 5 })));
      const overflow = await tape.next((e) => e.type === 'state' && e.state.status === 'reconnecting', 'the overflow named', 20_000);
      await tape.next((e) => e.type === 'state' && e.state.status === 'live' && tape.events.indexOf(e) > tape.events.indexOf(overflow), 'live again', 5_000);
      await service.gapsFilled();
      panel.dispose();
      service.setMarkets([]);
      await service.close();
      const stored: TradeRow[] = [];
      for await (const e of readRecorded(root, { market: BTC, from: 0, until: Number.MAX_SAFE_INTEGER })) if (e.kind === 'trades') stored.push(e.row);
      const truth = r.emulator.trades(BTC.symbol).map((t) => r.emulator.wireTradeId(BTC.symbol, t));
      const firstStored = truth.indexOf(stored[0]!.id);
      assert.ok(firstStored >= 0, 'the first stored trade is in the log');
      const expected = truth.slice(firstStored);
      const held = new Set(stored.map((t) => t.id));
      assert.deepEqual({ stored: stored.length, missing: expected.filter((id) => !held.has(id)).length }, { stored: expected.length, missing: 0 }, 'every trade from the first recorded on, the burst included');
      assert.deepEqual(stored.map((t) => t.id), expected, 'in order, none doubled');
    } finally {
      await service.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
