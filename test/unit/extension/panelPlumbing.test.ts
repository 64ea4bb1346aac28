import * as assert from 'node:assert/strict';
import { CHART_MERGE_RULES } from '../../../src/extension/panels/chartMessages';
import { ConnectionTracker } from '../../../src/extension/panels/connectionTracker';
import { FrameCoalescer, type Pending } from '../../../src/extension/panels/frameCoalescer';
import { PageState } from '../../../src/extension/panels/pageState';
import { parseState } from '../../../src/extension/panels/panelState';
import { PanelSync } from '../../../src/extension/panels/panelSync';
import { MAX_MARKET_NAME_CHARS, parseWebviewMessage, type CandleWire, type HostMessage } from '../../../src/shared/protocol';

/** A manual frame clock: flushes run only when the test says a frame passed. */
function manualFrames() {
  let pending: (() => void) | undefined;
  return {
    schedule: (fn: () => void) => {
      pending = fn;
      return { cancel: () => (pending = undefined) };
    },
    frame: () => {
      const fn = pending;
      pending = undefined;
      fn?.();
    },
    get armed() {
      return pending !== undefined;
    },
  };
}

describe('FrameCoalescer', () => {
  it('sends at most one batch per frame whatever the update rate, merging candles by time', () => {
    const sent: HostMessage[] = [];
    const clock = manualFrames();
    const c = new FrameCoalescer((m) => sent.push(m), clock.schedule, CHART_MERGE_RULES);
    for (let i = 0; i < 1000; i++) c.send({ method: 'chart/candles', params: { candles: [[60_000, 1, 2, 0.5, 1 + i / 1000, i]] } });
    c.send({ method: 'chart/candles', params: { candles: [[120_000, 2, 2, 2, 2, 1]] } });
    c.send({ method: 'panel/connection', params: { status: 'live' } });
    assert.equal(sent.length, 0);
    clock.frame();
    assert.equal(sent.length, 1);
    const batch = sent[0]!;
    assert.ok(batch.method === 'panel/batch');
    assert.deepEqual(batch.params.messages, [
      { method: 'chart/candles', params: { candles: [[60_000, 1, 2, 0.5, 1.999, 999], [120_000, 2, 2, 2, 2, 1]] } },
      { method: 'panel/connection', params: { status: 'live' } },
    ]);
    clock.frame();
    assert.equal(sent.length, 1, 'nothing more to send');
  });

  it('a snapshot drops the candle changes queued before it; lazy messages are built once, at flush', () => {
    const sent: HostMessage[] = [];
    const clock = manualFrames();
    const c = new FrameCoalescer((m) => sent.push(m), clock.schedule, CHART_MERGE_RULES);
    c.send({ method: 'chart/candles', params: { candles: [[1, 1, 1, 1, 1, 1]] } });
    let builds = 0;
    for (let i = 0; i < 50; i++) c.send({ method: 'book/update', build: () => (builds++, { method: 'book/update', params: { market: { exchange: 'x', symbol: 'y' }, bids: [[i, 1]], asks: [], levels: 1 } }) });
    c.send({ method: 'chart/snapshot', params: { market: { exchange: 'x', symbol: 'y' }, timeframe: '1m', timeframes: ['1m'], candles: [], options: { emaPeriods: [], showVolume: true }, markers: [] } });
    clock.frame();
    const batch = sent[0]!;
    assert.ok(batch.method === 'panel/batch');
    assert.deepEqual(batch.params.messages.map((m) => m.method), ['book/update', 'chart/snapshot']);
    assert.equal(builds, 1);
    const book = batch.params.messages[0]!;
    assert.ok(book.method === 'book/update' && book.params.bids[0]![0] === 49, 'the latest book won');
  });

  it('volume profile messages of one frame merge: the newest mode, and every answer to the page’s asks kept', () => {
    const sent: HostMessage[] = [];
    const clock = manualFrames();
    const c = new FrameCoalescer((m) => sent.push(m), clock.schedule, CHART_MERGE_RULES);
    c.send({ method: 'chart/volumeProfile', params: { mode: 'session', answered: 1 } });
    c.send({ method: 'chart/volumeProfile', params: { mode: 'visible' } });
    c.send({ method: 'chart/volumeProfile', params: { mode: 'visible', answered: 1 } });
    clock.frame();
    const batch = sent[0]!;
    assert.ok(batch.method === 'panel/batch');
    assert.deepEqual(batch.params.messages, [{ method: 'chart/volumeProfile', params: { mode: 'visible', answered: 2 } }]);
  });

  it('gathers nothing while hidden', () => {
    const sent: HostMessage[] = [];
    const clock = manualFrames();
    const c = new FrameCoalescer((m) => sent.push(m), clock.schedule, CHART_MERGE_RULES);
    c.send({ method: 'chart/candles', params: { candles: [[1, 1, 1, 1, 1, 1]] } });
    c.pause();
    c.send({ method: 'chart/candles', params: { candles: [[2, 1, 1, 1, 1, 1]] } });
    assert.equal(clock.armed, false);
    clock.frame();
    assert.deepEqual(sent, []);
    c.resume();
    c.send({ method: 'panel/error', params: { message: 'x' } });
    clock.frame();
    assert.equal(sent.length, 1);
  });
});

describe('FrameCoalescer merge rules', () => {
  const candles = (...rows: CandleWire[]): HostMessage => ({ method: 'chart/candles', params: { candles: rows } });

  it('knows no message kind by itself: without a rule the newest message of a method wins', () => {
    const sent: HostMessage[] = [];
    const clock = manualFrames();
    const c = new FrameCoalescer((m) => sent.push(m), clock.schedule);
    c.send(candles([60_000, 1, 1, 1, 1, 1]));
    c.send(candles([120_000, 2, 2, 2, 2, 2]));
    clock.frame();
    assert.deepEqual(sent, [{ method: 'panel/batch', params: { messages: [candles([120_000, 2, 2, 2, 2, 2])] } }]);
  });

  it("the chart's rules: changes after a snapshot follow it in the batch, partial flags kept", () => {
    const sent: HostMessage[] = [];
    const clock = manualFrames();
    const c = new FrameCoalescer((m) => sent.push(m), clock.schedule, CHART_MERGE_RULES);
    const snapshot: HostMessage = { method: 'chart/snapshot', params: { market: { exchange: 'x', symbol: 'y' }, timeframe: '1m', timeframes: ['1m'], candles: [], options: { emaPeriods: [], showVolume: true }, markers: [] } };
    c.send(candles([60_000, 1, 1, 1, 1, 1]));
    c.send(snapshot);
    c.send(candles([120_000, 2, 2, 2, 2, 2, true]));
    c.send(candles([60_000, 3, 3, 3, 3, 3]));
    clock.frame();
    assert.deepEqual(sent, [{ method: 'panel/batch', params: { messages: [snapshot, candles([60_000, 3, 3, 3, 3, 3], [120_000, 2, 2, 2, 2, 2, true])] } }]);
  });
});

describe('PanelSync', () => {
  it('resyncs once per page load: a panel hidden and shown again is resynced when its reloaded page says ready', () => {
    let resyncs = 0;
    const sync = new PanelSync(() => resyncs++);
    assert.equal(sync.ready, false, 'nothing is sent before the page listens');
    sync.readyReceived();
    assert.deepEqual([resyncs, sync.ready], [1, true]);
    // hidden, then shown: PanelHost pauses and resumes its coalescer, and tells PanelSync nothing
    sync.readyReceived(); // the reloaded page
    assert.equal(resyncs, 2, 'one resync for the re-shown panel');
  });
});

describe('PageState', () => {
  const snapshot: HostMessage = { method: 'chart/snapshot', params: { market: { exchange: 'x', symbol: 'y' }, timeframe: '1m', timeframes: ['1m'], candles: [], options: { emaPeriods: [], showVolume: true }, markers: [] } };
  const methods = (sent: readonly Pending[]) => sent.map((m) => m.method);

  it('a page that says ready gets the newest badge and error after the snapshot, once each, whenever they were sent', () => {
    const state = new PageState();
    state.note({ method: 'panel/connection', params: { status: 'connecting' } });
    state.note({ method: 'panel/error', params: { message: 'first' } });
    state.note({ method: 'panel/connection', params: { status: 'failed', reason: 'delisted' } });
    state.note({ method: 'panel/error', params: { message: 'delisted' } });
    state.note({ method: 'book/update', params: { market: { exchange: 'x', symbol: 'y' }, bids: [], asks: [], levels: 1 } });
    const sent: Pending[] = [];
    state.resync(() => sent.push(snapshot), (m) => sent.push(m));
    assert.deepEqual(sent, [snapshot, { method: 'panel/connection', params: { status: 'failed', reason: 'delisted' } }, { method: 'panel/error', params: { message: 'delisted' } }]);
    const again: Pending[] = [];
    state.resync(() => undefined, (m) => again.push(m));
    assert.deepEqual(methods(again), ['panel/connection', 'panel/error'], 'held for every later page load (hidden and shown again)');
  });

  it('a snapshot does not end the error held (a page loaded after it still gets it); the panel saying it resolved does', () => {
    const chart = new PageState();
    chart.note({ method: 'panel/error', params: { message: 'halted' } });
    chart.note(snapshot); // sent for markers or settings: the failure holds
    const sent: Pending[] = [];
    chart.resync(() => chart.note(snapshot), (m) => sent.push(m));
    assert.deepEqual(methods(sent), ['panel/error'], 'the error follows the snapshots');
    chart.note({ method: 'panel/errorResolved', params: { message: 'halted' } });
    const after: Pending[] = [];
    chart.resync(() => undefined, (m) => after.push(m));
    assert.deepEqual(after, [], 'resolved: not sent again');
  });

  it('a banner the user dismissed is not shown again when the page reloads (hidden, then shown); a newer error is', () => {
    const book = new PageState();
    book.note({ method: 'panel/error', params: { message: 'delisted' } });
    book.dismissError('an older message'); // a dismissal that crossed a newer error leaves that one
    const kept: Pending[] = [];
    book.resync(() => undefined, (m) => kept.push(m));
    assert.deepEqual(methods(kept), ['panel/error']);
    book.dismissError('delisted');
    const none: Pending[] = [];
    book.resync(() => undefined, (m) => none.push(m));
    assert.deepEqual(none, [], 'dismissed');
    book.note({ method: 'panel/error', params: { message: 'again' } });
    const newer: Pending[] = [];
    book.resync(() => undefined, (m) => newer.push(m));
    assert.deepEqual(newer, [{ method: 'panel/error', params: { message: 'again' } }]);
  });

  it("panel/dismissError from a page is validated: the message is a string of at most 5000 characters", () => {
    assert.deepEqual(parseWebviewMessage({ method: 'panel/dismissError', params: { message: 'delisted' } }), { ok: true, message: { method: 'panel/dismissError', params: { message: 'delisted' } } });
    assert.equal(parseWebviewMessage({ method: 'panel/dismissError', params: { message: 7 } }).ok, false);
    assert.equal(parseWebviewMessage({ method: 'panel/dismissError', params: { message: 'x'.repeat(5001) } }).ok, false);
  });
});

describe('ConnectionTracker', () => {
  it('reports state changes once and data at most once a second', () => {
    let now = 0;
    const t = new ConnectionTracker(() => now);
    assert.deepEqual(t.state({ status: 'live', since: 0 }), { status: 'live' });
    assert.equal(t.state({ status: 'live', since: 0 }), undefined);
    now = 1500;
    assert.deepEqual(t.data(), { status: 'live', lastDataAt: 1500 });
    now = 1600;
    assert.equal(t.data(), undefined);
    assert.deepEqual(t.state({ status: 'reconnecting', attempt: 2, reason: 'closed', retryInMs: 10 }), { status: 'reconnecting', attempt: 2, reason: 'closed', lastDataAt: 1600, downSince: 1600 });
    assert.deepEqual(t.history, ['connecting', 'live', 'reconnecting']);
  });

  it('says since when the stream is not live: from the moment it left live, through every attempt and state after, until it is live again', () => {
    let now = 1000;
    const t = new ConnectionTracker(() => now);
    assert.equal(t.state({ status: 'reconnecting', attempt: 1, reason: 'refused', retryInMs: 10 })?.downSince, undefined, 'never live: nothing held to date');
    t.state({ status: 'live', since: 0 });
    now = 5000;
    assert.equal(t.state({ status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 10 })?.downSince, 5000);
    now = 9000;
    assert.equal(t.state({ status: 'reconnecting', attempt: 2, reason: 'refused', retryInMs: 10 })?.downSince, 5000, 'the second attempt does not move it');
    assert.equal(t.state({ status: 'retrying', attempt: 3, reason: 'refused', retryAt: 12_000 })?.downSince, 5000);
    assert.equal(t.state({ status: 'failed', reason: 'gone' })?.downSince, 5000);
    assert.equal(t.state({ status: 'live', since: 9000 })?.downSince, undefined, 'live again: current');
    now = 10_000;
    assert.equal(t.state({ status: 'degraded', reason: 'history unavailable' })?.downSince, undefined, 'degraded: live data flows');
    now = 11_000;
    assert.equal(t.state({ status: 'stopped' })?.downSince, 11_000, 'left degraded: as of then');
  });

  it('heldSince (an aggregate book whose legs went stale one by one): the held data is dated as the panel says, not by the turn the last leg left', () => {
    let now = 1000;
    const t = new ConnectionTracker(() => now, true);
    t.state({ status: 'live', since: 0 });
    t.data();
    now = 2000;
    assert.equal(t.state({ status: 'degraded', reason: 'coinbase BTC/USD stale since 00:00:02 UTC (reconnecting (1))' })?.downSince, undefined, 'the stale leg left out: what shows is current');
    now = 9000;
    assert.equal(t.state({ status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 10 }, 2000)?.downSince, 2000, 'every leg held: as of the oldest');
    assert.equal(t.state({ status: 'reconnecting', attempt: 2, reason: 'closed', retryInMs: 10 })?.downSince, 2000, 'kept through the attempts');
    assert.equal(t.state({ status: 'live', since: 9500 }, 2000), undefined, 'streams live, no fresh book yet');
    now = 9600;
    assert.equal(t.state({ status: 'degraded', reason: 'binance BTC/USDT waiting' })?.downSince, undefined, 'a fresh leg alone: current again');
  });

  it('subscribed again (restart): connecting, what it holds dated from then if it was live, from its drop if it was down', () => {
    let now = 1000;
    const t = new ConnectionTracker(() => now);
    t.state({ status: 'live', since: 0 });
    t.data();
    now = 4000;
    assert.deepEqual(t.restart(), { status: 'connecting', lastDataAt: 1000, downSince: 4000 });
    assert.equal(t.restart(), undefined, 'already connecting');
    t.state({ status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 10 });
    now = 8000;
    assert.equal(t.restart()?.downSince, 4000);
  });

  it('liveWithData (a book panel): live again only with the first data after the stream is, so the held book never reads live', () => {
    let now = 1000;
    const t = new ConnectionTracker(() => now, true);
    assert.equal(t.state({ status: 'live', since: 0 }), undefined, 'live, its first book not here yet');
    assert.equal(t.current.status, 'connecting');
    now = 1001;
    assert.deepEqual(t.data(), { status: 'live', lastDataAt: 1001 }, 'the book makes it live, sent at once');
    now = 2000;
    assert.equal(t.state({ status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 10 })?.downSince, 2000);
    assert.equal(t.state({ status: 'live', since: 3000 }), undefined);
    assert.equal(t.current.status, 'reconnecting', 'the held book is still the old one');
    assert.equal(t.current.downSince, 2000);
    // Down again before the fresh book came: that live never shows.
    t.state({ status: 'reconnecting', attempt: 1, reason: 'closed again', retryInMs: 10 });
    now = 4000;
    assert.equal(t.data()?.status, 'reconnecting', 'data without live (a redraw) does not make it live');
    t.state({ status: 'live', since: 5000 });
    now = 5001;
    assert.deepEqual(t.data(), { status: 'live', lastDataAt: 5001 });
    assert.deepEqual(t.history, ['connecting', 'live', 'reconnecting', 'reconnecting', 'live']);
    // Without liveWithData the state alone makes it live (a chart: its bars are filled from REST after a reconnect).
    const chart = new ConnectionTracker(() => now);
    chart.state({ status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 10 });
    assert.equal(chart.state({ status: 'live', since: 0 })?.status, 'live');
  });

  it("connecting with a reason (an aggregate's legs opening): the flowing part's data is current, not held; sent again when the legs awaited change; a restart makes it plain connecting", () => {
    let now = 1_000;
    const t = new ConnectionTracker(() => now, true);
    assert.deepEqual(t.state({ status: 'connecting', reason: 'waiting for the first book of a, b', brief: 'waiting for 2 legs' }), { status: 'connecting', reason: 'waiting for the first book of a, b', brief: 'waiting for 2 legs' });
    t.data();
    now = 2_000;
    assert.equal(t.state({ status: 'connecting', reason: 'waiting for the first book of a, b', brief: 'waiting for 2 legs' }), undefined, 'unchanged');
    const one = t.state({ status: 'connecting', reason: 'waiting for the first book of b', brief: 'waiting for 1 leg' });
    assert.deepEqual(one, { status: 'connecting', reason: 'waiting for the first book of b', brief: 'waiting for 1 leg', lastDataAt: 1_000 }, 'no downSince: nothing shown is held');
    assert.equal(t.state({ status: 'degraded', reason: 'b failed: gone', brief: '1 leg failed' })?.brief, '1 leg failed');
    t.state({ status: 'connecting', reason: 'waiting for the first book of b', brief: 'waiting for 1 leg' });
    const restarted = t.restart();
    assert.equal(restarted?.status, 'connecting');
    assert.equal(restarted?.reason, undefined);
  });

  it('carries retrying (n) with its next attempt time, degraded with its reason and next repair, and back to live', () => {
    const t = new ConnectionTracker(() => 0);
    assert.deepEqual(t.state({ status: 'retrying', attempt: 1, reason: 'ECONNREFUSED', retryAt: 5000 }), { status: 'retrying', attempt: 1, reason: 'ECONNREFUSED', retryAt: 5000 });
    assert.deepEqual(t.state({ status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 9000 }), { status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 9000 });
    assert.deepEqual(t.state({ status: 'live', since: 1 }), { status: 'live' });
    assert.deepEqual(t.history, ['connecting', 'retrying', 'degraded', 'live']);
  });
});

describe('saved panel state', () => {
  it('restores only well-formed state of the right kind', () => {
    assert.deepEqual(parseState({ panel: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' } }, 'chart'), { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h' });
    assert.equal(parseState({ panel: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '7m' } }, 'chart'), undefined);
    assert.deepEqual(parseState({ panel: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', footprint: true } }, 'chart'), { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', footprint: true }, 'the footprint mode is restored');
    assert.deepEqual(parseState({ panel: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m', footprint: 'yes' } }, 'chart'), { kind: 'chart', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, 'anything but true is off');
    assert.equal(parseState({ panel: { exchange: 1, symbol: 'BTC/USDT' } }, 'dom'), undefined);
    // names the page takes: an empty or longer one would make it drop every message with the market
    assert.equal(parseState({ panel: { exchange: 'binance', symbol: '' } }, 'dom'), undefined);
    assert.equal(parseState({ panel: { exchange: '', symbol: 'BTC/USDT' } }, 'tape'), undefined);
    assert.equal(parseState({ panel: { exchange: 'binance', symbol: 'S'.repeat(MAX_MARKET_NAME_CHARS + 1) } }, 'dom'), undefined);
    assert.deepEqual(parseState({ panel: { exchange: 'binance', symbol: 'S'.repeat(MAX_MARKET_NAME_CHARS) } }, 'dom'), { kind: 'dom', exchange: 'binance', symbol: 'S'.repeat(MAX_MARKET_NAME_CHARS) });
    assert.equal(parseState(null, 'dom'), undefined);
    assert.deepEqual(parseState({ panel: { exchange: 'binance', symbol: 'ETH/USDT' }, other: 1 }, 'orderbook'), { kind: 'orderbook', exchange: 'binance', symbol: 'ETH/USDT' });
  });
});

describe('webview message validation', () => {
  it('accepts well-formed messages and names what is wrong with others', () => {
    assert.deepEqual(parseWebviewMessage({ method: 'chart/setTimeframe', params: { timeframe: '5m' } }), { ok: true, message: { method: 'chart/setTimeframe', params: { timeframe: '5m' } } });
    const bad = (raw: unknown) => {
      const r = parseWebviewMessage(raw);
      assert.equal(r.ok, false);
      return r.ok ? '' : r.error;
    };
    assert.match(bad({ method: 'dom/setMultiple', params: { multiple: 0 } }), /dom\/setMultiple: multiple must be a whole number/);
    assert.match(bad({ method: 'book/setLevels', params: { levels: 'x' } }), /levels/);
    assert.match(bad({ method: 'shell/exec', params: {} }), /unknown method "shell\/exec"/);
    assert.match(bad('hello'), /not a \{method, params\} message/);
    assert.match(bad({ method: 'webview/log', params: { level: 'info', message: 'x'.repeat(5000) } }), /2000 characters/);
  });
});
