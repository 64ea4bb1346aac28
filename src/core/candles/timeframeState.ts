// A candle factory's state per timeframe, and the small rules over it (live or not, merging seeds, the start's disk read).
import type { Candle } from '../types';
import type { Timeframe } from '../timeframes';
import { CandleSeries } from './candleSeries';
import type { BackfillEvent } from './factoryEvent';
import type { UnsettledRange } from './heldBars';
import type { SeamHole } from './seamCheck';
import type { SeamGuard } from './seamGuard';

/** What a seed job does for a timeframe: its first seed (to `depth` bars), or a backfill from `since` on. */
export type SeedMode = { readonly kind: 'initial'; readonly depth: number } | { readonly kind: 'gap'; readonly since: number };

/** One timeframe of a candle factory: its bars and where its seeding, repair and settling stand. */
export interface TimeframeState {
  readonly series: CandleSeries;
  depth: number;
  status: 'seeding' | 'ready';
  /** Set when this timeframe must be (re)seeded by the next job. */
  pending: SeedMode | undefined;
  /** Taken by the running seed job: its trades are buffered, not applied. */
  inJob: boolean;
  unpersisted: Candle[];
  /** A failed seed or backfill waiting for its next try, and how many tries failed in a row. */
  repair: { readonly timer: NodeJS.Timeout; readonly mode: SeedMode } | undefined;
  failures: number;
  /**
   * Partial buckets the exchange's own klines replace once they have closed and cover what the bars hold: the bar
   * seeded by the weaker seam, and bars a gap backfill could not rebuild because the klines lagged (heldBars.ts).
   */
  unsettled: (UnsettledRange & { fetching: boolean; failures: number; notBefore?: number }) | undefined;
  /** When it last stopped taking live trades (a reseed began): every trade it holds is at or before this time. */
  heldUpTo: number | undefined;
  /** A seed or backfill given up: the stream's next reconnect tries it again (with the gap). */
  abandoned: SeedMode | undefined;
  /** Cached bars shown before the first seed ends; kept as the history if that seed fails. */
  cached: Candle[] | undefined;
  /**
   * The disk cache's bars as the hub read them for this timeframe's start (its preview, with `depth`): the first
   * seed's preview and history take them instead of reading the file again. Dropped once that seed is in.
   */
  diskRead: { readonly depth: number; readonly bars: readonly Candle[] } | undefined;
  /** The first seed failed: the series holds cached bars and live trades only, until a retry succeeds. */
  historyMissing: boolean;
  /** The seam minute of its last seed: its bars before it came from REST (rebuildBehindSeam). */
  restUpTo: number;
  /** The last backfill outcome while it was not `done` (and when, by the wall clock: its retry is a timer), for consumers that join later. */
  trouble: { readonly event: BackfillEvent; readonly at: number } | undefined;
  /**
   * The REST trades its last seam installed, so that the stream's copies of them are not counted again. Its own:
   * a timeframe live during another's seam did not get that seam's REST trades, and must count their copies.
   */
  seamGuard: SeamGuard | undefined;
  /** The bars the first seam's check holds partial until it settles (seamCheck.ts). */
  seamHole: SeamHole | undefined;
}

/** A timeframe just added: its first seed (to `depth` bars) queued; `diskRead` the disk cache's bars already read for it. */
export function newTimeframeState(tf: Timeframe, depth: number, maxBars: number, diskRead: readonly Candle[] | undefined): TimeframeState {
  return { series: new CandleSeries(tf, Math.max(maxBars, depth)), depth, status: 'seeding', pending: { kind: 'initial', depth }, inJob: false, unpersisted: [], repair: undefined, failures: 0, unsettled: undefined, heldUpTo: undefined, abandoned: undefined, cached: undefined, diskRead: diskRead && { depth, bars: diskRead }, historyMissing: false, restUpTo: -Infinity, trouble: undefined, seamGuard: undefined, seamHole: undefined };
}

/** Taking live trades: seeded, and no seed of it queued or running. */
export const isLive = (s: TimeframeState): boolean => s.status === 'ready' && !s.pending && !s.inJob;

/** One seed covering both: an initial seed covers everything (at the larger depth); gaps merge from the earlier start. */
export function mergeModes(a: SeedMode | undefined, b: SeedMode): SeedMode {
  if (!a) return b;
  if (a.kind === 'initial' || b.kind === 'initial') return { kind: 'initial', depth: Math.max(a.kind === 'initial' ? a.depth : 0, b.kind === 'initial' ? b.depth : 0) };
  return { kind: 'gap', since: Math.min(a.since, b.since) };
}

/** The disk cache's bars read for the timeframe's start, if they reach as deep as `depth` (a deeper seed reads the file). */
export function diskBars(state: TimeframeState | undefined, depth: number): readonly Candle[] | undefined {
  const read = state?.diskRead;
  return read && depth <= read.depth ? read.bars : undefined;
}

/**
 * The same, for a seed: taken once. The seed writes what it fetched to the file, so a seed run again before the
 * timeframe is ready (a failed or superseded one) reads the file; given the start's read again it fetched the whole
 * history again (Coinbase's cold start: 10 kline pages where 6 do).
 */
export function takeDiskBars(state: TimeframeState | undefined, depth: number): readonly Candle[] | undefined {
  const bars = diskBars(state, depth);
  if (state) state.diskRead = undefined;
  return bars;
}
