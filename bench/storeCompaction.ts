/**
 * Compaction of a recorded day (`bench compaction`): the same 1,000,000 trades written as 5,000 part files of 200 (a
 * quiet recorder flushing often: a busy day has many thousands) and as 20 parts of 50,000, each day compacted into
 * one file; the time per row of the many parts against the few. Before s57 the merge copied the day so far once per
 * part (quadratic in the parts); what is left above ×1 is each part's open and footer read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ParquetStore } from '../src/core/record/parquetStore';
import type { TradeRow } from '../src/core/record/recordTypes';
import { COMPACT_AFTER_MS, compactStore } from '../src/core/record/storeCompaction';

const DAY = Date.parse('2026-11-27T00:00:00Z');
const DAY_MS = 86_400_000;
const ROWS = 1_000_000;
const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

export interface CompactionRun {
  readonly parts: number;
  readonly rows: number;
  readonly ms: number;
  readonly usPerRow: number;
}

export interface StoreCompactionResult {
  readonly many: CompactionRun;
  readonly few: CompactionRun;
  /** many ÷ few of the time per row (1 = the number of parts costs nothing). */
  readonly ratio: number;
}

async function compactDay(parts: number): Promise<CompactionRun> {
  const root = mkdtempSync(path.join(tmpdir(), 'ts-bench-compact-'));
  try {
    const store = new ParquetStore(root);
    const perPart = ROWS / parts;
    const spacing = (DAY_MS - 1) / ROWS;
    for (let p = 0; p < parts; p++) {
      const rows: TradeRow[] = [];
      for (let i = p * perPart; i < (p + 1) * perPart; i++) {
        const ts = DAY + Math.floor(i * spacing);
        rows.push({ ts, id: String(i + 1), price: 60_000 + (i % 97) * 0.01, amount: 0.001 * (1 + (i % 13)), side: i % 2 ? 'buy' : 'sell', received: ts + 3 });
      }
      await store.write({ kind: 'trades', market: MARKET, rows });
    }
    await store.close();
    const started = performance.now();
    const done = await compactStore(root, DAY + DAY_MS + COMPACT_AFTER_MS);
    const ms = performance.now() - started;
    const rows = done.reduce((n, r) => n + r.rows, 0);
    if (rows !== ROWS) throw new Error(`compaction merged ${rows} rows of ${ROWS}`);
    return { parts, rows, ms: Math.round(ms), usPerRow: Math.round((ms * 1000 * 100) / rows) / 100 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function benchStoreCompaction(): Promise<StoreCompactionResult> {
  await compactDay(20); // warm-up: the Parquet writer and reader compiled
  const many = await compactDay(5_000);
  const few = await compactDay(20);
  return { many, few, ratio: Math.round((many.usPerRow / few.usPerRow) * 100) / 100 };
}
