/**
 * Time & sales: a reconnect's hole fetched from REST (late trades) is on the tape. The model places its trades among
 * the rows in time order, flagged late (TradeTape.addLate), and sums those older than every row kept into one entry;
 * the page checks and places both (tapeLines); the panel on a stand-in hub takes holes late (so the hub fetches them
 * with only a tape open), sends the rows again once per late batch, and says while a hole is owed.
 */
import '../../helpers/fakeVscode';
import * as assert from 'node:assert/strict';
import type { Trade } from '../../../src/core/types';
import type { TapePanel } from '../../../src/extension/panels/tapePanel';
import { TradeTape } from '../../../src/extension/panels/tradeTape';
import { isLateRow, MAX_TAPE_LATE_OLDER, parseHostMessage, type TapeRowWire } from '../../../src/shared/protocol';
import { applyTapeRows, lateOlderLabel, tapeLines } from '../../../src/webviews/tape/tapeView';
import { pageUntil } from '../../helpers/fakeWebviewPanel';
import { openStandInTape, receivedOf, type StandInTape } from '../../helpers/standInTapePanel';

const T = Date.UTC(2024, 0, 1, 12, 1, 3);
let n = 0;
const trade = (at: number, price: number, amount: number, side: 'buy' | 'sell' = 'buy'): Trade => ({ id: String(n++), timestamp: T + at, price, amount, side });
/** Rows oldest first, as "time-offset price amount [late]". */
const oldestFirst = (tape: TradeTape): string[] => tape.rows().reverse().map((r) => `${r[1] - T} ${r[2]} ${r[3]}${isLateRow(r) ? ' late' : ''}`);

describe('time & sales: a reconnect hole fetched late', () => {
  describe('the model (TradeTape.addLate)', () => {
    it('places late trades among the rows in time order, flagged, merged among themselves but never into the stream rows; ids follow time', () => {
      const tape = new TradeTape(100);
      tape.add([trade(0, 100, 1), trade(1000, 101, 1)]);
      tape.add([trade(9000, 105, 1)]); // the stream picked up after the hole
      const kept = tape.rows().slice(1).map((r) => r[0]);
      const changed = tape.addLate([trade(1000, 101, 2), trade(3000, 102, 1), trade(3000, 102, 0.5), trade(5000, 103, 1, 'sell')]);
      assert.equal(changed, true);
      assert.deepEqual(oldestFirst(tape), ['0 100 1', '1000 101 1', '1000 101 2 late', '3000 102 1.5 late', '5000 103 1 late', '9000 105 1']);
      const ids = tape.rows().map((r) => r[0]);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first is ids descending: the page keeps its order by id');
      assert.equal(new Set(ids).size, ids.length);
      assert.deepEqual(tape.rows().slice(-2).map((r) => r[0]), kept, 'the rows older than the first placed keep their ids (the page keeps their elements)');
      // The stream goes on: its millisecond's row still grows in place, a new one comes above every row.
      const newest = tape.rows()[0]!;
      const grown = tape.add([trade(9000, 105, 2), trade(10_000, 106, 1)]);
      assert.deepEqual(grown.map((r) => [r[0], r[3]]), [[newest[0], 3], [newest[0] + 1, 1]]);
      assert.deepEqual(tape.olderLate(), [], 'every late trade found its place');
      assert.equal(tape.addLate([]), false, 'an empty late batch (the stream had sent them all) changes nothing');
    });

    it('with the ring full, late trades older than its oldest row are summed into one entry (count, volume, span), and so are those the placed rows push out', () => {
      const tape = new TradeTape(3);
      tape.add([trade(1000, 100, 1), trade(2000, 100, 1), trade(3000, 100, 1)]);
      tape.addLate([trade(500, 99, 2), trade(600, 99, 0.25, 'sell'), trade(2500, 100, 4)]);
      assert.deepEqual(oldestFirst(tape), ['2000 100 1', '2500 100 4 late', '3000 100 1'], 'the oldest stream row scrolled out for the placed one');
      assert.deepEqual(tape.olderLate(), [{ from: T + 500, until: T + 600, trades: 2, volume: 2.25 }]);
      // Placed late rows that a longer batch pushes out are counted too, not dropped silently.
      tape.addLate([trade(2100, 100, 1), trade(2200, 100, 1), trade(2300, 100, 1)]);
      assert.deepEqual(oldestFirst(tape), ['2300 100 1 late', '2500 100 4 late', '3000 100 1']);
      assert.deepEqual(tape.olderLate().at(-1), { from: T + 2100, until: T + 2200, trades: 2, volume: 2 });
      const before = tape.olderLate().length;
      for (let i = 0; i < MAX_TAPE_LATE_OLDER + 2; i++) tape.addLate([trade(-10_000 - i, 1, 1)]);
      assert.equal(tape.olderLate().length, MAX_TAPE_LATE_OLDER, `the newest ${MAX_TAPE_LATE_OLDER} kept (from ${before})`);
    });

    it("late trades count in the minute's stats when they fall in its window; older ones do not", () => {
      const tape = new TradeTape(100);
      tape.add([trade(120_000, 100, 1)]);
      tape.addLate([trade(90_000, 100, 2), trade(10_000, 100, 7)]);
      assert.deepEqual(tape.stats(), { tradesPerMinute: 2, volumePerMinute: 3 });
    });

    it("an aggregate's late trades keep their leg", () => {
      const tape = new TradeTape(100, (t) => Number(t.id.split(':')[0]));
      tape.add([{ ...trade(0, 100, 1), id: '0:a' }, { ...trade(9000, 100, 1), id: '1:b' }]);
      tape.addLate([{ ...trade(4000, 100, 1), id: '1:c' }]);
      const late = tape.rows().find(isLateRow)!;
      assert.equal(late[6], 1);
      assert.equal(late[1], T + 4000);
    });
  });

  describe('the page', () => {
    it('checks late rows, the older-late entries and catching up like any message, naming where', () => {
      const tape = new TradeTape(10);
      tape.add([trade(0, 100, 1)]);
      tape.addLate([trade(-1000, 100, 1)]);
      const rows = tape.rows();
      assert.ok(rows.some(isLateRow));
      const stats = tape.stats();
      assert.ok(parseHostMessage({ method: 'tape/rows', params: { rows, stats } }).ok, 'a late row passes');
      assert.equal(parseHostMessage({ method: 'tape/rows', params: { rows: [[0, T, 100, 1, 'buy', 1, null, 0, 2]], stats } }).ok, false, 'a late flag other than 1 is refused');
      const snapshot = { market: { exchange: 'binance', symbol: 'BTC/USDT' }, rows, stats, filter: { minSize: 0, highlightSize: 0 }, maxRows: 10 };
      assert.ok(parseHostMessage({ method: 'tape/snapshot', params: { ...snapshot, lateOlder: [{ from: T, until: T + 5, trades: 3, volume: 1.5 }], catchingUp: true } }).ok);
      const bad = parseHostMessage({ method: 'tape/snapshot', params: { ...snapshot, lateOlder: [{ from: T, until: T + 5, trades: 0, volume: 1 }] } });
      assert.ok(!bad.ok && /lateOlder\[0\]\.trades/.test(bad.error), bad.ok ? '' : bad.error);
      const tooMany = parseHostMessage({ method: 'tape/snapshot', params: { ...snapshot, lateOlder: Array.from({ length: MAX_TAPE_LATE_OLDER + 1 }, () => ({ from: T, until: T, trades: 1, volume: 1 })) } });
      assert.equal(tooMany.ok, false);
      assert.ok(parseHostMessage({ method: 'tape/catchingUp', params: { catchingUp: false } }).ok);
      assert.equal(parseHostMessage({ method: 'tape/catchingUp', params: { catchingUp: 'yes' } }).ok, false);
    });

    it('shows the older-late entries at the bottom, newest first, under every row and span, and says how many and how much', () => {
      const rows: TapeRowWire[] = [[2, T + 2000, 100, 1, 'buy', 1], [1, T + 1000, 100, 1, 'buy', 1, null, 0, 1]];
      const lines = tapeLines(rows, [], true, [{ from: T - 9000, until: T - 8000, trades: 1, volume: 1 }, { from: T - 500, until: T - 100, trades: 412, volume: 3.25 }]);
      assert.deepEqual(lines.map((l) => (l.kind === 'row' ? l.row[0] : l.kind === 'lateOlder' ? `late ${l.late.trades}` : 'missing')), [2, 1, 'late 412', 'late 1']);
      assert.equal(lateOlderLabel({ from: T, until: T + 6000, trades: 1412, volume: 3.25 }, 'BTC'), '1,412 trades (3.250 BTC) of 12:01:03–12:01:09 came late from REST after a reconnect, older than the rows kept');
      assert.equal(lateOlderLabel({ from: T, until: T, trades: 1, volume: 0.5 }, undefined), '1 trade (0.5000 volume) of 12:01:03 came late from REST after a reconnect, older than the rows kept');
    });

    it('after a snapshot of renumbered rows, the stream rows that follow fold in by id as before', () => {
      const tape = new TradeTape(100);
      tape.add([trade(0, 100, 1), trade(9000, 105, 1)]);
      tape.addLate([trade(4000, 101, 1)]);
      const shown = tape.rows();
      const after = applyTapeRows(shown, tape.add([trade(9000, 105, 1), trade(10_000, 106, 1)]), 100);
      assert.deepEqual(after, tape.rows(), 'the page holds what the host holds');
    });
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

    it("takes its market's holes late: the hub fetches them with only a tape open", async () => {
      const { fake, options } = open();
      await pageUntil('the first snapshot', () => received(fake, 'tape/snapshot').length > 0 && options() !== undefined);
      assert.equal(options()?.lateTrades, true);
    });

    it("a hole's late trades become rows in time order, flagged late, sent once as a snapshot; the status says while the hole is owed", async () => {
      const { fake, trades } = open();
      await pageUntil('the first snapshot', () => received(fake, 'tape/snapshot').length > 0 && trades() !== undefined);
      const send = trades()!;
      send({ type: 'state', state: { status: 'live', since: T } });
      send({ type: 'trades', trades: [trade(0, 100, 1)] });
      send({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 0 } });
      send({ type: 'state', state: { status: 'live', since: T + 9000, catchingUp: true } });
      send({ type: 'trades', trades: [trade(9000, 105, 1)] });
      await pageUntil('catching up shown', () => received(fake, 'tape/catchingUp').at(-1)?.params.catchingUp === true);
      const snapshots = received(fake, 'tape/snapshot').length;
      send({ type: 'trades', trades: [trade(3000, 102, 1, 'sell'), trade(6000, 103, 2)], late: true });
      send({ type: 'state', state: { status: 'live', since: T + 9000 } });
      await pageUntil('a snapshot with the late rows', () => received(fake, 'tape/snapshot').length > snapshots && received(fake, 'tape/snapshot').at(-1)!.params.rows.some(isLateRow));
      const rows = received(fake, 'tape/snapshot').at(-1)!.params.rows;
      assert.deepEqual(rows.map((r) => [r[1] - T, isLateRow(r)]), [[9000, false], [6000, true], [3000, true], [0, false]]);
      await pageUntil('caught up', () => received(fake, 'tape/catchingUp').at(-1)?.params.catchingUp === false);
      assert.equal(received(fake, 'tape/snapshot').at(-1)?.params.catchingUp, undefined);
      assert.deepEqual(fake.invalid, []);
    });
  });
});
