/** A compacted day file damaged on disk (cut short by a copy, a bad sector): named and skipped, never the whole store unreadable. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { compactedSpan } from '../../../src/core/record/partitionFiles';
import { readRecorded, readRecordedDays } from '../../../src/core/record/recordReader';
import { recordedMarkets } from '../../../src/core/record/recordedMarkets';
import type { RecordingHole, TradeRow } from '../../../src/core/record/recordTypes';
import { compactStore, COMPACT_AFTER_MS } from '../../../src/core/record/storeCompaction';
import { partitionDir } from '../../../src/core/record/storeLayout';
import { storedHoles } from '../../../src/core/record/storedHoles';
import type { Logger } from '../../../src/core/util/log';
import { tempDirPerTest } from '../../helpers/tempDirPerTest';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const DAY = Date.parse('2026-11-27T00:00:00Z');
const DAY_MS = 86_400_000;
const trade = (ts: number, i: number): TradeRow => ({ ts, id: String(i), price: 100 + i, amount: 1, side: i % 2 ? 'buy' : 'sell', received: ts });

describe('record store: a damaged compacted file', () => {
  const tmp = tempDirPerTest('ts-damaged-');
  const dayDir = () => partitionDir(tmp.path, 'trades', MARKET, DAY);

  async function write(rows: TradeRow[], holes?: RecordingHole[]): Promise<void> {
    const store = new ParquetStore(tmp.path);
    await store.write({ kind: 'trades', market: MARKET, rows, ...(holes ? { holes } : {}) });
    await store.close();
  }

  async function compactedName(): Promise<string> {
    const name = (await fs.readdir(dayDir())).find((n) => compactedSpan(n));
    assert.ok(name, 'the day was compacted');
    return name;
  }

  /** Cuts a file short, as a copy interrupted or a damaged disk leaves it. */
  async function truncate(name: string): Promise<void> {
    const file = path.join(dayDir(), name);
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 20));
  }

  async function readIds(problems: string[]): Promise<string[]> {
    const ids: string[] = [];
    for await (const e of readRecorded(tmp.path, { market: MARKET, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'], onProblem: (m) => problems.push(m) })) if (e.kind === 'trades') ids.push(e.row.id);
    return ids;
  }

  /** Day 1 compacted (ids 1–3), then damaged; a late part written into day 1 after it (id 4, with a hole); day 2 open (id 5). */
  async function damagedDay(): Promise<string> {
    for (let i = 1; i <= 3; i++) await write([trade(DAY + i * 60_000, i)]);
    await write([trade(DAY + DAY_MS + 1000, 5)]);
    await compactStore(tmp.path, DAY + DAY_MS + COMPACT_AFTER_MS);
    const name = await compactedName();
    await truncate(name);
    await write([trade(DAY + 3_600_000, 4)], [{ kind: 'trades', from: DAY + 3_000_000, until: DAY + 3_500_000, reason: 'a reconnect' }]);
    return name;
  }

  it('the rest of the day and the other days are read, and the damaged file is named (a replay goes on, its days read too)', async () => {
    const name = await damagedDay();
    const problems: string[] = [];
    assert.deepEqual(await readIds(problems), ['4', '5']);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.ok(problems[0]?.includes(path.join(dayDir(), name)), problems[0]);
    const days: number[] = [];
    for await (const day of readRecordedDays(tmp.path, { market: MARKET, from: DAY, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'] })) days.push(day.trades.length);
    assert.deepEqual(days, [1, 1]);
  });

  it('the Recordings node still lists the market, and the holes of the day’s other files are found', async () => {
    await damagedDay();
    const markets = await recordedMarkets(tmp.path);
    assert.deepEqual(markets.map((m) => m.market), [MARKET]);
    assert.deepEqual(await storedHoles(tmp.path, MARKET, DAY, DAY + DAY_MS), [{ kind: 'trades', from: DAY + 3_000_000, until: DAY + 3_500_000, reason: 'a reconnect' }]);
  });

  it('a compaction leaves the damaged file and the day’s parts where they are, naming the file', async () => {
    const name = await damagedDay();
    const before = (await fs.readdir(dayDir())).sort();
    const warnings: string[] = [];
    const log: Logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
    await compactStore(tmp.path, DAY + 3 * DAY_MS, log);
    assert.deepEqual((await fs.readdir(dayDir())).sort(), before);
    assert.ok(warnings.some((w) => w.includes(name)), warnings.join('\n'));
  });

  it('an older compacted file still present (a compaction killed before removing it) is read in place of a damaged newer one: no row twice', async () => {
    for (let i = 1; i <= 3; i++) await write([trade(DAY + i * 60_000, i)]);
    await compactStore(tmp.path, DAY + DAY_MS + COMPACT_AFTER_MS);
    const first = await compactedName();
    const kept = await fs.readFile(path.join(dayDir(), first));
    await write([trade(DAY + 3_600_000, 4)]);
    await compactStore(tmp.path, DAY + DAY_MS + COMPACT_AFTER_MS);
    const second = await compactedName();
    assert.equal(compactedSpan(second)?.generation, 2);
    await fs.writeFile(path.join(dayDir(), first), kept); // its removal never happened
    await truncate(second);
    const problems: string[] = [];
    assert.deepEqual(await readIds(problems), ['1', '2', '3']);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.ok(problems[0]?.includes(second), problems[0]);
  });
});
