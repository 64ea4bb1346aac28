/** A panel's HTML carries JSON for its page's first paint: nothing in it can close its element, and it parses back whole. */
import * as assert from 'node:assert/strict';
import { inlineJson } from '../../../src/shared/util/inlineJson';

describe('inlineJson: data in a page\'s <script type="application/json"> element', () => {
  it('writes <, >, & and the line separators as JSON escapes, so a string cannot end the element or open another', () => {
    const hostile = { method: 'panel/error', params: { message: '</script><script>alert(1)</script> & <!-- \u2028\u2029' } };
    const text = inlineJson(hostile);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), hostile);
  });

  it('leaves other JSON as JSON.stringify writes it', () => {
    const snapshot = { method: 'chart/snapshot', params: { candles: [[60_000, 1.5, 2, 1, 1.75, 3]], market: { exchange: 'binance', symbol: 'BTC/USDT' } } };
    assert.equal(inlineJson(snapshot), JSON.stringify(snapshot));
  });
});
