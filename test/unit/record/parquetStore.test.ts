import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded } from '../../../src/core/record/recordReader';
import type { BookRow, RecordedEvent, TickerRow, TradeRow } from '../../../src/core/record/recordTypes';
import { partitionDir } from '../../../src/core/record/storeLayout';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const MIDNIGHT = Date.UTC(2026, 10, 29);

const trades = (from: number, n: number, stepMs: number, firstId = 1): TradeRow[] =>
  Array.from({ length: n }, (_, i) => ({ ts: from + i * stepMs, id: String(firstId + i), price: 100 + (i % 7) * 0.01, amount: 0.001 * (i + 1), side: i % 3 === 0 ? 'sell' : 'buy', received: from + i * stepMs + 3 }));

async function readAll(root: string, from = 0, until = 4e12, onProblem?: (m: string) => void): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of readRecorded(root, { market, from, until, ...(onProblem ? { onProblem } : {}) })) out.push(e);
  return out;
}

describe('record store (Parquet) and reader', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-rec-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('reads back every kind in time order across midnight, each day in its own partition, within the range asked', async () => {
    const store = new ParquetStore(root);
    const t = trades(MIDNIGHT - 5000, 100, 100); // 5 s before midnight to 5 s after
    const book: BookRow[] = [
      { ts: MIDNIGHT - 4000, seq: 1, kind: 'snapshot', side: 'bid', price: 99.9, amount: 2 },
      { ts: MIDNIGHT - 4000, seq: 1, kind: 'snapshot', side: 'ask', price: 100.1, amount: 3 },
      { ts: MIDNIGHT + 1000, seq: 2, kind: 'delta', side: 'bid', price: 99.9, amount: 0 },
    ];
    const tickers: TickerRow[] = [{ ts: MIDNIGHT + 1000, last: 100, bid: null, ask: 100.1, change24hPercent: -1.5 }];
    await store.write({ kind: 'trades', market, rows: t.slice(0, 60) });
    await store.write({ kind: 'trades', market, rows: t.slice(60) });
    await store.write({ kind: 'book', market, rows: book });
    await store.write({ kind: 'tickers', market, rows: tickers });
    await store.close();

    const days = await fs.readdir(path.dirname(partitionDir(root, 'trades', market, MIDNIGHT)));
    assert.deepEqual(days.sort(), ['date=2026-11-28', 'date=2026-11-29']);
    const all = await readAll(root);
    assert.deepEqual(all.filter((e) => e.kind === 'trades').map((e) => e.row), t);
    assert.deepEqual(all.filter((e) => e.kind === 'book').map((e) => e.row), book);
    assert.deepEqual(all.filter((e) => e.kind === 'tickers').map((e) => e.row), tickers);
    const times = all.map((e) => e.row.ts);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
    const at = all.findIndex((e) => e.row.ts === MIDNIGHT + 1000);
    assert.deepEqual(all.slice(at, at + 3).map((e) => e.kind), ['book', 'trades', 'tickers'], 'at one ms: book, trades, tickers');

    const window = await readAll(root, MIDNIGHT - 1000, MIDNIGHT + 1000);
    assert.deepEqual(window.filter((e) => e.kind === 'trades').map((e) => e.row), t.filter((r) => r.ts >= MIDNIGHT - 1000 && r.ts < MIDNIGHT + 1000));
  });

  it('DuckDB reads the files as a hive-partitioned dataset: exchange, symbol and date as columns, timestamps as timestamps', async () => {
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market, rows: trades(MIDNIGHT + 500, 3, 10) });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const result = await conn.runAndReadAll(
        `select exchange, symbol, cast(date as varchar) as date, epoch_ms(ts) as ts, id, price, amount, side from read_parquet('${root}/trades/**/*.parquet', hive_partitioning = true) order by ts`,
      );
      const rows = result.getRowObjectsJson();
      assert.deepEqual(
        rows.map((r) => [r['exchange'], r['symbol'], r['date'], Number(r['ts']), r['id'], r['side']]),
        trades(MIDNIGHT + 500, 3, 10).map((t) => ['binance', 'BTC/USDT', '2026-11-29', t.ts, t.id, t.side]),
      );
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('a corrupt part is skipped and named, the rest still read; a temp file is never read and is swept once its writer is gone', async () => {
    const store = new ParquetStore(root);
    await store.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 10, 10) });
    const dir = partitionDir(root, 'trades', market, MIDNIGHT);
    await fs.writeFile(path.join(dir, `${MIDNIGHT + 200}-${MIDNIGHT + 300}-1-1.parquet`), 'PAR1 not really');
    const leftover = `${MIDNIGHT + 400}-${MIDNIGHT + 500}-1-2.parquet.999999999.1.tmp`;
    await fs.writeFile(path.join(dir, leftover), 'half a file');
    const problems: string[] = [];
    const got = await readAll(root, 0, 4e12, (m) => problems.push(m));
    assert.equal(got.length, 10);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /skipped the recorded file .*-1-1\.parquet/);

    const next = new ParquetStore(root); // a new process's store sweeps dead writers' leftovers in a folder it writes to
    await next.write({ kind: 'trades', market, rows: trades(MIDNIGHT + 1000, 1, 10, 100) });
    assert.ok(!(await fs.readdir(dir)).includes(leftover), 'swept');
  });

  it('refuses writes after close', async () => {
    const store = new ParquetStore(root);
    await store.close();
    await assert.rejects(store.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 1, 1) }), /closed/);
  });
});
