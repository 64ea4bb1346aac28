/** A batch across midnight is two files; a write that fails on the second must leave neither, as the recorder sends the whole batch again. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MarketRecorder } from '../../../src/core/record/marketRecorder';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded } from '../../../src/core/record/recordReader';
import type { TradeRow } from '../../../src/core/record/recordTypes';
import { partitionDir } from '../../../src/core/record/storeLayout';
import { FakeRecordingHub } from '../../helpers/fakeRecordingHub';
import { tempDirPerTest } from '../../helpers/tempDirPerTest';

const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const MIDNIGHT = Date.UTC(2026, 10, 29);

async function tradeIds(root: string): Promise<string[]> {
  const ids: string[] = [];
  const problems: string[] = [];
  for await (const e of readRecorded(root, { market: MARKET, from: 0, until: Number.MAX_SAFE_INTEGER, kinds: ['trades'], onProblem: (m) => problems.push(m) })) if (e.kind === 'trades') ids.push(e.row.id);
  assert.deepEqual(problems, []);
  return ids;
}

describe('record store: a write across midnight that fails half-way', () => {
  const tmp = tempDirPerTest('ts-midnight-');

  /** The new day's partition cannot be made (a file in its place): the write fails there, after the old day's part. */
  async function blockNewDay(): Promise<() => Promise<void>> {
    const dir = partitionDir(tmp.path, 'trades', MARKET, MIDNIGHT);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await fs.writeFile(dir, 'in the way');
    return () => fs.rm(dir);
  }

  it('stores nothing of the batch, so its retry stores each trade once', async () => {
    const rows: TradeRow[] = [-2000, -1000, 1000, 2000].map((dt, i) => ({ ts: MIDNIGHT + dt, id: String(i + 1), price: 100, amount: 1, side: 'buy', received: MIDNIGHT + dt }));
    const unblock = await blockNewDay();
    const store = new ParquetStore(tmp.path);
    await assert.rejects(store.write({ kind: 'trades', market: MARKET, rows }));
    assert.deepEqual(await tradeIds(tmp.path), [], 'a failed write stores none of its rows');
    await unblock();
    await store.write({ kind: 'trades', market: MARKET, rows });
    await store.close();
    assert.deepEqual(await tradeIds(tmp.path), ['1', '2', '3', '4']);
  });

  it('a recorder whose write failed at midnight records each trade once when the disk takes it again', async () => {
    const hub = new FakeRecordingHub();
    const unblock = await blockNewDay();
    const store = new ParquetStore(tmp.path);
    const states: string[] = [];
    let failed!: () => void;
    const behind = new Promise<void>((resolve) => (failed = resolve));
    const recorder = new MarketRecorder({ hub, sink: store, market: MARKET, kinds: ['trades'], flushEveryMs: 60_000, maxBatchRows: 4, retry: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, onState: (s) => (states.push(s.status), s.status === 'behind' && failed()) }).start();
    const consumer = hub.open.get('binance BTC/USDT trades');
    assert.ok(consumer);
    // Four trades fill a batch, which is written at once: two before midnight, two after.
    consumer({ type: 'trades', trades: [-2000, -1000, 1000, 2000].map((dt, i) => ({ id: String(i + 1), timestamp: MIDNIGHT + dt, price: 100, amount: 1, side: 'buy' as const })) });
    await behind;
    await unblock();
    await recorder.close();
    await store.close();
    assert.ok(states.includes('behind'), states.join(' '));
    assert.deepEqual(await tradeIds(tmp.path), ['1', '2', '3', '4']);
  });
});
