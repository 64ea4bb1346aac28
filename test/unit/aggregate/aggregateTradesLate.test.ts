/**
 * AggregateTrades: a leg's reconnect whose hole is filled (REST) after the merged stream has passed it sends those
 * trades on as one event flagged `late`, each once, in the leg's order, without holding the stream back.
 */
import * as assert from 'node:assert/strict';
import { AggregateTrades } from '../../../src/core/aggregate/aggregateTrades';
import type { TradesEvent } from '../../../src/core/hub/requests';
import type { Trade } from '../../../src/core/types';
import { captureLog } from '../../helpers/emulatorHub';
import { HOLE_DEF, holeLegs, legsOnFakeHub, settle } from '../../helpers/holeLegs';

describe('AggregateTrades: late trades of a leg’s reconnect', () => {
  it('sends the hole’s trades filled after the stream passed them as one late event, each once, in the leg’s order; the stream was not held for them', async () => {
    const S = Date.now() - 1000;
    const t = (id: string, dt: number, amount: number, side: Trade['side'] = 'buy'): Trade => ({ id, timestamp: S + dt, price: 100 + dt / 1000, amount, side });
    const hub = holeLegs();
    const log = captureLog();
    const events: TradesEvent[] = [];
    const merged = new AggregateTrades(hub, HOLE_DEF, { since: S, log }, (e) => events.push(e));
    try {
      await merged.ready;
      for (let i = 0; i < 20 && hub.open().length < 2; i++) await settle();
      assert.deepEqual(hub.open(), ['binance×1', 'okx×1']);
      for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'state', state: { status: 'live', since: S } });
      hub.push('binance', { type: 'trades', trades: [t('b1', 100, 1)] });
      hub.push('okx', { type: 'trades', trades: [t('o1', 200, 100)] });
      await settle();

      // okx drops; back, its first trade waits behind the hole's fill, which is held while binance trades on.
      const fill = hub.holdFill('okx');
      hub.push('okx', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 } });
      hub.push('okx', { type: 'state', state: { status: 'live', since: S + 5000 } });
      hub.push('okx', { type: 'trades', trades: [t('o5', 5000, 100, 'sell')] });
      for (const [id, dt] of [['b2', 1000], ['b3', 3000], ['b4', 6000], ['b5', 9000]] as const) hub.push('binance', { type: 'trades', trades: [t(id, dt, 1)] });
      assert.equal(await fill.asked, S + 200, 'the fill asks from okx’s last trade before the drop');
      const passed = events.flatMap((e) => (e.type === 'trades' ? e.trades.map((x) => x.id) : []));
      assert.deepEqual(passed, ['0:b1', '1:o1', '0:b2', '0:b3', '0:b4'], 'binance went on, okx holding it back by its 2 s only');

      // REST gives the hole (o1 again, two trades of one millisecond in the exchange's order): all older than b4.
      fill.answer([t('o1', 200, 100), t('o2', 1500, 50, 'sell'), t('o3', 2500, 100), t('o4', 2500, 200, 'sell'), t('o4b', 4000, 10)]);
      for (let i = 0; i < 20 && !events.some((e) => e.type === 'trades' && e.late); i++) await settle();
      const late = events.filter((e): e is Extract<TradesEvent, { type: 'trades' }> => e.type === 'trades' && e.late === true);
      const lateTrades = late.flatMap((e) => e.trades);
      assert.deepEqual(
        lateTrades.map((x) => [x.id, x.timestamp - S, x.amount, x.side, x.price]),
        [
          ['1:o2', 1500, 0.5, 'sell', 101.5],
          ['1:o3', 2500, 1, 'buy', 102.5],
          ['1:o4', 2500, 2, 'sell', 102.5],
          ['1:o4b', 4000, 0.1, 'buy', 104],
          ['1:o5', 5000, 1, 'sell', 105],
        ],
        'the hole, then the trade that waited for it: in okx’s order, base units, each at its own price',
      );
      assert.match((await log.line(/came after the merged stream/)), /aggregate agg: \d trade\(s\) came after the merged stream had passed their time: sent on as late trades/);

      hub.push('okx', { type: 'trades', trades: [t('o6', 9500, 100)] });
      hub.push('binance', { type: 'trades', trades: [t('b6', 12_000, 1)] });
      const all = events.flatMap((e) => (e.type === 'trades' ? e.trades.map((x) => x.id) : []));
      assert.deepEqual(all.filter((id, i) => all.indexOf(id) !== i), [], 'no trade twice');
      assert.deepEqual(
        events.flatMap((e) => (e.type === 'trades' && !e.late ? e.trades.map((x) => x.id) : [])),
        ['0:b1', '1:o1', '0:b2', '0:b3', '0:b4', '0:b5', '1:o6'],
        'the stream goes on in time order, the late ones not in it',
      );
    } finally {
      merged.dispose();
    }
    assert.deepEqual(hub.open(), [], 'dispose leaves no leg stream');
  });

  it("a leg's hole its fill gives up on (the exchange's REST does not reach back to it) is told lost, naming the leg, to a consumer that asks (a tape); not to the rules, whose windows started over at the leg's reconnect", async () => {
    const S = Date.now() - 1000;
    const t = (id: string, dt: number): Trade => ({ id, timestamp: S + dt, price: 100, amount: 1, side: 'buy' });
    const run = async (tellLostHoles: boolean): Promise<TradesEvent[]> => {
      const fills = new Map<string, number>();
      // Each leg's first fill (from `since`) is whole; okx's next one (its reconnect's hole) REST cannot give.
      const hub = legsOnFakeHub((market) => {
        const n = (fills.get(market.exchange) ?? 0) + 1;
        fills.set(market.exchange, n);
        return Promise.resolve(market.exchange === 'okx' && n > 1 ? { trades: [], complete: false } : { trades: [], complete: true });
      });
      const events: TradesEvent[] = [];
      const merged = new AggregateTrades(hub, HOLE_DEF, { since: S, log: captureLog(), tellLostHoles }, (e) => events.push(e));
      try {
        await merged.ready;
        for (let i = 0; i < 20 && hub.open().length < 2; i++) await settle();
        for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'state', state: { status: 'live', since: S } });
        hub.push('binance', { type: 'trades', trades: [t('b1', 100)] });
        hub.push('okx', { type: 'trades', trades: [t('o1', 200)] });
        await settle();
        hub.push('okx', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 } });
        hub.push('okx', { type: 'state', state: { status: 'live', since: S + 5000 } });
        hub.push('okx', { type: 'trades', trades: [t('o5', 5000)] });
        for (let i = 0; i < 20 && fills.get('okx') !== 2; i++) await settle();
        await settle();
      } finally {
        merged.dispose();
      }
      return events;
    };
    const lost = (events: readonly TradesEvent[]) => events.flatMap((e) => (e.type === 'trades' && e.lost ? [e.lost] : []));
    assert.deepEqual(lost(await run(true)), [{ from: S + 200, until: S + 5000, reason: "okx BTC/USDT:USDT: the exchange's REST gives only its newest trades, not these" }]);
    assert.deepEqual(lost(await run(false)), []);
  });
});
