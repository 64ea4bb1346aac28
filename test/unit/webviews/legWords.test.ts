/** The aggregate DOM's legs line: a stale leg says since when (UTC, with its day when not today's) and what became of its levels. */
import * as assert from 'node:assert/strict';
import { legTitle, legWords } from '../../../src/webviews/dom/legWords';

const NOW = Date.UTC(2026, 11, 6, 14, 5, 0);
const stale = { label: 'coinbase BTC/USD', status: 'stale', staleSince: Date.UTC(2026, 11, 6, 14, 2, 31), reason: 'reconnecting (2): connection refused' } as const;

describe('legWords', () => {
  it('a stale leg: since when, and left out while another leg is live, or held with the others', () => {
    assert.equal(legWords(stale, true, NOW), 'stale since 14:02:31, left out');
    assert.equal(legWords(stale, false, NOW), 'stale since 14:02:31');
    assert.equal(legWords({ ...stale, staleSince: Date.UTC(2026, 11, 5, 23, 59, 58) }, true, NOW), 'stale since 05 Dec 23:59:58, left out', "yesterday's time says its day");
    assert.equal(legWords({ ...stale, staleSince: NOW + 60_000 }, true, NOW), 'stale since 14:05:00, left out', 'never since a time still to come');
    assert.match(legTitle(stale, true), /^reconnecting \(2\): connection refused: its levels are left out of the ladder until its fresh book comes$/);
    assert.match(legTitle(stale, false), /held with the others, dimmed/);
  });

  it('other states in a word; a failed one with its reason', () => {
    assert.equal(legWords({ label: 'x', status: 'down', reason: 'refused' }, true, NOW), 'down');
    assert.equal(legWords({ label: 'x', status: 'waiting' }, true, NOW), 'waiting');
    assert.equal(legWords({ label: 'x', status: 'failed', reason: 'gone' }, true, NOW), 'failed: gone');
    assert.equal(legTitle({ label: 'x', status: 'down', reason: 'refused' }, true), 'refused');
  });
});
