// The event primitive: subscription by Disposable, listener errors contained when asked, Set semantics.
import * as assert from 'node:assert/strict';
import { Emitter } from '../../src/shared/util/emitter';

describe('Emitter', () => {
  it('calls each listener in subscription order until its Disposable is disposed', () => {
    const e = new Emitter<[number, string]>();
    const seen: string[] = [];
    const a = e.event((n, s) => seen.push(`a${n}${s}`));
    e.event((n, s) => seen.push(`b${n}${s}`));
    e.fire(1, 'x');
    a.dispose();
    a.dispose();
    e.fire(2, 'y');
    assert.deepEqual(seen, ['a1x', 'b1x', 'b2y']);
  });

  it('hands a listener error to onListenerError and still calls the others', () => {
    const errors: unknown[] = [];
    const e = new Emitter<[number]>((err) => errors.push(err));
    const seen: number[] = [];
    e.event(() => {
      throw new Error('broken');
    });
    e.event((n) => seen.push(n));
    e.fire(7);
    assert.deepEqual(seen, [7]);
    assert.equal((errors[0] as Error).message, 'broken');
  });

  it('lets a listener error reach the caller when no handler is given', () => {
    const e = new Emitter<[]>();
    e.event(() => {
      throw new Error('to the caller');
    });
    assert.throws(() => e.fire(), /to the caller/);
  });

  it('keeps one subscription per function, and dispose() drops every listener', () => {
    const e = new Emitter<[]>();
    let calls = 0;
    const listener = () => calls++;
    e.event(listener);
    e.event(listener);
    e.fire();
    e.dispose();
    e.fire();
    assert.equal(calls, 1);
  });

  it('says whether anyone listens (a webview stops observing the theme when the last listener leaves)', () => {
    const e = new Emitter<[]>();
    assert.equal(e.hasListeners, false);
    const a = e.event(() => undefined);
    const b = e.event(() => undefined);
    a.dispose();
    assert.equal(e.hasListeners, true);
    b.dispose();
    assert.equal(e.hasListeners, false);
  });
});
