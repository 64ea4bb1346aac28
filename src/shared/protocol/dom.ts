/** The DOM ladder panel's messages: ladder updates from the host, the price grouping from the webview. */
import { command, fields, notification, payload } from './ipc';
import { amount, legsOf, market, MAX_LEG_LABEL_CHARS, price, time, tradesMissingSpans, type MarketRef, type TradesMissingWire } from './shared';
import { arrayOf, both, nullable, num, oneOf, optional, record, str, type Check } from './wireCheck';
import { MAX_LEGS } from '../util/maxLegs';

export interface DomRowWire {
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
  readonly traded: number;
  /** An aggregate's ladder: each leg's part of the row's resting size (bid + ask), 0 to 1, in leg order. */
  readonly shares?: readonly number[];
  /** An aggregate's ladder: the legs whose trades are in `traded` (bit i: leg i), sent only when some are. */
  readonly tradedLegs?: number;
}

/** A leg's reason is at most this long: the host shortens a longer one (an exchange's error can carry a whole HTML page). */
export const MAX_LEG_REASON_CHARS = 500;

/**
 * An aggregate's leg as its DOM names it: "binance BTC/USDT", and whether its book is live (current), stale (held
 * from before its stream left live: left out of the ladder while another leg is live), waiting (no book yet), down
 * or failed.
 */
export interface DomLegWire {
  readonly label: string;
  readonly status: 'live' | 'stale' | 'waiting' | 'down' | 'failed';
  /** Why it is not live (its stream's state in words), at most MAX_LEG_REASON_CHARS. */
  readonly reason?: string;
  /** A stale leg's: when its book stopped being current (epoch ms). */
  readonly staleSince?: number;
}

/** The best bid and ask of a book whose spread is wider than the ladder's rows. */
export interface SpreadBeyondRowsWire {
  readonly bid: number;
  readonly ask: number;
}

const share = num({ min: 0, max: 1 });

const multiple = num({ integer: true, min: 1, max: 10_000 });
const legBits = num({ integer: true, min: 1, max: 2 ** MAX_LEGS - 1 });
/** An aggregate's `legAmountSteps` go with its `legs`, one each. */
const stepPerLeg: Check = (v, path) => {
  const { legs, legAmountSteps } = v as { legs?: unknown[]; legAmountSteps?: unknown[] };
  if (legAmountSteps === undefined) return undefined;
  if (legs === undefined) return `${path}.legAmountSteps: sent without legs`;
  return legAmountSteps.length === legs.length ? undefined : `${path}.legAmountSteps: ${legAmountSteps.length} steps for ${legs.length} legs`;
};

// Host → webview
export const DomUpdate = notification(
  'dom/update',
  payload<{
    readonly market: MarketRef;
    readonly rows: readonly DomRowWire[];
    readonly lastPrice: number | null;
    readonly tickSize: number;
    /** The market's lot step, when the exchange publishes one (not for an aggregate): sizes are shown with its decimals. */
    readonly amountStep?: number;
    readonly multiple: number;
    readonly multiples: readonly number[];
    /** An aggregate's legs, in the order of each row's shares. */
    readonly legs?: readonly DomLegWire[];
    /** An aggregate's ladder: each leg's lot step in base units (null where it has none), indexed like `legs`: a size shows the decimals of the finest leg in it. */
    readonly legAmountSteps?: readonly (number | null)[];
    /** The spans whose trades will never come (at most MAX_TRADES_MISSING, oldest first): the traded column lacks them. Absent: none. */
    readonly tradesMissing?: readonly TradesMissingWire[];
    /**
     * The book's best bid and ask when every row lies between them (the spread wider than the ladder at this
     * grouping): no row shows a size, and the page says why. Absent otherwise.
     */
    readonly spreadBeyondRows?: SpreadBeyondRowsWire;
  }>(
    both(
      record({
        market,
        // a ladder centred near zero has rows at or below zero: they are drawn, never divided by
        rows: arrayOf(record({ price: num(), bid: amount, ask: amount, traded: amount, shares: optional(legsOf(share)), tradedLegs: optional(legBits) })),
        lastPrice: nullable(price),
        tickSize: price,
        amountStep: optional(price),
        multiple,
        multiples: arrayOf(multiple),
        legs: optional(legsOf(record({ label: str(MAX_LEG_LABEL_CHARS), status: oneOf(['live', 'stale', 'waiting', 'down', 'failed']), reason: optional(str(MAX_LEG_REASON_CHARS)), staleSince: optional(time) }))),
        legAmountSteps: optional(legsOf(nullable(price))),
        tradesMissing: optional(tradesMissingSpans),
        spreadBeyondRows: optional(record({ bid: price, ask: price })),
      }),
      stepPerLeg,
    ),
  ),
);

// Webview → host
export const DomSetMultiple = command('dom/setMultiple', fields<{ readonly multiple: number }>({ multiple }), 'multiple must be a whole number from 1 to 10000');
