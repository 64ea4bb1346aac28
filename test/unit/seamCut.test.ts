import * as assert from 'node:assert/strict';
import { seamCut, seamMinuteOf, type SeamInput } from '../../src/core/candles/seamCut';

const M = 60_000;
const SEAM = Date.UTC(2024, 2, 14, 15, 37);

/** A seed whose REST trades reach the seam, nothing buffered, the stream not live throughout, 10 s into the minute. */
function input(over: Partial<SeamInput> = {}): SeamInput {
  return { seamMinute: SEAM, lagMinutes: 0, restComplete: true, firstLive: undefined, streamCovered: false, exchangeNow: () => SEAM + 10_000, ...over };
}

describe('seam minute', () => {
  it('is the minute of the first buffered trade when it is older than the exchange\'s now', () => {
    assert.equal(seamMinuteOf(SEAM + 59_999, SEAM + 3 * M + 1, 0), SEAM);
  });

  it('is the exchange\'s minute now when nothing is buffered, or the buffer starts later', () => {
    assert.equal(seamMinuteOf(undefined, SEAM + 30_000, 0), SEAM);
    assert.equal(seamMinuteOf(SEAM + 2 * M, SEAM + 30_000, 0), SEAM);
  });

  it('moves back by the klines\' lag', () => {
    assert.equal(seamMinuteOf(SEAM + 1, SEAM + 5 * M, 2), SEAM - 2 * M);
  });
});

describe('seam cut', () => {
  it('cuts the exact seam where REST\'s trades reach the seam minute', () => {
    assert.deepEqual(seamCut(input()), { kind: 'cut', weak: false });
  });

  it('cuts the exact seam at a lagging kline\'s minute when REST\'s trades reach it', () => {
    assert.deepEqual(seamCut(input({ lagMinutes: 2 })), { kind: 'cut', weak: false });
  });

  it('seeds at the live minute, the lag\'s klines unsure, where REST\'s trades do not reach back past the lag', () => {
    const cut = seamCut(input({ lagMinutes: 2, restComplete: false }));
    assert.equal(cut.kind, 'live minute');
    assert.equal(cut.kind === 'live minute' && cut.unsureMs, 2 * M);
  });

  it('seeds again when the first buffered trade precedes the seam minute', () => {
    assert.equal(seamCut(input({ firstLive: SEAM - 1 })).kind, 'again');
    assert.equal(seamCut(input({ firstLive: SEAM - 1, streamCovered: true, restComplete: false })).kind, 'again');
  });

  it('cuts where the first buffered trade is at the seam minute\'s start', () => {
    assert.deepEqual(seamCut(input({ firstLive: SEAM })), { kind: 'cut', weak: false });
  });

  it('takes the weaker seam where REST\'s trades do not reach the minute and the stream began within it', () => {
    assert.deepEqual(seamCut(input({ restComplete: false, firstLive: SEAM + M - 1 })), { kind: 'cut', weak: true });
  });

  it('seeds again where REST\'s trades do not reach the minute and the stream, not live throughout, began after it', () => {
    assert.equal(seamCut(input({ restComplete: false, firstLive: SEAM + M })).kind, 'again');
  });

  it('takes the weaker seam after the seam minute when the stream was live throughout', () => {
    assert.deepEqual(seamCut(input({ restComplete: false, firstLive: SEAM + 5 * M, streamCovered: true })), { kind: 'cut', weak: true });
  });

  it('judges by the exchange\'s now when nothing is buffered', () => {
    assert.deepEqual(seamCut(input({ restComplete: false, exchangeNow: () => SEAM + M - 1 })), { kind: 'cut', weak: true });
    assert.equal(seamCut(input({ restComplete: false, exchangeNow: () => SEAM + M })).kind, 'again');
  });

  it('does not read the exchange\'s now when a trade is buffered', () => {
    const exchangeNow = (): number => assert.fail('the clock was read');
    assert.deepEqual(seamCut(input({ restComplete: false, firstLive: SEAM + 1, exchangeNow })), { kind: 'cut', weak: true });
  });

  it('cuts the exact seam late in its minute when REST\'s trades reach it, the stream not live throughout', () => {
    assert.deepEqual(seamCut(input({ firstLive: SEAM + 5 * M })), { kind: 'cut', weak: false });
  });
});
