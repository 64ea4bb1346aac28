/**
 * A recorded market loaded from a folder: Binance aggregate trades and, optionally, Binance's official klines of
 * the same period. Everything read is validated here; errors name the file and the row.
 */
import { toUnits, unitsToNumber } from '../decimal';
import { bucketStart, KLINE_INTERVALS } from '../klines';
import type { SymbolSpec } from '../symbols';
import type { RecordedUnits } from '../tradeLog';
import type { EmulatorTrade } from '../types';
import { findRecordingFiles, readJsonFile } from './recordingFiles';

/** A recorded Binance aggregate trade: `id` is the aggregate id (`a`), the individual trades are [firstTradeId, lastTradeId]. */
export interface RecordedTrade extends EmulatorTrade {
  readonly firstTradeId: number;
  readonly lastTradeId: number;
}

/** An official kline as ccxt gives it: [openTime, open, high, low, close, volume]. */
export type OfficialKline = readonly [openTime: number, open: number, high: number, low: number, close: number, volume: number];

/** An official kline in the market's integer units. */
export interface OfficialKlineUnits {
  readonly openTime: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface Recording {
  readonly dir: string;
  /** Unified symbol, e.g. 'XRP/ETH'. */
  readonly symbol: string;
  /** Precisions inferred from the recorded prices and quantities. */
  readonly spec: SymbolSpec;
  /** Oldest first, in recorded order; several may share a millisecond. */
  readonly trades: readonly RecordedTrade[];
  readonly tradeUnits: readonly RecordedUnits[];
  /** Intervals with an official kline file, in Binance's interval order. */
  readonly officialIntervals: readonly string[];
  /** The official klines of `interval` (undefined when the recording has no file for it). */
  officialKlines(interval: string): readonly OfficialKline[] | undefined;
  officialKlineUnits(interval: string): readonly OfficialKlineUnits[] | undefined;
  /** Start of the recorded period: the earliest of the first trade's minute and the first official kline's open. */
  readonly start: number;
  /** End of the recorded period: the last trade's time. */
  readonly end: number;
}

interface Decimal {
  readonly value: number;
  readonly decimals: number;
}

const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]{0,17})(?:\.([0-9]{1,18}))?$/;

/** A non-negative decimal given as a JSON number or a numeric string, with its significant decimals. */
function parseDecimal(raw: unknown): Decimal | undefined {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) text = raw.toFixed(12);
  else return undefined;
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = (match[1] ?? '').replace(/0+$/, '');
  return { value: Number(text), decimals: fraction.length };
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

interface RawTrade {
  readonly a: number;
  readonly f: number;
  readonly l: number;
  readonly T: number;
  readonly p: Decimal;
  readonly q: Decimal;
  readonly m: boolean;
}

/** One aggTrades row, bare (`{a,p,q,f,l,T,m}`) or inside a ccxt trade's `info`. */
function parseTradeRow(row: unknown, where: string): RawTrade {
  const outer = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : undefined;
  const info = outer !== undefined && typeof outer.info === 'object' && outer.info !== null ? (outer.info as Record<string, unknown>) : outer;
  if (info === undefined) throw new Error(`${where}: expected an aggTrades row {a, p, q, f, l, T, m} or a ccxt trade with one in 'info'`);
  const { a, f, l, T, m } = info;
  const p = parseDecimal(info.p);
  const q = parseDecimal(info.q);
  if (!isId(a) || !isId(f) || !isId(l) || l < f) throw new Error(`${where}: the ids a, f, l must be integers with f <= l (got ${String(a)}, ${String(f)}, ${String(l)})`);
  if (!isId(T)) throw new Error(`${where}: T must be a time in ms, got ${String(T)}`);
  if (p === undefined || !(p.value > 0)) throw new Error(`${where}: p must be a positive decimal, got ${JSON.stringify(info.p)}`);
  if (q === undefined || !(q.value > 0)) throw new Error(`${where}: q must be a positive decimal, got ${JSON.stringify(info.q)}`);
  if (typeof m !== 'boolean') throw new Error(`${where}: m (is the buyer the maker) must be true or false`);
  return { a, f, l, T, p, q, m };
}

function parseTrades(json: unknown, file: string): RawTrade[] {
  if (!Array.isArray(json) || json.length === 0) throw new Error(`replay: ${file} must hold a non-empty JSON array of aggTrades rows`);
  const trades = json.map((row: unknown, i) => parseTradeRow(row, `replay: ${file} [${i}]`));
  for (let i = 1; i < trades.length; i++) {
    const prev = trades[i - 1] as RawTrade;
    const t = trades[i] as RawTrade;
    if (t.T < prev.T || t.a <= prev.a || t.f <= prev.l) {
      throw new Error(`replay: ${file} [${i}]: trades must be in recorded order (time, aggregate id and trade ids increasing); a=${t.a} T=${t.T} follows a=${prev.a} T=${prev.T}`);
    }
  }
  return trades;
}

interface RawKline {
  readonly openTime: number;
  readonly values: readonly Decimal[];
}

function parseKlines(json: unknown, file: string, interval: string): RawKline[] {
  if (!Array.isArray(json)) throw new Error(`replay: ${file} must hold a JSON array of klines [openTime, open, high, low, close, volume, ...]`);
  const rows = json.map((row: unknown, i): RawKline => {
    const where = `replay: ${file} [${i}]`;
    if (!Array.isArray(row) || row.length < 6) throw new Error(`${where}: expected [openTime, open, high, low, close, volume, ...]`);
    const openTime: unknown = row[0];
    if (!isId(openTime) || bucketStart(interval, openTime) !== openTime) throw new Error(`${where}: openTime ${String(openTime)} is not the open of a ${interval} kline`);
    const values = row.slice(1, 6).map((raw: unknown, k) => {
      const d = parseDecimal(raw);
      if (d === undefined) throw new Error(`${where}: ${['open', 'high', 'low', 'close', 'volume'][k]} must be a non-negative decimal, got ${JSON.stringify(raw)}`);
      return d;
    });
    const [o, h, l, c] = values.map((v) => v.value) as [number, number, number, number];
    if (!(l <= Math.min(o, c) && h >= Math.max(o, c))) throw new Error(`${where}: low ${l} and high ${h} do not bracket open ${o} and close ${c}`);
    return { openTime, values };
  });
  rows.forEach((r, i) => {
    if (i > 0 && r.openTime <= (rows[i - 1] as RawKline).openTime) throw new Error(`replay: ${file} [${i}]: open times must increase`);
  });
  return rows;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Loads and validates the recording in `dir`. */
export async function loadRecording(dir: string): Promise<Recording> {
  const files = await findRecordingFiles(dir);
  const raw = parseTrades(await readJsonFile(files.tradesFile), files.tradesFile);
  const klineSets = new Map<string, { file: string; rows: RawKline[] }>();
  for (const interval of KLINE_INTERVALS) {
    const file = files.klineFiles.get(interval);
    if (file !== undefined) klineSets.set(interval, { file, rows: parseKlines(await readJsonFile(file), file, interval) });
  }
  const pricePrecision = Math.max(...raw.map((t) => t.p.decimals));
  const amountPrecision = Math.max(...raw.map((t) => t.q.decimals));
  const symbol = `${files.base}/${files.quote}`;
  const id = files.base + files.quote;
  const spec: SymbolSpec = {
    exchange: 'binance',
    symbol,
    id,
    streamId: id.toLowerCase(),
    base: files.base,
    quote: files.quote,
    settle: undefined,
    pricePrecision,
    amountPrecision,
    startPrice: (raw[0] as RawTrade).p.value,
    volatility: 0,
    typicalAmount: median(raw.map((t) => t.q.value)),
    levelSpacingTicks: 1,
    minNotional: undefined,
  };
  const tradeUnits: RecordedUnits[] = raw.map((t) => ({
    id: t.a,
    firstTradeId: t.f,
    lastTradeId: t.l,
    timestamp: t.T,
    priceUnits: toUnits(t.p.value, pricePrecision),
    amountUnits: toUnits(t.q.value, amountPrecision),
    side: t.m ? 'sell' : 'buy',
  }));
  const trades: RecordedTrade[] = tradeUnits.map((u) =>
    Object.freeze({
      id: u.id,
      firstTradeId: u.firstTradeId,
      lastTradeId: u.lastTradeId,
      timestamp: u.timestamp,
      price: unitsToNumber(u.priceUnits, pricePrecision),
      amount: unitsToNumber(u.amountUnits, amountPrecision),
      side: u.side,
    }),
  );
  const klineUnits = new Map<string, OfficialKlineUnits[]>();
  const klines = new Map<string, OfficialKline[]>();
  for (const [interval, { file, rows }] of klineSets) {
    klineUnits.set(
      interval,
      rows.map((r, i) => {
        const [o, h, l, c, v] = r.values as [Decimal, Decimal, Decimal, Decimal, Decimal];
        for (const price of [o, h, l, c]) {
          if (price.decimals > pricePrecision) throw new Error(`replay: ${file} [${i}]: price ${price.value} is finer than the recorded tick 1e-${pricePrecision}`);
        }
        if (v.decimals > amountPrecision) throw new Error(`replay: ${file} [${i}]: volume ${v.value} is finer than the recorded step 1e-${amountPrecision}`);
        const unit = (d: Decimal, decimals: number): number => toUnits(d.value, decimals);
        return { openTime: r.openTime, open: unit(o, pricePrecision), high: unit(h, pricePrecision), low: unit(l, pricePrecision), close: unit(c, pricePrecision), volume: unit(v, amountPrecision) };
      }),
    );
    klines.set(
      interval,
      (klineUnits.get(interval) as OfficialKlineUnits[]).map((k) =>
        Object.freeze([
          k.openTime,
          unitsToNumber(k.open, pricePrecision),
          unitsToNumber(k.high, pricePrecision),
          unitsToNumber(k.low, pricePrecision),
          unitsToNumber(k.close, pricePrecision),
          unitsToNumber(k.volume, amountPrecision),
        ] as const),
      ),
    );
  }
  const firstOpens = [...klineUnits.values()].map((rows) => rows[0]?.openTime ?? Infinity);
  return {
    dir,
    symbol,
    spec,
    trades,
    tradeUnits,
    officialIntervals: [...klineSets.keys()],
    officialKlines: (interval) => klines.get(interval),
    officialKlineUnits: (interval) => klineUnits.get(interval),
    start: Math.min(bucketStart('1m', (raw[0] as RawTrade).T), ...firstOpens),
    end: (raw[raw.length - 1] as RawTrade).T,
  };
}
