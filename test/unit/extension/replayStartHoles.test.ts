import * as assert from 'node:assert/strict';
import { holeAt, holeSpan, holesSentence } from '../../../src/extension/replay/replayStartHoles';

const hole = (from: string, until: string, reason = 'a reconnect REST could not fill') => ({ from: Date.parse(from), until: Date.parse(until), reason });

describe('Open Replay: the recording holes named while a start is chosen', () => {
  it('names a hole by its span, the day again only when it ends on another', () => {
    assert.equal(holeSpan(hole('2026-11-28T10:39:59.750Z', '2026-11-28T10:43:00Z')), '2026-11-28 10:39:59 → 10:43:00 UTC');
    assert.equal(holeSpan(hole('2026-11-28T23:59:00Z', '2026-11-29T00:02:00Z')), '2026-11-28 23:59:00 → 2026-11-29 00:02:00 UTC');
  });

  it('says nothing without holes; names three, oldest first, and counts the rest', () => {
    assert.equal(holesSentence([]), undefined);
    const holes = [hole('2026-11-28T12:00:00Z', '2026-11-28T12:01:00Z'), hole('2026-11-28T10:00:00Z', '2026-11-28T10:01:00Z'), hole('2026-11-28T11:00:00Z', '2026-11-28T11:01:00Z'), hole('2026-11-28T13:00:00Z', '2026-11-28T13:01:00Z')];
    assert.equal(holesSentence(holes), 'Trades are missing 2026-11-28 10:00:00 → 10:01:00 UTC, 2026-11-28 11:00:00 → 11:01:00 UTC, 2026-11-28 12:00:00 → 12:01:00 UTC and 1 more: bars there are partial.');
  });

  it('finds the hole a start falls in: from its first millisecond, not at its end', () => {
    const h = hole('2026-11-28T10:39:59.750Z', '2026-11-28T10:43:00Z');
    assert.equal(holeAt([h], Date.parse('2026-11-28T10:40:00Z')), h);
    assert.equal(holeAt([h], h.from), h);
    assert.equal(holeAt([h], h.until), undefined);
    assert.equal(holeAt([h], Date.parse('2026-11-28T10:39:00Z')), undefined);
  });
});
