/** The liquidity heatmap panel's messages: book samples (one column each) with the trades between them, from the host. */
import { notification, payload } from './ipc';
import { amount, market, price, time, tradesMissingSpans, type MarketRef, type TradesMissingWire } from './shared';
import { arrayOf, flatGroups, num, optional, record, tuple } from './wireCheck';

/**
 * One sample of the book: `[time, bids, asks, trades]`. `bids` and `asks` are flat `[price, amount, …]`, best first,
 * as the book stood at `time`; `trades` is flat `[price, buyAmount, sellAmount, …]`, the trades since the previous
 * sample merged per price.
 */
export type HeatmapColumnWire = [time: number, bids: number[], asks: number[], trades: number[]];

const levels = flatGroups(price, amount);
const column = tuple(time, levels, levels, flatGroups(price, amount, amount));

// Host → webview
/** The newest columns held (oldest first): replaces what the webview holds; it keeps at most `maxColumns`. */
export const HeatmapSnapshot = notification(
  'heatmap/snapshot',
  payload<{
    readonly market: MarketRef;
    /** The interval against which a gap between neighbouring columns is told: the widest one a column held was sampled at. */
    readonly sampleMs: number;
    readonly maxColumns: number;
    readonly columns: readonly HeatmapColumnWire[];
    /** The market's lot step, when the exchange publishes one: sizes are shown with its decimals. */
    readonly amountStep?: number;
    /** The spans whose trades will never come (at most MAX_TRADES_MISSING, oldest first): the columns' trade marks lack them. Absent: none. */
    readonly tradesMissing?: readonly TradesMissingWire[];
    /** How many of a reconnect's holes' trades came older than every column held, so no column shows them. Absent: none. */
    readonly tradesBeforeColumns?: number;
  }>(
    record({
      market,
      sampleMs: num({ integer: true, min: 1 }),
      maxColumns: num({ integer: true, min: 1, max: 1_000_000 }),
      columns: arrayOf(column),
      amountStep: optional(num({ above: 0 })),
      tradesMissing: optional(tradesMissingSpans),
      tradesBeforeColumns: optional(num({ integer: true, min: 1 })),
    }),
  ),
);
/** New columns since the last message, oldest first. */
export const HeatmapColumns = notification('heatmap/columns', payload<{ readonly columns: readonly HeatmapColumnWire[] }>(record({ columns: arrayOf(column) })));
/** Columns older than every one the webview holds (oldest first): the rest of the host's history after a snapshot, a chunk per frame. */
export const HeatmapOlder = notification('heatmap/older', payload<{ readonly columns: readonly HeatmapColumnWire[] }>(record({ columns: arrayOf(column) })));
/** A span of trades was given up: every span the heatmap keeps (at most MAX_TRADES_MISSING, oldest first), replacing those shown. */
export const HeatmapTradesMissing = notification('heatmap/tradesMissing', payload<{ readonly missing: readonly TradesMissingWire[] }>(record({ missing: tradesMissingSpans })));
