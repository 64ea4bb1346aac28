/** Where replay, backtests and the Markets tree read recordings from: the embedded store or a server, behind one interface. */
import type { RecordedMarketSummary } from './recordedMarkets';
import { recordedMarkets } from './recordedMarkets';
import { readRecordedDays, type ReadRange } from './recordReader';
import type { RecordedEvent } from './recordTypes';

export interface RecordSource {
  /** A short name for logs and messages ("parquet /path", "clickhouse host:port/db"). */
  readonly name: string;
  /**
   * Rows in [from, until) a day at a time, each day in time order (`inTimeOrder`): what a replay holds at once. A
   * bad row or file is skipped and named through `range.onProblem`; an unreachable store rejects.
   */
  readDays(range: ReadRange): AsyncGenerator<readonly RecordedEvent[]>;
  /** The markets with recorded trades, by exchange then symbol. */
  markets(): Promise<RecordedMarketSummary[]>;
}

/** The embedded Parquet store under `root` as a source. */
export function parquetSource(root: string): RecordSource {
  return {
    name: `parquet ${root}`,
    readDays: (range) => readRecordedDays(root, range),
    markets: () => recordedMarkets(root),
  };
}

/** The rows of `readDays`, one at a time. */
export async function* readEvents(source: RecordSource, range: ReadRange): AsyncGenerator<RecordedEvent> {
  for await (const day of source.readDays(range)) yield* day;
}
