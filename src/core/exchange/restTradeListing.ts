/**
 * A REST answer's trades in the exchange's own order (measured against ccxt 4.5.84). ccxt parses an answer's trades
 * in the order listed, then sorts them by time and, within a millisecond, by id compared as text. Ids that are not
 * sequence numbers (Bybit's execId UUIDs) so put a millisecond's trades in an order of no meaning, and numbered ids
 * of different lengths ("999", "1000") in the wrong one: a bar whose open or close falls in that millisecond, a seam
 * placed by the listing (util/listedOrder.ts), would take the wrong trade. The place each raw trade had in its answer
 * is noted as ccxt parses it (a trade keeps its raw row as `info`), and restored here.
 */
import type { ProExchange } from './ccxtLoader';

interface ParseInternals {
  parseTrades(trades: unknown, ...rest: unknown[]): unknown;
}

/**
 * Exchanges whose recent-trades endpoint lists the newest trade first: Bybit's /v5/market/recent-trade and Coinbase
 * Advanced Trade's market trades (/market/products/{id}/ticker). Binance's aggTrades and trades list the oldest first.
 * Only an answer whose trades all share one millisecond needs this: any other shows its direction itself.
 */
const NEWEST_FIRST: ReadonlySet<string> = new Set(['bybit', 'coinbase']);

export class RestTradeListing {
  private readonly places = new WeakMap<object, number>();

  constructor(
    exchange: ProExchange,
    private readonly exchangeId: string,
  ) {
    const ex = exchange as unknown as ParseInternals;
    const original = ex.parseTrades.bind(ex);
    ex.parseTrades = (trades, ...rest) => {
      if (Array.isArray(trades)) {
        for (let i = 0; i < trades.length; i++) {
          const raw: unknown = trades[i];
          if (typeof raw === 'object' && raw !== null) this.places.set(raw, i);
        }
      }
      return original(trades, ...rest);
    };
  }

  /**
   * ccxt's trades of one REST answer in time order, those of one millisecond as the exchange made them: by their
   * places in the answer, read in its direction. Where a trade's place is unknown (not one ccxt parsed from a list),
   * the rows stay as ccxt sorted them.
   */
  inExchangeOrder<T>(rows: readonly T[]): readonly T[] {
    const listed: { row: T; timestamp: number; place: number }[] = [];
    for (const row of rows) {
      const { info, timestamp } = (typeof row === 'object' && row !== null ? row : {}) as { info?: unknown; timestamp?: unknown };
      const place = typeof info === 'object' && info !== null ? this.places.get(info) : undefined;
      // A row without a time is dropped after this by the trade check: the answer keeps ccxt's order meanwhile.
      if (place === undefined || typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return rows;
      listed.push({ row, timestamp, place });
    }
    const direction = this.newestFirst(listed) ? -1 : 1;
    listed.sort((a, b) => a.timestamp - b.timestamp || direction * (a.place - b.place));
    return listed.map((l) => l.row);
  }

  /** Whether the answer listed its newest trade first: as its first and last listed trades say, else as the exchange does. */
  private newestFirst(listed: readonly { timestamp: number; place: number }[]): boolean {
    let first: { timestamp: number; place: number } | undefined;
    let last: { timestamp: number; place: number } | undefined;
    for (const l of listed) {
      if (first === undefined || l.place < first.place) first = l;
      if (last === undefined || l.place > last.place) last = l;
    }
    if (first === undefined || last === undefined || first.timestamp === last.timestamp) return NEWEST_FIRST.has(this.exchangeId);
    return first.timestamp > last.timestamp;
  }
}
