// What a candle factory tells its consumers (the hub turns these into a subscription's bars and named state).
import type { Timeframe } from '../timeframes';
import type { Candle } from '../types';
import type { CandleDelta } from './candleDelta';

export type FactoryEvent =
  /** Bars from the disk cache, to paint while the first seed tops them up over REST ('ready' follows). */
  | { readonly type: 'cached'; readonly timeframe: Timeframe; readonly candles: readonly Candle[] }
  | { readonly type: 'ready'; readonly timeframe: Timeframe }
  | { readonly type: 'deltas'; readonly timeframe: Timeframe; readonly deltas: readonly CandleDelta[]; readonly dataTime?: number }
  /**
   * REST work its consumers cannot see coming began inside a trade batch (the first seam's check, a rebuild behind the
   * seam, the backfill a check starts): the bars are not whole until `caught up` or the backfill's outcome.
   */
  | { readonly type: 'catching up'; readonly timeframe: Timeframe }
  /** The first seam's check found no trade missing: the bars it held partial are whole (closed) again. */
  | { readonly type: 'caught up'; readonly timeframe: Timeframe }
  /**
   * A seed or gap backfill ended: `done`; `failed` with what was kept (bars marked partial) and the next try (the
   * `attempt`-th failure in a row); `gave up` when it will not be tried again before the stream's next reconnect.
   * `message` is the whole error (for logs), `reason` a short one for a badge. A `done` whose newest bars the first
   * seam's check now holds says `catchingUp`: not whole until `caught up` or the outcome of the backfill the check
   * starts (its `catching up` follows, for consumers that read only that).
   */
  | { readonly type: 'backfill'; readonly timeframe: Timeframe; readonly outcome: 'done'; readonly catchingUp?: true }
  | { readonly type: 'backfill'; readonly timeframe: Timeframe; readonly outcome: 'failed'; readonly message: string; readonly reason: string; readonly attempt: number; readonly retryInMs: number }
  | { readonly type: 'backfill'; readonly timeframe: Timeframe; readonly outcome: 'gave up'; readonly message: string; readonly reason: string };

export type BackfillEvent = Extract<FactoryEvent, { type: 'backfill' }>;
