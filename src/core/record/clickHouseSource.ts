/** Reads recordings back from ClickHouse, a day at a time in the readers' order, for replay and backtests. */
import { errorMessage } from '../util/log';
import { ClickHouseHttp, quoteString, type ClickHouseConnection } from './clickHouseHttp';
import { bookNativeSql, decodeRow, HOLES_TABLE, holeKindKeptSql, holesSql, identityOf, selectSql, TICK_TABLE, tickSizeSql, tradesNativeSql, UNSORTED_READ_SETTINGS } from './clickHouseTables';
import { bookColumnsFromNative } from './clickHouseBookColumns';
import { tickSizeOf } from './storedTickSize';
import { distinctHoles, holeKindOf, MAX_HOLE_REASON } from './storedHoles';
import { tradeColumnsFromNative } from './clickHouseTradeColumns';
import { ClickHouseAnswerError } from './nativeBlocks';
import type { RecordedMarketSummary } from './recordedMarkets';
import { mergedInTimeOrder, type ReadRange, type RecordedDay } from './recordReader';
import type { RecordSource } from './recordSource';
import type { BookRow, RecordKind, RecordedEvent, RecordedMarket, RecordingHole, RowOf, TickerRow, TradeRow } from './recordTypes';
import { RECORD_KINDS } from './recordTypes';
import { RowBinaryReader, NeedMoreBytes } from './rowBinary';
import { TradeColumns } from './tradeColumns';
import { BookColumns } from './bookColumns';
import { TickerColumns } from './tickerColumns';
import { dayOf } from './storeLayout';

const DAY_MS = 86_400_000;

/**
 * Everything the server sends is checked like a file's rows: a bad row is skipped and named, the rest read. Copies
 * of one recorded row (a batch sent again after a lost answer) are adjacent in the query's order and kept once.
 */
export class ClickHouseSource implements RecordSource {
  readonly name: string;
  private readonly http: ClickHouseHttp;

  constructor(conn: ClickHouseConnection) {
    this.http = new ClickHouseHttp(conn);
    this.name = `clickhouse ${this.http.endpoint}/${this.http.database}`;
  }

  /** Trades and book levels come as Native columns (what replay goes through by the million); tickers (one a second at most) as rows made columns. */
  async *readDays(range: ReadRange): AsyncGenerator<RecordedDay> {
    const kinds = range.kinds ?? RECORD_KINDS;
    for (const { day, from, until } of await this.dayRanges(kinds, range)) {
      const { market, onProblem } = range;
      const what = (kind: RecordKind) => `${this.name}: the ${kind} of ${market.exchange} ${market.symbol} on ${new Date(day).toISOString().slice(0, 10)}`;
      // The kinds are asked for at once: the server sorts one while this process decodes another. One that fails ends
      // the others' downloads: nobody would read them.
      const stop = new AbortController();
      const [trades, book, tickers] = await Promise.all([
        kinds.includes('trades') ? tradeColumnsFromNative(this.http.chunks(tradesNativeSql(market, from, until), stop.signal, UNSORTED_READ_SETTINGS), what('trades'), onProblem) : TradeColumns.EMPTY,
        kinds.includes('book') ? bookColumnsFromNative(this.http.chunks(bookNativeSql(market, from, until), stop.signal, UNSORTED_READ_SETTINGS), what('book'), onProblem) : BookColumns.EMPTY,
        kinds.includes('tickers') ? this.readKind('tickers', market, from, until, onProblem, stop.signal).then(TickerColumns.of) : TickerColumns.EMPTY,
      ]).catch((err: unknown) => {
        stop.abort();
        throw err;
      });
      if (trades.length + book.length + tickers.length > 0) yield { trades, book, tickers };
    }
  }

  async *readRows(range: ReadRange): AsyncGenerator<RecordedEvent> {
    for await (const { book, trades, tickers } of this.rowsByDay(range)) yield* mergedInTimeOrder(book, trades, tickers);
  }

  /** Each day's rows of the kinds asked for, each kind in the query's order (time, then recorded order; books by seq): nothing to sort. */
  private async *rowsByDay(range: ReadRange): AsyncGenerator<{ readonly book: BookRow[]; readonly trades: TradeRow[]; readonly tickers: TickerRow[] }> {
    const kinds = range.kinds ?? RECORD_KINDS;
    for (const { from, until } of await this.dayRanges(kinds, range)) {
      const read = <K extends RecordKind>(kind: K): Promise<RowOf<K>[]> => (kinds.includes(kind) ? this.readKind(kind, range.market, from, until, range.onProblem) : Promise.resolve([]));
      yield { book: await read('book'), trades: await read('trades'), tickers: await read('tickers') };
    }
  }

  /** The tick size stored with the recording around `at`; undefined for recordings made before it was kept (then inferred). */
  async tickSize(market: RecordedMarket, at: number): Promise<number | undefined> {
    const [[exists] = []] = await this.rowsOf(`EXISTS TABLE ${TICK_TABLE} FORMAT TabSeparated`);
    if (exists !== '1') return undefined;
    const [[tick] = []] = await this.rowsOf(tickSizeSql(market, at, dayOf(at) + DAY_MS));
    return tickSizeOf(tick);
  }

  /** The holes stored with the recording overlapping [from, until); none for recordings made before they were kept. */
  async holes(market: RecordedMarket, from: number, until: number, onProblem?: (message: string) => void, signal?: AbortSignal): Promise<RecordingHole[]> {
    const [[exists] = []] = await this.rowsOf(`EXISTS TABLE ${HOLES_TABLE} FORMAT TabSeparated`, signal);
    if (exists !== '1') return [];
    const out: RecordingHole[] = [];
    // A table no recorder of this version wrote to yet has no kind column: its holes are of trades.
    const [[kindColumns] = []] = await this.rowsOf(holeKindKeptSql(), signal);
    const kindKept = kindColumns === '1';
    for (const [start, end, reason, stored] of await this.rowsOf(holesSql(market, from, until, kindKept), signal)) {
      const span = { from: Number(start), until: Number(end), reason: unescapeTsv(reason ?? '').slice(0, MAX_HOLE_REASON) };
      const kind = kindKept ? holeKindOf(stored) : 'trades';
      if (!(Number.isSafeInteger(span.from) && Number.isSafeInteger(span.until) && span.until > span.from)) onProblem?.(`${this.name} ${HOLES_TABLE}: a row of ${market.exchange} ${market.symbol} is not a span (${String(start)}, ${String(end)}); ignored`);
      else if (kind === undefined) onProblem?.(`${this.name} ${HOLES_TABLE}: a row of ${market.exchange} ${market.symbol} has the kind ${JSON.stringify(stored)?.slice(0, 40)}, not trades, book or tickers; ignored`);
      else out.push({ ...span, kind });
    }
    return distinctHoles(out);
  }

  async firstTrade(market: RecordedMarket): Promise<number | undefined> {
    const [[first, count] = []] = await this.rowsOf(`SELECT toString(min(ts)), toString(count()) FROM trades WHERE exchange = ${quoteString(market.exchange)} AND symbol = ${quoteString(market.symbol)} FORMAT TabSeparated`);
    const ts = Number(first);
    return Number(count) > 0 && Number.isSafeInteger(ts) ? ts : undefined;
  }

  /** When the market's recorded trades end (epoch ms); undefined when none are recorded. */
  async lastTrade(market: RecordedMarket): Promise<number | undefined> {
    const [[last, count] = []] = await this.rowsOf(`SELECT toString(max(ts)), toString(count()) FROM trades WHERE exchange = ${quoteString(market.exchange)} AND symbol = ${quoteString(market.symbol)} FORMAT TabSeparated`);
    const ts = Number(last);
    return Number(count) > 0 && Number.isSafeInteger(ts) ? ts : undefined;
  }

  async markets(signal?: AbortSignal): Promise<RecordedMarketSummary[]> {
    const spans = await this.rowsOf(
      'SELECT exchange, symbol, toString(min(ts)), toString(max(ts)), toString(count()) FROM trades GROUP BY exchange, symbol ORDER BY exchange, symbol FORMAT TabSeparated',
      signal,
    );
    const bytes = await this.estimatedBytes(signal);
    const out: RecordedMarketSummary[] = [];
    for (const [exchange, symbol, first, last] of spans) {
      if (exchange === undefined || symbol === undefined) continue;
      const market = { exchange: unescapeTsv(exchange), symbol: unescapeTsv(symbol) };
      const span = { first: Number(first), last: Number(last) };
      if (!Number.isSafeInteger(span.first) || !Number.isSafeInteger(span.last) || span.first > span.last) continue;
      out.push({ market, ...span, bytes: bytes.get(`${market.exchange}\u0000${market.symbol}`) ?? 0 });
    }
    return out;
  }

  /** The UTC days with rows of any of the kinds in the range, oldest first, each with its part of the range. */
  private async dayRanges(kinds: readonly RecordKind[], range: ReadRange): Promise<Array<{ readonly day: number; readonly from: number; readonly until: number }>> {
    return (await this.recordedDays(kinds, range)).map((day) => ({ day, from: Math.max(range.from, day), until: Math.min(range.until, day + DAY_MS) }));
  }

  /** The UTC days with rows of any of the kinds in the range, oldest first. */
  private async recordedDays(kinds: readonly RecordKind[], range: ReadRange): Promise<number[]> {
    const days = new Set<number>();
    const where = `exchange = ${quoteString(range.market.exchange)} AND symbol = ${quoteString(range.market.symbol)} AND ts >= ${Math.floor(range.from)} AND ts < ${Math.min(Math.ceil(range.until), Number.MAX_SAFE_INTEGER)}`;
    for (const kind of kinds) {
      for (const [day] of await this.rowsOf(`SELECT DISTINCT toString(intDiv(ts, ${DAY_MS})) FROM ${kind} WHERE ${where} FORMAT TabSeparated`)) {
        const d = Number(day) * DAY_MS;
        if (Number.isSafeInteger(d) && d >= dayOf(range.from)) days.add(d);
      }
    }
    return [...days].sort((a, b) => a - b);
  }

  /** One kind's rows of [from, until), decoded as the answer streams in, copies dropped. */
  private async readKind<K extends RecordKind>(kind: K, market: RecordedMarket, from: number, until: number, onProblem: ((m: string) => void) | undefined, signal?: AbortSignal): Promise<RowOf<K>[]> {
    const out: RowOf<K>[] = [];
    let rest: Buffer = Buffer.alloc(0);
    let rowNo = 0;
    const sameTs = new SameTsCopies(kind);
    for await (const chunk of this.http.chunks(selectSql(kind, market, from, until), signal)) {
      const r = new RowBinaryReader(rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk);
      while (r.remaining > 0) {
        const start = r.at;
        let row;
        try {
          row = decodeRow(kind, r);
        } catch (err) {
          if (err instanceof NeedMoreBytes) {
            r.at = start;
            break;
          }
          onProblem?.(`${this.name}: skipped ${kind} row ${rowNo} of ${market.exchange} ${market.symbol}: ${errorMessage(err)}`);
          rowNo++;
          continue;
        }
        rowNo++;
        if (!sameTs.isCopy(row)) out.push(row as RowOf<K>);
      }
      rest = r.buf.subarray(r.at);
    }
    if (rest.length > 0) throw new ClickHouseAnswerError(`${this.name}: the ${kind} answer for ${market.exchange} ${market.symbol} ended inside row ${rowNo} (${rest.length} bytes of it came)`);
    return out;
  }

  /** Each market's share of the tables' bytes on disk, by its share of their rows (parts hold whole days of an exchange). */
  private async estimatedBytes(signal?: AbortSignal): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const tables = await this.rowsOf(`SELECT table, toString(sum(bytes_on_disk)), toString(sum(rows)) FROM system.parts WHERE database = ${quoteString(this.http.database)} AND active GROUP BY table FORMAT TabSeparated`, signal);
    for (const [table, bytes, rows] of tables) {
      const kind = RECORD_KINDS.find((k) => k === table);
      const perRow = Number(bytes) / Number(rows);
      if (!kind || !Number.isFinite(perRow)) continue;
      for (const [exchange, symbol, count] of await this.rowsOf(`SELECT exchange, symbol, toString(count()) FROM ${kind} GROUP BY exchange, symbol FORMAT TabSeparated`, signal)) {
        if (exchange === undefined || symbol === undefined) continue;
        const key = `${unescapeTsv(exchange)}\u0000${unescapeTsv(symbol)}`;
        const n = Number(count);
        if (Number.isFinite(n)) out.set(key, (out.get(key) ?? 0) + Math.round(n * perRow));
      }
    }
    return out;
  }

  /** A small TabSeparated answer as rows of fields (summaries only: the data itself is read as RowBinary). */
  private async rowsOf(sql: string, signal?: AbortSignal): Promise<string[][]> {
    const parts: Buffer[] = [];
    for await (const chunk of this.http.chunks(sql, signal)) parts.push(chunk);
    const text = Buffer.concat(parts).toString('utf8');
    return text.split('\n').filter((line) => line.length > 0).map((line) => line.split('\t'));
  }
}

const TSV_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', r: '\r', n: '\n', t: '\t', '0': '\0', "'": "'", '\\': '\\' };

/** A TabSeparated field's text (ClickHouse escapes tabs, newlines and backslashes in strings). */
function unescapeTsv(field: string): string {
  return field.replace(/\\(.)/g, (_, c: string) => TSV_ESCAPES[c] ?? c);
}

/**
 * Tells a copy of a row already read at the same millisecond (rows come in ts order, so copies are neighbours).
 * Most milliseconds hold one row: identities are built only for the second row of a millisecond on.
 */
class SameTsCopies {
  private ts = Number.NaN;
  private first: TradeRow | BookRow | TickerRow | undefined;
  private seen: Set<string> | undefined;

  constructor(private readonly kind: RecordKind) {}

  isCopy(row: TradeRow | BookRow | TickerRow): boolean {
    if (row.ts !== this.ts) {
      this.ts = row.ts;
      this.first = row;
      this.seen = undefined;
      return false;
    }
    if (!this.seen) {
      this.seen = new Set();
      if (this.first) this.seen.add(identityOf(this.kind, this.first));
    }
    const id = identityOf(this.kind, row);
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    return false;
  }
}
