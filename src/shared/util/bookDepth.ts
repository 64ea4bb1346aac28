/** How deep the engine keeps an order book: what every book consumer (panels, heatmap, alerts) can be given. */

/** Levels per side kept of each order book. */
export const BOOK_DEPTH = 100;
