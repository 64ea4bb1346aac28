/**
 * A replay page sending its toolbar controls in a loop (a hostile or broken page): a step or a seek reads the
 * recording, and each queued a read, without bound. Now every control goes through one gate: at most one act per
 * interval and one at a time, in the order sent; steps merge into one step of their count and seeks into one of
 * their summed offset (none lost), plays and pauses into the latest; a flood is named once. A manual clock.
 */
import * as assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/util/log';
import { ASK_INTERVAL_MS, PageAsks } from '../../../src/extension/panels/pageAsks';
import { ReplayControls, type ReplayControl } from '../../../src/extension/panels/replayControls';
import { MAX_SEEK_MS, MAX_WAITING_MOVES, mergeMoves, type ReplayMove } from '../../../src/extension/panels/replayMoves';
import { ManualTime } from '../../helpers/manualTime';

function rig() {
  const time = new ManualTime();
  time.now = 10_000;
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const asks = new PageAsks(() => 'chart panel "BTC/USDT · 1m"', log, () => undefined, () => undefined, () => time.now, time.schedule);
  /** Each act: its moves, and how to settle it (its reads done). */
  const acts: Array<{ moves: readonly ReplayMove[]; settle: () => void }> = [];
  const controls = new ReplayControls(asks, (moves) => new Promise<void>((settle) => acts.push({ moves, settle })), (line) => asks.line('warn', line));
  const fromPage = (c: ReplayControl) => controls.handle(c);
  return { time, warnings, asks, acts, controls, fromPage };
}

/** Lets the promise callbacks of a settled act run. */
const settled = () => new Promise<void>((r) => setImmediate(r));

describe('replay controls: a flooding page', () => {
  it('10,000 steps at once: the first at once, then one step of the other 9,999 once its reads are done; named once', async () => {
    const { time, warnings, acts, fromPage } = rig();
    for (let i = 0; i < 10_000; i++) fromPage({ action: 'step' });
    assert.deepEqual(acts.map((a) => a.moves), [[{ action: 'step', count: 1 }]]);
    time.advance(60_000);
    assert.equal(acts.length, 1, 'nothing more while the first act reads');
    acts[0]!.settle();
    await settled();
    time.advance(ASK_INTERVAL_MS);
    assert.deepEqual(acts.map((a) => a.moves), [[{ action: 'step', count: 1 }], [{ action: 'step', count: 9_999 }]], 'every step counted');
    acts[1]!.settle();
    await settled();
    time.advance(60_000);
    assert.equal(acts.length, 2);
    assert.deepEqual(warnings, [`chart panel "BTC/USDT · 1m": its page sent replay/control 20 times more than once per ${ASK_INTERVAL_MS} ms; acted on the latest at most that often`]);
  });

  it('in the order sent: seeks summed (a week at most either way), steps counted, plays and pauses the latest, each kind run kept', async () => {
    const { time, acts, fromPage } = rig();
    fromPage({ action: 'pause' });
    for (let i = 0; i < 5; i++) fromPage({ action: 'seek', by: 60_000 });
    fromPage({ action: 'seek', by: -3_600_000 });
    fromPage({ action: 'step' });
    fromPage({ action: 'step' });
    fromPage({ action: 'play', speed: 10 });
    fromPage({ action: 'pause' });
    fromPage({ action: 'play' });
    for (let i = 0; i < 100; i++) fromPage({ action: 'seek', by: 7 * 86_400_000 });
    fromPage({ action: 'seek' });
    acts[0]!.settle();
    await settled();
    time.advance(ASK_INTERVAL_MS);
    assert.deepEqual(acts.map((a) => a.moves), [
      [{ action: 'pause' }],
      [
        { action: 'seek', by: 5 * 60_000 - 3_600_000 },
        { action: 'step', count: 2 },
        { action: 'play', speed: 10 }, // the play at 10×, paused, played again: at 10×
        { action: 'seek', by: MAX_SEEK_MS },
      ],
    ]);
  });

  it('a page alternating step and seek: at most MAX_WAITING_MOVES wait per act, the rest left out with one line', async () => {
    const { time, warnings, acts, controls, fromPage } = rig();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 1000; i++) fromPage(i % 2 === 0 ? { action: 'step' } : { action: 'seek', by: 1000 });
      acts.at(-1)!.settle();
      await settled();
      time.advance(ASK_INTERVAL_MS);
    }
    assert.ok(acts.every((a) => a.moves.length <= MAX_WAITING_MOVES), `moves per act: ${acts.map((a) => a.moves.length).join(', ')}`);
    const all = acts.flatMap((a) => a.moves);
    const applied = all.reduce((n, m) => n + (m.action === 'step' ? m.count : m.action === 'seek' ? m.by / 1000 : 0), 0);
    assert.ok(controls.leftOut > 1000, `${controls.leftOut} left out`);
    assert.equal(applied + controls.leftOut, 3000, 'each control applied (merged) or counted as left out, none lost silently');
    assert.equal(warnings.filter((w) => /alternated replay\/control actions faster than they are applied \(16 waiting\)/.test(w)).length, 1, warnings.join('\n'));
  });

  it('mergeMoves: a play or pause keeps the speed last asked; a pause then a play is the play; a seek stops at a week', () => {
    assert.deepEqual(mergeMoves([{ action: 'play', speed: 25 }], [{ action: 'play' }]).moves, [{ action: 'play', speed: 25 }]);
    assert.deepEqual(mergeMoves([{ action: 'pause' }], [{ action: 'play' }]).moves, [{ action: 'play' }]);
    assert.deepEqual(mergeMoves([{ action: 'play', speed: 5 }], [{ action: 'pause' }]).moves, [{ action: 'pause', speed: 5 }]);
    assert.deepEqual(mergeMoves([{ action: 'step', count: 1 }], [{ action: 'pause' }]).moves, [{ action: 'step', count: 1 }, { action: 'pause' }]);
    assert.deepEqual(mergeMoves([{ action: 'seek', by: -MAX_SEEK_MS }], [{ action: 'seek', by: -1 }]).moves, [{ action: 'seek', by: -MAX_SEEK_MS }]);
  });

  it('after the panel closes, a control waiting is dropped and nothing more is acted on', async () => {
    const { time, asks, acts, fromPage } = rig();
    fromPage({ action: 'step' });
    fromPage({ action: 'step' });
    asks.dispose();
    acts[0]!.settle();
    await settled();
    time.advance(60_000);
    fromPage({ action: 'step' });
    time.advance(60_000);
    assert.equal(acts.length, 1);
    assert.equal(time.pending, 0, 'no timer left');
  });
});
