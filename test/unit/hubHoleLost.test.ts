// A reconnect's hole the rules were promised (their windows bridged over it) that will not come: they are told so,
// as a late `trades` event carrying `lost`, whichever way it was lost; so is every other `trades` subscriber (a tape),
// whose trades of that span are missing for good: nothing lost is silent.
import * as assert from 'node:assert/strict';
import { MarketHub } from '../../src/core/hub/marketHub';
import type { TradesEvent } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import { userMessage } from '../../src/core/util/log';
import type { FakeClient } from '../helpers/fakeClient';
import { fakeClientHub } from '../helpers/fakeClientHub';
import { candlesView, tradesView as tradesViewOf } from '../helpers/hubTradeViews';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1, 10);
const market = { exchange: 'fake', symbol: 'BTC/USDT' } as const;

let seq = 0;
function trade(timestamp: number, price: number): Trade {
  return { id: `l${++seq}`, timestamp, price, amount: 1, side: seq % 2 ? 'buy' : 'sell' };
}

const tradesView = (hub: MarketHub, lateTrades: boolean) => tradesViewOf(hub, market, lateTrades);
const candles = (hub: MarketHub) => candlesView(hub, market);

const isLost = (e: TradesEvent): boolean => e.type === 'trades' && e.lost !== undefined;
const networkDown = () => Object.assign(new Error('connection lost'), { name: 'NetworkError' });
/** One REST failure, whichever request it fails: a lost hole says it in the same words whoever fetched the hole. */
const unavailable = () => Object.assign(new Error('fake {"code":-1001,"msg":"Service unavailable."}'), { name: 'ExchangeNotAvailable' });
const saidOfUnavailable = userMessage(unavailable());

describe("MarketHub: a reconnect's hole that will not come reaches the rules and every other trades subscriber as `lost` (fake client)", () => {
  let client: FakeClient;
  let now: number;
  let hub: MarketHub;

  beforeEach(() => {
    now = T0;
    // One REST attempt: a failure is final at once (the retries are HistoryService's, tested on their own).
    ({ client, hub } = fakeClientHub({ now: () => now }, { historyBars: 100, restMaxAttempts: 1, backfillMaxAttempts: 1 }));
  });
  afterEach(() => hub.close());

  /** A rule's subscriber and a tape's, live with one trade streamed (`before`); with a chart first when `chart`. */
  async function live(chart: boolean) {
    for (let i = 0; i < 10; i++) client.trade(trade(T0 - 10 * MIN + i * MIN + 500, 100 + i), false);
    const bars = chart ? candles(hub) : undefined;
    const rule = tradesView(hub, true);
    const tape = tradesView(hub, false);
    await Promise.all([bars?.sub.ready, rule.sub.ready, tape.sub.ready]);
    if (bars) await bars.next((e) => e.type === 'snapshot', 'snapshot');
    const before = trade(T0 + 1000, 110);
    const streamed = rule.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === before.id), 'first live trade');
    client.trade(before);
    await streamed;
    return { bars, rule, tape, before };
  }

  /** The stream drops, `hole` is made while it is down, and `after` is the first trade it streams once back. */
  function drop(hole: readonly Trade[], after: Trade): void {
    client.fail('trades', networkDown());
    for (const t of hole) client.trade(t, false);
    now = after.timestamp + 100;
    client.trade(after);
  }

  it("(a) no candle factory: the hub's REST request for the hole fails; the rule's subscriber and the tape's are told which hole and why", async () => {
    const { rule, tape, before } = await live(false);
    client.fetchTrades = () => Promise.reject(unavailable());
    const lost = rule.next(isLost, 'the hole lost');
    const after = trade(T0 + 3 * MIN + 100, 122);
    drop([trade(T0 + 2 * MIN, 120)], after);
    await lost;
    assert.equal(hub.holeFetchState(market)?.kind, 'failed');
    const [hole, ...more] = rule.lost();
    assert.equal(more.length, 0, 'once');
    assert.equal(hole!.from, before.timestamp, "from the drop's edge");
    assert.equal(hole!.until, after.timestamp, "to the stream's pick-up");
    assert.equal(hole!.reason, saidOfUnavailable);
    assert.equal(rule.late().length, 0, 'no late trades');
    assert.deepEqual(tape.lost(), [hole], 'a subscriber that takes no holes late is told the same span');
  });

  it("(b) the candle factory's gap backfill fails: the rule's subscriber is told the hole is lost (the bars keep their own retry)", async () => {
    const { rule, tape, before } = await live(true);
    client.fetchCandles = () => Promise.reject(unavailable());
    const lost = rule.next(isLost, 'the hole lost');
    drop([trade(T0 + 2 * MIN, 120)], trade(T0 + 3 * MIN + 100, 122));
    await lost;
    assert.deepEqual(hub.holeFetchState(market), { kind: 'factory' }, 'the hub had left the hole to the factory');
    const [hole, ...more] = rule.lost();
    assert.equal(more.length, 0, 'once');
    assert.equal(hole!.from, before.timestamp);
    assert.equal(hole!.reason, saidOfUnavailable, "the words of (a), not the chart badge's short reason");
    assert.equal(rule.late().length, 0);
    assert.deepEqual(tape.lost(), [hole], 'the tape is told the same span');
  });

  it("(b) with no rule at all, only a chart and a tape: the gap backfill fails and the tape is told which span is missing, once", async () => {
    for (let i = 0; i < 10; i++) client.trade(trade(T0 - 10 * MIN + i * MIN + 500, 100 + i), false);
    const bars = candles(hub);
    const tape = tradesView(hub, false);
    await Promise.all([bars.sub.ready, tape.sub.ready]);
    await bars.next((e) => e.type === 'snapshot', 'snapshot');
    const before = trade(T0 + 1000, 110);
    const streamed = tape.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === before.id), 'first live trade');
    client.trade(before);
    await streamed;
    client.fetchCandles = () => Promise.reject(unavailable());
    const lost = tape.next(isLost, 'the hole lost');
    const after = trade(T0 + 3 * MIN + 100, 122);
    drop([trade(T0 + 2 * MIN, 120)], after);
    await lost;
    const [hole, ...more] = tape.lost();
    assert.equal(more.length, 0, 'once');
    assert.equal(hole!.from, before.timestamp, "from the drop's edge");
    assert.equal(hole!.until, after.timestamp, "to the stream's pick-up");
    assert.equal(hole!.reason, saidOfUnavailable);
    assert.deepEqual(tape.late(), [], 'no late trades');
  });

  it("(b) the factory's request for the hole's trades before the seam minute (the rules' only) fails: told lost, no part of the hole sent", async () => {
    const { rule } = await live(true);
    const seamMinute = T0 + 3 * MIN;
    const fetchTrades = client.fetchTrades.bind(client);
    // tradesSince(seam minute) for the bars answers; tradesBetween(edge, seam minute) for the rules fails.
    client.fetchTrades = (symbol, since, limit, until) => (since !== undefined && since < seamMinute ? Promise.reject(Object.assign(new Error('fetchTrades: HTTP 503 Service Unavailable'), { name: 'ExchangeNotAvailable' })) : fetchTrades(symbol, since, limit, until));
    const lost = rule.next(isLost, 'the hole lost');
    drop([trade(T0 + 2 * MIN, 120), trade(seamMinute + 10, 121)], trade(seamMinute + 100, 122));
    await lost;
    assert.equal(rule.lost().length, 1);
    assert.match(rule.lost()[0]!.reason, /503/);
    assert.equal(rule.late().length, 0, 'not the part from the seam minute on either: the window starts over');
  });

  it("(b) the factory's request for the hole's trades before the seam minute answers with REST's newest only, not reaching back to the hole: told lost saying so, no part sent (it was sent in part as if whole)", async () => {
    const { rule, tape } = await live(true);
    const seamMinute = T0 + 3 * MIN;
    // The exchange gives its newest 20 trades only: they reach back before the seam minute (the bars' seam holds),
    // not to the hole's edge.
    client.caps = { ...client.caps, tradePaging: 'recent', maxTradesPerPage: 20 };
    const hole = Array.from({ length: 30 }, (_, i) => trade(T0 + 2 * MIN + i * 1000, 120));
    const lost = rule.next(isLost, 'the hole lost');
    drop([...hole, trade(seamMinute + 10, 121)], trade(seamMinute + 100, 122));
    await lost;
    assert.equal(rule.lost().length, 1);
    assert.match(rule.lost()[0]!.reason, /do not reach back to the reconnect/);
    assert.equal(rule.late().length, 0, 'no part of the hole sent as if it were all of it');
    assert.equal(tape.late().length, 0);
  });

  it('(c) the hub left the hole to the candle factory, whose last chart left before it sent it: told lost, the chart closing named', async () => {
    const { bars, rule } = await live(true);
    let release!: () => void;
    client.restDelay = new Promise<void>((resolve) => (release = resolve));
    const backfill = bars!.next((e) => e.type === 'state' && e.state.status === 'live', 'live again');
    drop([trade(T0 + 2 * MIN, 120)], trade(T0 + 3 * MIN + 100, 122));
    await backfill;
    assert.deepEqual(hub.holeFetchState(market), { kind: 'factory' });
    assert.equal(rule.lost().length, 0, 'nothing lost while the backfill runs');
    bars!.sub.dispose();
    assert.equal(hub.candleFactoryCount, 0, 'the factory is gone');
    assert.equal(rule.lost().length, 1, 'told at once');
    assert.match(rule.lost()[0]!.reason, /closed/);
    release();
  });

  it("(c) with a panel on the market (refetchLost): the hole the closed chart's factory owed is handed on, asked again and found for the panel alone", async () => {
    const { bars, rule, before } = await live(true);
    const panel = tradesViewOf(hub, market, true, true);
    await panel.sub.ready;
    let release!: () => void;
    client.restDelay = new Promise<void>((resolve) => (release = resolve));
    const backfill = bars!.next((e) => e.type === 'state' && e.state.status === 'live', 'live again');
    const made = trade(T0 + 2 * MIN, 120);
    const pickUp = trade(T0 + 3 * MIN + 100, 122);
    drop([made], pickUp);
    await backfill;
    bars!.sub.dispose();
    assert.equal(rule.lost().length, 1, 'the rule is told at once');
    assert.deepEqual(panel.lost().map((h) => [h.from, h.until]), [[before.timestamp, pickUp.timestamp]], 'so is the panel, the span whole');
    assert.equal(hub.holesAskedAgain(market), 1, 'handed on, not dropped with the factory');
    const found = panel.next((e) => e.type === 'trades' && e.found !== undefined, 'the hole found');
    release();
    await found;
    assert.deepEqual(panel.found(), [{ span: { from: before.timestamp, until: pickUp.timestamp }, trades: [made] }]);
    assert.equal(hub.holesAskedAgain(market), 0);
    assert.deepEqual(rule.late(), [], 'the rule, its window started over, never gets it');
  });

  it('a hole that comes is not also told lost', async () => {
    const { rule } = await live(false);
    const late = rule.next((e) => e.type === 'trades' && e.late === true, 'late trades');
    drop([trade(T0 + 2 * MIN, 120)], trade(T0 + 3 * MIN + 100, 122));
    await late;
    assert.deepEqual(rule.lost(), []);
    assert.equal(rule.late().length, 1);
  });
});
