/** The time & sales panel's messages: the merged trade tape from the host, the size filter from the webview. */
import { command, fields, notification, payload } from './ipc';
import { amount, CONNECTION_STATUSES, legsOf, market, MAX_LEG_LABEL_CHARS, MAX_TRADES_MISSING, price, time, tradesMissingSpans, type ConnectionStatus, type MarketRef, type TradesMissingWire } from './shared';
export { MAX_MISSING_REASON_CHARS } from './shared';
import { arrayOf, bool, both, num, nullable, oneOf, optional, record, str, tupleWithTail } from './wireCheck';
import { MAX_LEGS } from '../util/maxLegs';

/**
 * One tape row: the trades of one millisecond at one price on one side, merged. `id` grows with each new row; a row
 * sent again with an id the webview holds replaces it (a later trade of the same millisecond merged into it).
 * `leg`: an aggregate's row, its leg (null on a single market's liquidation row). `liquidation` (1): the row is
 * liquidations, not trades; `side` is then the side of the liquidation's order (a long position is closed by a
 * sell), `trades` how many liquidations were merged (0: trades). `late` (1): trades of a reconnect's hole, fetched
 * from REST after the stream had moved past them, placed in time order (never merged with the stream's rows).
 */
export type TapeRowWire = [id: number, time: number, price: number, amount: number, side: 'buy' | 'sell', trades: number, leg?: number | null, liquidation?: 0 | 1, late?: 1];

/** Whether a row is liquidations (of its own kind: never merged with trades, never counted as trades). */
export const isLiquidationRow = (r: TapeRowWire): boolean => r[7] === 1;

/** Whether a row is trades fetched from REST after a reconnect (late), placed in time order. */
export const isLateRow = (r: TapeRowWire): boolean => r[8] === 1;

/** The liquidation stream beside a tape (a derivatives market, or an aggregate with derivatives legs): its state, named. */
export interface TapeLiquidationsWire {
  readonly status: ConnectionStatus;
  readonly reason?: string;
}

/** A tape's span of trades that will never come (TradesMissingWire), shown among its rows. */
export type TapeMissingWire = TradesMissingWire;

/**
 * Late trades (a reconnect's hole, fetched from REST) older than every row the tape kept when they came: how many,
 * their base volume, and the span of their times. The tape has no place for them among its rows, so it says so.
 */
export interface TapeLateOlderWire {
  readonly from: number;
  readonly until: number;
  readonly trades: number;
  readonly volume: number;
}

/** Trades and base volume over the last minute of market time (every trade counts, whatever the filter). */
export interface TapeStatsWire {
  readonly tradesPerMinute: number;
  readonly volumePerMinute: number;
}

/** The display rules: rows under `minSize` are left out, rows at or over `highlightSize` are big prints (quote value). */
export interface TapeFilterWire {
  readonly minSize: number;
  readonly highlightSize: number;
}

/** Why the liquidation stream is not live. */
export const MAX_LIQUIDATIONS_REASON_CHARS = 2000;
/** The base currency's name (an exchange's). */
export const MAX_BASE_CHARS = 40;
/** The spans of missing trades a tape keeps (the newest). */
export const MAX_TAPE_MISSING = MAX_TRADES_MISSING;
/** The sums of late trades older than the rows a tape keeps (the newest). */
export const MAX_TAPE_LATE_OLDER = 20;

/** An aggregate's row: the index of its leg in the snapshot's `legs`. */
const row = tupleWithTail(
  [num({ integer: true, min: 0 }), time, price, amount, oneOf(['buy', 'sell']), num({ integer: true, min: 1 })],
  [nullable(num({ integer: true, min: 0, max: MAX_LEGS - 1 })), num({ integer: true, min: 0, max: 1 }), num({ integer: true, min: 1, max: 1 })],
);
const liquidations = record({ status: oneOf(CONNECTION_STATUSES), reason: optional(str(MAX_LIQUIDATIONS_REASON_CHARS)) });
const missingSpans = tradesMissingSpans;
const lateOlder = record({ from: time, until: time, trades: num({ integer: true, min: 1 }), volume: amount });
const lateOlders = both(arrayOf(lateOlder), (v, path) => ((v as unknown[]).length > MAX_TAPE_LATE_OLDER ? `${path}: at most ${MAX_TAPE_LATE_OLDER} entries` : undefined));
const stats = record({ tradesPerMinute: num({ integer: true, min: 0 }), volumePerMinute: amount });
const size = num({ min: 0, max: 1e12 });
const filter = record({ minSize: size, highlightSize: size });

// Host → webview
/** Every row held that passes the filter, newest first; replaces what the webview shows. */
export const TapeSnapshot = notification(
  'tape/snapshot',
  payload<{
    readonly market: MarketRef;
    readonly rows: readonly TapeRowWire[];
    readonly stats: TapeStatsWire;
    readonly filter: TapeFilterWire;
    readonly maxRows: number;
    /** An aggregate's tape: the exchange column's name of each leg (a row's `leg` indexes it). */
    readonly legs?: readonly string[];
    /** The market has liquidations: their stream's state (absent: a spot market, or an aggregate of spot legs). */
    readonly liquidations?: TapeLiquidationsWire;
    /** The market's lot step, when the exchange publishes one (not for an aggregate): sizes are shown with its decimals. */
    readonly amountStep?: number;
    /** The market's tick size (an aggregate's: its finest leg's), once listed: prices are shown with its decimals. */
    readonly tickSize?: number;
    /** An aggregate's tape: each leg's lot step in base units (null where it has none), indexed like `legs`. */
    readonly legAmountSteps?: readonly (number | null)[];
    /** The base currency the sizes and the minute's volume are in (BTC), once the market (an aggregate's legs) is loaded. */
    readonly base?: string;
    /** The spans whose trades will never come (at most MAX_TAPE_MISSING, oldest first); absent: none. */
    readonly missing?: readonly TapeMissingWire[];
    /** Late trades older than every row kept (at most MAX_TAPE_LATE_OLDER, oldest first); absent: none. */
    readonly lateOlder?: readonly TapeLateOlderWire[];
    /** A reconnect's hole is owed: its trades (or word of their loss) are still to come. */
    readonly catchingUp?: boolean;
  }>(
    record({
      market,
      rows: arrayOf(row),
      stats,
      filter,
      maxRows: num({ integer: true, min: 1, max: 100_000 }),
      legs: optional(legsOf(str(MAX_LEG_LABEL_CHARS))),
      liquidations: optional(liquidations),
      amountStep: optional(num({ above: 0 })),
      tickSize: optional(num({ above: 0 })),
      legAmountSteps: optional(legsOf(nullable(num({ above: 0 })))),
      base: optional(str(MAX_BASE_CHARS, { nonEmpty: true })),
      missing: optional(missingSpans),
      lateOlder: optional(lateOlders),
      catchingUp: optional(bool),
    }),
  ),
);
/** New and changed rows since the last message, oldest first. */
export const TapeRows = notification('tape/rows', payload<{ readonly rows: readonly TapeRowWire[]; readonly stats: TapeStatsWire }>(record({ rows: arrayOf(row), stats })));
/** A span of trades was given up: every span the tape keeps (at most MAX_TAPE_MISSING, oldest first), replacing those shown. */
export const TapeMissing = notification('tape/missing', payload<{ readonly missing: readonly TapeMissingWire[] }>(record({ missing: missingSpans })));
/** Whether a reconnect's hole is owed (its trades, or word of their loss, still to come). */
export const TapeCatchingUp = notification('tape/catchingUp', payload<{ readonly catchingUp: boolean }>(record({ catchingUp: bool })));
/** The liquidation stream's state changed. */
export const TapeLiquidations = notification('tape/liquidations', payload<TapeLiquidationsWire>(liquidations));

// Webview → host
export const TapeSetFilter = command(
  'tape/setFilter',
  fields<TapeFilterWire>({ minSize: size, highlightSize: size }),
  'minSize and highlightSize must be numbers from 0 to 1e12 (quote currency)',
);
