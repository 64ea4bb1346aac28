/**
 * Time & sales: a reconnect's hole given up (its trades will never come) is a line of the tape, where the trades
 * would have been, saying from when to when and why: the host's list of spans (TradesMissing), the page's check of
 * `tape/missing` and of the snapshot's `missing`, where the page places each span among the rows (tapeLines), and
 * the panel on a stand-in hub sending them.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import { FrameCoalescer } from '../../../src/extension/panels/frameCoalescer';
import { TAPE_MERGE_RULES } from '../../../src/extension/panels/tapeMessages';
import { TradesMissing } from '../../../src/extension/panels/tradesMissing';
import type { TapePanel } from '../../../src/extension/panels/tapePanel';
import { MAX_MISSING_REASON_CHARS, MAX_TAPE_MISSING, parseHostMessage, type HostMessage, type TapeMissingWire, type TapeRowWire } from '../../../src/shared/protocol';
import { missingLabel, tapeLines, type TapeLine } from '../../../src/webviews/tape/tapeView';
import { pageUntil } from '../../helpers/fakeWebviewPanel';
import { openStandInTape, receivedOf, type StandInTape } from '../../helpers/standInTapePanel';

const T = Date.UTC(2024, 0, 1, 12, 1, 3);
const row = (id: number, time: number): TapeRowWire => [id, time, 100, 1, 'buy', 1];
/** A line as the test reads it: a row's id, or the missing span's start. */
const show = (lines: readonly TapeLine[]): string[] => lines.map((l) => (l.kind === 'row' ? `row ${l.row[0]}` : l.kind === 'missing' ? `missing from ${l.span.from - T}` : `late older ${l.late.from - T}`));

describe('time & sales: trades missing for good (a lost reconnect hole)', () => {
  it('the host keeps the newest spans, oldest first, each reason shortened to what the page takes', () => {
    const missing = new TradesMissing();
    for (let i = 0; i < MAX_TAPE_MISSING + 3; i++) missing.add({ from: T + i * 1000, until: T + i * 1000 + 500, reason: `HTTP 503 #${i}` });
    const list = missing.list();
    assert.equal(list.length, MAX_TAPE_MISSING);
    assert.deepEqual(list[0], { from: T + 3000, until: T + 3500, reason: 'HTTP 503 #3' }, 'the oldest three let go');
    missing.add({ from: T, reason: `HTTP 502 <html>${'x'.repeat(5000)}` });
    const last = missing.list().at(-1)!;
    assert.equal(last.until, undefined, 'a hole given up before the stream picked up has no end');
    assert.equal(last.reason.length, MAX_MISSING_REASON_CHARS);
    assert.ok(last.reason.startsWith('HTTP 502 <html>') && last.reason.endsWith('…'));
    missing.clear();
    assert.deepEqual(missing.list(), []);
  });

  it('a span found after all (asked again) is withdrawn: one it covers, or one told before the pick-up that starts inside it; others stay', () => {
    const missing = new TradesMissing();
    missing.add({ from: T, until: T + 500, reason: 'older' });
    missing.add({ from: T + 1000, until: T + 2000, reason: 'HTTP 503' });
    missing.add({ from: T + 3000, reason: 'the candle series fetching them was closed' });
    missing.add({ from: T + 9000, until: T + 9500, reason: 'newer' });
    assert.equal(missing.found({ from: T + 1000, until: T + 4000 }), true);
    assert.deepEqual(missing.list().map((s) => s.reason), ['older', 'newer'], 'the span it covers, and the open one starting inside it');
    assert.equal(missing.found({ from: T + 100, until: T + 400 }), false, 'a find inside a span does not cover it');
    assert.equal(missing.found({ from: T + 9200, until: T + 9800 }), false, 'nor one starting after it');
    assert.equal(missing.list().length, 2);
  });

  it("the page checks `tape/missing` and the snapshot's `missing` like any message: a wrong span or too many are refused, naming where", () => {
    const ok = parseHostMessage({ method: 'tape/missing', params: { missing: [{ from: T, until: T + 6000, reason: 'HTTP 503' }, { from: T + 9000, reason: 'the candle series fetching them was closed' }] } });
    assert.ok(ok.ok, ok.ok ? '' : ok.error);
    const badEnd = parseHostMessage({ method: 'tape/missing', params: { missing: [{ from: T, until: 'soon', reason: 'x' }] } });
    assert.ok(!badEnd.ok && /missing\[0\]\.until/.test(badEnd.error), badEnd.ok ? '' : badEnd.error);
    const noReason = parseHostMessage({ method: 'tape/missing', params: { missing: [{ from: T }] } });
    assert.ok(!noReason.ok && /missing\[0\]\.reason/.test(noReason.error), noReason.ok ? '' : noReason.error);
    const tooLong = parseHostMessage({ method: 'tape/missing', params: { missing: [{ from: T, reason: 'x'.repeat(MAX_MISSING_REASON_CHARS + 1) }] } });
    assert.equal(tooLong.ok, false);
    const tooMany = parseHostMessage({ method: 'tape/missing', params: { missing: Array.from({ length: MAX_TAPE_MISSING + 1 }, (_, i) => ({ from: T + i, reason: 'x' })) } });
    assert.ok(!tooMany.ok && new RegExp(`at most ${MAX_TAPE_MISSING} spans`).test(tooMany.error), tooMany.ok ? '' : tooMany.error);
    const snapshot = { market: { exchange: 'binance', symbol: 'BTC/USDT' }, rows: [], stats: { tradesPerMinute: 0, volumePerMinute: 0 }, filter: { minSize: 0, highlightSize: 0 }, maxRows: 10 };
    assert.ok(parseHostMessage({ method: 'tape/snapshot', params: { ...snapshot, missing: [{ from: T, reason: 'x' }] } }).ok);
    assert.equal(parseHostMessage({ method: 'tape/snapshot', params: { ...snapshot, missing: [{ from: -1, reason: 'x' }] } }).ok, false);
  });

  it('a span is placed above the first row no later than its start: the rows above it are those streamed after the pick-up', () => {
    // Newest first: 4 and 3 after the pick-up (at +9 s), 2, 1 and 0 up to the trade the hole follows (+3 s).
    const rows = [row(4, T + 10_000), row(3, T + 9000), row(2, T + 3000), row(1, T + 3000), row(0, T + 1000)];
    const span: TapeMissingWire = { from: T + 3000, until: T + 9000, reason: 'HTTP 503' };
    assert.deepEqual(show(tapeLines(rows, [span], false)), ['row 4', 'row 3', 'missing from 3000', 'row 2', 'row 1', 'row 0']);
    const older: TapeMissingWire = { from: T + 1000, until: T + 2000, reason: 'HTTP 503' };
    assert.deepEqual(show(tapeLines(rows, [older, span], false)), ['row 4', 'row 3', 'missing from 3000', 'row 2', 'row 1', 'missing from 1000', 'row 0'], 'in time order, whatever order they came in');
    assert.deepEqual(show(tapeLines([], [span], false)), ['missing from 3000'], 'no row yet (or none passes the filter): the span alone');
    const newest: TapeMissingWire = { from: T + 20_000, reason: 'the candle series fetching them was closed' };
    assert.deepEqual(show(tapeLines(rows, [newest], false)).slice(0, 2), ['missing from 20000', 'row 4'], 'a span after every row shown (still down) tops the tape');
  });

  it('a span older than every row shown stays at the bottom while the tape holds all it got, or while it reaches into the rows; else it scrolled out with them', () => {
    const rows = [row(9, T + 10_000), row(8, T + 9000)];
    const before: TapeMissingWire = { from: T, until: T + 2000, reason: 'HTTP 503' };
    const into: TapeMissingWire = { from: T, until: T + 9500, reason: 'HTTP 503' };
    assert.deepEqual(show(tapeLines(rows, [before], false)), ['row 9', 'row 8', 'missing from 0'], 'not full: every row since the tape opened is shown');
    assert.deepEqual(show(tapeLines(rows, [before], true)), ['row 9', 'row 8'], 'full: its rows have scrolled out, so has it');
    assert.deepEqual(show(tapeLines(rows, [into], true)), ['row 9', 'row 8', 'missing from 0'], 'full, but it ends among the rows shown');
  });

  it('its line says from when to when (UTC) and why', () => {
    assert.equal(missingLabel({ from: T, until: T + 6000, reason: 'REST failed' }), 'trades missing 12:01:03–12:01:09: REST failed');
    assert.equal(missingLabel({ from: T, reason: 'the candle series fetching them was closed' }), 'trades missing from 12:01:03: the candle series fetching them was closed');
    assert.equal(missingLabel({ from: T + 255, until: T + 773, reason: 'HTTP 503' }), 'trades missing 12:01:03.255–12:01:03.773: HTTP 503', 'within one second: with milliseconds');
  });

  it('a snapshot makes a queued `tape/missing` obsolete (it carries every span); of two queued, the newer wins', () => {
    const sent: HostMessage[] = [];
    let flush: (() => void) | undefined;
    const c = new FrameCoalescer((m) => sent.push(m), (f) => ((flush = f), { cancel: () => (flush = undefined) }), TAPE_MERGE_RULES);
    const one = [{ from: T, until: T + 1, reason: 'a' }];
    const two = [...one, { from: T + 5, until: T + 6, reason: 'b' }];
    c.send({ method: 'tape/missing', params: { missing: one } });
    c.send({ method: 'tape/missing', params: { missing: two } });
    flush?.();
    const first = sent[0]!;
    assert.ok(first.method === 'panel/batch');
    assert.deepEqual(first.params.messages, [{ method: 'tape/missing', params: { missing: two } }]);
    c.send({ method: 'tape/missing', params: { missing: two } });
    c.send({ method: 'tape/snapshot', params: { market: { exchange: 'x', symbol: 'y' }, rows: [], stats: { tradesPerMinute: 0, volumePerMinute: 0 }, filter: { minSize: 0, highlightSize: 0 }, maxRows: 10, missing: two } });
    flush?.();
    const second = sent[1]!;
    assert.ok(second.method === 'panel/batch');
    assert.deepEqual(second.params.messages.map((m) => m.method), ['tape/snapshot']);
  });

  describe('the panel on a stand-in hub', () => {
    let panel: TapePanel | undefined;
    afterEach(() => panel?.panel.dispose());

    function open(): StandInTape {
      const s = openStandInTape();
      panel = s.panel;
      return s;
    }

    const received = receivedOf;

    it("a lost hole reaches the page as `tape/missing` with its span and reason, and every later snapshot carries it; another hole's late trades are rows", async () => {
      const { fake, trades } = open();
      await pageUntil('the first snapshot', () => received(fake, 'tape/snapshot').length > 0 && trades() !== undefined);
      const send = trades()!;
      send({ type: 'trades', trades: [{ id: 'a', timestamp: T, price: 100, amount: 1, side: 'buy' }] });
      send({ type: 'trades', trades: [], late: true, lost: { from: T, until: T + 6000, reason: 'exchange not available: HTTP 503' } });
      await pageUntil('the missing span', () => received(fake, 'tape/missing').length > 0);
      assert.deepEqual(received(fake, 'tape/missing').at(-1)?.params.missing, [{ from: T, until: T + 6000, reason: 'exchange not available: HTTP 503' }]);
      send({ type: 'trades', trades: [{ id: 'late', timestamp: T + 3000, price: 99, amount: 1, side: 'sell' }], late: true });
      // A new snapshot (here for a filter chosen in the page): the span is in it.
      fake.fromPage({ method: 'tape/setFilter', params: { minSize: 0, highlightSize: 0 } });
      await pageUntil('a snapshot with it', () => received(fake, 'tape/snapshot').some((m) => m.params.missing !== undefined));
      const snapshot = received(fake, 'tape/snapshot').at(-1)!;
      assert.deepEqual(snapshot.params.missing, [{ from: T, until: T + 6000, reason: 'exchange not available: HTTP 503' }]);
      assert.deepEqual(snapshot.params.rows.map((r) => r[1]), [T + 3000, T], 'the late trade is a row, in time order');
      assert.deepEqual(fake.invalid, []);
    });
  });
});
