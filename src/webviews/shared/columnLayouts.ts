/**
 * A table's layouts in a narrow pane, fullest first: each gives up more of the least important columns (hidden whole,
 * or shortened: the exchange to a code, the time to its seconds), never a number cut in the middle. The first layout
 * with nothing cut is shown (columnFit.ts). Pure; no DOM.
 */

export interface ColumnLayout {
  /** Classes on the table's root (none: its stylesheet's own layout). */
  readonly classes: readonly string[];
  /** Its grid's columns (undefined: the stylesheet's). */
  readonly template: string | undefined;
  /** The columns it hides, by their header's name: the hint over the table says so. */
  readonly hidden: readonly string[];
}

/** Which of `layouts` to show: the first for which nothing is cut (`cutWith` lays it out and reads), else the last. */
export function chooseLayout(count: number, cutWith: (index: number) => boolean): number {
  for (let i = 0; i < count - 1; i++) if (!cutWith(i)) return i;
  return Math.max(0, count - 1);
}

/** Rows [first, end) of a list of `count` rows of `rowHeight` px that a viewport of `viewport` px scrolled by `scrollTop` shows. */
export function rowsInView(scrollTop: number, viewport: number, rowHeight: number, count: number): { first: number; end: number } {
  if (!(rowHeight > 0) || count <= 0) return { first: 0, end: Math.min(count, 1) };
  // A column-reverse list (the book's asks) scrolls to negative offsets: its rows count from its bottom.
  const first = Math.min(count, Math.max(0, Math.floor(Math.abs(scrollTop) / rowHeight)));
  const end = Math.min(count, first + Math.ceil(Math.max(0, viewport) / rowHeight) + 1);
  return { first, end };
}

/** The words of the hint over a table whose layout hides `hidden` (none: no hint). */
export function hiddenHint(hidden: readonly string[]): string | undefined {
  return hidden.length === 0 ? undefined : `${hidden.join(', ')} hidden: widen the pane to show ${hidden.length === 1 ? 'it' : 'them'}`;
}

// The time and the price are whole at their least widths (media/tape.css): what is left goes mostly to the size.
const time = 'minmax(var(--tape-time-min), 0.8fr)';
const shortTime = 'minmax(var(--tape-short-time-min), 0.5fr)';
const price = 'minmax(var(--tape-price-min), 0.7fr)';
const size = 'minmax(0, 1fr)';
const venue = 'minmax(0, 0.9fr)';
const code = 'minmax(var(--tape-venue-code-min), 0.3fr)';

/**
 * The tape's layouts. The value (price × size) goes first, then the exchange says its code, the time its seconds
 * only, the exchange goes, the figures come closer; the size goes last (the price never does: its column is wide
 * enough for it at any width, media/tape.css).
 */
export function tapeLayouts(withVenue: boolean): ColumnLayout[] {
  const at = (classes: string[], columns: string[], hidden: string[]): ColumnLayout => ({ classes, template: columns.join(' '), hidden });
  const full: ColumnLayout = { classes: [], template: undefined, hidden: [] };
  if (!withVenue) {
    return [
      full,
      at(['fit-no-value'], [time, price, size], ['Value']),
      at(['fit-no-value', 'fit-short-time'], [shortTime, price, size], ['Value']),
      at(['fit-no-value', 'fit-short-time', 'fit-tight'], [shortTime, price, size], ['Value']),
      at(['fit-no-value', 'fit-short-time', 'fit-tight', 'fit-no-size'], [shortTime, price], ['Size', 'Value']),
    ];
  }
  return [
    full,
    at(['fit-no-value'], [time, venue, price, size], ['Value']),
    at(['fit-no-value', 'fit-venue-code'], [time, code, price, size], ['Value']),
    at(['fit-no-value', 'fit-venue-code', 'fit-short-time'], [shortTime, code, price, size], ['Value']),
    at(['fit-no-value', 'fit-no-venue', 'fit-short-time'], [shortTime, price, size], ['Exchange', 'Value']),
    at(['fit-no-value', 'fit-no-venue', 'fit-short-time', 'fit-tight'], [shortTime, price, size], ['Exchange', 'Value']),
    at(['fit-no-value', 'fit-no-venue', 'fit-short-time', 'fit-tight', 'fit-no-size'], [shortTime, price], ['Exchange', 'Size', 'Value']),
  ];
}

/** The ladder's: the legs' shares go first (an aggregate's), then the traded volume, then the figures come closer. */
export function ladderLayouts(withLegs: boolean): ColumnLayout[] {
  const book = 'minmax(0, 1fr) minmax(0, 1.15fr) minmax(0, 1fr)';
  const traded = `${book} minmax(0, 0.9fr)`;
  const noVol: ColumnLayout = { classes: ['fit-no-traded', 'fit-no-legs'], template: book, hidden: withLegs ? ['Legs', 'Vol'] : ['Vol'] };
  return [
    { classes: [], template: undefined, hidden: [] },
    ...(withLegs ? [{ classes: ['fit-no-legs'], template: traded, hidden: ['Legs'] }] : []),
    noVol,
    { ...noVol, classes: [...noVol.classes, 'fit-tight'] },
  ];
}

/** The order book's: the cumulative total goes first, then the figures come closer. */
export function bookLayouts(): ColumnLayout[] {
  const noTotal: ColumnLayout = { classes: ['fit-no-total'], template: 'minmax(0, 1fr) minmax(0, 1fr)', hidden: ['Total'] };
  return [{ classes: [], template: undefined, hidden: [] }, noTotal, { ...noTotal, classes: [...noTotal.classes, 'fit-tight'] }];
}

/** Well-known exchanges' codes; others take their name's first letters. */
const KNOWN: Readonly<Record<string, string>> = { binance: 'BN', binanceusdm: 'BN', coinbase: 'CB', coinbaseexchange: 'CB', bybit: 'BY', okx: 'OK', kraken: 'KR', bitstamp: 'BS', bitfinex: 'BF', kucoin: 'KC', gate: 'GT', htx: 'HX', deribit: 'DB' };

/**
 * A short code per leg for the tape's exchange column (coinbase → CB), each different from the others': legs of one
 * exchange ("binance BTC/USDT", "binance BTC/USDT:USDT") are numbered in their order (BN1, BN2).
 */
export function venueCodes(legs: readonly string[]): string[] {
  const base = legs.map((name) => {
    const exchange = (name.trim().split(/\s+/)[0] ?? '').toLowerCase();
    return KNOWN[exchange] ?? (exchange.slice(0, 2).toUpperCase() || '?');
  });
  return base.map((code, i) => (base.indexOf(code) === base.lastIndexOf(code) ? code : `${code}${base.slice(0, i + 1).filter((c) => c === code).length}`));
}
