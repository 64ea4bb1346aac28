/** A box shown while it reads what it offers answers once, and a dismissed box ends its read (Open Replay's boxes). */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { showWhileReading } from '../../../src/extension/replay/showWhileReading';

function fakeBox() {
  const hideListeners = new Set<() => void>();
  const state = { shown: 0, disposed: 0 };
  const box = {
    show: () => void state.shown++,
    dispose: () => {
      state.disposed++;
      for (const l of [...hideListeners]) l();
    },
    onDidHide: (l: () => void) => {
      hideListeners.add(l);
      return { dispose: () => hideListeners.delete(l) };
    },
  };
  return { box: box as unknown as vscode.QuickInput, state, hide: () => box.dispose(), listening: () => hideListeners.size };
}

describe('a box shown while it reads what it offers', () => {
  it('answers once with what its listener finished it with, then ends its read and disposes its listeners and itself', async () => {
    const { box, state, listening } = fakeBox();
    let signal: AbortSignal | undefined;
    let own = 0;
    const answer = showWhileReading<number>(box, (reading) => {
      signal = reading.signal;
      queueMicrotask(() => {
        reading.finish(7);
        reading.finish(8);
      });
      own++;
      return [{ dispose: () => void own-- }];
    });
    assert.equal(state.shown, 1);
    assert.equal(await answer, 7);
    assert.equal(signal?.aborted, true, 'the read ends with the box');
    assert.equal(own, 0, "the start's listeners are disposed");
    assert.equal(listening(), 0);
    assert.equal(state.disposed, 1);
  });

  it('a dismissed box answers undefined and aborts its read; a late result finds it done', async () => {
    const { box, hide } = fakeBox();
    let late: { done: boolean } | undefined;
    let signal: AbortSignal | undefined;
    const answer = showWhileReading<string>(box, (reading) => {
      signal = reading.signal;
      late = reading;
      return [];
    });
    hide();
    assert.equal(await answer, undefined);
    assert.equal(signal?.aborted, true);
    assert.equal(late?.done, true);
  });
});
