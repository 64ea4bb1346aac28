/** Where a recorder's batches go: the embedded Parquet store by default; ClickHouse or InfluxDB later, behind this. */
import type { RecordBatch } from './recordTypes';

export interface RecordSink {
  /** A short name for logs and states ("parquet /path", "clickhouse host:port"). */
  readonly name: string;
  /**
   * Stores one batch durably, or rejects (the recorder keeps the batch and retries). A batch either lands whole or
   * not at all: a crash during write never leaves part of it readable as data.
   */
  write(batch: RecordBatch): Promise<void>;
  /** Waits for writes in flight; later writes reject. */
  close(): Promise<void>;
}
