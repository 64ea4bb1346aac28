/** The recorded market data: one row type per stream, as the store keeps them and the reader gives them back. */
import type { TradeSide } from '../types';

/** One market of one exchange, as recording is partitioned (and the day, from each row's timestamp). */
export interface RecordedMarket {
  readonly exchange: string;
  readonly symbol: string;
}

/**
 * A normalised trade. `id` is the exchange's trade id (dedup key across reconnects and backfills); `side` is the
 * aggressor's, so footprint, CVD and volume profile are sums over these rows.
 */
export interface TradeRow {
  readonly ts: number;
  readonly id: string;
  readonly price: number;
  readonly amount: number;
  readonly side: TradeSide;
  /** Local receive time (epoch ms); equal to `ts` for trades filled in from REST after a gap. */
  readonly received: number;
}

/**
 * One price level of the order book at `ts`. A `snapshot` is every level of one book (rows sharing `ts` and
 * `seq`): it replaces what was held. A `delta` sets one level; amount 0 removes it. Rebuilding the book at any
 * time is: the last snapshot before it, then the deltas after it in `seq` order (the liquidity heatmap samples that).
 */
export interface BookRow {
  /** The book's time, never before the previous update's (so time order is update order). */
  readonly ts: number;
  /** Increases by one per recorded book update of a market (snapshot or delta), across days; orders rows within a ms. */
  readonly seq: number;
  readonly kind: 'snapshot' | 'delta';
  readonly side: 'bid' | 'ask';
  readonly price: number;
  readonly amount: number;
}

export interface TickerRow {
  readonly ts: number;
  readonly last: number;
  readonly bid: number | null;
  readonly ask: number | null;
  readonly change24hPercent: number | null;
}

/**
 * A span, [from, until) in epoch ms, the recording may lack rows of one kind in, and why: a reconnect's hole the
 * exchange's REST trades could not fill (or not all of it), rows dropped while the store was behind, a stop while a
 * hole was being filled, rows a stop's last write could not store. A replay shows what it lacks: a trade hole marks
 * the bars it touches partial instead of a quiet market; an order book or ticker hole interrupts that stream (its
 * book, heatmap or ticker is stale there), and leaves the bars whole.
 */
export type RecordingHole = { readonly [K in HoleKind]: { readonly kind: K; readonly from: number; readonly until: number; readonly reason: string } }[HoleKind];

/** What a hole lacks: the stream of rows it is in. */
export type HoleKind = RecordKind;

/** The trade holes of a list (those a replay's bars are partial over), in its order. */
export function tradeHoles(holes: readonly RecordingHole[]): RecordingHole[] {
  return holes.filter((h) => h.kind === 'trades');
}

/** What a recorder's holes waiting to be written are merged by: their kind and reason (one reason may be worded for several kinds). Stored ones are clipped by kind (StoredHoleSpans). */
export function holeKey(hole: RecordingHole): string {
  return `${hole.kind}\u0000${hole.reason}`;
}

/** The holes a batch carries: only trade batches do (every kind's, as the store keeps them with the trades). */
export function holesOf(batch: RecordBatch): readonly RecordingHole[] {
  return batch.kind === 'trades' ? (batch.holes ?? []) : [];
}

export type RecordKind = 'trades' | 'book' | 'tickers';
export const RECORD_KINDS: readonly RecordKind[] = ['trades', 'book', 'tickers'];

export type RowOf<K extends RecordKind> = K extends 'trades' ? TradeRow : K extends 'book' ? BookRow : TickerRow;

/** Rows of one kind for one market, in the order they happened. */
export type RecordBatch =
  | {
      readonly kind: 'trades';
      readonly market: RecordedMarket;
      readonly rows: readonly TradeRow[];
      /** The market's price increment as the exchange published it while recording (kept with the trades). */
      readonly tickSize?: number;
      /** Spans the recording may lack rows in (of any kind), known when the batch was written (they land with it or not at all). */
      readonly holes?: readonly RecordingHole[];
    }
  | { readonly kind: 'book'; readonly market: RecordedMarket; readonly rows: readonly BookRow[] }
  | { readonly kind: 'tickers'; readonly market: RecordedMarket; readonly rows: readonly TickerRow[] };

/** A recorded row with what it is, as the reader streams them back in time order. */
export type RecordedEvent =
  | { readonly kind: 'trades'; readonly row: TradeRow }
  | { readonly kind: 'book'; readonly row: BookRow }
  | { readonly kind: 'tickers'; readonly row: TickerRow };
