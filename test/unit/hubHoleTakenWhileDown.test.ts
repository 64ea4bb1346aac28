import * as assert from 'node:assert/strict';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { CandleEvent, TradesEvent } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import type { FakeClient } from '../helpers/fakeClient';
import { fakeClientHub } from '../helpers/fakeClientHub';
import { candlesView, tradesView } from '../helpers/hubTradeViews';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);
const market = { exchange: 'fake', symbol: 'BTC/USDT' } as const;

let seq = 0;
function trade(timestamp: number, price: number): Trade {
  return { id: String(++seq), timestamp, price, amount: 1, side: seq % 2 ? 'buy' : 'sell' };
}

const dropped = (): Error => Object.assign(new Error('connection lost'), { name: 'NetworkError' });
const isState = (status: string, catchingUp?: boolean) => (e: TradesEvent) => e.type === 'state' && e.state.status === status && (catchingUp === undefined || (e.state.status === 'live' && (e.state.catchingUp === true) === catchingUp));

/**
 * Chaos seed 141 (Binance, 12 faults): a trade of a reconnect's hole reached the rules twice. A gap job that followed
 * another (its timeframe re-queued by a second reconnect while the first waited on REST) started while the stream was
 * down again, so it took that drop's hole too, and installed before the stream picked up: its hole no longer pending,
 * the hub's own hole fetch took the market for one without a candle factory fetching it and sent the hole as well.
 */
describe("MarketHub: a hole the candle factory took while the stream was still down (fake client)", () => {
  let client: FakeClient;
  let now: number;
  let hub: MarketHub;
  beforeEach(() => {
    now = T0;
    ({ client, hub } = fakeClientHub({ now: () => now }, { historyBars: 100 }));
  });
  afterEach(() => hub.close());

  it("is sent once, by the factory: the hub's hole fetch leaves it to it", async () => {
    for (let i = 0; i < 10; i++) client.trade(trade(T0 - 10 * MIN + i * MIN + 500, 100 + i), false);
    const chart = candlesView(hub, market);
    const tape = tradesView(hub, market, true);
    await Promise.all([chart.sub.ready, tape.sub.ready]);
    await chart.next((e) => e.type === 'snapshot', 'snapshot');
    const first = trade(T0 + 1000, 110);
    const streamed = tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === first.id), 'first live trade');
    client.trade(first);
    await streamed;

    /** The stream drops with `hole` made meanwhile; with `after`, it picks up again with that trade. */
    const drop = async (hole: Trade, after?: Trade): Promise<void> => {
      const down = tape.next(isState('reconnecting'), 'reconnecting');
      client.fail('trades', dropped());
      await down;
      client.trade(hole, false);
      now = hole.timestamp + MIN;
      if (!after) return;
      const live = tape.next(isState('live'), 'live again');
      client.trade(after);
      await live;
    };

    // The first drop's gap job waits on REST; a second drop re-queues its timeframe meanwhile.
    let release = (): void => undefined;
    client.restDelay = new Promise<void>((resolve) => (release = resolve));
    await drop(trade(T0 + 2 * MIN, 120), trade(T0 + 3 * MIN, 121));
    await drop(trade(T0 + 4 * MIN, 130), trade(T0 + 5 * MIN, 131));
    // A third drop: the stream stays down while REST answers, and the job that follows takes this hole too.
    const hole = trade(T0 + 6 * MIN, 140);
    await drop(hole);
    const installed = chart.next((e: CandleEvent) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === T0 + 6 * MIN), "the bars of the third drop's hole");
    release();
    client.restDelay = undefined;
    await installed;

    const caughtUp = tape.next(isState('live', false), 'live, every hole in');
    client.trade(trade(T0 + 7 * MIN, 141));
    await caughtUp;
    const ids = tape.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
      `no trade twice: ${JSON.stringify(tape.events.flatMap((e) => (e.type === 'trades' ? [{ late: e.late === true, ids: e.trades.map((t) => t.id) }] : [])))}`,
    );
    assert.ok(tape.trades(true).some((t) => t.id === hole.id), "the third drop's hole came late");
    assert.deepEqual(hub.holeFetchState(market), { kind: 'factory' }, "the hub's hole fetch left it to the factory");
  });
});
