import * as assert from 'node:assert/strict';
import { BarTracker } from '../../../src/core/alerts/eval/barTracker';
import type { BarUpdate } from '../../../src/core/alerts/eval/evaluator';
import type { Candle } from '../../../src/core/types';

const MIN = 60_000;
const c = (i: number, close: number): Candle => ({ time: i * MIN, open: close, high: close, low: close, close, volume: 1 });

function recorder() {
  const log: string[] = [];
  return {
    log,
    barsReset: (closed: readonly Candle[], current: Candle | undefined) => log.push(`reset ${closed.map((b) => b.close).join(',')}|${current?.close ?? '-'}`),
    bar: (u: BarUpdate) => log.push(`${u.replace ? 'replace' : 'add'}${u.final ? ' final' : ''} ${u.candle.time / MIN}:${u.candle.close}`),
  };
}

describe('BarTracker', () => {
  it('orders snapshot and deltas into add → replace → final per bar', () => {
    const t = new BarTracker('1m', 100);
    const r = recorder();
    t.add(r);
    t.deltas([{ kind: 'updated', candle: c(9, 1) }]); // before the snapshot: ignored
    t.snapshot([c(0, 10), c(1, 11), c(2, 12)], 2 * MIN + 5); // bar 2 is in progress
    t.deltas([{ kind: 'updated', candle: c(2, 13) }]);
    t.deltas([{ kind: 'closed', candle: c(2, 14) }, { kind: 'updated', candle: c(3, 15) }]);
    t.deltas([{ kind: 'closed', candle: c(3, 16) }]);
    t.deltas([{ kind: 'closed', candle: c(4, 17) }]); // opened and closed within one batch
    t.deltas([{ kind: 'updated', candle: c(5, 18) }]);
    t.deltas([{ kind: 'updated', candle: c(6, 19) }]); // a later bar without a close for bar 5: bar 5 is closed first
    assert.deepEqual(r.log, [
      'reset 10,11|12',
      'replace 2:13',
      'replace final 2:14',
      'add 3:15',
      'replace final 3:16',
      'add final 4:17',
      'add 5:18',
      'replace final 5:18',
      'add 6:19',
    ]);
    assert.deepEqual(
      t.closedBars.map((b) => b.close),
      [10, 11, 14, 16, 17, 18],
    );
  });

  it('a revision of an older bar rebuilds the consumers before the newer updates of the batch', () => {
    const t = new BarTracker('1m', 100);
    const r = recorder();
    t.snapshot([c(0, 10), c(1, 11)], 10 * MIN); // all closed by the clock
    t.add(r);
    t.deltas([{ kind: 'revised', candle: c(0, 9) }, { kind: 'closed', candle: c(2, 12) }, { kind: 'updated', candle: c(3, 13) }]);
    t.deltas([{ kind: 'updated', candle: c(1, 8) }]); // late data for a closed bar
    assert.deepEqual(r.log, ['reset 10,11|-', 'reset 9,11|-', 'add final 2:12', 'add 3:13', 'reset 9,8,12|13']);
  });

  it('a bar that closed partial fires its close late, when its final version comes while it is still the newest closed bar', () => {
    const t = new BarTracker('1m', 100);
    const r = recorder();
    t.add(r);
    const partial = (i: number, close: number): Candle => ({ ...c(i, close), partial: true, partialSince: i * MIN });
    // A weak seam: the bar in progress at the seed may lack trades.
    t.snapshot([c(0, 10), c(1, 11), partial(2, 12)], 2 * MIN + 5);
    t.deltas([{ kind: 'updated', candle: partial(2, 13) }]);
    t.deltas([{ kind: 'updated', candle: c(3, 14) }]); // the next bar began: bar 2 is kept, its close not fired
    t.deltas([{ kind: 'revised', candle: c(2, 15) }, { kind: 'updated', candle: c(3, 16) }]); // the exchange's kline settles it
    assert.deepEqual(r.log, [
      'reset 10,11|12',
      'replace 2:13',
      'reset 10,11,13|-',
      'add 3:14',
      'reset 10,11|-', // brought to the bar before it…
      'add final 2:15', // …given its close, as at the time…
      'reset 10,11,15|14', // …then rebuilt from everything held
      'replace 3:16',
    ]);
    t.deltas([{ kind: 'revised', candle: c(2, 17) }]);
    assert.equal(r.log.filter((l) => l.startsWith('add final 2:')).length, 1, 'fired once: a later revision only rebuilds');
  });

  it('a later close waits behind an unfired one while the feed may still settle it, and both go out in order once it is whole (never out of order, never dropped)', () => {
    const t = new BarTracker('1m', 100, { mayStillSettle: () => true });
    const r = recorder();
    t.add(r);
    t.snapshot([c(0, 10), { ...c(1, 11), partial: true }], MIN + 5);
    t.deltas([{ kind: 'updated', candle: c(2, 12) }]); // bar 1 closed partial, unfired
    t.deltas([{ kind: 'closed', candle: c(2, 13) }]); // bar 2's close waits behind it
    assert.ok(t.holding);
    t.deltas([{ kind: 'revised', candle: c(1, 14) }]);
    assert.ok(!t.holding);
    assert.deepEqual(r.log, ['reset 10|11', 'reset 10,11|-', 'add 2:12', 'reset 10,11,13|-', 'reset 10|-', 'add final 1:14', 'reset 10,14|-', 'add final 2:13', 'reset 10,14,13|-']);
  });

  it("a close whose window holds a partial bar waits until that bar is whole, then fires late, in order; a consumer whose window is whole fires at once (alertSeams seed 20)", () => {
    const t = new BarTracker('1m', 100);
    const wide = { ...recorder(), windowBars: 3 };
    const narrow = recorder();
    t.add(wide);
    t.add(narrow);
    // A gap whose backfill failed: bar 1 may lack trades.
    t.snapshot([c(0, 10), { ...c(1, 11), partial: true }, c(2, 12)], 2 * MIN + 5);
    t.deltas([{ kind: 'updated', candle: c(3, 13) }]); // bar 2 closes: its window (0, 1, 2) is not whole
    t.deltas([{ kind: 'closed', candle: c(3, 14) }, { kind: 'updated', candle: c(4, 15) }]); // nor is bar 3's (1, 2, 3)
    assert.deepEqual(narrow.log.filter((l) => l.includes('final')), ['replace final 2:12', 'replace final 3:14'], 'its window is the bar itself');
    assert.ok(!wide.log.some((l) => l.includes('final')), `no close on bars not whole: ${wide.log.join(' | ')}`);
    wide.log.length = 0;
    t.deltas([{ kind: 'revised', candle: c(1, 16) }]); // the backfill answers
    assert.deepEqual(wide.log, ['reset 10,16|-', 'add final 2:12', 'reset 10,16,12|-', 'add final 3:14', 'reset 10,16,12,14|15']);
    t.deltas([{ kind: 'revised', candle: c(1, 17) }]);
    assert.equal(wide.log.filter((l) => l.includes('final')).length, 2, 'fired once each: a later revision only rebuilds');
  });

  it('a close kept so long that its bar is no longer held is lost; the closes after it go out once whole', () => {
    const t = new BarTracker('1m', 2);
    const wide = { ...recorder(), windowBars: 8 };
    t.add(wide);
    t.snapshot([c(0, 10), { ...c(1, 11), partial: true }], 2 * MIN);
    // Bars 2 to 6 read bar 1 (a window of 8) and the exchange never settles it: each close waits behind bar 2's…
    for (let i = 2; i <= 6; i++) t.deltas([{ kind: 'closed', candle: c(i, 10 + i) }]);
    assert.ok(t.holding && !wide.log.some((l) => l.includes('final')));
    // …until the capacity trims bar 1 and the first kept bars away: the kept closes still held go out, in order.
    for (let i = 7; i <= 30; i++) t.deltas([{ kind: 'closed', candle: c(i, 10 + i) }]);
    assert.ok(!t.holding);
    const fired = wide.log.filter((l) => l.includes('final')).map((l) => Number(l.split(' ')[2]!.split(':')[0]));
    assert.ok(fired.length > 0 && !fired.includes(2), `the bars no longer held never fire, the others do, in order: ${fired.join(',')}`);
    assert.deepEqual(fired, [...fired].sort((x, y) => x - y));
  });

  it('closes held behind a bar partial for good are given up, named, once the feed has settled and a later close reads whole bars: a rule waits at most its window past that, not its history', () => {
    const skipped: number[][] = [];
    let settling = true;
    const t = new BarTracker('1m', 500, { mayStillSettle: () => settling, onSkipped: (times) => skipped.push([...times]) });
    const wide = { ...recorder(), windowBars: 3 };
    t.add(wide);
    t.snapshot([c(0, 10), { ...c(1, 11), partial: true }], 2 * MIN);
    // Bars 2 and 3 read bar 1 (window 3); bar 4's window (2, 3, 4) is whole: it goes out, and 2 and 3 are given up.
    for (let i = 2; i <= 3; i++) t.deltas([{ kind: 'closed', candle: c(i, 10 + i) }]);
    assert.ok(t.holding && !wide.log.some((l) => l.includes('final')));
    t.deltas([{ kind: 'closed', candle: c(4, 14) }]);
    assert.ok(t.holding && skipped.length === 0, 'the feed is still catching up: bar 1 may yet be made whole');
    settling = false; // its backfill gave up: bar 1 is partial for good
    t.deltas([{ kind: 'closed', candle: c(5, 15) }]);
    assert.ok(!t.holding, 'nothing held');
    assert.deepEqual(skipped, [[2 * MIN, 3 * MIN, 4 * MIN]]);
    assert.deepEqual(wide.log.filter((l) => l.includes('final')), ['add final 5:15']);
    t.deltas([{ kind: 'closed', candle: c(6, 16) }]);
    assert.deepEqual(wide.log.filter((l) => l.includes('final')), ['add final 5:15', 'add final 6:16'], 'later closes go out at once');
  });

  it('a consumer that joins while a close is held (a rule saved while the feed catches up) gets that close once its bars are whole', () => {
    const t = new BarTracker('1m', 100, { mayStillSettle: () => true });
    const first = recorder();
    t.add(first);
    t.snapshot([c(0, 10)], MIN + 5);
    t.deltas([{ kind: 'closed', candle: { ...c(1, 11), partial: true } }]); // the bar the gap began in closes partial
    const late = recorder();
    t.add(late);
    t.deltas([{ kind: 'revised', candle: c(1, 12) }]); // the backfill settles it
    assert.deepEqual(late.log.filter((l) => l.includes('final')), ['add final 1:12']);
    assert.deepEqual(first.log.filter((l) => l.includes('final')), ['add final 1:12']);
  });

  it('keeps the capacity of closed bars and merges an older top-up in front', () => {
    const t = new BarTracker('1m', 3);
    const r = recorder();
    t.add(r);
    t.snapshot([c(5, 5), c(6, 6)], 100 * MIN);
    t.setCapacity(5);
    t.prepend([c(2, 2), c(3, 3), c(4, 4), c(5, 99)]);
    assert.deepEqual(
      t.closedBars.map((b) => b.close),
      [2, 3, 4, 5, 6],
    );
    for (let i = 7; i < 20; i++) t.deltas([{ kind: 'closed', candle: c(i, i) }]);
    assert.ok(t.closedBars.length >= 5 && t.closedBars.length <= 5 * 1.5 + 16);
    assert.equal(t.closedBars.at(-1)!.close, 19);
  });
});
