import * as assert from 'node:assert/strict';
import { HoleFetch, type HoleFetchState } from '../../src/core/hub/holeFetch';
import type { LostHole } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import { captureLog } from '../helpers/emulatorHub';
import { answeredFetch, DROP, LIVE, market, T0, trade, type Asked } from '../helpers/holeFetchParts';

function rig(factoryFetches = () => false) {
  const asked: Asked[] = [];
  const sent: Trade[][] = [];
  const lost: LostHole[] = [];
  const states: HoleFetchState[] = [];
  const waiters = new Set<() => void>();
  const log = captureLog();
  const fetch = new HoleFetch({
    market,
    log,
    fetch: answeredFetch(asked),
    factoryFetches,
    send: (trades) => sent.push([...trades]),
    lost: (hole) => lost.push(hole),
    onState: (s) => {
      states.push(s);
      for (const w of [...waiters]) w();
    },
  });
  /** Resolves with the next state of `kind` the fetch reaches (its onState event). */
  const reached = (kind: HoleFetchState['kind']) =>
    new Promise<HoleFetchState>((resolve) => {
      const from = states.length;
      const check = () => {
        const got = states.slice(from).find((s) => s.kind === kind);
        if (!got) return;
        waiters.delete(check);
        resolve(got);
      };
      waiters.add(check);
    });
  return { fetch, asked, sent, lost, states, log, reached };
}

/** The stream live with `last` its last trade, dropped, and back: a hole that ends at the stream's next trade. */
function dropAfter(fetch: HoleFetch, last: Trade): void {
  fetch.onStreamState(LIVE);
  fetch.streamed([last]);
  reconnect(fetch);
}

/** The stream dropped and back. */
function reconnect(fetch: HoleFetch): void {
  fetch.onStreamState(DROP);
  fetch.onStreamState(LIVE);
}

describe('HoleFetch: a reconnect hole for a market without a candle factory', () => {
  it("asks REST from the drop's edge to the stream's first trade after it (both included), once the stream picked up; sends the trades it never sent", async () => {
    const { fetch, asked, sent, reached, log } = rig();
    const before = trade(T0 + 1000);
    dropAfter(fetch, before);
    assert.equal(fetch.state.kind, 'waiting', 'no end to the hole before the stream picks up');
    assert.equal(asked.length, 0);
    const hole = [trade(T0 + 2000, 150), trade(T0 + 3000, 90)];
    const after = trade(T0 + 4000);
    fetch.streamed([after]);
    assert.equal(asked.length, 1);
    assert.deepEqual(fetch.state, { kind: 'fetching', from: before.timestamp, until: after.timestamp });
    assert.equal(asked[0]!.from, before.timestamp);
    assert.equal(asked[0]!.until, after.timestamp + 1, 'REST is asked up to and including the pick-up millisecond');
    asked[0]!.answer([before, ...hole, after]);
    assert.deepEqual(await reached('sent'), { kind: 'sent', trades: 2 });
    assert.deepEqual(sent, [hole]);
    assert.ok(log.lines.some((l) => l.includes('2 trade(s) of the reconnect\'s hole, fetched from REST (no candle factory)')));
    fetch.dispose();
  });

  it('owes the hole from the drop until it is sent, even with no trade the stream had not sent (the hole is in: an empty send)', async () => {
    const { fetch, asked, sent, reached } = rig();
    assert.equal(fetch.owes, false);
    const before = trade(T0 + 1000);
    dropAfter(fetch, before);
    assert.equal(fetch.owes, true, 'waiting for the pick-up');
    const after = trade(T0 + 4000);
    fetch.streamed([after]);
    assert.equal(fetch.owes, true, 'fetching');
    asked[0]!.answer([before, after]);
    assert.deepEqual(await reached('sent'), { kind: 'sent', trades: 0 });
    assert.deepEqual(sent, [[]]);
    assert.equal(fetch.owes, false);
    fetch.dispose();
  });

  it("leaves the hole to the candle factory that has it pending: no request, named `factory`", () => {
    const { fetch, asked, sent } = rig(() => true);
    dropAfter(fetch, trade(T0 + 1000));
    fetch.streamed([trade(T0 + 4000)]);
    assert.equal(fetch.state.kind, 'factory');
    assert.equal(fetch.owes, false, 'the factory owes it');
    assert.equal(asked.length, 0);
    assert.equal(sent.length, 0);
    fetch.dispose();
  });

  it('a failed request ends `failed`, the subscribers told the hole is lost, said in the log naming the market and the hole; the next hole is fetched as usual', async () => {
    const { fetch, asked, sent, lost, reached, log } = rig();
    dropAfter(fetch, trade(T0 + 1000));
    fetch.streamed([trade(T0 + 4000)]);
    asked[0]!.fail(new Error('503 Service Unavailable'));
    const failed = await reached('failed');
    assert.deepEqual(failed, { kind: 'failed', reason: '503 Service Unavailable' });
    assert.deepEqual(lost, [{ from: T0 + 1000, until: T0 + 4000, reason: '503 Service Unavailable' }], 'which hole, and why');
    const warning = log.lines.find((l) => l.includes("the trades of the reconnect's hole"));
    assert.ok(warning?.includes('fake BTC/USDT') && warning.includes('503 Service Unavailable') && warning.includes(new Date(T0 + 1000).toISOString()), warning);

    reconnect(fetch);
    const hole = trade(T0 + 5000);
    const after = trade(T0 + 6000);
    fetch.streamed([after]);
    assert.equal(asked.length, 2);
    assert.equal(asked[1]!.from, T0 + 4000, 'the second hole starts at its own edge');
    asked[1]!.answer([hole, after]);
    await reached('sent');
    assert.deepEqual(sent, [[hole]]);
    assert.equal(lost.length, 1, 'a hole sent is not lost');
    fetch.dispose();
  });

  it('a drop while the request runs is a hole of its own, fetched after it; no trade is sent twice', async () => {
    const { fetch, asked, sent, reached } = rig();
    dropAfter(fetch, trade(T0 + 1000));
    const first = trade(T0 + 2000);
    const pickUp = trade(T0 + 3000);
    fetch.streamed([pickUp]);
    reconnect(fetch);
    const second = trade(T0 + 4000);
    const pickUp2 = trade(T0 + 5000);
    fetch.streamed([pickUp2]);
    assert.equal(asked.length, 1, 'one request at a time');
    asked[0]!.answer([first, pickUp]);
    await reached('fetching');
    assert.equal(asked.length, 2);
    assert.deepEqual([asked[1]!.from, asked[1]!.until], [pickUp.timestamp, pickUp2.timestamp + 1]);
    asked[1]!.answer([pickUp, second, pickUp2]);
    await reached('sent');
    assert.deepEqual(sent, [[first], [second]]);
  });

  it('the trades streamed while the request runs, up to the hole\'s end (a batch out of order), are not sent as late', async () => {
    const { fetch, asked, sent, reached } = rig();
    dropAfter(fetch, trade(T0 + 1000));
    const missed = trade(T0 + 2000);
    const slow = trade(T0 + 2500);
    const pickUp = trade(T0 + 3000);
    fetch.streamed([pickUp]);
    fetch.streamed([slow, trade(T0 + 3500)]);
    asked[0]!.answer([missed, slow, pickUp]);
    await reached('sent');
    assert.deepEqual(sent, [[missed]]);
  });

  it('the last subscriber leaving aborts the request: `stopped`, nothing sent after, no state after it', async () => {
    const { fetch, asked, sent, states } = rig();
    dropAfter(fetch, trade(T0 + 1000));
    fetch.streamed([trade(T0 + 4000)]);
    const signal = asked[0]!.signal;
    fetch.dispose();
    assert.equal(signal.aborted, true, 'the request is aborted');
    assert.deepEqual(fetch.state, { kind: 'stopped' });
    asked[0]!.answer([trade(T0 + 2000)]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(sent.length, 0);
    assert.equal(states.at(-1)?.kind, 'stopped');
    reconnect(fetch);
    fetch.streamed([trade(T0 + 9000)]);
    assert.equal(asked.length, 1, 'nothing runs after dispose');
  });

  it('a drop before anything was streamed leaves no hole (the subscribers held nothing to follow on from)', () => {
    const { fetch, asked } = rig();
    fetch.onStreamState(LIVE);
    reconnect(fetch);
    fetch.streamed([trade(T0 + 4000)]);
    assert.equal(fetch.state.kind, 'idle');
    assert.equal(asked.length, 0);
    fetch.dispose();
  });
});
