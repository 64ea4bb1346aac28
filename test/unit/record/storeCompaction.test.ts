/** Compaction of closed days: one file per partition, the same rows read before and after, and no duplicate or loss in between. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { compactedSpan, partitionFiles } from '../../../src/core/record/partitionFiles';
import { readPart, readRecorded } from '../../../src/core/record/recordReader';
import { recordedMarkets } from '../../../src/core/record/recordedMarkets';
import type { BookRow, RecordedEvent, TradeRow } from '../../../src/core/record/recordTypes';
import { compactStore, COMPACT_AFTER_MS } from '../../../src/core/record/storeCompaction';
import { partitionDir } from '../../../src/core/record/storeLayout';
import { holesStoredSince } from '../../../src/core/record/storedHoles';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const DAY = Date.parse('2026-11-27T00:00:00Z');
const DAY_MS = 86_400_000;

async function readAll(root: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const problems: string[] = [];
  for await (const e of readRecorded(root, { market: MARKET, from: 0, until: Number.MAX_SAFE_INTEGER, onProblem: (m) => problems.push(m) })) out.push(e);
  assert.deepEqual(problems, []);
  return out;
}

const trade = (ts: number, i: number): TradeRow => ({ ts, id: String(i), price: 100 + (i % 9), amount: 1 + (i % 3), side: i % 2 ? 'buy' : 'sell', received: ts + 3 });

describe('record store compaction', () => {
  let root: string;
  let store: ParquetStore;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-compact-'));
    store = new ParquetStore(root);
    // Day 1: 40 batches of trades (some of them sharing a millisecond across batches) and book updates; day 2 open.
    let i = 0;
    let seq = 0;
    for (let b = 0; b < 40; b++) {
      const ts = DAY + b * 600_000;
      await store.write({ kind: 'trades', market: MARKET, rows: [trade(ts, i++), trade(ts, i++), trade(ts + 5, i++)] });
      const book: BookRow[] = b % 10 === 0 ? [{ ts, seq: ++seq, kind: 'snapshot', side: 'bid', price: 99, amount: 1 }, { ts, seq, kind: 'snapshot', side: 'ask', price: 101, amount: 2 }] : [{ ts, seq: ++seq, kind: 'delta', side: 'bid', price: 99 - (b % 3), amount: b % 4 }];
      await store.write({ kind: 'book', market: MARKET, rows: book });
    }
    await store.write({ kind: 'trades', market: MARKET, rows: [trade(DAY + DAY_MS + 1000, i++)] });
    await store.close();
  });
  afterEach(async () => fs.rm(root, { recursive: true, force: true }));

  const dayDir = (kind: 'trades' | 'book', day = DAY) => partitionDir(root, kind, MARKET, day);
  const names = (dir: string) => fs.readdir(dir);

  it('merges a closed day into one file per partition; every row reads back the same, in the same order; the open day is left alone', async () => {
    const before = await readAll(root);
    assert.equal((await names(dayDir('trades'))).length, 40);
    assert.deepEqual(await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS - 1), [], 'a day just ended may still get late batches: not yet');
    const done = await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    assert.deepEqual(done.map((r) => [path.relative(root, r.dir), r.merged, r.rows]), [
      [path.relative(root, dayDir('trades')), 40, 120],
      [path.relative(root, dayDir('book')), 40, 44],
    ]);
    for (const kind of ['trades', 'book'] as const) {
      const left = await names(dayDir(kind));
      assert.equal(left.length, 1, `${kind}: ${left.join(', ')}`);
      assert.ok(compactedSpan(left[0]!), left[0]);
    }
    assert.equal((await names(dayDir('trades', DAY + DAY_MS))).length, 1, 'the open day keeps its part');
    assert.deepEqual(await readAll(root), before);
    assert.deepEqual(await compactStore(root, DAY + 3 * DAY_MS), [], 'nothing more to merge on day 1 (day 2 has one part: merged into one file, not reported)');
  });

  it('a compacted day is still listed with its span (the Recordings node, Open Replay)', async () => {
    const before = await recordedMarkets(root);
    await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    const after = await recordedMarkets(root);
    assert.equal(after.length, 1);
    assert.deepEqual(after.map((m) => [m.market, m.first, m.last]), before.map((m) => [m.market, m.first, m.last]));
    assert.deepEqual([after[0]?.first, after[0]?.last], [DAY, DAY + DAY_MS + 1000]);
  });

  it('a compaction killed after its file was renamed in: the parts it replaced are ignored (no duplicate) and removed by the next one', async () => {
    const before = await readAll(root);
    const listed = (await partitionFiles(dayDir('trades'))).files.map((f) => f.name);
    const saved = await Promise.all(listed.map(async (n) => [n, await fs.readFile(path.join(dayDir('trades'), n))] as const));
    await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    // What a reader that listed the partition before the compaction now meets: its files are gone (it lists again).
    await assert.rejects(readPart(path.join(dayDir('trades'), listed[0]!), 'trades', undefined, true), /ENOENT/);
    for (const [n, bytes] of saved) await fs.writeFile(path.join(dayDir('trades'), n), bytes); // the removal never happened
    assert.equal((await names(dayDir('trades'))).length, 41);
    assert.deepEqual(await readAll(root), before, 'the replaced parts are not read again');
    await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    assert.equal((await names(dayDir('trades'))).length, 1, 'the leftovers were removed');
    assert.deepEqual(await readAll(root), before);
  });

  it('a part written into a compacted day is read, and merged by the next compaction (generation 2); an unreadable part stays', async () => {
    await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    const late = new ParquetStore(root);
    await late.write({ kind: 'trades', market: MARKET, rows: [trade(DAY + 3_600_000 + 7, 9001)] });
    await late.close();
    await fs.writeFile(path.join(dayDir('trades'), `${DAY + 10}-${DAY + 20}-1-1.parquet`), 'not parquet');
    const problems: string[] = [];
    const read = async () => {
      const out: RecordedEvent[] = [];
      for await (const e of readRecorded(root, { market: MARKET, from: DAY, until: DAY + DAY_MS, kinds: ['trades'], onProblem: (m) => problems.push(m) })) out.push(e);
      return out;
    };
    const withLate = await read();
    assert.equal(withLate.length, 121);
    assert.ok(withLate.some((e) => e.kind === 'trades' && e.row.id === '9001'));
    await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    const left = (await names(dayDir('trades'))).sort();
    assert.equal(left.length, 2, left.join(', '));
    assert.equal(compactedSpan(left.find((n) => n.startsWith('compacted-'))!)?.generation, 2);
    assert.ok(left.includes(`${DAY + 10}-${DAY + 20}-1-1.parquet`), 'the unreadable part is left where it was');
    assert.deepEqual(await read(), withLate);
    assert.ok(problems.length > 0 && problems.every((m) => /not parquet|skipped the recorded file/.test(m)), problems.join('\n'));
  });

  it('a compacted file\'s name reaches through the holes it keeps, as its parts\' did: the holes stored since a time are still found from names', async () => {
    // The day's last batch carried a hole past its rows (into the next day: a stop in a quiet market).
    const hole = { kind: 'trades' as const, from: DAY + DAY_MS - 60_000, until: DAY + DAY_MS + 600_000, reason: 'a stop' };
    const late = new ParquetStore(root);
    await late.write({ kind: 'trades', market: MARKET, rows: [trade(DAY + DAY_MS - 90_000, 9001)], holes: [hole] });
    await late.close();
    await compactStore(root, DAY + 2 * DAY_MS + COMPACT_AFTER_MS);
    const [compacted] = (await partitionFiles(dayDir('trades'))).files;
    assert.equal(compacted && compactedSpan(compacted.name)?.last, hole.until - 1);
    assert.deepEqual(await holesStoredSince(root, MARKET, DAY + DAY_MS + 1000), [hole]);
  });
});
