import type { BookLevel, Candle, OrderBook, Ticker, Trade } from '../types';

/**
 * Validation at the exchange boundary. Everything a client returns is untrusted: each function takes `unknown`,
 * returns a typed value or an issue naming what is wrong and where, and never throws.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; issue: string };

const fail = <T>(issue: string): Checked<T> => ({ ok: false, issue });
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

export function checkTrade(raw: unknown): Checked<Trade> {
  if (!isRecord(raw)) return fail(`trade is not an object: ${show(raw)}`);
  const { id, timestamp, price, amount, side } = raw;
  if (typeof id !== 'string' && !finite(id)) return fail(`trade id ${show(id)} is not a string or number`);
  if (!finite(timestamp) || timestamp <= 0) return fail(`trade ${id} timestamp ${show(timestamp)} is not a positive number`);
  if (!finite(price) || price <= 0) return fail(`trade ${id} price ${show(price)} is not a positive number`);
  if (!finite(amount) || amount < 0) return fail(`trade ${id} amount ${show(amount)} is not a non-negative number`);
  if (side !== 'buy' && side !== 'sell') return fail(`trade ${id} side ${show(side)} is not "buy" or "sell"`);
  return ok({ id: String(id), timestamp: normaliseTimestamp(timestamp), price, amount, side });
}

/** ccxt OHLCV rows: [timestamp, open, high, low, close, volume]. */
export function checkCandleRow(raw: unknown): Checked<Candle> {
  if (!Array.isArray(raw) || raw.length < 6) return fail(`OHLCV row is not an array of 6: ${show(raw)}`);
  const [time, open, high, low, close, volume] = raw as unknown[];
  for (const [name, v] of [['time', time], ['open', open], ['high', high], ['low', low], ['close', close], ['volume', volume]] as const) {
    if (!finite(v)) return fail(`OHLCV row ${show(raw)}: ${name} is not a number`);
  }
  const c = { time: normaliseTimestamp(time as number), open: open as number, high: high as number, low: low as number, close: close as number, volume: volume as number };
  if (c.high < c.low || c.volume < 0) return fail(`OHLCV row ${show(raw)} is inconsistent (high < low or negative volume)`);
  return ok(c);
}

export function checkOrderBook(raw: unknown, depth: number, fallbackTimestamp: number): Checked<OrderBook> {
  if (!isRecord(raw)) return fail(`order book is not an object`);
  const bids = checkLevels(raw.bids, depth, 'bids');
  if (!bids.ok) return bids;
  const asks = checkLevels(raw.asks, depth, 'asks');
  if (!asks.ok) return asks;
  const ts = finite(raw.timestamp) ? normaliseTimestamp(raw.timestamp) : fallbackTimestamp;
  return ok({ timestamp: ts, bids: bids.value, asks: asks.value });
}

/** Copies the top `depth` levels: ccxt keeps mutating its own book after returning it. */
function checkLevels(raw: unknown, depth: number, side: string): Checked<BookLevel[]> {
  if (!Array.isArray(raw)) return fail(`order book ${side} is not an array`);
  const out: BookLevel[] = [];
  for (let i = 0; i < raw.length && out.length < depth; i++) {
    const level: unknown = raw[i];
    if (!Array.isArray(level) || !finite(level[0]) || !finite(level[1])) return fail(`order book ${side}[${i}] ${show(level)} is not [price, amount]`);
    if (level[1] > 0) out.push([level[0], level[1]]);
  }
  return ok(out);
}

export function checkTicker(raw: unknown, fallbackTimestamp: number): Checked<Ticker> {
  if (!isRecord(raw)) return fail(`ticker is not an object`);
  const last = finite(raw.last) ? raw.last : finite(raw.close) ? raw.close : undefined;
  if (last === undefined || last <= 0) return fail(`ticker last price ${show(raw.last)} is not a positive number`);
  const opt = (v: unknown) => (finite(v) ? v : undefined);
  return ok({
    timestamp: finite(raw.timestamp) ? normaliseTimestamp(raw.timestamp) : fallbackTimestamp,
    last,
    bid: opt(raw.bid),
    ask: opt(raw.ask),
    change24hPercent: opt(raw.percentage),
  });
}

/** Timestamps become epoch milliseconds here, once: seconds and microseconds are recognised by magnitude. */
export function normaliseTimestamp(ts: number): number {
  if (ts < 1e11) return Math.round(ts * 1000); // seconds
  if (ts > 1e14) return Math.floor(ts / 1000); // microseconds
  return Math.round(ts);
}
