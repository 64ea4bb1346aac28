/**
 * A quiet market after a drop: its socket is back and the exchange has confirmed the resubscription, but no trade comes.
 * The chart and the book read `live` again 2 s after the confirmation (CONFIRMED_QUIET_MS) rather than at the next trade, and the gap backfill runs at once: the trades
 * made while the socket was down (REST only) are in the bars, none partial. Real ccxt against each emulator.
 */
import * as assert from 'node:assert/strict';
import type { FactoryEvent } from '../../src/core/candles/candleFactory';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Candle } from '../../src/core/types';
import type { EmulatorTrade, ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';

type BookReq = Extract<SubscriptionRequest, { kind: 'orderbook' }>;

/** Whether every bar held is the ground truth's bar of its time (and none partial). */
function whole(candles: readonly Candle[], trades: readonly EmulatorTrade[]): boolean {
  const truth = new Map(referenceCandles(trades, '1m').map((c) => [c.time, roundCandle(c)]));
  return candles.length > 0 && candles.every((c) => !c.partial && JSON.stringify(roundCandle(c)) === JSON.stringify(truth.get(c.time)));
}

describe('a quiet market after a drop reads live once the exchange confirms the resubscription (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: the chart and the book are live again without a trade, and the hole's trades are backfilled`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 5, historyMinutes: 20 });
      const { hub, emulator: emu, log } = rig;
      const candles = new Recorder<CandleReq>();
      const book = new Recorder<BookReq>();
      const subs = [hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, candles.consume), hub.subscribe({ kind: 'orderbook', exchange: m.exchange, symbol: m.symbol }, book.consume)];
      await candles.next(isState('live'), 'the chart live', 30_000);
      await book.next((e) => e.type === 'state' && e.state.status === 'live', 'the book live', 30_000);
      await candles.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);

      // The market goes quiet: the chart holds every trade made, and no more come.
      emu.setTradesPerSecond(0);
      await candles.next(() => whole(candles.candles, emu.trades(m.symbol)), 'every trade in the bars', 30_000);

      const chartDown = candles.upcoming(isState('reconnecting'), 'the chart reconnecting', 30_000);
      const chartBack = candles.upcoming(isState('live'), 'the chart live again without a trade', 30_000);
      const bookBack = book.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'the book live again without a trade', 30_000);
      const backfilled = new Promise<void>((resolve, reject) => {
        const sub = hub.onCandleFactoryEvent(m, (e: FactoryEvent) => {
          if (e.type !== 'backfill') return;
          sub?.dispose();
          if (e.outcome === 'done') resolve();
          else reject(new Error(`the gap backfill ${e.outcome}: ${e.message}`));
        });
        assert.ok(sub, 'the market has a candle factory');
      });
      assert.ok(emu.dropConnections(m.symbol) > 0, 'a connection carried the market');
      // Trades while the socket is down: only REST has them.
      const last = emu.trades(m.symbol).at(-1)!;
      await emu.playPath(m.symbol, [last.price * 1.001, last.price * 0.999], { intervalMs: 0 });
      const made = emu.trades(m.symbol).length;

      await chartDown;
      await Promise.all([chartBack, bookBack]).catch((err: unknown) => {
        throw new Error(`${String(err)}\nlog:\n${log.lines.slice(-20).join('\n')}`);
      });
      assert.equal(emu.trades(m.symbol).length, made, 'no trade was made since the drop');
      // Live from the exchange's answer to the subscribe, once no update followed it for CONFIRMED_QUIET_MS. Coinbase's
      // subscribe is answered by a snapshot of its recent trades, the two made while the socket was down among them:
      // that update makes it live, as any stream's first update does.
      await log.line(m.exchange === 'coinbase' ? /\[trades [^\]]+\] reconnected after 1 failed attempt\(s\)$/ : /\[trades [^\]]+\] reconnected after 1 failed attempt\(s\); the exchange confirmed the subscription/, 1);
      await backfilled;
      await candles.next(() => whole(candles.candles, emu.trades(m.symbol)), "the hole's trades in the bars, none partial", 30_000);
      assert.equal(emu.trades(m.symbol).length, made, 'still no trade');
      for (const sub of subs) sub.dispose();
    });
  }
});
