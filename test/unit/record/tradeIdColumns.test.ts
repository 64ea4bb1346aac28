/** Trade ids on disk: 64-bit integers when an exchange's ids are numbers, strings otherwise; files of the old all-string schema still read and replay. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded, readRecordedDays } from '../../../src/core/record/recordReader';
import type { TradeRow } from '../../../src/core/record/recordTypes';
import { partFileName, partitionDir } from '../../../src/core/record/storeLayout';
import type { Trade } from '../../../src/core/types';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const DAY = Date.UTC(2026, 10, 29);

const rows = (from: number, ids: readonly string[]): TradeRow[] => ids.map((id, i) => ({ ts: from + i, id, price: 100 + i * 0.01, amount: 0.5 + i, side: i % 2 ? 'sell' : 'buy', received: from + i + 2 }));
const asTrades = (r: readonly TradeRow[]): Trade[] => r.map((t) => ({ id: t.id, timestamp: t.ts, price: t.price, amount: t.amount, side: t.side }));

/** A trade file as the recorder wrote it before ids could be integers: every column as today, ids as strings. */
function oldSchemaFile(r: readonly TradeRow[]): Uint8Array {
  const required = { nullable: false } as const;
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'ts', type: 'TIMESTAMP', data: r.map((t) => t.ts), ...required },
        { name: 'id', type: 'STRING', data: r.map((t) => t.id), ...required },
        { name: 'price', type: 'DOUBLE', data: r.map((t) => t.price), ...required },
        { name: 'amount', type: 'DOUBLE', data: r.map((t) => t.amount), ...required },
        { name: 'side', type: 'STRING', data: r.map((t) => t.side), ...required },
        { name: 'received', type: 'TIMESTAMP', data: r.map((t) => t.received), ...required },
      ],
      kvMetadata: [{ key: 'tradesuite.format', value: '1' }],
    }),
  );
}

async function idTypes(root: string): Promise<string[]> {
  const dir = partitionDir(root, 'trades', market, DAY);
  const out: string[] = [];
  for (const name of (await fs.readdir(dir)).sort()) {
    const bytes = await fs.readFile(path.join(dir, name));
    out.push(parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).schema.find((e) => e.name === 'id')?.type ?? '?');
  }
  return out;
}

async function replayed(root: string): Promise<Trade[]> {
  const out: Trade[] = [];
  for await (const day of readRecordedDays(root, { market, from: 0, until: 4e12, kinds: ['trades'] })) out.push(...day.trades.trades(0, day.trades.length));
  return out;
}

describe('record store: trade ids as integers or strings', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-ids-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('numeric ids are written as INT64, others (letters, a leading zero, beyond 2^53) as strings; every id reads back as recorded', async () => {
    const numeric = rows(DAY + 1000, ['0', '1', '9007199254740991', '4200000001']);
    const text = rows(DAY + 2000, ['a1b2', '007', '9007199254740993', '12']);
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market, rows: numeric });
    await store.write({ kind: 'trades', market, rows: text });
    await store.close();
    assert.deepEqual(await idTypes(root), ['INT64', 'BYTE_ARRAY']);
    assert.deepEqual(await replayed(root), asTrades([...numeric, ...text]), 'a day of both kinds of file, as the replay reads it');
    const all: TradeRow[] = [];
    for await (const e of readRecorded(root, { market, from: 0, until: 4e12 })) if (e.kind === 'trades') all.push(e.row);
    assert.deepEqual(all, [...numeric, ...text], 'every field, as checks and compaction read it');
  });

  it('a file of the old all-string schema replays, beside new integer-id files of the same day', async () => {
    const old = rows(DAY + 1000, ['100', '101', '102']);
    const dir = partitionDir(root, 'trades', market, DAY);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, partFileName(DAY + 1000, DAY + 1002)), oldSchemaFile(old));
    const fresh = rows(DAY + 5000, ['103', '104']);
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market, rows: fresh });
    await store.close();
    assert.deepEqual(await idTypes(root), ['BYTE_ARRAY', 'INT64']);
    assert.deepEqual(await replayed(root), asTrades([...old, ...fresh]));
  });

  it('DuckDB reads a dataset mixing both id types (union_by_name), ids as text', async () => {
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market, rows: rows(DAY + 1000, ['7', '8']) });
    await store.write({ kind: 'trades', market, rows: rows(DAY + 2000, ['x9']) });
    await store.close();
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const result = await conn.runAndReadAll(`select cast(id as varchar) as id from read_parquet('${root}/trades/**/*.parquet', hive_partitioning = true, union_by_name = true) order by ts`);
      assert.deepEqual(result.getRowObjectsJson().map((r) => r['id']), ['7', '8', 'x9']);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
