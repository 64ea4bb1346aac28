import * as assert from 'node:assert/strict';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { TradesEvent } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import type { FakeClient } from '../helpers/fakeClient';
import { fakeClientHub } from '../helpers/fakeClientHub';
import { candlesView, tradesView as tradesViewOf } from '../helpers/hubTradeViews';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);
const market = { exchange: 'fake', symbol: 'BTC/USDT' } as const;

let seq = 0;
function trade(timestamp: number, price: number): Trade {
  return { id: String(++seq), timestamp, price, amount: 1, side: seq % 2 ? 'buy' : 'sell' };
}

const tradesView = (hub: MarketHub, lateTrades = true) => tradesViewOf(hub, market, lateTrades);
const candles = (hub: MarketHub) => candlesView(hub, market);

/** Each test's hub and client (freshHubEachTest), on the clock `now` the test moves. */
let client: FakeClient;
let now: number;
let hub: MarketHub;

/** In a describe block: a hub over a new FakeClient before each test, its clock at T0, closed after it. */
function freshHubEachTest(): void {
  beforeEach(() => {
    now = T0;
    ({ client, hub } = fakeClientHub({ now: () => now }, { historyBars: 100 }));
  });
  afterEach(() => hub.close());
}

/** Ten minutes of history, a chart and a tape subscribed and seeded, then one live trade (`before`) streamed to the tape. */
async function liveWithOneTrade() {
  for (let i = 0; i < 10; i++) client.trade(trade(T0 - 10 * MIN + i * MIN + 500, 100 + i), false);
  const chart = candles(hub);
  const tape = tradesView(hub);
  await Promise.all([chart.sub.ready, tape.sub.ready]);
  await chart.next((e) => e.type === 'snapshot', 'snapshot');
  const before = trade(T0 + 1000, 110);
  const streamed = tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === before.id), 'first live trade');
  client.trade(before);
  await streamed;
  return { chart, tape, before };
}

describe("MarketHub: a reconnect's hole reaches the trades subscribers (fake client)", () => {
  freshHubEachTest();

  /** Candles and trades held; one live trade streamed; the stream then drops with `hole` made in it and `after` streamed once back. */
  async function dropWithHole(tape: ReturnType<typeof tradesView>, chart: ReturnType<typeof candles>, at: number, hole: readonly Trade[], after: Trade): Promise<void> {
    const live = chart.next((e) => e.type === 'state' && e.state.status === 'live', 'live again');
    const late = tape.next((e) => e.type === 'trades' && e.late === true, 'late trades');
    client.fail('trades', Object.assign(new Error('connection lost'), { name: 'NetworkError' }));
    for (const t of hole) client.trade(t, false);
    now = at;
    client.trade(after);
    await live;
    await late;
  }

  it("sends the hole's trades once, as one event flagged late, none the stream sent; the stream's own copies of them later are not sent again", async () => {
    const { chart, tape, before } = await liveWithOneTrade();

    const hole = [trade(T0 + 2 * MIN, 120), trade(T0 + 2 * MIN + 10_000, 190), trade(T0 + 2 * MIN + 20_000, 121)];
    const after = trade(T0 + 3 * MIN + 100, 122);
    await dropWithHole(tape, chart, T0 + 3 * MIN + 200, hole, after);

    const lateEvents = tape.events.filter((e) => e.type === 'trades' && e.late === true);
    assert.equal(lateEvents.length, 1, 'one late event');
    assert.deepEqual(tape.trades(true).map((t) => t.id), hole.map((t) => t.id), "exactly the hole's trades, in REST's order");
    assert.deepEqual(tape.trades(false).map((t) => t.id), [before.id, after.id], 'the stream as it came');

    // The socket pushes a copy of a hole trade after all (a resend), then a new trade.
    const next = trade(T0 + 3 * MIN + 500, 123);
    const got = tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === next.id), 'next live trade');
    client.push('trades', [hole[1], next]);
    await got;
    const ids = tape.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
    assert.equal(new Set(ids).size, ids.length, `no trade twice: ${ids.join(',')}`);
  });

  it('a second drop sends its own hole only, once (the first hole is not sent again)', async () => {
    const { chart, tape } = await liveWithOneTrade();

    const first = [trade(T0 + 2 * MIN, 120)];
    await dropWithHole(tape, chart, T0 + 3 * MIN + 200, first, trade(T0 + 3 * MIN + 100, 121));
    const second = [trade(T0 + 4 * MIN, 130), trade(T0 + 4 * MIN + 1, 131)];
    await dropWithHole(tape, chart, T0 + 5 * MIN + 200, second, trade(T0 + 5 * MIN + 100, 132));

    const lateEvents = tape.events.filter((e): e is Extract<TradesEvent, { type: 'trades' }> => e.type === 'trades' && e.late === true);
    assert.deepEqual(lateEvents.map((e) => e.trades.map((t) => t.id)), [first.map((t) => t.id), second.map((t) => t.id)]);
    const ids = tape.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
    assert.equal(new Set(ids).size, ids.length, `no trade twice: ${ids.join(',')}`);
    assert.equal(ids.length, client.log.filter((t) => t.timestamp >= T0).length, 'every trade since the first live one, once');
  });

  it('a subscriber that left gets nothing late; the one still there gets the hole', async () => {
    for (let i = 0; i < 10; i++) client.trade(trade(T0 - 10 * MIN + i * MIN + 500, 100 + i), false);
    const chart = candles(hub);
    const tape = tradesView(hub);
    const gone = tradesView(hub);
    await Promise.all([chart.sub.ready, tape.sub.ready, gone.sub.ready]);
    await chart.next((e) => e.type === 'snapshot', 'snapshot');
    const before = trade(T0 + 1000, 110);
    const streamed = tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === before.id), 'first live trade');
    client.trade(before);
    await streamed;
    gone.sub.dispose();
    await dropWithHole(tape, chart, T0 + 3 * MIN + 200, [trade(T0 + 2 * MIN, 120)], trade(T0 + 3 * MIN + 100, 121));
    assert.equal(gone.trades(true).length, 0);
    assert.equal(tape.trades(true).length, 1);
  });
});

describe("MarketHub: a reconnect's hole on a market without a candle factory (fake client)", () => {
  freshHubEachTest();

  /** Trades only (a tick rule, a tape): one live trade streamed, then a drop with `hole` made in it and `after` streamed once back. */
  async function tapeWithHole(hole: readonly Trade[], after: Trade) {
    const tape = tradesView(hub);
    await tape.sub.ready;
    const before = trade(T0 + 1000, 110);
    const streamed = tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === before.id), 'first live trade');
    client.trade(before);
    await streamed;
    const late = tape.next((e) => e.type === 'trades' && e.late === true, 'late trades');
    client.fail('trades', Object.assign(new Error('connection lost'), { name: 'NetworkError' }));
    for (const t of hole) client.trade(t, false);
    now = after.timestamp + 100;
    client.trade(after);
    await late;
    return { tape, before };
  }

  it("fetches the hole itself: its trades once, as one late event, none the stream sent; the state says `sent`", async () => {
    const hole = [trade(T0 + 2 * MIN, 120), trade(T0 + 2 * MIN + 10_000, 190)];
    const after = trade(T0 + 3 * MIN + 100, 122);
    const { tape, before } = await tapeWithHole(hole, after);
    assert.equal(hub.candleFactoryCount, 0, 'no candle factory');
    assert.deepEqual(tape.trades(true).map((t) => t.id), hole.map((t) => t.id));
    assert.deepEqual(tape.trades(false).map((t) => t.id), [before.id, after.id]);
    assert.deepEqual(hub.holeFetchState(market), { kind: 'sent', trades: 2 });
    tape.sub.dispose();
    assert.equal(hub.holeFetchState(market), undefined, 'the hole fetch ends with the last trades subscriber');
    await hub.whenStreamsIdle();
    assert.deepEqual(hub.activeStreams(), [], 'and the stream it followed with it');
  });

  it('with only subscribers that do not take holes late (a tape, a DOM, a footprint: they fill their own or show what streams), no hole is fetched', async () => {
    const tape = tradesView(hub, false);
    await tape.sub.ready;
    assert.equal(hub.holeFetchState(market), undefined, 'no hole fetch for it');
    const rule = tradesView(hub);
    await rule.sub.ready;
    assert.deepEqual(hub.holeFetchState(market), { kind: 'idle' }, 'one with the first that takes holes late');
    rule.sub.dispose();
    assert.equal(hub.holeFetchState(market), undefined, 'and none once it left, the tape still subscribed');
    tape.sub.dispose();
  });

  it('with a candle factory holding the hole, the hub asks REST for no trades of its own: one late event, from the backfill', async () => {
    const { chart, tape } = await liveWithOneTrade();
    const hole = [trade(T0 + 2 * MIN, 120)];
    await dropWithHoleOf(client, tape, chart, hole, trade(T0 + 3 * MIN + 100, 121), (ms) => (now = ms));
    assert.deepEqual(hub.holeFetchState(market), { kind: 'factory' });
    assert.equal(tape.events.filter((e) => e.type === 'trades' && e.late === true).length, 1);
    assert.deepEqual(tape.trades(true).map((t) => t.id), hole.map((t) => t.id));
  });
});

async function dropWithHoleOf(client: FakeClient, tape: ReturnType<typeof tradesView>, chart: ReturnType<typeof candles>, hole: readonly Trade[], after: Trade, setNow: (ms: number) => void): Promise<void> {
  const live = chart.next((e) => e.type === 'state' && e.state.status === 'live', 'live again');
  const late = tape.next((e) => e.type === 'trades' && e.late === true, 'late trades');
  client.fail('trades', Object.assign(new Error('connection lost'), { name: 'NetworkError' }));
  for (const t of hole) client.trade(t, false);
  setNow(after.timestamp + 100);
  client.trade(after);
  await live;
  await late;
}
