import * as assert from 'node:assert/strict';
import { bucketStart, nextBucketStart, parseTimeframe, tiles, TIMEFRAMES } from '../../src/core/timeframes';
import { UnsupportedTimeframeError } from '../../src/core/errors';

describe('timeframes', () => {
  const t = Date.UTC(2024, 1, 29, 13, 47, 31, 250); // Thursday 29 Feb 2024 (leap day)

  it('buckets fixed timeframes on epoch multiples', () => {
    assert.equal(bucketStart('1m', t), Date.UTC(2024, 1, 29, 13, 47));
    assert.equal(bucketStart('5m', t), Date.UTC(2024, 1, 29, 13, 45));
    assert.equal(bucketStart('4h', t), Date.UTC(2024, 1, 29, 12));
    assert.equal(bucketStart('1d', t), Date.UTC(2024, 1, 29));
    assert.equal(nextBucketStart('1h', bucketStart('1h', t)), Date.UTC(2024, 1, 29, 14));
  });

  it('starts weeks on Monday and months on the 1st', () => {
    assert.equal(bucketStart('1w', t), Date.UTC(2024, 1, 26));
    assert.equal(new Date(bucketStart('1w', t)).getUTCDay(), 1);
    assert.equal(bucketStart('1M', t), Date.UTC(2024, 1, 1));
    assert.equal(nextBucketStart('1M', Date.UTC(2024, 1, 1)), Date.UTC(2024, 2, 1));
    assert.equal(nextBucketStart('1M', Date.UTC(2024, 11, 1)), Date.UTC(2025, 0, 1));
  });

  it('puts the exact boundary in the new bucket', () => {
    const boundary = Date.UTC(2024, 0, 1, 0, 5);
    assert.equal(bucketStart('5m', boundary), boundary);
    assert.equal(bucketStart('5m', boundary - 1), boundary - 5 * 60_000);
  });

  it('rejects unsupported timeframes naming the value and what is allowed', () => {
    assert.equal(parseTimeframe('15m'), '15m');
    assert.throws(() => parseTimeframe('7m'), (e: unknown) => e instanceof UnsupportedTimeframeError && /"7m"/.test(e.message) && /1m, 3m, 5m/.test(e.message));
    assert.throws(() => parseTimeframe('1s', ['1m', '1h']), /Allowed: 1m, 1h/);
    assert.throws(() => parseTimeframe(42), /"42"/);
  });

  it('knows which timeframes tile which', () => {
    assert.ok(tiles('1m', '5m'));
    assert.ok(tiles('1h', '1d'));
    assert.ok(tiles('1d', '1w'));
    assert.ok(tiles('1d', '1M'));
    assert.ok(tiles('1d', '3d'));
    assert.ok(!tiles('1w', '1M'));
    assert.ok(!tiles('5m', '3m'));
    assert.ok(!tiles('1h', '1m'));
    for (const tf of TIMEFRAMES) assert.ok(tiles(tf, tf));
  });
});
