import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { afterEventLoopTurn, loadOnceAfterQueuedTimers } from '../../src/core/util/afterQueuedTimers';

describe('loadOnceAfterQueuedTimers', () => {
  it('runs the load after the timers queued before its first call (a message flush goes before a long require)', async () => {
    const order: string[] = [];
    const load = loadOnceAfterQueuedTimers(async () => {
      order.push('load');
      return 42;
    });
    setTimeout(() => order.push('queued timer'), 0);
    const value = await load();
    assert.equal(value, 42);
    assert.deepEqual(order, ['queued timer', 'load']);
  });

  it('loads once for callers at the same time and after', async () => {
    let loads = 0;
    const load = loadOnceAfterQueuedTimers(async () => ++loads);
    assert.deepEqual(await Promise.all([load(), load(), load()]), [1, 1, 1]);
    assert.equal(await load(), 1);
    assert.equal(loads, 1);
  });

  it('a failed load is the answer for every caller (it is not retried behind their backs)', async () => {
    let loads = 0;
    const load = loadOnceAfterQueuedTimers(async () => {
      loads++;
      throw new Error('the bundle did not load');
    });
    await assert.rejects(load(), /the bundle did not load/);
    await assert.rejects(load(), /the bundle did not load/);
    assert.equal(loads, 1);
  });
});

describe('afterEventLoopTurn', () => {
  /**
   * From inside an I/O callback (as an HTTP answer's parse runs), data that reached another socket meanwhile is read
   * before the continuation: a panel's message waiting on the extension host's socket gets through a long load.
   */
  async function orderFromIoCallback(): Promise<string[]> {
    const order: string[] = [];
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const accepted: net.Socket[] = [];
    const twoConnected = new Promise<void>((resolve) =>
      server.on('connection', (s) => {
        accepted.push(s);
        if (accepted.length === 2) resolve();
      }),
    );
    const a = net.connect(port, '127.0.0.1');
    const b = net.connect(port, '127.0.0.1');
    await twoConnected;
    const done = new Promise<void>((resolve) => {
      const [onA, onB] = accepted as [net.Socket, net.Socket];
      let left = 2;
      const finish = () => --left === 0 && resolve();
      onB.on('data', () => {
        order.push('the other socket read');
        finish();
      });
      onA.on('data', () => {
        // In the poll phase: data for the other socket arrives while this callback still runs.
        b.write('message');
        const until = Date.now() + 30;
        while (Date.now() < until);
        void afterEventLoopTurn().then(() => {
          order.push('continuation');
          finish();
        });
      });
    });
    a.write('answer');
    await done;
    for (const s of [a, b, ...accepted]) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    return order;
  }

  it('resumes only after the I/O that arrived meanwhile was read', async () => {
    assert.deepEqual(await orderFromIoCallback(), ['the other socket read', 'continuation']);
  });

  it('runs the timers queued before it first', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('queued timer'), 0);
    await afterEventLoopTurn();
    order.push('continuation');
    assert.deepEqual(order, ['queued timer', 'continuation']);
  });
});
