/**
 * A replay playing through a hole of its recording: its trade stream goes through `reconnecting` there, naming the
 * hole, and the bars the hole touches come out partial, as the history's do; the bars around it are whole.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../../src/core/hub/requests';
import type { Candle, Trade } from '../../../src/core/types';
import { Recorder } from '../../helpers/emulatorHub';
import { RecordedReplay } from '../../helpers/recordedReplay';
import { FootprintFeed, type FootprintFeedEvent } from '../../../src/core/orderflow/footprintFeed';
import { priceBuckets } from '../../../src/core/orderflow/priceBuckets';

const market = { exchange: 'bybit', symbol: 'BTC/USDT:USDT' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + (n % 7), amount: 1, side: n % 2 ? 'buy' : 'sell' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));
const ts = (n: number) => trade(n).timestamp;
type Candles = Extract<SubscriptionRequest, { kind: 'candles' }>;
type Trades = Extract<SubscriptionRequest, { kind: 'trades' }>;

/** Each bar as [seconds after T0, partial, partial since (seconds after T0) or null]. */
const marks = (bars: readonly Candle[]) => bars.map((b) => [(b.time - T0) / 1000, b.partial === true, b.partialSince === undefined ? null : (b.partialSince - T0) / 1000]);

describe('a replay playing through a hole of its recording', () => {
  let replay: RecordedReplay | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  it('its trade stream says reconnecting, naming the hole; the bars the hole touches come out partial, the others whole', async () => {
    const hole = { from: ts(50), until: ts(130), reason: "the exchange's REST trades did not reach back this far after a reconnect" };
    replay = await RecordedReplay.start(market, [...range(1, 50), ...range(130, 300)], ts(20), 200, [], [hole]);
    const r = replay;
    const candles = new Recorder<Candles>();
    const trades = new Recorder<Trades>();
    const subs = [r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, candles.consume), r.hub.subscribe({ kind: 'trades', exchange: r.id, symbol: market.symbol }, trades.consume)];
    try {
      await candles.next((e) => e.type === 'snapshot', 'the replay snapshot');
      await Promise.all(subs.map((s) => s.ready));
      await r.session.seek(ts(300) + 1);
      const reconnecting = await trades.next((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting at the hole');
      assert.ok(reconnecting.type === 'state' && reconnecting.state.status === 'reconnecting');
      assert.equal(reconnecting.state.reason, "the recording lacks trades from 2026-12-01T12:00:50.000Z to 2026-12-01T12:02:10.000Z (the exchange's REST trades did not reach back this far after a reconnect)");
      // Bars of 60 s from T0; the hole [50 s, 130 s) begins inside the first, covers the second (flat: no trade) and
      // the start of the third. The bar in progress (300 s) and those after the hole are whole.
      const expected = [[0, true, 50], [60, true, null], [120, true, null], [180, false, null], [240, false, null], [300, false, null]];
      await candles.next(() => JSON.stringify(marks(candles.candles)) === JSON.stringify(expected), `bars marked ${JSON.stringify(expected)}`);
      await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === '300'), 'the last trade');
      const ids = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => Number(t.id)) : []));
      assert.deepEqual(ids, [...range(20, 50), ...range(130, 300)].map((t) => Number(t.id)), 'every recorded trade once, in order');
    } finally {
      for (const s of subs) s.dispose();
    }
  });

  /** A footprint of the replayed market, its hole events, and its 1m bars marked partial (seconds after T0). */
  function footprintOn(r: RecordedReplay) {
    const feed = new FootprintFeed({ hub: r.hub, history: (m, from, ctx) => r.hub.tradesSince(m, from, ctx), market: { exchange: r.id, symbol: market.symbol }, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, log: r.log });
    const holes: Array<Extract<FootprintFeedEvent, { type: 'hole' }>> = [];
    let holed: () => void = () => undefined;
    let shown: () => void = () => undefined;
    const firstHole = new Promise<void>((resolve) => (holed = resolve));
    const snapshot = new Promise<void>((resolve) => (shown = resolve));
    feed.onEvent((e) => {
      if (e.type === 'snapshot') shown();
      if (e.type !== 'hole') return;
      holes.push(e);
      holed();
    });
    feed.start();
    const partial = () => (feed.snapshot('1m')?.bars ?? []).filter((b) => b.partial).map((b) => (b.time - T0) / 1000);
    return { feed, holes, firstHole, snapshot, partial };
  }

  for (const when of ['running when the replay reaches the hole', 'opened after the hole was played'] as const) {
    it(`a footprint ${when} marks the hole's span partial, naming it, rather than showing a quiet market`, async () => {
      const hole = { from: ts(50), until: ts(130), reason: 'a test hole' };
      replay = await RecordedReplay.start(market, [...range(1, 50), ...range(130, 300)], ts(20), 200, [], [hole]);
      const r = replay;
      // The trade stream is watched once a subscription to it is ready; it goes live with its first trades.
      const trades = new Recorder<Trades>();
      const witness = r.hub.subscribe({ kind: 'trades', exchange: r.id, symbol: market.symbol }, trades.consume);
      await witness.ready;
      let fp: ReturnType<typeof footprintOn> | undefined;
      try {
        if (when === 'running when the replay reaches the hole') {
          fp = footprintOn(r);
          await r.session.seek(ts(30));
          await fp.snapshot; // running: its history loaded
        }
        await r.session.seek(ts(300) + 1);
        await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === '300'), 'the last trade');
        fp ??= footprintOn(r);
        await fp.firstHole;
        await fp.feed.settled();
        assert.deepEqual(fp.holes.map((h) => [h.from, h.until, h.reason, h.retrying]), [[ts(50), ts(130), 'the recording lacks them: a test hole', false]]);
        assert.deepEqual(fp.partial(), [0, 120], 'the bars it has (none where no trade is)');
      } finally {
        fp?.feed.dispose();
        witness.dispose();
      }
    });
  }
});
