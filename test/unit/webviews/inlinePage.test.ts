/** A page uses its HTML's data once: not again when it loads again from the same HTML, but from HTML set anew (a reload). */
import * as assert from 'node:assert/strict';
import { inlineUse } from '../../../src/webviews/shared/inlinePage';

describe('chart page: whether the data in its HTML is used (inlinePage)', () => {
  it('uses the data of HTML it never used (a new panel, or one restored after a window reload with its old state)', () => {
    assert.equal(inlineUse('{"method":"chart/snapshot"}', 'a1', undefined), 'used');
    assert.equal(inlineUse('{"method":"chart/snapshot"}', 'b2', 'a1'), 'used');
  });

  it('does not use it again when the page loads again from the same HTML (shown after being hidden)', () => {
    assert.equal(inlineUse('{"method":"chart/snapshot"}', 'a1', 'a1'), 'stale');
  });

  it('says absent when the HTML carries none, and stale when its data is unnamed', () => {
    assert.equal(inlineUse(undefined, undefined, undefined), 'absent');
    assert.equal(inlineUse('', 'a1', undefined), 'absent');
    assert.equal(inlineUse('{}', undefined, undefined), 'stale');
    assert.equal(inlineUse('{}', '', undefined), 'stale');
  });
});
