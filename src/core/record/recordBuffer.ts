/** The rows waiting to be written, bounded: past its bound new rows are dropped and counted, never held. */
import type { RecordKind, RowOf } from './recordTypes';

type Rows = { [K in RecordKind]: Array<RowOf<K>> };

export class RecordBuffer {
  private readonly rows: Rows = { trades: [], book: [], tickers: [] };
  private size = 0;
  /** Rows refused since the buffer was last below its bound (reset by `takeDropped`). */
  private dropped = 0;

  constructor(readonly bound: number) {}

  get length(): number {
    return this.size;
  }

  lengthOf(kind: RecordKind): number {
    return this.rows[kind].length;
  }

  /** Adds rows of one kind, as many as fit; returns how many were dropped (the newest ones). */
  push<K extends RecordKind>(kind: K, rows: readonly RowOf<K>[]): number {
    const room = Math.max(0, this.bound - this.size);
    const taken = rows.length <= room ? rows : rows.slice(0, room);
    const list = this.rows[kind] as Array<RowOf<K>>;
    for (const r of taken) list.push(r);
    this.size += taken.length;
    const refused = rows.length - taken.length;
    this.dropped += refused;
    return refused;
  }

  /** The oldest rows of a kind, at most `max`, left in the buffer until `commit` says they are stored. */
  peek<K extends RecordKind>(kind: K, max: number): readonly RowOf<K>[] {
    return (this.rows[kind] as Array<RowOf<K>>).slice(0, max);
  }

  commit(kind: RecordKind, count: number): void {
    this.rows[kind].splice(0, count);
    this.size -= count;
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }
}
