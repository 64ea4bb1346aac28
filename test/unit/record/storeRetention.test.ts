import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { enforceRetention, storedDays } from '../../../src/core/record/storeRetention';
import type { TradeRow } from '../../../src/core/record/recordTypes';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 1);
const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const rows = (day: number, n: number): TradeRow[] => Array.from({ length: n }, (_, i) => ({ ts: day + i, id: String(day + i), price: 1, amount: 1, side: 'buy', received: day + i }));

describe('record store retention and size budget', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-retention-'));
    const store = new ParquetStore(root);
    for (let d = 0; d < 5; d++) await store.write({ kind: 'trades', market, rows: rows(D0 + d * DAY, 200) });
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('lists each day with its size; removes days past the retention, then the oldest until under the budget', async () => {
    const days = await storedDays(root);
    assert.deepEqual(days.map((d) => [d.kind, d.market.symbol, d.day]), [0, 1, 2, 3, 4].map((d) => ['trades', 'BTC/USDT', D0 + d * DAY]));
    assert.ok(days.every((d) => d.bytes > 0));
    const retention = await enforceRetention(root, { now: D0 + 5 * DAY, retentionDays: 4 });
    assert.deepEqual(retention.removed.map((d) => d.day), [D0], 'the day ending 4 days ago or earlier');
    const perDay = days[0]!.bytes;
    const budget = await enforceRetention(root, { now: D0 + 5 * DAY, maxBytes: perDay * 2.5 });
    assert.deepEqual(budget.removed.map((d) => d.day), [D0 + DAY, D0 + 2 * DAY], 'oldest first, until under the budget');
    assert.equal(budget.overBudget, false);
    assert.deepEqual((await storedDays(root)).map((d) => d.day), [D0 + 3 * DAY, D0 + 4 * DAY]);
  });

  it('never removes the day being written: over the budget with only that day left, it says so', async () => {
    const today = D0 + 4 * DAY + 3_600_000; // an hour into the last recorded day
    const perDay = (await storedDays(root))[0]!.bytes;
    const result = await enforceRetention(root, { now: today, maxBytes: perDay / 2, retentionDays: 1 });
    assert.deepEqual(result.removed.map((d) => d.day), [D0, D0 + DAY, D0 + 2 * DAY, D0 + 3 * DAY], 'every ended day, oldest first');
    assert.deepEqual((await storedDays(root)).map((d) => d.day), [D0 + 4 * DAY], 'the day being written is kept');
    assert.equal(result.overBudget, true, 'still over the budget: a named state, not a silent stop');
    assert.equal(result.bytes, (await storedDays(root))[0]!.bytes);
  });
});
