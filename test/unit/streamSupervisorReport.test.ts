import * as assert from 'node:assert/strict';
import { StreamSupervisor } from '../../src/core/streams/streamSupervisor';
import type { OrderBook, StreamState } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';
import { turnsUntil as until } from '../helpers/turnsUntil';

const book = (bid: number): OrderBook => ({ timestamp: 1, bids: [[bid, 1]], asks: [[bid + 1, 1]] });

describe("StreamSupervisor.report: each open stream's state, listeners and newest update (the debug state)", () => {
  it('says since when it has its state, when the newest update came and the attempt of a stream reconnecting, and forgets a stopped stream', async () => {
    let now = 1_000;
    const client = new FakeClient();
    const supervisor = new StreamSupervisor({ clientFor: async () => client, backoff: { baseMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 }, clock: { now: () => now }, log: silentLogger, orderBookDepth: 10 });
    const states: StreamState[] = [];
    const key = { kind: 'orderbook', exchange: 'fake', symbol: 'BTC/USDT' } as const;
    const sub = supervisor.acquire(key, { onState: (s) => states.push(s), onData: () => undefined });
    try {
      assert.deepEqual(supervisor.report(), [{ ...key, state: { status: 'connecting' }, stateSince: 1_000, listeners: 1 }], 'no update yet: no time');
      now = 2_000;
      client.push('orderbook', book(100));
      await until(() => supervisor.report()[0]?.lastDataAt !== undefined, 'the first book');
      now = 5_000;
      assert.deepEqual(supervisor.report(), [{ ...key, state: { status: 'live', since: 2_000 }, stateSince: 2_000, lastDataAt: 2_000, listeners: 1 }]);

      now = 6_000;
      client.fail('orderbook', Object.assign(new Error('socket closed'), { name: 'NetworkError' }));
      await until(() => states.at(-1)?.status === 'reconnecting', 'reconnecting');
      const [down] = supervisor.report();
      assert.equal(down?.state.status, 'reconnecting');
      assert.equal(down?.state.status === 'reconnecting' ? down.state.attempt : undefined, 1);
      assert.equal(down?.stateSince, 6_000, 'since the drop');
      assert.equal(down?.lastDataAt, 2_000, 'the newest update is still the one before the drop');
    } finally {
      sub.dispose();
      await supervisor.stopAll();
    }
    assert.deepEqual(supervisor.report(), []);
  });
});
