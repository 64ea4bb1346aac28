import * as assert from 'node:assert/strict';
import type { Trade } from '../../../src/core/types';
import { FrameCoalescer } from '../../../src/extension/panels/frameCoalescer';
import { mergedTradeId, mergedTradeLeg } from '../../../src/core/aggregate/tradeMerge';
import { TAPE_MERGE_RULES } from '../../../src/extension/panels/tapeMessages';
import { legNames, MinuteWindow, passesFilter, TradeTape } from '../../../src/extension/panels/tradeTape';
import { isLiquidationRow, parseHostMessage, parseWebviewMessage, type HostMessage, type TapeRowWire } from '../../../src/shared/protocol';
import { formatTimeUtc } from '../../../src/webviews/shared/format';
import { applyTapeRows, isBigPrint, liquidationLabel, liquidationsLine, minuteVolumeLabel, rowAmountStep, sizeChoices, sizeLabel } from '../../../src/webviews/tape/tapeView';
import { baseAmountStep } from '../../../src/core/exchange/contractSpec';

let n = 0;
const trade = (timestamp: number, price: number, amount: number, side: 'buy' | 'sell'): Trade => ({ id: String(n++), timestamp, price, amount, side });

describe('time & sales: TradeTape', () => {
  it("an aggregate's tape keeps each leg's prints apart (one row per millisecond, price, side and leg) and names the leg", () => {
    const tape = new TradeTape(100, (t) => mergedTradeLeg(t.id));
    const merged = (leg: number, t: Trade): Trade => ({ ...t, id: mergedTradeId(leg, t.id) });
    const changed = tape.add([merged(0, trade(1000, 100, 1, 'buy')), merged(2, trade(1000, 100, 2, 'buy')), merged(0, trade(1000, 100, 0.5, 'buy'))]);
    assert.deepEqual(changed, [
      [0, 1000, 100, 1.5, 'buy', 2, 0],
      [1, 1000, 100, 2, 'buy', 1, 2],
    ]);
    assert.equal(parseHostMessage({ method: 'tape/rows', params: { rows: changed, stats: tape.stats() } }).ok, true, 'the wire takes a leg');
    assert.equal(parseHostMessage({ method: 'tape/rows', params: { rows: [[0, 1000, 100, 1, 'buy', 1, 99]], stats: tape.stats() } }).ok, false, 'a leg past the most an aggregate has is refused');
    assert.equal(mergedTradeLeg('abc'), undefined, 'an id the merge did not make names no leg');
    assert.deepEqual(legNames([{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, { exchange: 'binance', symbol: 'BTC/USDT:USDT' }]), ['binance BTC/USDT', 'bybit', 'binance BTC/USDT:USDT']);
  });

  it('liquidations make rows of their own kind: merged by the same rule among themselves, never with trades, not counted as trades', () => {
    const tape = new TradeTape(100);
    tape.add([trade(1000, 100, 1, 'sell')]);
    const liq = (timestamp: number, price: number, amount: number, side: 'buy' | 'sell') => ({ timestamp, price, amount, side });
    const changed = tape.addLiquidations([liq(1000, 100, 2, 'sell'), liq(1000, 100, 0.5, 'sell'), liq(1000, 100, 1, 'buy')]);
    assert.deepEqual(changed, [
      [1, 1000, 100, 2.5, 'sell', 2, null, 1],
      [2, 1000, 100, 1, 'buy', 1, null, 1],
    ]);
    // A trade of the same millisecond, price and side still grows the trade's row, not the liquidation's.
    assert.deepEqual(tape.add([trade(1000, 100, 3, 'sell')]), [[0, 1000, 100, 4, 'sell', 2]]);
    assert.deepEqual(tape.addLiquidations([liq(1000, 100, 1, 'sell')], 2), [[3, 1000, 100, 1, 'sell', 1, 2, 1]], "an aggregate leg's liquidation is a row of its own");
    assert.deepEqual(tape.stats(), { tradesPerMinute: 2, volumePerMinute: 4 });
    assert.deepEqual(tape.rows().map(isLiquidationRow), [true, true, true, false]);
    assert.equal(parseHostMessage({ method: 'tape/rows', params: { rows: tape.rows(), stats: tape.stats() } }).ok, true, 'the wire takes liquidation rows');
    assert.equal(parseHostMessage({ method: 'tape/rows', params: { rows: [[0, 1000, 100, 1, 'buy', 1, null, 2]], stats: tape.stats() } }).ok, false, 'a row kind other than 1 is refused');
    assert.equal(parseHostMessage({ method: 'tape/liquidations', params: { status: 'failed', reason: 'x' } }).ok, true);
    assert.equal(parseHostMessage({ method: 'tape/liquidations', params: { status: 'gone' } }).ok, false);
    assert.deepEqual(passesFilter(tape.rows(), 150).map((r) => r[0]), [1, 0], 'the size filter treats them as any row');
    assert.equal(liquidationLabel('sell'), 'Liquidation: a long position closed');
    assert.equal(liquidationsLine({ status: 'failed', reason: 'binance offers no liquidation stream' }), 'no liquidations: binance offers no liquidation stream');
    assert.equal(liquidationsLine({ status: 'live' }), 'liquidations live');
  });

  it('merges trades of the same millisecond, price and side into one row, whatever comes between them', () => {
    const tape = new TradeTape(100);
    const changed = tape.add([
      trade(1000, 100, 1, 'buy'),
      trade(1000, 101, 2, 'buy'),
      trade(1000, 100, 0.5, 'buy'),
      trade(1000, 100, 3, 'sell'),
      trade(1001, 100, 1, 'buy'),
    ]);
    assert.deepEqual(changed, [
      [0, 1000, 100, 1.5, 'buy', 2],
      [1, 1000, 101, 2, 'buy', 1],
      [2, 1000, 100, 3, 'sell', 1],
      [3, 1001, 100, 1, 'buy', 1],
    ]);
    assert.deepEqual(tape.rows().map((r) => r[0]), [3, 2, 1, 0], 'newest first');
  });

  it('a trade of the same millisecond in the next batch grows its row (sent again with the same id); an earlier millisecond never merges', () => {
    const tape = new TradeTape(100);
    tape.add([trade(5, 10, 1, 'sell')]);
    assert.deepEqual(tape.add([trade(5, 10, 2, 'sell'), trade(6, 10, 1, 'sell')]), [[0, 5, 10, 3, 'sell', 2], [1, 6, 10, 1, 'sell', 1]]);
    assert.deepEqual(tape.add([trade(5, 10, 1, 'sell')]), [[2, 5, 10, 1, 'sell', 1]], 'a late trade of an older millisecond is a row of its own');
  });

  it('holds at most its capacity of rows, the newest ones', () => {
    const tape = new TradeTape(3);
    for (let i = 0; i < 10; i++) tape.add([trade(i, 100 + i, 1, 'buy')]);
    assert.equal(tape.size, 3);
    assert.deepEqual(tape.rows().map((r) => r[1]), [9, 8, 7]);
  });

  it('counts trades and volume over the last minute of market time, every trade whatever the rows', () => {
    const tape = new TradeTape(2);
    tape.add([trade(0, 1, 1, 'buy'), trade(0, 1, 2, 'buy'), trade(59_999, 1, 4, 'sell')]);
    assert.deepEqual(tape.stats(), { tradesPerMinute: 3, volumePerMinute: 7 });
    tape.add([trade(60_000, 1, 8, 'buy')]);
    assert.deepEqual(tape.stats(), { tradesPerMinute: 2, volumePerMinute: 12 }, 'second 0 left the window');
    tape.add([trade(500, 1, 100, 'buy')]);
    assert.deepEqual(tape.stats(), { tradesPerMinute: 2, volumePerMinute: 12 }, 'a trade older than the window is not counted');
  });

  it('MinuteWindow reuses a bucket for a new second and ignores non-finite times', () => {
    const w = new MinuteWindow();
    w.add(1_000, 1);
    w.add(61_000, 2); // same bucket index, a minute later
    w.add(Number.NaN, 5);
    assert.deepEqual(w.stats(), { tradesPerMinute: 1, volumePerMinute: 2 });
  });

  it('the filter keeps rows worth at least minSize in the quote currency', () => {
    const rows: TapeRowWire[] = [[0, 1, 100, 1, 'buy', 1], [1, 1, 100, 10, 'sell', 1], [2, 1, 100, 0.5, 'buy', 1]];
    assert.deepEqual(passesFilter(rows, 100).map((r) => r[0]), [0, 1]);
    assert.equal(passesFilter(rows, 0).length, 3);
  });
});

describe('time & sales: frame coalescing and the protocol', () => {
  it('one batch per frame: rows merged by id (newest values win), the newest stats; a snapshot drops queued rows', () => {
    const sent: HostMessage[] = [];
    let flush: (() => void) | undefined;
    const c = new FrameCoalescer((m) => sent.push(m), (f) => ((flush = f), { cancel: () => (flush = undefined) }), TAPE_MERGE_RULES);
    c.send({ method: 'tape/rows', params: { rows: [[0, 1, 10, 1, 'buy', 1]], stats: { tradesPerMinute: 1, volumePerMinute: 1 } } });
    c.send({ method: 'tape/rows', params: { rows: [[0, 1, 10, 3, 'buy', 2], [1, 2, 10, 1, 'sell', 1]], stats: { tradesPerMinute: 3, volumePerMinute: 4 } } });
    flush?.();
    assert.equal(sent.length, 1);
    const batch = sent[0]!;
    assert.ok(batch.method === 'panel/batch');
    assert.deepEqual(batch.params.messages, [{ method: 'tape/rows', params: { rows: [[0, 1, 10, 3, 'buy', 2], [1, 2, 10, 1, 'sell', 1]], stats: { tradesPerMinute: 3, volumePerMinute: 4 } } }]);
    c.send({ method: 'tape/rows', params: { rows: [[2, 3, 10, 1, 'buy', 1]], stats: { tradesPerMinute: 4, volumePerMinute: 5 } } });
    c.send({ method: 'tape/snapshot', params: { market: { exchange: 'x', symbol: 'y' }, rows: [], stats: { tradesPerMinute: 4, volumePerMinute: 5 }, filter: { minSize: 0, highlightSize: 1 }, maxRows: 10 } });
    flush?.();
    const second = sent[1]!;
    assert.ok(second.method === 'panel/batch');
    assert.deepEqual(second.params.messages.map((m) => m.method), ['tape/snapshot']);
  });

  it('validates tape messages both ways, naming the bad field', () => {
    const good = { method: 'tape/rows', params: { rows: [[0, 1, 10, 1, 'buy', 1]], stats: { tradesPerMinute: 1, volumePerMinute: 1 } } };
    assert.ok(parseHostMessage(good).ok);
    const bad = parseHostMessage({ method: 'tape/rows', params: { rows: [[0, 1, 10, 1, 'hold', 1]], stats: { tradesPerMinute: 1, volumePerMinute: 1 } } });
    assert.ok(!bad.ok && bad.error.includes('params.rows[0][4]'), JSON.stringify(bad));
    const negative = parseHostMessage({ method: 'tape/rows', params: { rows: [[0, 1, -10, 1, 'buy', 1]], stats: { tradesPerMinute: 1, volumePerMinute: 1 } } });
    assert.ok(!negative.ok && negative.error.includes('params.rows[0][2]'));
    const set = parseWebviewMessage({ method: 'tape/setFilter', params: { minSize: 1000, highlightSize: 5e4, extra: 'dropped' } });
    assert.ok(set.ok);
    assert.deepEqual(set.message.params, { minSize: 1000, highlightSize: 5e4 });
    const wrong = parseWebviewMessage({ method: 'tape/setFilter', params: { minSize: -1, highlightSize: 5 } });
    assert.ok(!wrong.ok && wrong.error.includes('minSize'));
  });
});

describe('time & sales: the webview model', () => {
  it("shows an aggregate's row with its leg's lot step, a single market's with the market's; the wire checks the legs' steps", () => {
    const steps = [0.00001, null, 0.001];
    assert.equal(rowAmountStep([1, 1000, 100, 1, 'buy', 1, 0], undefined, steps), 0.00001);
    assert.equal(rowAmountStep([1, 1000, 100, 1, 'buy', 1, 2], undefined, steps), 0.001);
    assert.equal(rowAmountStep([1, 1000, 100, 1, 'buy', 1, 1], undefined, steps), undefined, 'a leg without one: per magnitude');
    assert.equal(rowAmountStep([1, 1000, 100, 1, 'buy', 1, 5], undefined, steps), undefined, 'a leg the snapshot does not list');
    assert.equal(rowAmountStep([1, 1000, 100, 1, 'buy', 1], 0.01, undefined), 0.01);
    assert.equal(rowAmountStep([1, 1000, 100, 1, 'sell', 1, null, 1], 0.01, steps), 0.01, "a single market's liquidation row");
    const snapshot = (legAmountSteps: unknown) => ({ method: 'tape/snapshot', params: { market: { exchange: 'aggregate', symbol: 'X' }, rows: [], stats: { tradesPerMinute: 0, volumePerMinute: 0 }, filter: { minSize: 0, highlightSize: 0 }, maxRows: 10, legs: ['a', 'b', 'c'], legAmountSteps } });
    assert.equal(parseHostMessage(snapshot(steps)).ok, true);
    assert.equal(parseHostMessage(snapshot([0.1, -1])).ok, false, 'a step is positive');
    assert.equal(parseHostMessage(snapshot(Array.from({ length: 17 }, () => 1))).ok, false, 'at most 16 legs');
  });

  it("the minute's volume is written in the base currency the host names (it read '38.778 volume'), which the wire checks", () => {
    assert.equal(minuteVolumeLabel('38.778', 'BTC'), '38.778 BTC');
    assert.equal(minuteVolumeLabel('38.778', undefined), '38.778 volume', 'before the market is listed');
    const snapshot = (base: unknown) => ({ method: 'tape/snapshot', params: { market: { exchange: 'x', symbol: 'BTC/USDT' }, rows: [], stats: { tradesPerMinute: 0, volumePerMinute: 0 }, filter: { minSize: 0, highlightSize: 0 }, maxRows: 10, base } });
    assert.equal(parseHostMessage(snapshot('BTC')).ok, true);
    const empty = parseHostMessage(snapshot(''));
    assert.ok(!empty.ok && empty.error.includes('params.base'), 'an empty base is refused, by name');
    assert.equal(parseHostMessage(snapshot(42)).ok, false);
  });

  it("a leg's lot step in base units: spot and linear contracts have one (× the contract size), inverse contracts none", () => {
    assert.equal(baseAmountStep(0.001, undefined), 0.001);
    assert.equal(baseAmountStep(0.001, { segment: 'spot' }), 0.001);
    assert.equal(baseAmountStep(1, { segment: 'perp', settlement: 'linear', contractSize: 0.001 }), 0.001);
    assert.equal(baseAmountStep(1, { segment: 'perp', settlement: 'inverse', contractSize: 100 }), undefined);
    assert.equal(baseAmountStep(0.001, 'contract size is missing'), undefined);
    assert.equal(baseAmountStep(undefined, { segment: 'spot' }), undefined);
  });

  it('folds changed rows into the rows shown: replaced by id, inserted by id, newest first, bounded', () => {
    const shown: TapeRowWire[] = [[5, 5, 1, 1, 'buy', 1], [3, 3, 1, 1, 'buy', 1], [1, 1, 1, 1, 'buy', 1]];
    const next = applyTapeRows(shown, [[3, 3, 1, 9, 'buy', 4], [4, 4, 1, 1, 'sell', 1], [6, 6, 1, 1, 'buy', 1]], 4);
    assert.deepEqual(next.map((r) => [r[0], r[3]]), [[6, 1], [5, 1], [4, 1], [3, 9]]);
    assert.equal(applyTapeRows(shown, [], 4), shown, 'nothing changed: the same list');
  });

  it('labels thresholds, marks big prints and formats times in UTC', () => {
    assert.deepEqual([0, 1000, 2_500_000, 12_345].map(sizeLabel), ['all', '1K', '2.5M', '12.3K']);
    assert.ok(sizeChoices(12_345).includes(12_345));
    assert.equal(isBigPrint([0, 0, 100, 10, 'buy', 1], 1000), true);
    assert.equal(isBigPrint([0, 0, 100, 9.99, 'buy', 1], 1000), false);
    assert.equal(isBigPrint([0, 0, 100, 10, 'buy', 1], 0), false, '0: no highlight');
    assert.equal(formatTimeUtc(Date.UTC(2026, 0, 2, 3, 4, 5, 67), true), '03:04:05.067');
    assert.equal(formatTimeUtc(Date.UTC(2026, 0, 2, 3, 4, 5, 67)), '03:04:05');
  });
});
