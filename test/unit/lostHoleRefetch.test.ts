import * as assert from 'node:assert/strict';
import type { FoundSpan } from '../../src/core/hub/lostHoleRefetch';
import { HoleOutOfReachError } from '../../src/core/errors';
import { HoleFetch, type HoleFetchState } from '../../src/core/hub/holeFetch';
import { HoleTrades } from '../../src/core/hub/holeTrades';
import type { LostHole, TradesEvent } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import { captureLog } from '../helpers/emulatorHub';
import { answeredFetch, DROP, LIVE, market, T0, trade, type Asked } from '../helpers/holeFetchParts';
import { turnsUntil } from '../helpers/turnsUntil';

const POLICY = { baseMs: 100, maxMs: 1000, factor: 2, jitter: 0 };

/** A backoff wait the test ends. */
interface Waited {
  readonly ms: number;
  end(): void;
}

function rig(maxAttempts = 3) {
  const asked: Asked[] = [];
  const waits: Waited[] = [];
  const lost: LostHole[] = [];
  const found: Array<{ trades: readonly Trade[]; span: FoundSpan }> = [];
  const states: HoleFetchState[] = [];
  const log = captureLog();
  let wanted = true;
  const fetch = new HoleFetch({
    market,
    log,
    fetch: answeredFetch(asked),
    factoryFetches: () => false,
    send: () => assert.fail('no hole is sent in these tests'),
    lost: (hole) => lost.push(hole),
    onState: (s) => states.push(s),
    refetch: {
      wanted: () => wanted,
      found: (trades, span) => found.push({ trades: [...trades], span }),
      backoff: POLICY,
      maxAttempts,
      wait: (ms, signal) =>
        new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
          waits.push({ ms, end: resolve });
        }),
    },
  });
  return { fetch, asked, waits, lost, found, states, log, unwanted: () => (wanted = false) };
}

/** Live with `edge` streamed, dropped, back, and picked up at `pickUp`: the hole's request is asked. */
function hole(fetch: HoleFetch, edge: Trade, pickUp: Trade): void {
  fetch.onStreamState(LIVE);
  fetch.streamed([edge]);
  fetch.onStreamState(DROP);
  fetch.onStreamState(LIVE);
  fetch.streamed([pickUp]);
}

describe("LostHoleRefetch: a hole told lost is asked again for the panels, not held from the rules", () => {
  it('told lost at once (nothing owed), then asked again after the backoff: what REST finds, less what the stream sent (the edges, a trade out of order meanwhile), is found once with its span', async () => {
    const { fetch, asked, waits, lost, found, log } = rig();
    const edge = trade(T0 + 1000);
    const pickUp = trade(T0 + 4000);
    hole(fetch, edge, pickUp);
    asked[0]!.fail(new Error('503 Service Unavailable'));
    await turnsUntil(() => lost.length === 1, 'told lost');
    assert.deepEqual(lost, [{ from: edge.timestamp, until: pickUp.timestamp, reason: '503 Service Unavailable' }]);
    assert.equal(fetch.owes, false, 'the rules are not held while it is asked again');
    assert.equal(fetch.state.kind, 'failed');
    await turnsUntil(() => waits.length === 1, 'a backoff wait');
    assert.equal(waits[0]!.ms, POLICY.baseMs, "the first ask waits the backoff's first step");
    assert.equal(asked.length, 1, 'not asked before the wait ends');
    // Streamed while the hole is asked again: inside it (out of order), so the stream sent it.
    const slow = trade(T0 + 2500);
    fetch.streamed([slow, trade(T0 + 5000)]);
    waits[0]!.end();
    await turnsUntil(() => asked.length === 2, 'asked again');
    assert.deepEqual([asked[1]!.from, asked[1]!.until], [edge.timestamp, pickUp.timestamp + 1], 'the same span as the failed request');
    const missed = [trade(T0 + 2000, 150), trade(T0 + 3000, 90)];
    asked[1]!.answer([edge, missed[0]!, slow, missed[1]!, pickUp]);
    await turnsUntil(() => found.length === 1, 'found');
    assert.deepEqual(found, [{ trades: missed, span: { from: edge.timestamp, until: pickUp.timestamp } }]);
    assert.equal(lost.length, 1, 'told lost once');
    assert.ok(log.lines.some((l) => l.includes('was fetched on attempt 1') && l.includes('2 trade(s)')), log.lines.join('\n'));
    await turnsUntil(() => waits.length === 1 && asked.length === 2, 'nothing more waits');
    fetch.dispose();
  });

  it('REST failing on every ask: gives up after maxAttempts asks on a growing backoff, says so in the log, and finds nothing', async () => {
    const { fetch, asked, waits, found, log } = rig(3);
    hole(fetch, trade(T0 + 1000), trade(T0 + 4000));
    asked[0]!.fail(new Error('503 Service Unavailable'));
    for (let attempt = 1; attempt <= 3; attempt++) {
      await turnsUntil(() => waits.length === attempt, `wait ${attempt}`);
      waits[attempt - 1]!.end();
      await turnsUntil(() => asked.length === attempt + 1, `ask ${attempt}`);
      asked[attempt]!.fail(new Error('429 Too Many Requests'));
    }
    await turnsUntil(() => log.lines.some((l) => l.includes('gave up after 3 attempts')), 'gave up');
    assert.deepEqual(waits.map((w) => w.ms), [100, 200, 400]);
    assert.equal(asked.length, 4, 'the failed request and 3 asks, no more');
    assert.deepEqual(found, []);
    assert.ok(log.lines.some((l) => l.includes('gave up after 3 attempts') && l.includes('429 Too Many Requests') && l.includes('fake BTC/USDT')));
    fetch.dispose();
  });

  it("an ask answered by REST not reaching back to the hole (HoleOutOfReachError) ends the asking at once: REST's trades only move on", async () => {
    const { fetch, asked, waits, found, log } = rig(5);
    hole(fetch, trade(T0 + 1000), trade(T0 + 4000));
    asked[0]!.fail(new Error('503'));
    await turnsUntil(() => waits.length === 1, 'a wait');
    waits[0]!.end();
    await turnsUntil(() => asked.length === 2, 'asked again');
    asked[1]!.fail(new HoleOutOfReachError(T0 + 1000, T0 + 2500));
    await turnsUntil(() => log.lines.some((l) => l.includes('is not asked again')), 'said so');
    assert.ok(log.lines.some((l) => l.includes('is not asked again') && l.includes('do not reach back')));
    assert.equal(fetch.askingAgain, 0);
    assert.equal(waits.length, 1, 'no further wait');
    assert.equal(asked.length, 2, 'no further ask');
    assert.deepEqual(found, []);
    fetch.dispose();
  });

  it('a first fetch REST does not reach back for is told lost and not asked again at all', async () => {
    const { fetch, asked, waits, lost } = rig();
    hole(fetch, trade(T0 + 1000), trade(T0 + 4000));
    asked[0]!.fail(new HoleOutOfReachError(T0 + 1000, T0 + 2500));
    await turnsUntil(() => lost.length === 1, 'told lost');
    assert.match(lost[0]!.reason, /do not reach back/);
    assert.equal(fetch.askingAgain, 0);
    assert.equal(waits.length, 0);
    fetch.dispose();
  });

  it('no subscriber taking it any more: the asking stops before the next request; the owner disposed: a wait is aborted and nothing is asked', async () => {
    const first = rig();
    hole(first.fetch, trade(T0 + 1000), trade(T0 + 4000));
    first.asked[0]!.fail(new Error('503'));
    await turnsUntil(() => first.waits.length === 1, 'a wait');
    first.unwanted();
    first.waits[0]!.end();
    for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(first.asked.length, 1, 'not asked for no one');
    assert.ok(!first.log.lines.some((l) => l.includes('gave up')), 'stopping for no one is not giving up');
    first.fetch.dispose();

    const second = rig();
    hole(second.fetch, trade(T0 + 1000), trade(T0 + 4000));
    second.asked[0]!.fail(new Error('503'));
    await turnsUntil(() => second.waits.length === 1, 'a wait');
    second.fetch.dispose();
    second.waits[0]!.end(); // too late: the wait was aborted
    for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(second.asked.length, 1);
    assert.deepEqual(second.found, []);
  });

  it('disposed while asking again: the request is aborted and nothing is found', async () => {
    const { fetch, asked, waits, found } = rig();
    hole(fetch, trade(T0 + 1000), trade(T0 + 4000));
    asked[0]!.fail(new Error('503'));
    await turnsUntil(() => waits.length === 1, 'a wait');
    waits[0]!.end();
    await turnsUntil(() => asked.length === 2, 'asked again');
    fetch.dispose();
    assert.equal(asked[1]!.signal.aborted, true);
    asked[1]!.answer([trade(T0 + 2000)]);
    for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(found, []);
  });
});

describe('HoleTrades.found: a lost hole found after all reaches the subscribers that asked for it only', () => {
  it("the tape and the DOM (refetchLost) get its trades as one late event with the span; the rule does not; the stream's later copies are left out for all", () => {
    const holes = new HoleTrades((err) => assert.fail(String(err)));
    const rule: TradesEvent[] = [];
    const tape: TradesEvent[] = [];
    const ruleSub = holes.subscribe(market, (e) => rule.push(e), true);
    assert.equal(holes.wantsFound(market), false, 'the rules alone: no one to ask again for');
    const tapeSub = holes.subscribe(market, (e) => tape.push(e), true, true);
    assert.equal(holes.wantsFound(market), true);
    const a = trade(T0 + 2000);
    const b = trade(T0 + 3000);
    const span = { from: T0 + 1000, until: T0 + 4000 };
    holes.found(market, [a, b], span);
    assert.deepEqual(tape, [{ type: 'trades', trades: [a, b], late: true, found: span }]);
    assert.deepEqual(rule, [], "the rule's windows started over at the loss");
    const later = trade(T0 + 5000);
    assert.deepEqual(ruleSub.streamed([b, later]), [later], 'a copy the stream sends after is left out');
    assert.deepEqual(tapeSub.streamed([a, later]), [later]);
    tapeSub.dispose();
    assert.equal(holes.wantsFound(market), false, 'the last one that asked left');
    holes.found(market, [trade(T0 + 6000)], span);
    assert.equal(tape.length, 1, 'gone, sent nothing');
    ruleSub.dispose();
  });
});
