/** The order book panel's messages: book updates from the host, the number of levels from the webview. */
import { BOOK_DEPTH } from '../util/bookDepth';
import { command, fields, notification, payload } from './ipc';
import { amount, market, price, type MarketRef } from './shared';
import { arrayOf, num, optional, record, tuple } from './wireCheck';

export type LevelWire = [price: number, amount: number];

const level = tuple(price, amount);

// Host → webview
export const BookUpdate = notification(
  'book/update',
  payload<{
    readonly market: MarketRef;
    readonly bids: readonly LevelWire[];
    readonly asks: readonly LevelWire[];
    readonly levels: number;
    /** The market's lot step, when the exchange publishes one: amounts are shown with its decimals. */
    readonly amountStep?: number;
    /** The market's tick size, when the exchange lists it (not for an aggregate): prices are shown with its decimals. */
    readonly tickSize?: number;
  }>(record({ market, bids: arrayOf(level), asks: arrayOf(level), levels: num({ integer: true, min: 1, max: 10_000 }), amountStep: optional(price), tickSize: optional(price) })),
);

// Webview → host
export const BookSetLevels = command('book/setLevels', fields<{ readonly levels: number }>({ levels: num({ integer: true, min: 5, max: BOOK_DEPTH }) }), `levels must be a whole number from 5 to ${BOOK_DEPTH}`);
