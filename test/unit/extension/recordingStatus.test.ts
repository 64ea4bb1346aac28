/** The REC pill and the Markets tree's REC: a recording's state in a word, and in its tooltip. */
import * as assert from 'node:assert/strict';
import { recordingInfo } from '../../../src/extension/recording/recordingStatus';

const T = Date.UTC(2026, 11, 5, 9, 30);
const store = { status: 'ok', bytes: 1_000 } as const;

describe('the REC pill', () => {
  it('recording with no hole: REC', () => {
    assert.deepEqual(recordingInfo({ status: 'recording', storedRows: 10 }, store, 'asked', '/rec'), { status: 'recording', text: 'REC', detail: 'Recorded into /rec (tradesuite.recording.markets)' });
  });

  it('with holes written since it started: how many, and the newest with its reason in the tooltip', () => {
    const last = { kind: 'trades' as const, from: T, until: T + 90_000, reason: 'the trades missed during a reconnect could not be fetched (HTTP 503)' };
    const one = recordingInfo({ status: 'recording', storedRows: 10, holes: { count: 1, last } }, store, 'asked', '/rec');
    assert.equal(one.text, 'REC · 1 hole');
    assert.equal(one.detail, 'Recorded into /rec (tradesuite.recording.markets). Trades may be missing 2026-12-05 09:30:00 → 09:31:30 UTC (the trades missed during a reconnect could not be fetched (HTTP 503)); in a replay the bars there are partial.');
    const three = recordingInfo({ status: 'recording', storedRows: 10, holes: { count: 3, last } }, store, 'open', '/rec');
    assert.equal(three.text, 'REC · 3 holes');
    assert.match(three.detail ?? '', /3 holes since the recording started; the last: trades may be missing 2026-12-05 09:30:00 → 09:31:30 UTC/);
  });

  it('an order book hole says what it lacks and that a replay\'s bars are whole over it, not partial', () => {
    const last = { kind: 'book' as const, from: T, until: T + 90_000, reason: 'order book rows dropped: the buffer was full while the store was behind' };
    const one = recordingInfo({ status: 'recording', storedRows: 10, holes: { count: 1, last } }, store, 'asked', '/rec');
    assert.equal(one.detail, `Recorded into /rec (tradesuite.recording.markets). Order book rows may be missing 2026-12-05 09:30:00 → 09:31:30 UTC (${last.reason}); in a replay the book and heatmap are stale there (the bars are whole).`);
  });
});
