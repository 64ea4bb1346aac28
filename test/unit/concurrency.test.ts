import * as assert from 'node:assert/strict';
import { LatestWins } from '../../src/core/hub/latestWins';
import { KeyedMutex } from '../../src/core/util/keyedMutex';
import { Semaphore } from '../../src/core/util/semaphore';
import { DisposableStore, toDisposable } from '../../src/shared/util/disposable';

describe('Semaphore', () => {
  it('never runs more than the limit at once', async () => {
    const s = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const jobs = Array.from({ length: 6 }, () =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
      }),
    );
    let released = 0;
    while (released < 6) {
      await new Promise((r) => setImmediate(r));
      const open = gates.splice(0);
      released += open.length;
      open.forEach((g) => g());
    }
    await Promise.all(jobs);
    assert.equal(peak, 2);
    assert.equal(s.inUse, 0);
  });
});

describe('KeyedMutex', () => {
  it('serialises one key, runs different keys concurrently, and forgets drained keys', async () => {
    const m = new KeyedMutex();
    const order: string[] = [];
    let releaseA!: () => void;
    const a1 = m.run('a', async () => {
      order.push('a1 start');
      await new Promise<void>((r) => (releaseA = r));
      order.push('a1 end');
    });
    const a2 = m.run('a', async () => order.push('a2'));
    const b = m.run('b', async () => order.push('b'));
    await b;
    assert.deepEqual(order, ['a1 start', 'b']);
    releaseA();
    await Promise.all([a1, a2]);
    assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
    assert.equal(m.size, 0);
  });
});

describe('LatestWins', () => {
  it('delivers only the newest of a burst', async () => {
    const got: number[] = [];
    const box = new LatestWins<number>((v) => got.push(v));
    for (let i = 0; i < 100; i++) box.push(i);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, [99]);
    box.push(100);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, [99, 100]);
  });

  it('delivers nothing after dispose', async () => {
    const got: number[] = [];
    const box = new LatestWins<number>((v) => got.push(v));
    box.push(1);
    box.dispose();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(got, []);
  });
});

describe('Disposables', () => {
  it('run a teardown once and dispose a store in reverse order', () => {
    const order: number[] = [];
    const store = new DisposableStore();
    const d = toDisposable(() => order.push(1));
    store.add(d);
    store.add(toDisposable(() => order.push(2)));
    store.dispose();
    store.dispose();
    d.dispose();
    assert.deepEqual(order, [2, 1]);
    store.add(toDisposable(() => order.push(3)));
    assert.deepEqual(order, [2, 1, 3], 'added after dispose: disposed at once');
  });
});
