/** The loader keeps the host's early resync and what follows it for the bundle (webviews/shared/heldForBundle.ts). */
import * as assert from 'node:assert/strict';
import { PAGE_PROBE, pageResyncMessage, pageScriptMessage } from '../../../src/shared/pageScript';
import { HeldForBundle, shareHeld, takeHeld } from '../../../src/webviews/shared/heldForBundle';

const batch = (n: number) => ({ method: 'panel/batch', params: { messages: [{ method: 'panel/connection', params: { status: 'live', lastDataAt: n } }] } });

describe('HeldForBundle', () => {
  it('keeps nothing before a resync: those messages changed a page that is gone', () => {
    const held = new HeldForBundle();
    held.offer(batch(1));
    assert.equal(held.take(), undefined);
  });

  it('keeps the resync and everything after it in order, not the loader’s own messages', () => {
    const held = new HeldForBundle();
    held.offer(batch(1));
    held.offer(pageResyncMessage(7, batch(2)));
    held.offer(pageScriptMessage('run();'));
    held.offer({ method: PAGE_PROBE, params: { token: 'x' } });
    held.offer(batch(3));
    held.offer(batch(4));
    assert.deepEqual(held.take(), { token: 7, messages: [batch(2), batch(3), batch(4)] });
  });

  it('a newer resync replaces what was kept', () => {
    const held = new HeldForBundle();
    held.offer(pageResyncMessage(1, batch(1)));
    held.offer(batch(2));
    held.offer(pageResyncMessage(2, batch(3)));
    assert.deepEqual(held.take(), { token: 2, messages: [batch(3)] });
  });

  it('a malformed resync is not one', () => {
    const held = new HeldForBundle();
    held.offer({ method: 'page/resync', params: { token: -1, batch: batch(1) } });
    held.offer(batch(2));
    assert.equal(held.take(), undefined);
  });

  it('gives up past its bound (the page then gets the full resync at its ready)', () => {
    const held = new HeldForBundle(3);
    held.offer(pageResyncMessage(1, batch(0)));
    for (let i = 1; i <= 3; i++) held.offer(batch(i));
    assert.equal(held.take()?.messages.length, 4, 'at the bound: kept');
    const over = new HeldForBundle(3);
    over.offer(pageResyncMessage(1, batch(0)));
    for (let i = 1; i <= 4; i++) over.offer(batch(i));
    assert.equal(over.take(), undefined);
  });

  it('keeps nothing once taken', () => {
    const held = new HeldForBundle();
    held.offer(pageResyncMessage(1, batch(0)));
    assert.equal(held.take()?.token, 1);
    held.offer(pageResyncMessage(2, batch(1)));
    assert.equal(held.take(), undefined);
  });

  it('the bundle takes what the loader shared once; without a loader, nothing', () => {
    assert.equal(takeHeld(), undefined);
    let calls = 0;
    shareHeld(() => {
      calls++;
      return { token: 5, messages: [] };
    });
    assert.deepEqual(takeHeld(), { token: 5, messages: [] });
    assert.equal(takeHeld(), undefined);
    assert.equal(calls, 1);
  });
});
