/**
 * A reconnect's gap backfill on the weaker seam: REST's trades do not reach the seam minute (more trades in one second
 * than a page holds, made while the exchange was away), so the seam minute's bar is the exchange's kline and the bars
 * after it hold the stream's first read alone. That read (Coinbase's market_trades snapshot, the emulator's
 * `trade-snapshot-gap` leaving out the 3 trades before its newest, in the minute after the seam's) was not checked
 * against REST where REST's answer reached into it: the next minute's bar lacked those trades for good, and read
 * whole. Real ccxt, the Coinbase emulator, a quiet market whose trades the test plays; the clock is waited for where
 * the trades must fall either side of a minute's end (no event tells it).
 */
import * as assert from 'node:assert/strict';
import type { Candle } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { type CandleRecEvent, type CandleReq, isState } from '../helpers/threeExchanges';

const MINUTE = 60_000;
/** Coinbase's REST trades page (the emulator's too): a second holding more is where paging stops, incomplete. */
const PAGE = 1_000;

const until = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

describe('coinbase: the weaker seam\'s first read after a reconnect, with a hole after the seam minute (real ccxt, emulator)', function () {
  this.timeout(150_000);
  let rig: Rig<'coinbase'> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('the read is checked against REST from the minute after the seam\'s: the hole is backfilled, no bar read whole while it lacked trades', async () => {
    rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 5, historyMinutes: 10 });
    const { hub, emulator: emu } = rig;
    const symbol = 'BTC/USD';
    const rec = new Recorder<CandleReq>();
    const sub = hub.subscribe({ kind: 'candles', exchange: 'coinbase', symbol, timeframe: '1m' }, rec.consume);
    await rec.next(isState('live'), '1m live', 30_000);
    await rec.next((e) => e.type === 'snapshot', '1m snapshot', 30_000);
    emu.setTradesPerSecond(0);
    const price = (): number => emu.trades(symbol).at(-1)!.price;

    // The minute `next` begins at least 3 s from now: the burst ends the minute before it, the rest begin it.
    const next = Math.ceil((Date.now() + 3_000) / MINUTE) * MINUTE;
    await until(next - 2_500);
    assert.equal(emu.sendMalformed('trade-snapshot-gap', undefined, symbol), 1, 'the connection\'s next snapshot has a hole');
    const at = rec.events.length;
    await emu.stop();
    // Made while the exchange is away: a page's worth of trades in one second, then 5 in the next minute.
    const burst = Array.from({ length: PAGE }, (_, i) => price() * (1 + (i % 7) / 10_000));
    await emu.playPath(symbol, burst, { intervalMs: 0, startTimestamp: next - 2_000, stepMs: 1 });
    await until(next + 700);
    await emu.playPath(symbol, [1.001, 0.999, 1.002, 0.998, 1.001].map((f) => price() * f), { intervalMs: 0, startTimestamp: next + 100, stepMs: 100 });
    await emu.restart();

    const truth = (): Map<number, string> => new Map(referenceCandles(emu.trades(symbol), '1m').map((c) => [c.time, JSON.stringify(roundCandle(c))]));
    const nextBarTrue = (): boolean => rec.candles.some((c) => c.time === next && !c.partial && JSON.stringify(roundCandle(c)) === truth().get(next));
    const lastState = (): CandleRecEvent | undefined => rec.events.slice(at).filter((e) => e.type === 'state').at(-1);
    const caughtUp = (): boolean => {
      const e = lastState();
      return e?.type === 'state' && e.state.status === 'live' && e.state.catchingUp !== true;
    };
    await rec.next(() => caughtUp() && nextBarTrue(), 'live, caught up, the next minute\'s bar true', 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nbar: ${JSON.stringify(rec.candles.find((c) => c.time === next))}\ntruth: ${truth().get(next)}\nlog:\n${rig!.log.lines.filter((l) => /seam|REST|backfill|missed|gap/i.test(l)).slice(-20).join('\n')}`);
    });
    // Every bar sent as whole since the drop, from the burst's minute on, is the ground truth's.
    const shown = rec.events.slice(at).flatMap((e): readonly Candle[] => (e.type === 'deltas' ? e.deltas.map((d) => d.candle) : e.type === 'snapshot' ? e.candles : []));
    const want = truth();
    const untrue = shown.filter((c) => !c.partial && c.time >= next - MINUTE && JSON.stringify(roundCandle(c)) !== want.get(c.time));
    assert.deepEqual(untrue.map((c) => `${new Date(c.time).toISOString()} volume ${c.volume}`), [], 'no bar shown whole while it lacked trades');
    sub.dispose();
  });
});
