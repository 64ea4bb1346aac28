/** The embedded record store: each batch becomes one snappy-compressed Parquet file per day partition, written atomically. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hyparquetWriter } from './parquet';
import { isOtherProcessRunning, tempFileOf, writeAtomic } from '../util/writeAtomic';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import { toColumns } from './parquetColumns';
import type { RecordSink } from './recordSink';
import { holesOf, type RecordBatch } from './recordTypes';
import { dayOf, partFileName, partitionDir } from './storeLayout';
import { FORMAT_KEY, FORMAT_VERSION } from './storeFormat';
import { WriteGate } from './writeGate';
import { TICK_SIZE_KEY } from './storedTickSize';
import { encodeHoles, HOLES_KEY } from './storedHoles';

/**
 * A file is complete or absent: it is encoded in memory, written to a temp file, synced and renamed, so a process
 * killed mid-write leaves at most a `.tmp` file (never read, swept once its process is gone) and loses only that
 * batch. One file per batch keeps that guarantee without a server; batches are seconds of data, not single rows.
 */
export class ParquetStore implements RecordSink {
  readonly name: string;
  private readonly swept = new Set<string>();
  private readonly gate: WriteGate;

  constructor(
    readonly root: string,
    private readonly log: Logger = silentLogger,
  ) {
    this.name = `parquet ${root}`;
    this.gate = new WriteGate(root);
  }

  async write(batch: RecordBatch): Promise<void> {
    await this.gate.run(() => this.writeByDay(batch));
  }

  async close(): Promise<void> {
    await this.gate.close();
  }

  /**
   * A batch across midnight is a file per day, and stored whole or not at all: a write that fails after a day's file
   * is in place removes it before rejecting, as the recorder keeps the batch and sends it again (its rows would be
   * stored twice). A process killed between the files keeps the first (a crash loses what was not stored).
   */
  private async writeByDay(batch: RecordBatch): Promise<void> {
    if (batch.rows.length === 0) return this.writeHolesOnly(batch);
    const written: string[] = [];
    try {
      for (const part of splitByDay(batch)) {
        const first = part.rows[0];
        const last = part.rows[part.rows.length - 1];
        if (!first || !last) continue;
        const dir = partitionDir(this.root, part.kind, part.market, dayOf(first.ts));
        await fs.mkdir(dir, { recursive: true });
        await this.sweepLeftovers(dir);
        const file = path.join(dir, partFileName(minTs(part), Math.max(maxTs(part), holesEnd(part))));
        await writeAtomic(file, encodeBatch(part), { durable: true });
        written.push(file);
      }
    } catch (err) {
      for (const file of written) {
        await fs.rm(file, { force: true }).catch((rmErr: unknown) => this.log.warn(`record store: ${file}, part of a batch whose write failed, could not be removed (${errorMessage(rmErr)}); its rows may be stored twice when the batch is written again`));
      }
      throw err;
    }
  }

  /** Holes no trade came after to carry (a market gone quiet, a stop): a file without rows, in the day the first starts. */
  private async writeHolesOnly(batch: RecordBatch): Promise<void> {
    const holes = holesOf(batch);
    const first = holes[0];
    if (!first) return;
    const dir = partitionDir(this.root, batch.kind, batch.market, dayOf(first.from));
    await fs.mkdir(dir, { recursive: true });
    await this.sweepLeftovers(dir);
    await writeAtomic(path.join(dir, partFileName(first.from, holesEnd(batch))), encodeBatch(batch), { durable: true });
  }

  /** Temp files of writes killed mid-way (by a process no longer running), once per folder and process. */
  private async sweepLeftovers(dir: string): Promise<void> {
    if (this.swept.has(dir)) return;
    this.swept.add(dir);
    for (const name of await fs.readdir(dir)) {
      const temp = tempFileOf(name);
      if (!temp || isOtherProcessRunning(temp.pid)) continue;
      await fs.rm(path.join(dir, name), { force: true });
      this.log.info(`record store: removed ${name}, left by an interrupted write`);
    }
  }
}

/** One batch as a Snappy Parquet file's bytes, with what it holds in its key-value metadata (and `extra`). */
export function encodeBatch(batch: RecordBatch, extra: ReadonlyArray<{ key: string; value: string }> = []): Uint8Array {
  const bytes = hyparquetWriter().parquetWriteBuffer({
    columnData: toColumns(batch),
    kvMetadata: [
      { key: FORMAT_KEY, value: FORMAT_VERSION },
      { key: 'tradesuite.kind', value: batch.kind },
      { key: 'tradesuite.exchange', value: batch.market.exchange },
      { key: 'tradesuite.symbol', value: batch.market.symbol },
      ...(batch.kind === 'trades' && batch.tickSize !== undefined ? [{ key: TICK_SIZE_KEY, value: String(batch.tickSize) }] : []),
      ...(holesOf(batch).length > 0 ? [{ key: HOLES_KEY, value: encodeHoles(holesOf(batch)) }] : []),
      ...extra,
    ],
    createdBy: 'tradesuite recorder',
  });
  return new Uint8Array(bytes);
}

/** The batch cut where the UTC day changes (rows are in time order, but a backfill may reach back: grouped, not cut). */
function splitByDay(batch: RecordBatch): RecordBatch[] {
  const days = new Map<number, unknown[]>();
  for (const row of batch.rows) {
    const day = dayOf(row.ts);
    const rows = days.get(day) ?? [];
    rows.push(row);
    days.set(day, rows);
  }
  if (days.size <= 1) return [batch];
  return [...days.values()].map((rows) => ({ ...batch, rows }) as RecordBatch);
}

/**
 * The last millisecond of the holes a batch carries (-Infinity for none): a file's name reaches through it, so the
 * holes stored since a time are found from the names (a hole may end after the rows it is written with: rows dropped
 * while the oldest buffered were written, a stop in a quiet market).
 */
export function holesEnd(batch: RecordBatch): number {
  let end = Number.NEGATIVE_INFINITY;
  for (const h of holesOf(batch)) end = Math.max(end, h.until - 1);
  return end;
}

function minTs(batch: RecordBatch): number {
  let m = Number.POSITIVE_INFINITY;
  for (const r of batch.rows) m = Math.min(m, r.ts);
  return m;
}

function maxTs(batch: RecordBatch): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const r of batch.rows) m = Math.max(m, r.ts);
  return m;
}
