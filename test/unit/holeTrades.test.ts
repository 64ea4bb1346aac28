import * as assert from 'node:assert/strict';
import { HoleTrades } from '../../src/core/hub/holeTrades';
import type { TradesEvent } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';

const t = (id: string, timestamp: number): Trade => ({ id, timestamp, price: 100, amount: 1, side: 'buy' });
const market = { exchange: 'coinbase', symbol: 'BTC/USD' } as const;

describe("HoleTrades: a hole's late trades reach the trades subscribers once", () => {
  it("the stream's later copy of a late trade is dropped, whichever hole sent it (not only the last)", () => {
    // Found by the chaos test (seed 103, Coinbase, CHAOS_STEPS=12): two trade gaps each sent their lost trades late;
    // a reconnect's snapshot then resent the first gap's, which only the second gap's were checked against.
    const holes = new HoleTrades((err) => assert.fail(String(err)));
    const events: TradesEvent[] = [];
    const sub = holes.subscribe(market, (e) => events.push(e), true);
    holes.late(market, [t('a', 10), t('b', 20)]);
    holes.late(market, [t('d', 40)]);
    assert.deepEqual(sub.streamed([t('a', 10), t('c', 30), t('d', 40), t('e', 50)]).map((x) => x.id), ['c', 'e']);
    const live = [t('f', 60)];
    assert.equal(sub.streamed(live), live, 'a batch newer than every late trade is passed as it is');
    assert.deepEqual(events.map((e) => (e.type === 'trades' ? e.trades.map((x) => x.id) : [])), [['a', 'b'], ['d']]);
    sub.dispose();
  });

  it('a lost hole reaches every subscriber of the market (a tape too: its trades are missing for good), as one late event with no trades', () => {
    const holes = new HoleTrades((err) => assert.fail(String(err)));
    const rule: TradesEvent[] = [];
    const tape: TradesEvent[] = [];
    const ruleSub = holes.subscribe(market, (e) => rule.push(e), true);
    const tapeSub = holes.subscribe(market, (e) => tape.push(e), false);
    const hole = { from: 10, until: 20, reason: 'HTTP 503' };
    holes.lost(market, hole);
    assert.deepEqual(rule, [{ type: 'trades', trades: [], late: true, lost: hole }]);
    assert.deepEqual(tape, [{ type: 'trades', trades: [], late: true, lost: hole }], 'a subscriber that takes no holes late is told too: nothing lost is silent');
    ruleSub.dispose();
    const next = { from: 30, reason: 'the candle series fetching them was closed' };
    holes.lost(market, next);
    assert.equal(rule.length, 1, 'gone, told nothing');
    assert.deepEqual(tape.slice(1), [{ type: 'trades', trades: [], late: true, lost: next }], 'with no subscriber taking holes left, the tape is still told');
    tapeSub.dispose();
    holes.lost(market, hole);
    assert.equal(tape.length, 2, 'gone, told nothing');
  });

  it('a subscriber that takes holes reads the stream live but catching up while a hole is owed, and live again after the hole came (even with no trade the stream had not sent) or was told lost; a tape reads it as it is', () => {
    let owed = false;
    const holes = new HoleTrades((err) => assert.fail(String(err)), undefined, () => owed);
    const rule: TradesEvent[] = [];
    const tape: TradesEvent[] = [];
    const ruleSub = holes.subscribe(market, (e) => rule.push(e), true);
    const tapeSub = holes.subscribe(market, (e) => tape.push(e), false);
    const live = { status: 'live', since: 5 } as const;
    assert.deepEqual(ruleSub.shown(live), live, 'no hole owed: live');
    owed = true;
    assert.deepEqual(ruleSub.shown(live), { ...live, catchingUp: true });
    assert.deepEqual(tapeSub.shown(live), live, 'the tape never waits for a hole');
    // Sent while another hole is still owed: still catching up, nothing said.
    holes.late(market, [t('a', 10)]);
    assert.deepEqual(rule.map((e) => e.type), ['trades']);
    owed = false;
    holes.late(market, []);
    assert.deepEqual(rule.slice(1), [{ type: 'state', state: live }], 'a hole with no trade the stream had not sent is in all the same');
    assert.deepEqual(tape.map((e) => e.type), ['trades'], 'the tape got the late trades, no state');
    // Told lost: the state after the event.
    owed = true;
    ruleSub.shown(live);
    owed = false;
    const hole = { from: 10, until: 20, reason: 'HTTP 503' };
    holes.lost(market, hole);
    assert.deepEqual(rule.slice(2), [{ type: 'trades', trades: [], late: true, lost: hole }, { type: 'state', state: live }]);
    // Not live when the hole came (reconnecting again): nothing to say; the next live is shown as it is then.
    owed = true;
    ruleSub.shown(live);
    ruleSub.shown({ status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 0 });
    owed = false;
    holes.late(market, []);
    assert.equal(rule.length, 4);
    ruleSub.dispose();
    tapeSub.dispose();
  });

  it('the same consumer subscribed twice is two subscriptions: one left, the other still gets the late trades', () => {
    const holes = new HoleTrades((err) => assert.fail(String(err)));
    const events: TradesEvent[] = [];
    const send = (e: TradesEvent) => events.push(e);
    const first = holes.subscribe(market, send, true);
    const second = holes.subscribe(market, send, true);
    first.dispose();
    holes.late(market, [t('a', 10)]);
    assert.equal(events.length, 1);
    second.dispose();
  });
});
