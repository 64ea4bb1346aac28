import * as assert from 'node:assert/strict';
import type { HostMessage } from '../../../src/shared/protocol';
import { RateLimiter } from '../../../src/shared/util/rateLimiter';
import { unpackHostMessages } from '../../../src/webviews/shared/messages';

const candles = (close: number) => ({ method: 'chart/candles', params: { candles: [[60_000, 1, 2, 0.5, close, 10]] } });
const conn = { method: 'panel/connection', params: { status: 'live' } };
const batch = (...messages: unknown[]) => ({ method: 'panel/batch', params: { messages } });

describe('webviews/messages', () => {
  it('passes a single valid message through', () => {
    const errors: string[] = [];
    const out = unpackHostMessages(conn, (e) => errors.push(e));
    assert.deepEqual(out, [conn]);
    assert.deepEqual(errors, []);
  });

  it('unpacks batches in order, including nested ones', () => {
    const out = unpackHostMessages(batch(candles(1), batch(candles(2), conn), candles(3)), () => assert.fail('no errors expected'));
    assert.deepEqual(
      out.map((m: HostMessage) => (m.method === 'chart/candles' ? m.params.candles[0]![4] : m.method)),
      [1, 2, 'panel/connection', 3],
    );
  });

  it('drops only the malformed messages of a batch, reporting each', () => {
    const errors: string[] = [];
    const bad = { method: 'chart/candles', params: { candles: [[1, 2, 3]] } };
    const out = unpackHostMessages(batch(candles(1), bad, { method: 'nope', params: {} }, candles(2)), (e) => errors.push(e));
    assert.equal(out.length, 2);
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /chart\/candles/);
    assert.match(errors[1]!, /nope/);
  });

  it('rejects garbage', () => {
    const errors: string[] = [];
    assert.deepEqual(unpackHostMessages('hello', (e) => errors.push(e)), []);
    assert.deepEqual(unpackHostMessages({ method: 'panel/batch', params: { messages: 'x' } }, (e) => errors.push(e)), []);
    assert.equal(errors.length, 2);
  });

  it('RateLimiter lets max per window through and reports the rest later', () => {
    const r = new RateLimiter(2, 1000);
    assert.deepEqual(r.take(0), { allow: true, suppressedBefore: 0 });
    assert.deepEqual(r.take(10), { allow: true, suppressedBefore: 0 });
    assert.deepEqual(r.take(20), { allow: false, suppressedBefore: 0 });
    assert.deepEqual(r.take(30), { allow: false, suppressedBefore: 0 });
    assert.deepEqual(r.take(1000), { allow: true, suppressedBefore: 2 });
    assert.deepEqual(r.take(1001), { allow: true, suppressedBefore: 0 });
  });
});

// Issue 17, defect 6: host→webview validation checked only the outer shape, and deep batches threw a RangeError.
describe('issue 17 defect 6: host messages are validated deeply, batches nest boundedly', () => {
  const market = { exchange: 'binance', symbol: 'BTC/USDT' };

  it('rejects a connection status that is not one, and a book level that is not [price, amount]', () => {
    const errors: string[] = [];
    assert.deepEqual(unpackHostMessages({ method: 'panel/connection', params: { status: 'bogus' } }, (e) => errors.push(e)), []);
    assert.deepEqual(unpackHostMessages({ method: 'book/update', params: { market, bids: [null], asks: [], levels: 20 } }, (e) => errors.push(e)), []);
    assert.match(errors[0]!, /params\.status: expected one of connecting, live/);
    assert.match(errors[1]!, /params\.bids\[0\]: expected a list of 2, got null/);
  });

  it('carries a lanes bar marked partial (liquidations may be missing), and rejects a partial mark that is not a boolean', () => {
    const lanes = (partial: unknown) => ({ method: 'chart/lanes', params: { bars: [{ time: 60_000, longs: 1, shorts: 0, partial }] } });
    const errors: string[] = [];
    const out = unpackHostMessages(batch(lanes(true), lanes('yes')), (e) => errors.push(e));
    assert.deepEqual(out, [lanes(true)]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /chart\/lanes.*partial/);
  });

  it('carries the footprint\'s loading progress forward or backward, and rejects one whose times or direction are not valid', () => {
    const loading = (reached: unknown) => ({ method: 'chart/footprintLoading', params: { from: 60_000, until: 180_000, reached } });
    const errors: string[] = [];
    const first = { method: 'chart/footprintLoading', params: { from: 60_000, until: 180_000 } };
    const forward = loading({ direction: 'forward', time: 120_000 });
    const backward = loading({ direction: 'backward', time: 150_000 });
    const out = unpackHostMessages(batch(first, forward, backward, loading(120_000), loading({ direction: 'forward', time: 'soon' }), loading({ direction: 'sideways', time: 120_000 })), (e) => errors.push(e));
    assert.deepEqual(out, [first, forward, backward]);
    assert.equal(errors.length, 3);
    for (const e of errors) assert.match(e, /chart\/footprintLoading.*reached/);
  });

  it('survives a panel/batch nested 3,000 deep, reporting it once', () => {
    let deep: unknown = conn;
    for (let i = 0; i < 3000; i++) deep = batch(deep);
    const errors: string[] = [];
    assert.deepEqual(unpackHostMessages(deep, (e) => errors.push(e)), []);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /nested more than 4 deep/);
  });
});
