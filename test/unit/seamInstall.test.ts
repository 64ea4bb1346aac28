// What a cut seam installs (seamInstall.ts): REST's trades taken, the guard, and how the stream's first read is checked.
import * as assert from 'node:assert/strict';
import { seamInstall, type SeamInstall, type SeamInstallInput } from '../../src/core/candles/seamInstall';
import type { Trade } from '../../src/core/types';

const SEAM = Date.UTC(2024, 2, 14, 15, 37);
const t = (n: number, at: number): Trade => ({ id: `t${n}`, timestamp: SEAM + at, price: 100 + n, amount: 1, side: 'buy' });
const REST = [t(1, 1_000), t(2, 2_000), t(3, 3_000), t(4, 3_000)];

/** A cut exact seam: REST's trades reach it, nothing buffered, the stream live throughout, no drop, nothing held. */
function input(over: Partial<SeamInstallInput> = {}): SeamInstallInput {
  const buffer = over.buffer ?? [];
  const firstLive = buffer.length === 0 ? undefined : Math.min(...buffer.map((b) => b.timestamp));
  return { seamMinute: SEAM, weak: false, restTrades: REST, buffer, firstLive, heldUpTo: undefined, streamCovered: true, afterDrop: false, ...over };
}

const ids = (trades: readonly Trade[]): string[] => trades.map((x) => x.id);
const reachOf = (got: SeamInstall): { ts: number; ids: string[] } | undefined => (got.check.kind === 'none' ? undefined : { ts: got.check.reach.ts, ids: [...got.check.reach.ids].sort() });

describe('seam install', () => {
  it('takes REST\'s trades before the stream\'s first, guarded up to the last of them', () => {
    const got = seamInstall(input({ buffer: [t(5, 2_500), t(6, 4_000)] }));
    assert.deepEqual(ids(got.fromRest), ['t1', 't2']);
    assert.equal(got.guard?.upTo, SEAM + 2_000);
  });

  it('takes all of REST\'s trades when nothing is buffered', () => {
    const got = seamInstall(input());
    assert.deepEqual(ids(got.fromRest), ids(REST));
    assert.equal(got.guard?.upTo, SEAM + 3_000);
  });

  it('takes none on the weaker seam, and no guard', () => {
    const got = seamInstall(input({ weak: true, buffer: [t(5, 4_000)] }));
    assert.deepEqual(got.fromRest, []);
    assert.equal(got.guard, undefined);
  });

  it('checks nothing when the stream was live throughout and no drop came before its read', () => {
    const got = seamInstall(input({ buffer: [t(5, 4_000)] }));
    assert.deepEqual(got.check, { kind: 'none' });
    assert.equal(got.hold, undefined);
  });

  it('checks a buffered read at once, holding from REST\'s last trade taken to the read\'s newest, when the stream was not live throughout', () => {
    const got = seamInstall(input({ streamCovered: false, buffer: [t(5, 2_500), t(6, 4_000)] }));
    assert.equal(got.check.kind, 'now');
    assert.deepEqual(got.hold, { from: SEAM + 2_000, firstStreamed: SEAM + 2_500, readNewest: SEAM + 4_000 });
    assert.deepEqual(reachOf(got), { ts: SEAM + 2_000, ids: ['t2'] });
  });

  it('holds from the seam minute when REST had no trade in it: the closed bar before it (the exchange\'s kline) is not held partial', () => {
    const got = seamInstall(input({ restTrades: [], streamCovered: false, buffer: [t(5, 4_000)] }));
    assert.equal(got.check.kind, 'now');
    assert.deepEqual(got.hold, { from: SEAM, firstStreamed: SEAM + 4_000, readNewest: SEAM + 4_000 });
    assert.deepEqual(reachOf(got), { ts: SEAM - 1, ids: [] }, 'REST asked from the seam minute on');
  });

  it('checks a buffered read at once after a drop, the stream live throughout', () => {
    const got = seamInstall(input({ afterDrop: true, buffer: [t(5, 4_000)] }));
    assert.equal(got.check.kind, 'now');
    assert.deepEqual(got.hold, { from: SEAM + 3_000, firstStreamed: SEAM + 4_000, readNewest: SEAM + 4_000 });
    assert.deepEqual(reachOf(got), { ts: SEAM + 3_000, ids: ['t3', 't4'] }, 'every REST trade at its last millisecond');
  });

  it('checks the weaker seam\'s read from REST\'s last trade, though it takes none of them', () => {
    const got = seamInstall(input({ weak: true, streamCovered: false, buffer: [t(5, 4_000)] }));
    assert.deepEqual(got.hold, { from: SEAM + 3_000, firstStreamed: SEAM + 4_000, readNewest: SEAM + 4_000 });
    assert.equal(got.check.kind === 'now' && got.check.reach.guard, undefined);
  });

  it('holds nothing on the weaker seam whose REST trades end at the read\'s first millisecond (the read is buffered whole)', () => {
    const got = seamInstall(input({ weak: true, streamCovered: false, buffer: [t(5, 3_000)] }));
    assert.equal(got.hold, undefined);
    assert.deepEqual(got.check, { kind: 'none' });
  });

  it('waits for the first trade when nothing is buffered and the stream was not live throughout', () => {
    const got = seamInstall(input({ streamCovered: false }));
    assert.equal(got.check.kind, 'first trade');
    assert.equal(got.hold, undefined);
    assert.deepEqual(reachOf(got), { ts: SEAM + 3_000, ids: ['t3', 't4'] });
  });

  it('waits for nothing after a drop with nothing buffered, the stream live throughout (REST took the hole\'s end whole)', () => {
    assert.deepEqual(seamInstall(input({ afterDrop: true })).check, { kind: 'none' });
  });

  describe('a read that resends trades the bars held (its oldest at or before heldUpTo)', () => {
    it('takes REST\'s trades whole, guarded up to its last, and checks nothing where REST\'s answer holds the whole read', () => {
      const got = seamInstall(input({ afterDrop: true, heldUpTo: SEAM + 2_000, buffer: [REST[1]!, REST[2]!] }));
      assert.deepEqual(ids(got.fromRest), ids(REST));
      assert.equal(got.guard?.upTo, SEAM + 3_000);
      assert.deepEqual(got.check, { kind: 'none' });
    });

    it('checks at once from REST\'s last trade when the read goes past it (the trades between, or skipped inside the read, may be in neither)', () => {
      const got = seamInstall(input({ afterDrop: true, heldUpTo: SEAM + 2_000, buffer: [REST[1]!, t(6, 5_000), t(5, 4_000)] }));
      assert.equal(got.check.kind, 'now');
      assert.deepEqual(got.hold, { from: SEAM + 3_000, firstStreamed: SEAM + 4_000, readNewest: SEAM + 5_000, readUpTo: SEAM + 3_000 });
      assert.deepEqual(reachOf(got), { ts: SEAM + 3_000, ids: ['t3', 't4'] });
    });

    it('checks from a trade of the read inside REST\'s span that REST\'s answer lacks, knowing REST\'s trades from it on', () => {
      const got = seamInstall(input({ afterDrop: true, heldUpTo: SEAM + 2_000, buffer: [REST[0]!, t(7, 1_500), REST[3]!] }));
      assert.deepEqual(got.hold, { from: SEAM + 1_500, firstStreamed: SEAM + 3_000, readNewest: SEAM + 3_000, readUpTo: SEAM + 3_000 });
      assert.deepEqual(reachOf(got), { ts: SEAM + 1_500, ids: ['t2', 't3', 't4'] });
    });

    it('is not checked when the stream was live throughout and no drop came before it', () => {
      assert.deepEqual(seamInstall(input({ heldUpTo: SEAM + 2_000, buffer: [REST[1]!, t(5, 4_000)] })).check, { kind: 'none' });
    });

    it('is taken as one when its oldest trade came after a newer one (a hole trade after the pick-up): REST\'s trades whole, nothing asked where they hold the read', () => {
      const got = seamInstall(input({ afterDrop: true, buffer: [REST[3]!, REST[1]!] }));
      assert.deepEqual(ids(got.fromRest), ids(REST));
      assert.equal(got.guard?.upTo, SEAM + 3_000);
      assert.deepEqual(got.check, { kind: 'none' });
    });

    it('is not one when its oldest trade is after what the bars held: REST\'s trades are cut at it', () => {
      const got = seamInstall(input({ afterDrop: true, heldUpTo: SEAM + 1_999, buffer: [REST[1]!, t(5, 4_000)] }));
      assert.deepEqual(ids(got.fromRest), ['t1']);
      assert.deepEqual(got.hold, { from: SEAM + 1_000, firstStreamed: SEAM + 2_000, readNewest: SEAM + 4_000 });
    });

    it('on the weaker seam, takes no REST trade and checks nothing of a read inside the seam minute (its kline settles that bar)', () => {
      const got = seamInstall(input({ weak: true, afterDrop: true, heldUpTo: SEAM + 2_000, buffer: [REST[1]!, t(5, 4_000)] }));
      assert.deepEqual(got.fromRest, []);
      assert.equal(got.check.kind, 'none', 'REST\'s last trade (3 s) is after the read\'s first (2 s), the read inside the seam minute');
    });

    it('on the weaker seam, checks a read REST\'s answer reaches into from the minute after the seam\'s, holding its bars to its newest trade', () => {
      const got = seamInstall(input({ weak: true, afterDrop: true, heldUpTo: SEAM + 2_000, buffer: [REST[1]!, t(6, 70_000), t(5, 4_000)] }));
      assert.deepEqual(got.fromRest, []);
      assert.equal(got.check.kind, 'now');
      assert.deepEqual(got.hold, { from: SEAM + 60_000, firstStreamed: SEAM + 2_000, readNewest: SEAM + 70_000 });
      assert.deepEqual(reachOf(got), { ts: SEAM + 60_000, ids: [] }, 'every REST trade from then on the read lacks is missed');
    });
  });
});
