/** The DOM ladder panel's messages: ladder updates from the host, the price grouping from the webview. */
import { command, fields, notification, payload } from './ipc';
import { amount, market, price, type MarketRef } from './shared';
import { arrayOf, nullable, num, record } from './wireCheck';

export interface DomRowWire {
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
  readonly traded: number;
}

const multiple = num({ integer: true, min: 1, max: 10_000 });

// Host → webview
export const DomUpdate = notification(
  'dom/update',
  payload<{ readonly market: MarketRef; readonly rows: readonly DomRowWire[]; readonly lastPrice: number | null; readonly tickSize: number; readonly multiple: number; readonly multiples: readonly number[] }>(
    record({
      market,
      // a ladder centred near zero has rows at or below zero: they are drawn, never divided by
      rows: arrayOf(record({ price: num(), bid: amount, ask: amount, traded: amount })),
      lastPrice: nullable(price),
      tickSize: price,
      multiple,
      multiples: arrayOf(multiple),
    }),
  ),
);

// Webview → host
export const DomSetMultiple = command('dom/setMultiple', fields<{ readonly multiple: number }>({ multiple }), 'multiple must be a whole number from 1 to 10000');
