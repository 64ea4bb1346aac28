import * as assert from 'node:assert/strict';
import { LatestWins } from '../../../src/extension/panels/latestWins';
import { ManualTime } from '../../helpers/manualTime';

describe('LatestWins: a page’s costly asks acted on at most once per interval, the latest winning', () => {
  function gate(opts: { merge?: (a: number, b: number) => number } = {}) {
    const time = new ManualTime();
    time.now = 1_000;
    const acts: Array<[value: number, asks: number]> = [];
    const wins = new LatestWins<number>((v, asks) => void acts.push([v, asks]), 250, { ...opts, now: () => time.now, schedule: time.schedule });
    return { time, acts, wins };
  }

  it('acts on the first ask at once, on the latest of those inside the interval once at its end, answering all of them', () => {
    const { time, acts, wins } = gate();
    wins.ask(0);
    assert.deepEqual(acts, [[0, 1]]);
    for (let i = 1; i <= 1000; i++) wins.ask(i);
    assert.deepEqual(acts, [[0, 1]], 'inside the interval: held');
    assert.equal(time.pending, 1, 'one act scheduled for them all');
    time.advance(250);
    assert.deepEqual(acts, [[0, 1], [1000, 1000]], 'the latest, standing for the 1000 asks');
    assert.equal(wins.merged, 1000);
    time.advance(10_000);
    assert.equal(acts.length, 2, 'nothing more');
    wins.ask(7);
    assert.deepEqual(acts.at(-1), [7, 1], 'a later ask, past the interval: at once');
  });

  it('merges the asks waiting when told how (relative seeks add up)', () => {
    const { time, acts, wins } = gate({ merge: (a, b) => a + b });
    wins.ask(1);
    wins.ask(2);
    wins.ask(3);
    time.advance(250);
    assert.deepEqual(acts, [[1, 1], [5, 2]]);
  });

  it('one act at a time: an act’s promise holds the next until it settles, however long it takes', async () => {
    const time = new ManualTime();
    const started: string[] = [];
    const settle: Array<() => void> = [];
    const wins = new LatestWins<string>(
      (v) => {
        started.push(v);
        return new Promise<void>((resolve) => settle.push(resolve));
      },
      250,
      { now: () => time.now, schedule: time.schedule },
    );
    wins.ask('a');
    wins.ask('b');
    wins.ask('c');
    time.advance(5_000);
    assert.deepEqual(started, ['a'], 'the first write has not settled');
    settle[0]!();
    await Promise.resolve();
    await Promise.resolve();
    assert.deepEqual(started, ['a', 'c'], 'then the latest, at once (the interval has passed)');
  });

  it('an act that throws or rejects is reported, and the asks after it are still acted on', async () => {
    const time = new ManualTime();
    const errors: unknown[] = [];
    const acted: number[] = [];
    const wins = new LatestWins<number>(
      (v) => {
        acted.push(v);
        if (v === 1) throw new Error('sync');
        return v === 2 ? Promise.reject(new Error('async')) : undefined;
      },
      250,
      { onError: (e) => errors.push(e), now: () => time.now, schedule: time.schedule },
    );
    wins.ask(1);
    wins.ask(2);
    time.advance(250);
    await new Promise<void>((r) => setImmediate(r));
    wins.ask(3);
    time.advance(250);
    assert.deepEqual(acted, [1, 2, 3]);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['sync', 'async']);
  });

  it('clear() forgets the ask waiting; dispose() cancels its timer and ignores later asks', () => {
    const { time, acts, wins } = gate();
    wins.ask(1);
    wins.ask(2);
    wins.clear();
    time.advance(250);
    assert.deepEqual(acts, [[1, 1]]);
    time.advance(250);
    wins.ask(3);
    wins.ask(4);
    assert.equal(time.pending, 1);
    wins.dispose();
    assert.equal(time.pending, 0, 'the scheduled act went with it');
    wins.ask(5);
    time.advance(1_000);
    assert.deepEqual(acts, [[1, 1], [3, 1]]);
  });
});
