// What a candle factory knows of its trade stream, shared with its seed jobs: one object, each fact read where it is
// needed (a seed's awaits do not hold a copy of it).
import type { Trade } from '../types';

export interface StreamFacts {
  /** Trades received while a seeding job runs, in arrival order: replaced, not emptied (never kept across an await). */
  buffer: Trade[];
  wasLive: boolean;
  /** Counts the stream's turns live (each start after a break): a seed tells whether it stayed live while it ran. */
  liveTurns: number;
  /**
   * The newest trade time the series may hold: ingested trades (a batch need not be in order) and the REST trades a
   * seam installed, which can be ahead of the stream (Coinbase pushes its trades in 250 ms batches).
   */
  newestTradeTs: number | undefined;
  /** Where a drop's gap begins, until the stream is live again and its backfill is queued. */
  gapSince: number | undefined;
  /** A reconnect's gap backfill is queued: the seed that runs it meets the stream's first read after the drop. */
  firstReadAfterDrop: boolean;
  /** The earliest seam minute of the seeds installed: every timeframe's REST history is known up to there at least. */
  seededUpTo: number | undefined;
  /** How long the exchange's klines may lag its trades (its capabilities, read by each seed): no kline younger is final. */
  klineLagMs: number;
}

export function newStreamFacts(): StreamFacts {
  return { buffer: [], wasLive: false, liveTurns: 0, newestTradeTs: undefined, gapSince: undefined, firstReadAfterDrop: false, seededUpTo: undefined, klineLagMs: 0 };
}
