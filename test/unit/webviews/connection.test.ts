import * as assert from 'node:assert/strict';
import { ConnectionState, QUIET_AFTER_MS, badgeNeedsTick, connectionBadge, staleBookNote, staleClock } from '../../../src/webviews/shared/connection';

describe('webviews/connection badge', () => {
  const now = 1_700_000_000_000;

  it('shows live while data is fresh, and how long a live stream has been quiet after 5 s without data, not dimmed: a quiet market is not stale', () => {
    assert.equal(connectionBadge({ status: 'live' }, now - 1000, now).text, 'live');
    assert.equal(connectionBadge({ status: 'live' }, now - QUIET_AFTER_MS, now).text, 'live');
    const quiet = connectionBadge({ status: 'live' }, now - 7_900, now);
    assert.deepEqual(quiet, { text: 'live · quiet 7s', tone: 'idle', state: 'quiet', stale: false, word: 'quiet' });
    assert.equal(connectionBadge({ status: 'live' }, now - 119_000, now).text, 'live · quiet 119s');
    assert.equal(connectionBadge({ status: 'live' }, now - 45 * 60_000, now).text, 'live · quiet 45m');
    assert.equal(connectionBadge({ status: 'live' }, now - 5 * 3600_000, now).text, 'live · quiet 5h');
    assert.equal(connectionBadge({ status: 'live' }, undefined, now).text, 'live');
    // Not live, the data held is dimmed and said since when (without the host's word on it: its newest data).
    assert.deepEqual(connectionBadge({ status: 'reconnecting', attempt: 1 }, now - 7_900, now), { text: 'reconnecting (1) · stale since 22:13:12', tone: 'warn', state: 'reconnecting', stale: true, word: 'stale', staleSince: now - 7_900 });
  });

  it("its word (what the badge's live region announces) stays the same while the text counts the seconds", () => {
    const at = (quietMs: number) => connectionBadge({ status: 'live' }, now - quietMs, now);
    const seconds = [6_000, 7_000, 8_000, 59_000, 119_000, 45 * 60_000].map(at);
    assert.equal(new Set(seconds.map((b) => b.text)).size, seconds.length, 'the text changes');
    assert.deepEqual([...new Set(seconds.map((b) => b.word))], ['quiet'], 'the word does not');
    const down = [1, 2, 3].map((attempt) => connectionBadge({ status: 'reconnecting', attempt }, now - 7_900, now));
    assert.deepEqual([...new Set(down.map((b) => b.word))], ['stale'], 'nor while a reconnect counts its attempts');
  });

  it('says its state in a word for a narrow panel, so it reads without the colour of its dot: data held while down is stale, none is offline', () => {
    const word = (info: Parameters<typeof connectionBadge>[0], lastDataAt?: number) => connectionBadge(info, lastDataAt, now).word;
    assert.equal(word({ status: 'live' }, now - 1000), 'live');
    assert.equal(word({ status: 'live' }, now - 60_000), 'quiet');
    assert.equal(word({ status: 'reconnecting', attempt: 2 }, now - 12_000), 'stale');
    assert.equal(word({ status: 'retrying', attempt: 2 }, now - 12_000), 'stale');
    assert.equal(word({ status: 'connecting' }, now - 12_000), 'stale', 'an engine restart with data held');
    assert.equal(word({ status: 'reconnecting' }), 'offline');
    assert.equal(word({ status: 'retrying', retryAt: now + 5000 }), 'offline');
    assert.equal(word({ status: 'connecting' }), 'connecting');
    assert.equal(word({ status: 'degraded', reason: 'history unavailable' }, now), 'degraded');
    assert.equal(word({ status: 'failed', reason: 'gone' }, now - 12_000), 'failed', 'a failure says so even with data held');
    assert.equal(word({ status: 'stopped' }), 'stopped');
  });

  it('names the attempt and the failure reason', () => {
    assert.equal(connectionBadge({ status: 'reconnecting', attempt: 3 }, undefined, now).text, 'reconnecting (3)');
    assert.equal(connectionBadge({ status: 'reconnecting' }, undefined, now).text, 'reconnecting');
    const failed = connectionBadge({ status: 'failed', reason: 'symbol not found' }, undefined, now);
    assert.equal(failed.text, 'failed: symbol not found');
    assert.equal(failed.tone, 'error');
    assert.equal(connectionBadge({ status: 'stopped' }, undefined, now).text, 'stopped');
    // Data held, even from this very moment, is not live: it says so at once (it read "reconnecting (3)" until a second had passed).
    assert.equal(connectionBadge({ status: 'reconnecting', attempt: 3, downSince: now }, now, now).text, 'reconnecting (3) · stale since 22:13:20');
  });

  it('does not repeat a failure the error banner already says; once it is dismissed, the badge says it again', () => {
    const info = { status: 'failed', reason: 'binance has no market NOPE/USDT' } as const;
    assert.equal(connectionBadge(info, undefined, now, 'binance has no market NOPE/USDT').text, 'failed');
    assert.equal(connectionBadge(info, now - 3_000, now, 'trades binance NOPE/USDT: binance has no market NOPE/USDT').text, 'failed · stale since 22:13:17', 'a banner that contains the reason');
    assert.equal(connectionBadge(info, undefined, now, 'another error').text, 'failed: binance has no market NOPE/USDT');
    assert.equal(connectionBadge(info, undefined, now, undefined).text, 'failed: binance has no market NOPE/USDT');
  });

  it('retrying (n) counts down to the next attempt; degraded names what is missing and keeps live data undimmed', () => {
    assert.equal(connectionBadge({ status: 'retrying', attempt: 2, reason: 'ECONNREFUSED', retryAt: now + 7_200 }, undefined, now).text, 'retrying (2) in 8s');
    assert.equal(connectionBadge({ status: 'retrying', attempt: 2, retryAt: now - 1 }, undefined, now).text, 'retrying (2)', 'due: no countdown');
    const degraded = connectionBadge({ status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: now + 30_000 }, now - 500, now);
    assert.equal(degraded.text, 'degraded: history unavailable (HTTP 503) · retry in 30s');
    assert.equal(degraded.tone, 'warn');
    assert.equal(degraded.stale, false, 'live data keeps flowing');
    assert.equal(connectionBadge({ status: 'degraded', reason: 'REST paused by a rate limit (HTTP 429)' }, now, now).text, 'degraded: REST paused by a rate limit (HTTP 429)');
    assert.equal(badgeNeedsTick({ status: 'degraded', reason: 'x', retryAt: now + 1000 }), true, 'the countdown ticks');
  });

  it('a long reason does not cut the badge: the host’s few words, else the reason’s head, else none; the tooltip has it whole', () => {
    const stale = 'bybit BTC/USDT:USDT stale since 05:20:59 UTC (reconnecting (3))';
    assert.equal(connectionBadge({ status: 'degraded', reason: stale, brief: '1 leg stale' }, now, now).text, 'degraded: 1 leg stale');
    assert.equal(connectionBadge({ status: 'degraded', reason: 'history unavailable (binance GET /api/v3/klines: HTTP 503 Service Unavailable)', retryAt: now + 8_000 }, now, now).text, 'degraded: history unavailable · retry in 8s');
    assert.equal(connectionBadge({ status: 'degraded', reason: 'x'.repeat(41) }, now, now).text, 'degraded', 'no short head: the state alone');
    assert.equal(connectionBadge({ status: 'degraded', reason: 'y'.repeat(40) }, now, now).text, `degraded: ${'y'.repeat(40)}`, 'a short reason whole');
  });

  it('connecting with what it waits for (an aggregate’s legs opening): says so briefly, and what shows of the others is current, not stale', () => {
    const opening = connectionBadge({ status: 'connecting', reason: 'waiting for the first book of coinbase BTC/USD', brief: 'waiting for 1 leg' }, now - 200, now);
    assert.deepEqual(opening, { text: 'connecting: waiting for 1 leg', tone: 'idle', state: 'connecting', stale: false, word: 'connecting' });
    assert.equal(connectionBadge({ status: 'connecting' }, now - 200, now).stale, true, 'a plain connecting with data held (a restart) is stale');
  });

  it('treats no info or an unknown status as connecting', () => {
    assert.equal(connectionBadge(undefined, undefined, now).text, 'connecting');
    assert.equal(connectionBadge({ status: 'weird' as never }, undefined, now).text, 'connecting');
  });

  it('ticks while live, and while held data ages', () => {
    assert.equal(badgeNeedsTick({ status: 'live' }), true);
    assert.equal(badgeNeedsTick({ status: 'reconnecting', attempt: 1 }), false);
    assert.equal(badgeNeedsTick({ status: 'reconnecting', attempt: 1 }, now), true);
    assert.equal(badgeNeedsTick(undefined), false);
  });

  it("data held while the stream is down is marked stale, since the stream stopped being live (the host's downSince), not since it was last drawn", () => {
    const down = connectionBadge({ status: 'reconnecting', attempt: 2, downSince: now - 14_200 }, now - 1_000, now);
    assert.equal(down.text, 'reconnecting (2) · stale since 22:13:05', 'a DOM redrawn from trades a second ago still holds the book of 22:13:05');
    assert.equal(down.stale, true);
    assert.equal(down.staleSince, now - 14_200);
    assert.equal(connectionBadge({ status: 'failed', reason: 'gone', downSince: now - 3_000 }, now - 3_000, now).text, 'failed: gone · stale since 22:13:17');
    assert.equal(connectionBadge({ status: 'connecting', downSince: now - 60_000 }, now - 60_000, now).text, 'connecting · stale since 22:12:20', 'subscribed again (a Reconnect)');
    assert.equal(connectionBadge({ status: 'reconnecting', attempt: 1, downSince: now - 1_000 }, undefined, now).text, 'reconnecting (1)', 'nothing held: nothing stale');
    assert.equal(connectionBadge({ status: 'reconnecting', attempt: 1 }, undefined, now).stale, false, 'nothing on screen to dim');
    assert.equal(connectionBadge({ status: 'live' }, now - 7_900, now).stale, false, 'quiet but live: current');
    assert.equal(connectionBadge({ status: 'live' }, now - 1_000, now).stale, false);
  });

  it('ConnectionState keeps the newest data time and notifies only on status changes', () => {
    const s = new ConnectionState();
    let notified = 0;
    s.subscribe(() => notified++);
    s.markData(now);
    assert.equal(notified, 0);
    assert.equal(s.lastDataAt, now);
    s.setInfo({ status: 'live', lastDataAt: now - 10_000 }, now);
    assert.equal(notified, 1);
    assert.equal(s.lastDataAt, now, 'an older host lastDataAt does not move it back');
    s.setInfo({ status: 'live', lastDataAt: now + 2000 }, now + 3000);
    assert.equal(s.lastDataAt, now + 2000);
    s.markData(now + 1000);
    assert.equal(s.lastDataAt, now + 2000);
  });

  it('hidden with its page kept, the badge stands still (a live market is not quiet for the time nobody looked) until data or a status comes', () => {
    const s = new ConnectionState();
    s.setInfo({ status: 'live' }, now);
    s.markData(now);
    let notified = 0;
    s.subscribe(() => notified++);
    s.hide(now + 1000);
    assert.equal(notified, 1, 'the badge re-reads it');
    assert.ok(s.held);
    assert.equal(connectionBadge(s.info, s.lastDataAt, s.clock(now + 120_000)).text, 'live', 'shown two minutes later, before the resync');
    s.setInfo({ status: 'live', lastDataAt: now + 119_000 }, now + 120_000); // the resync's badge
    assert.ok(!s.held);
    assert.equal(s.clock(now + 121_000), now + 121_000);
    s.hide(now + 122_000);
    s.markData(now + 123_000);
    assert.ok(!s.held, 'data resumes the clock too');
    assert.equal(connectionBadge(s.info, s.lastDataAt, s.clock(now + 130_000)).text, 'live · quiet 7s');
  });

  it('clamps a host lastDataAt from a clock running ahead, so the quiet time still shows', () => {
    const s = new ConnectionState();
    s.setInfo({ status: 'live', lastDataAt: now + 60_000 }, now);
    assert.equal(s.lastDataAt, now);
    assert.equal(connectionBadge(s.info, s.lastDataAt, now + 9000).text, 'live · quiet 9s');
  });

  it('says the day of a stale time that is not today (UTC), and the book panels a line over their levels while stale only', () => {
    assert.equal(staleClock(now - 60_000, now), '22:12:20');
    assert.equal(staleClock(now - 23 * 3600_000, now), '13 Nov 23:13:20');
    const stale = connectionBadge({ status: 'reconnecting', attempt: 3, downSince: now - 14_000 }, now - 500, now);
    assert.equal(staleBookNote(stale, now), 'book stale since 22:13:06 UTC, not live');
    assert.equal(staleBookNote(connectionBadge({ status: 'live' }, now - 500, now), now), null);
    assert.equal(staleBookNote(connectionBadge({ status: 'live' }, now - 60_000, now), now), null, 'quiet is current');
    assert.equal(staleBookNote(connectionBadge({ status: 'reconnecting', attempt: 1 }, undefined, now), now), null, 'no book held');
    assert.equal(staleBookNote(connectionBadge({ status: 'degraded', reason: 'x' }, now - 500, now), now), null);
  });

  it('clamps a host downSince from a clock running ahead: never stale since a time still to come', () => {
    const s = new ConnectionState();
    s.markData(now - 5_000);
    s.setInfo({ status: 'reconnecting', attempt: 1, downSince: now + 30_000 }, now);
    assert.equal(s.info?.downSince, now);
    assert.equal(connectionBadge(s.info, s.lastDataAt, now + 2_000).text, 'reconnecting (1) · stale since 22:13:20');
    s.setInfo({ status: 'reconnecting', attempt: 2, downSince: now - 4_000 }, now + 3_000);
    assert.equal(s.info?.downSince, now - 4_000);
  });
});
