/**
 * The test helper that runs wall-clock-bound scenarios at once: each case's outcome is its own (a failure is no
 * other case's, nor an unhandled rejection), and what a scenario started is released once, pass or fail, or by the
 * block's after hook while it still runs.
 */
import * as assert from 'node:assert/strict';
import { startScenarios } from '../helpers/scenariosAtOnce';

/** A promise settled from outside. */
function gate(): { readonly promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Until the event loop has turned once: Node reports a rejection unhandled by then (the root hook fails the test). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('scenariosAtOnce (the test helper)', () => {
  it("each case's outcome is its own, and one that fails before its test awaits it is no unhandled rejection", async () => {
    const started = startScenarios(['fails', 'passes'] as const, async (c) => {
      if (c === 'fails') throw new Error('fails: its own error');
      return `${c}: its own result`;
    });
    await turn();
    await assert.rejects(started.outcome('fails'), /^Error: fails: its own error$/);
    assert.equal(await started.outcome('passes'), 'passes: its own result');
  });

  it('releases what a scenario deferred once it settles, the last deferred first, pass or fail; the after hook does not again', async () => {
    const released: string[] = [];
    const started = startScenarios(['fails', 'passes'] as const, async (c, scope) => {
      scope.defer(() => released.push(`${c}: emulator`));
      scope.defer(async () => {
        await turn();
        released.push(`${c}: bot`);
      });
      if (c === 'fails') throw new Error('fails');
      return c;
    });
    await assert.rejects(started.outcome('fails'));
    await started.outcome('passes');
    assert.deepEqual(released, ['fails: bot', 'fails: emulator', 'passes: bot', 'passes: emulator']);
    await started.finish();
    assert.equal(released.length, 4);
  });

  it("a release that fails is its scenario's failure, not the after hook's", async () => {
    const started = startScenarios(['leaks'] as const, async (_, scope) => {
      scope.defer(() => {
        throw new Error('the emulator would not close');
      });
    });
    await assert.rejects(started.outcome('leaks'), /the emulator would not close/);
    await started.finish();
  });

  it('the after hook releases a scenario still running though its test awaited it; whatever it defers later is released at once, and it stops there', async () => {
    const released: string[] = [];
    const later = gate();
    const started = startScenarios(['slow'] as const, async (_, scope) => {
      scope.defer(() => released.push('emulator'));
      await later.promise;
      scope.defer(() => released.push('bot'));
      released.push('went on');
    });
    const outcome = started.outcome('slow'); // its `it` awaits it, then times out
    await turn();
    await started.finish();
    assert.deepEqual(released, ['emulator']);
    later.open();
    await assert.rejects(outcome, /the block is over/);
    await turn();
    assert.deepEqual(released, ['emulator', 'bot']);
  });

  it("the after hook lets a scenario whose outcome nobody asked for (its `it` left out by --grep) finish, then releases it", async () => {
    const released: string[] = [];
    const later = gate();
    const started = startScenarios(['unasked'] as const, async (_, scope) => {
      scope.defer(() => released.push('emulator'));
      await later.promise;
      scope.defer(() => released.push('bot'));
      released.push('went on');
    });
    await turn();
    let finished = false;
    const finishing = started.finish().then(() => (finished = true));
    await turn();
    assert.deepEqual([finished, released], [false, []]);
    later.open();
    await finishing;
    assert.deepEqual(released, ['went on', 'bot', 'emulator']);
  });
});
