import * as assert from 'node:assert/strict';
import { holeAt, holeSpan, holesSentence, startInHoleWarning } from '../../../src/extension/replay/replayStartHoles';

const hole = (from: string, until: string, reason = 'a reconnect REST could not fill') => ({ kind: 'trades' as const, from: Date.parse(from), until: Date.parse(until), reason });

describe('Open Replay: the recording holes named while a start is chosen', () => {
  it('names a hole by its span, the day again only when it ends on another', () => {
    assert.equal(holeSpan(hole('2026-11-28T10:39:59.750Z', '2026-11-28T10:43:00Z')), '2026-11-28 10:39:59 → 10:43:00 UTC');
    assert.equal(holeSpan(hole('2026-11-28T23:59:00Z', '2026-11-29T00:02:00Z')), '2026-11-28 23:59:00 → 2026-11-29 00:02:00 UTC');
  });

  it('says nothing without holes; names three, oldest first, and counts the rest', () => {
    assert.equal(holesSentence([]), undefined);
    const holes = [hole('2026-11-28T12:00:00Z', '2026-11-28T12:01:00Z'), hole('2026-11-28T10:00:00Z', '2026-11-28T10:01:00Z'), hole('2026-11-28T11:00:00Z', '2026-11-28T11:01:00Z'), hole('2026-11-28T13:00:00Z', '2026-11-28T13:01:00Z')];
    assert.equal(holesSentence(holes), 'Trades are missing 2026-11-28 10:00:00 → 10:01:00 UTC, 2026-11-28 11:00:00 → 11:01:00 UTC, 2026-11-28 12:00:00 → 12:01:00 UTC and 1 more: the bars there are partial.');
  });

  it('finds the hole a start falls in: from its first millisecond, not at its end', () => {
    const h = hole('2026-11-28T10:39:59.750Z', '2026-11-28T10:43:00Z');
    assert.equal(holeAt([h], Date.parse('2026-11-28T10:40:00Z')), h);
    assert.equal(holeAt([h], h.from), h);
    assert.equal(holeAt([h], h.until), undefined);
    assert.equal(holeAt([h], Date.parse('2026-11-28T10:39:00Z')), undefined);
  });

  it('names each kind apart, trades first: a book or ticker hole leaves the bars whole; a start in both warns of the trade hole', () => {
    const book = { ...hole('2026-11-28T09:00:00Z', '2026-11-28T09:05:00Z', 'order book rows dropped'), kind: 'book' as const };
    const ticker = { ...hole('2026-11-28T08:00:00Z', '2026-11-28T08:01:00Z', 'ticker rows dropped'), kind: 'tickers' as const };
    const trades = hole('2026-11-28T09:01:00Z', '2026-11-28T09:02:00Z');
    assert.equal(holesSentence([book, ticker, trades]), 'Trades are missing 2026-11-28 09:01:00 → 09:02:00 UTC: the bars there are partial. Order book rows are missing 2026-11-28 09:00:00 → 09:05:00 UTC: the book and heatmap are stale there (the bars are whole). Ticker rows are missing 2026-11-28 08:00:00 → 08:01:00 UTC: the ticker is stale there (the bars are whole).');
    assert.equal(holeAt([book, trades], Date.parse('2026-11-28T09:01:30Z')), trades);
    assert.equal(startInHoleWarning(book), 'Order book rows are missing there (2026-11-28 09:00:00 → 09:05:00 UTC: order book rows dropped); the book and heatmap are stale there (the bars are whole).');
  });
});
