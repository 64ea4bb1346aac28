/** The ClickHouse record store's writer: each recorder batch becomes one INSERT (RowBinary) into the kind's table. */
import { silentLogger, type Logger } from '../util/log';
import { ClickHouseHttp, type ClickHouseConnection } from './clickHouseHttp';
import { createTableSql, createTickTableSql, encodeHoleRows, encodeRows, encodeTickRow, insertHolesSql, insertSql, insertTickSql } from './clickHouseTables';
import { ensureHolesTable } from './clickHouseHolesTable';
import type { RecordSink } from './recordSink';
import type { RecordBatch } from './recordTypes';
import { holesOf, RECORD_KINDS } from './recordTypes';
import { WriteGate } from './writeGate';
import { dayOf } from './storeLayout';

/**
 * A write that fails (server down, refused, timed out) rejects, and the recorder keeps the rows in its bounded buffer
 * and retries with backoff (its `behind` and `dropping` states): this sink holds nothing itself. The database and
 * tables are created on the first write, and again after a failure (a server replaced by an empty one).
 *
 * A batch whose answer was lost may be stored and then sent again: its rows get new `ins` numbers, and the reader
 * keeps one copy of each (see ClickHouseSource), so a retry never shows as a duplicate.
 */
export class ClickHouseSink implements RecordSink {
  readonly name: string;
  private readonly http: ClickHouseHttp;
  private readonly server: ClickHouseHttp;
  private ready: Promise<void> | undefined;
  private readonly gate: WriteGate;
  /** The last `ins` given: time-based, so a later writer (a restart, another process) numbers after an earlier one. */
  private lastIns = 0;
  /** Per market, the tick size and day last stored (`tick@day`). */
  private readonly tickStored = new Map<string, string>();

  constructor(
    conn: ClickHouseConnection,
    private readonly log: Logger = silentLogger,
  ) {
    this.http = new ClickHouseHttp(conn);
    // CREATE DATABASE runs before the database exists: through the server's default database.
    this.server = new ClickHouseHttp({ ...conn, database: 'default' });
    this.name = `clickhouse ${this.http.endpoint}/${this.http.database}`;
    this.gate = new WriteGate(this.name);
  }

  async write(batch: RecordBatch): Promise<void> {
    await this.gate.run(() => (batch.rows.length === 0 && holesOf(batch).length === 0 ? Promise.resolve() : this.insert(batch)));
  }

  async close(): Promise<void> {
    await this.gate.close();
  }

  /** Creates the database and the tables if missing (once; again after a failed write). */
  ensureTables(): Promise<void> {
    this.ready ??= (async () => {
      await this.server.exec(`CREATE DATABASE IF NOT EXISTS ${this.http.database}`);
      for (const kind of RECORD_KINDS) await this.http.exec(createTableSql(kind));
      await this.http.exec(createTickTableSql());
      await ensureHolesTable(this.http, this.log);
      this.log.info(`record store ${this.name}: tables ready`);
    })();
    return this.ready;
  }

  private async insert(batch: RecordBatch): Promise<void> {
    try {
      await this.ensureTables();
      if (batch.kind === 'trades') await this.storeTickSize(batch);
      // Before the rows: a retry after a lost answer stores them again, which the table's merge and DISTINCT absorb.
      if (holesOf(batch).length > 0) await this.http.exec(insertHolesSql(), encodeHoleRows(batch.market, holesOf(batch)));
      if (batch.rows.length > 0) await this.http.exec(insertSql(batch.kind), encodeRows(batch, () => this.nextIns()));
    } catch (err) {
      // A failed write may be a server that lost its tables (wiped, recreated): they and the tick sizes are made again.
      this.ready = undefined;
      this.tickStored.clear();
      throw err;
    }
  }

  /** The batch's tick size, once per market and day and again when it changes (a failed write is tried again with its batch). */
  private async storeTickSize(batch: Extract<RecordBatch, { kind: 'trades' }>): Promise<void> {
    const first = batch.rows[0];
    if (batch.tickSize === undefined || first === undefined) return;
    const key = `${batch.market.exchange}\u0000${batch.market.symbol}`;
    const stored = `${batch.tickSize}@${dayOf(first.ts)}`;
    if (this.tickStored.get(key) === stored) return;
    await this.http.exec(insertTickSql(), encodeTickRow(batch.market, first.ts, batch.tickSize));
    this.tickStored.set(key, stored);
  }

  /** Microseconds of the wall clock, or one more than the last: unique and increasing within this writer. */
  private nextIns(): number {
    this.lastIns = Math.max(this.lastIns + 1, Date.now() * 1000);
    return this.lastIns;
  }
}
