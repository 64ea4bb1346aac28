/** Books and tickers read as columns for replay: the same rows as the row reader, in the same order; hostile files skipped and named. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { BookColumns } from '../../../src/core/record/bookColumns';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { readRecorded, readRecordedDays } from '../../../src/core/record/recordReader';
import type { BookRow, RecordKind, TickerRow } from '../../../src/core/record/recordTypes';
import { TickerColumns } from '../../../src/core/record/tickerColumns';
import { partitionDir } from '../../../src/core/record/storeLayout';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const MIDNIGHT = Date.UTC(2026, 10, 29);

/** Levels of a book: a snapshot every 50 rows, deltas between (some removing a level), several at one millisecond. */
function bookRows(from: number, n: number, firstSeq: number): BookRow[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: from + Math.floor(i / 3) * 7,
    seq: firstSeq + Math.floor(i / 2),
    kind: i % 50 < 4 ? 'snapshot' : 'delta',
    side: i % 2 ? 'ask' : 'bid',
    price: 100 + (i % 2 ? 1 : -1) * (i % 9) * 0.5,
    amount: i % 5 === 0 ? 0 : 0.25 * (i % 13),
  }));
}

function tickerRows(from: number, n: number): TickerRow[] {
  return Array.from({ length: n }, (_, i) => ({ ts: from + Math.floor(i / 2) * 1000, last: 100 + i, bid: i % 3 === 0 ? null : 99 + i, ask: i % 4 === 0 ? null : 101 + i, change24hPercent: i % 5 === 0 ? null : -2.5 + i }));
}

async function daysOf(root: string, from = 0, until = 4e12, onProblem?: (m: string) => void): Promise<{ book: BookRow[]; tickers: TickerRow[]; days: number }> {
  const out = { book: [] as BookRow[], tickers: [] as TickerRow[], days: 0 };
  for await (const day of readRecordedDays(root, { market, from, until, kinds: ['book', 'tickers'], ...(onProblem ? { onProblem } : {}) })) {
    out.book.push(...day.book.rows());
    out.tickers.push(...day.tickers.rows());
    out.days++;
  }
  return out;
}

async function rowsOf(root: string, from = 0, until = 4e12): Promise<{ book: BookRow[]; tickers: TickerRow[] }> {
  const out = { book: [] as BookRow[], tickers: [] as TickerRow[] };
  for await (const e of readRecorded(root, { market, from, until, kinds: ['book', 'tickers'] })) {
    if (e.kind === 'book') out.book.push(e.row);
    else if (e.kind === 'tickers') out.tickers.push(e.row);
  }
  return out;
}

/** A file of `kind` with the given columns, written where the reader looks, named for the span it declares. */
async function writeFile(root: string, kind: RecordKind, first: number, last: number, columns: ColumnSource[], n = 1): Promise<string> {
  const dir = partitionDir(root, kind, market, MIDNIGHT);
  await fs.mkdir(dir, { recursive: true });
  const name = `${first}-${last}-1-${n}.parquet`;
  await fs.writeFile(path.join(dir, name), new Uint8Array(parquetWriteBuffer({ columnData: columns })));
  return name;
}

const required = { nullable: false } as const;
const bookFile = (r: readonly BookRow[], kind: (b: BookRow, i: number) => string = (b) => b.kind): ColumnSource[] => [
  { name: 'ts', type: 'TIMESTAMP', data: r.map((b) => b.ts), ...required },
  { name: 'seq', type: 'INT64', data: r.map((b) => BigInt(b.seq)), ...required },
  { name: 'kind', type: 'STRING', data: r.map(kind), ...required },
  { name: 'side', type: 'STRING', data: r.map((b) => b.side), ...required },
  { name: 'price', type: 'DOUBLE', data: r.map((b) => b.price), ...required },
  { name: 'amount', type: 'DOUBLE', data: r.map((b) => b.amount), ...required },
];
const tickerFile = (r: readonly TickerRow[], bid: (t: TickerRow, i: number) => number | null = (t) => t.bid): ColumnSource[] => [
  { name: 'ts', type: 'TIMESTAMP', data: r.map((t) => t.ts), ...required },
  { name: 'last', type: 'DOUBLE', data: r.map((t) => t.last), ...required },
  { name: 'bid', type: 'DOUBLE', data: r.map(bid) },
  { name: 'ask', type: 'DOUBLE', data: r.map((t) => t.ask) },
  { name: 'change24h_percent', type: 'DOUBLE', data: r.map((t) => t.change24hPercent) },
];

describe('record store: books and tickers read as columns', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-rec-cols-'))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('equal the row reader, row for row and in its order, across midnight, with files written out of order and a window inside a file', async () => {
    const store = new ParquetStore(root);
    const book = bookRows(MIDNIGHT - 600, 400, 1);
    const tickers = tickerRows(MIDNIGHT - 5000, 20);
    // A later file first, then the earlier ones (a backfill reaching back), then rows at a millisecond already written with higher seqs.
    await store.write({ kind: 'book', market, rows: book.slice(200) });
    await store.write({ kind: 'book', market, rows: book.slice(0, 200) });
    const late = book.slice(390).map((b) => ({ ...b, seq: b.seq + 1000 }));
    await store.write({ kind: 'book', market, rows: late });
    await store.write({ kind: 'tickers', market, rows: tickers.slice(10) });
    await store.write({ kind: 'tickers', market, rows: tickers.slice(0, 10) });
    await store.close();

    const got = await daysOf(root);
    assert.equal(got.days, 2, 'a day at a time');
    const expected = await rowsOf(root);
    assert.equal(expected.book.length, 410);
    assert.deepEqual(got.book, expected.book);
    assert.deepEqual(got.tickers, expected.tickers);
    const sortedBook = [...book, ...late].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    assert.deepEqual(got.book, sortedBook, 'by time, then seq');
    assert.deepEqual(got.tickers, [...tickers].sort((a, b) => a.ts - b.ts), 'by time, the recorded order kept at one ms');
    assert.ok(got.tickers.some((t) => t.bid === null) && got.tickers.some((t) => t.change24hPercent === null), 'nulls kept as nulls');

    const from = MIDNIGHT - 200;
    const until = MIDNIGHT + 300;
    const window = await daysOf(root, from, until);
    assert.deepEqual(window.book, sortedBook.filter((b) => b.ts >= from && b.ts < until));
    assert.deepEqual(window.book, (await rowsOf(root, from, until)).book);
  });

  it('columns made from rows give the rows back; sorting keeps the recorded order among equals', () => {
    const rows = bookRows(MIDNIGHT, 30, 1);
    assert.deepEqual(BookColumns.of(rows).rows(), rows);
    const shuffled = [...rows.slice(15), ...rows.slice(0, 15)];
    assert.deepEqual(BookColumns.of(shuffled).inRecordedOrder().rows(), rows);
    const ties = tickerRows(MIDNIGHT, 6).map((t) => ({ ...t, ts: MIDNIGHT + (t.last % 2) }));
    assert.deepEqual(TickerColumns.of(ties).inRecordedOrder().rows(), [...ties.filter((t) => t.ts === MIDNIGHT), ...ties.filter((t) => t.ts !== MIDNIGHT)]);
    assert.deepEqual(TickerColumns.of(ties).tickerAt(0), { timestamp: MIDNIGHT, last: 100, bid: undefined, ask: undefined, change24hPercent: undefined });
  });

  it('a hostile file (a value the recorder never writes, a missing column, cut short, not Parquet) is skipped and named; the rest is read', async () => {
    const good = bookRows(MIDNIGHT + 1000, 20, 1);
    const tickers = tickerRows(MIDNIGHT + 1000, 6);
    await writeFile(root, 'book', MIDNIGHT + 1000, MIDNIGHT + 1100, bookFile(good), 1);
    await writeFile(root, 'book', MIDNIGHT + 2000, MIDNIGHT + 2100, bookFile(bookRows(MIDNIGHT + 2000, 10, 100), (b, i) => (i === 7 ? 'trade' : b.kind)), 2);
    await writeFile(root, 'book', MIDNIGHT + 3000, MIDNIGHT + 3100, bookFile(bookRows(MIDNIGHT + 3000, 10, 200)).filter((c) => c.name !== 'seq'), 3);
    const cut = await writeFile(root, 'book', MIDNIGHT + 4000, MIDNIGHT + 4100, bookFile(bookRows(MIDNIGHT + 4000, 10, 300)), 4);
    const cutFile = path.join(partitionDir(root, 'book', market, MIDNIGHT), cut);
    await fs.truncate(cutFile, (await fs.stat(cutFile)).size - 40);
    await fs.writeFile(path.join(partitionDir(root, 'book', market, MIDNIGHT), `${MIDNIGHT + 5000}-${MIDNIGHT + 5100}-1-5.parquet`), 'PAR1 not really PAR1');
    await writeFile(root, 'tickers', MIDNIGHT + 1000, MIDNIGHT + 4000, tickerFile(tickers), 1);
    await writeFile(root, 'tickers', MIDNIGHT + 6000, MIDNIGHT + 6000, tickerFile(tickerRows(MIDNIGHT + 6000, 3), (t, i) => (i === 2 ? Number.NaN : t.bid)), 2);

    const problems: string[] = [];
    const got = await daysOf(root, 0, 4e12, (m) => problems.push(m));
    assert.deepEqual(got.book, good);
    assert.deepEqual(got.tickers, tickers);
    assert.equal(problems.length, 5, problems.join('\n'));
    const about = (n: string) => problems.find((p) => p.includes(n)) ?? '';
    assert.match(about('-1-2.parquet'), /skipped the recorded file .*book.*-1-2\.parquet: .*row 7: column kind: expected one of snapshot, delta, got trade/);
    assert.match(about('-1-3.parquet'), /skipped the recorded file .*-1-3\.parquet: .*seq/);
    assert.match(about('-1-4.parquet'), /skipped the recorded file .*-1-4\.parquet: /);
    assert.match(about('-1-5.parquet'), /skipped the recorded file .*-1-5\.parquet: /);
    assert.match(about('tickers'), /tickers.*-1-2\.parquet: .*row 2: column bid: expected a finite number, got NaN/);
  });
});
