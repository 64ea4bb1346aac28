/** Where replay, backtests and the Markets tree read recordings from: the embedded store or a server, behind one interface. */
import type { RecordedMarketSummary } from './recordedMarkets';
import { firstRecordedTrade, recordedMarkets } from './recordedMarkets';
import { readRecorded, readRecordedDays, type ReadRange, type RecordedDay } from './recordReader';
import type { RecordedEvent, RecordedMarket, RecordingHole } from './recordTypes';
import { storedHoles, type HoleFooterCache } from './storedHoles';
import { storedTickSize } from './storedTickSize';

export interface RecordSource {
  /** A short name for logs and messages ("parquet /path", "clickhouse host:port/db"). */
  readonly name: string;
  /**
   * Rows in [from, until) a day at a time, each kind of a day apart and in time order (at one millisecond in the
   * recorded order, books by seq), trades as the engine's trades: what a replay holds at once. A bad row or file is
   * skipped and named through `range.onProblem`; an unreachable store rejects.
   */
  readDays(range: ReadRange): AsyncGenerator<RecordedDay>;
  /** Every row in [from, until) with all its fields (a trade's receive time too), in the readers' time order: for checks and exports. */
  readRows(range: ReadRange): AsyncGenerator<RecordedEvent>;
  /** The markets with recorded trades, by exchange then symbol. `signal` ends the read (it rejects with the signal's reason): the user went on. */
  markets(signal?: AbortSignal): Promise<RecordedMarketSummary[]>;
  /** When the market's recorded trades begin (epoch ms); undefined when none are recorded. Cheaper than `markets()`. */
  firstTrade(market: RecordedMarket): Promise<number | undefined>;
  /** The market's tick size as kept with its trades around `at`; undefined where the recording keeps none (then inferred). */
  tickSize(market: RecordedMarket, at: number): Promise<number | undefined>;
  /**
   * The spans overlapping [from, until) whose trades the recording may lack, sorted; a bad stored value is named
   * through `onProblem`. `signal` ends the read (it rejects with the signal's reason): the user went on.
   */
  holes(market: RecordedMarket, from: number, until: number, onProblem?: (message: string) => void, signal?: AbortSignal): Promise<RecordingHole[]>;
}

/** The embedded Parquet store under `root` as a source. */
export function parquetSource(root: string): RecordSource {
  const footers: HoleFooterCache = new Map();
  return {
    name: `parquet ${root}`,
    readDays: (range) => readRecordedDays(root, range),
    readRows: (range) => readRecorded(root, range),
    markets: (signal) => recordedMarkets(root, signal),
    firstTrade: (market) => firstRecordedTrade(root, market),
    tickSize: (market, at) => storedTickSize(root, market, at),
    holes: (market, from, until, onProblem, signal) => storedHoles(root, market, from, until, onProblem, footers, signal),
  };
}

/** The rows of a source with all their fields, one at a time, in time order. */
export function readEvents(source: RecordSource, range: ReadRange): AsyncGenerator<RecordedEvent> {
  return source.readRows(range);
}
