import * as assert from 'node:assert/strict';
import { ClickHouseError, ClickHouseHttp } from '../../src/core/record/clickHouseHttp';
import { ClickHouseSink } from '../../src/core/record/clickHouseSink';
import { ClickHouseSource } from '../../src/core/record/clickHouseSource';
import { readEvents } from '../../src/core/record/recordSource';
import type { BookRow, RecordedEvent, TickerRow, TradeRow } from '../../src/core/record/recordTypes';
import { createTableSql, encodeRows, holesKeyHasKind, insertSql } from '../../src/core/record/clickHouseTables';
import { RECORD_KINDS } from '../../src/core/record/recordTypes';
import { ReplaySession } from '../../src/core/replay/replaySession';
import { clickHouseForSuite, freePort } from '../helpers/clickHouseServer';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const MIDNIGHT = Date.UTC(2026, 10, 29);

const trades = (from: number, n: number, stepMs: number, firstId = 1): TradeRow[] =>
  Array.from({ length: n }, (_, i) => ({ ts: from + Math.floor(i * stepMs), id: String(firstId + i), price: 100 + Math.random() / 3, amount: Math.random() * 0.7, side: i % 3 === 0 ? 'sell' : 'buy', received: from + Math.floor(i * stepMs) + 3 }));

describe('ClickHouse record store against a real clickhouse-server', function () {
  this.timeout(90_000);
  const clickHouse = clickHouseForSuite('rec');
  const conn = clickHouse.connection;

  async function readAll(source: ClickHouseSource, from = 0, until = 4e12, onProblem?: (m: string) => void): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of readEvents(source, { market, from, until, ...(onProblem ? { onProblem } : {}) })) out.push(e);
    return out;
  }

  it('creates its tables, and reads back every kind exactly (floats bit for bit) in time order across midnight, a day at a time', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const t = trades(MIDNIGHT - 5000, 200, 50); // across midnight, several trades per ms at times
    const odd: TradeRow = { ts: MIDNIGHT + 1, id: "a\tb'c\\d\né", price: 0.1 + 0.2, amount: 2.5e-7, side: 'sell', received: MIDNIGHT + 2 };
    const book: BookRow[] = [
      { ts: MIDNIGHT - 4000, seq: 1, kind: 'snapshot', side: 'bid', price: 99.9, amount: 2 },
      { ts: MIDNIGHT - 4000, seq: 1, kind: 'snapshot', side: 'ask', price: 100.1, amount: 3 },
      { ts: MIDNIGHT + 1000, seq: 2, kind: 'delta', side: 'bid', price: 99.9, amount: 0 },
    ];
    const tickers: TickerRow[] = [{ ts: MIDNIGHT + 1000, last: 100, bid: null, ask: 100.1, change24hPercent: -1.5 }];
    await sink.write({ kind: 'trades', market, rows: t.slice(0, 120) });
    await sink.write({ kind: 'trades', market, rows: [odd] });
    await sink.write({ kind: 'trades', market, rows: t.slice(120) });
    await sink.write({ kind: 'book', market, rows: book });
    await sink.write({ kind: 'tickers', market, rows: tickers });
    await sink.write({ kind: 'trades', market: { exchange: 'bybit', symbol: 'BTC/USDT' }, rows: trades(MIDNIGHT, 5, 1, 9000) });
    await sink.close();

    const source = new ClickHouseSource(c);
    const problems: string[] = [];
    const got = await readAll(source, 0, 4e12, (m) => problems.push(m));
    assert.deepEqual(problems, []);
    const storedTrades = got.filter((e) => e.kind === 'trades').map((e) => e.row);
    const expected = [...t.slice(0, 120), ...t.slice(120)];
    expected.splice(expected.findIndex((r) => r.ts > odd.ts), 0, odd);
    assert.deepEqual(storedTrades, expected, 'every trade, exact, in recorded order (within a ms too)');
    assert.deepEqual(got.filter((e) => e.kind === 'book').map((e) => e.row), book);
    assert.deepEqual(got.filter((e) => e.kind === 'tickers').map((e) => e.row), tickers);
    for (let i = 1; i < got.length; i++) assert.ok(got[i]!.row.ts >= got[i - 1]!.row.ts, 'time order');
    const atMidnight = got.findIndex((e) => e.row.ts === MIDNIGHT + 1000);
    assert.equal(got[atMidnight]!.kind, 'book', 'at one ms the book comes first');

    const days: number[] = [];
    for await (const day of source.readDays({ market, from: 0, until: 4e12 })) days.push(day.trades.length + day.book.length + day.tickers.length);
    assert.equal(days.length, 2, 'one day at a time');
    const inRange = await readAll(source, MIDNIGHT - 1000, MIDNIGHT + 1000);
    assert.ok(inRange.every((e) => e.row.ts >= MIDNIGHT - 1000 && e.row.ts < MIDNIGHT + 1000) && inRange.length > 0, 'only the range asked');

    const markets = await source.markets();
    assert.deepEqual(markets.map((m) => [m.market.exchange, m.market.symbol, m.first, m.last]), [
      ['binance', 'BTC/USDT', t[0]!.ts, t.at(-1)!.ts],
      ['bybit', 'BTC/USDT', MIDNIGHT, MIDNIGHT + 4],
    ]);
    assert.ok(markets.every((m) => m.bytes > 0), 'sizes estimated from the parts');
    assert.equal(await source.firstTrade(market), t[0]!.ts, 'where a replay finds the recording begins');
    assert.equal(await source.firstTrade({ exchange: 'binance', symbol: 'ETH/USDT' }), undefined, 'never recorded');
  });

  it('a batch stored twice (a retry after a lost answer) reads back once; two trades of one ms with different ids stay two', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const rows = trades(MIDNIGHT, 50, 0.25); // four trades per ms
    await sink.write({ kind: 'trades', market, rows });
    await sink.write({ kind: 'trades', market, rows: rows.slice(10, 30) });
    const book: BookRow[] = [{ ts: MIDNIGHT, seq: 7, kind: 'snapshot', side: 'bid', price: 1, amount: 1 }];
    await sink.write({ kind: 'book', market, rows: book });
    await sink.write({ kind: 'book', market, rows: book });
    await sink.close();
    const got = await readAll(new ClickHouseSource(c));
    assert.deepEqual(got.filter((e) => e.kind === 'trades').map((e) => e.row), rows);
    assert.deepEqual(got.filter((e) => e.kind === 'book').map((e) => e.row), book);
  });

  it('rows the recorder could not have written are skipped and named; the rest is read', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const rows = trades(MIDNIGHT, 10, 10);
    await sink.write({ kind: 'trades', market, rows });
    await sink.close();
    const http = new ClickHouseHttp(c);
    await http.exec(`INSERT INTO trades VALUES ('binance', 'BTC/USDT', ${MIDNIGHT + 5}, 1, 'x1', nan, 1, 'buy', 0), ('binance', 'BTC/USDT', ${MIDNIGHT + 6}, 2, '', 1, 1, 'buy', 0), ('binance', 'BTC/USDT', ${MIDNIGHT + 7}, 3, 'x3', 1, 1, 'buy', -5)`);
    const problems: string[] = [];
    const got = await readAll(new ClickHouseSource(c), 0, 4e12, (m) => problems.push(m));
    assert.deepEqual(got.map((e) => e.row), rows);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /column received.*-5/);
    assert.match(problems.join('\n'), /column price.*NaN/);
    assert.match(problems.join('\n'), /column id/);
  });

  it('a refused or unreachable server rejects the write naming the server, and the write goes through once it is fixed', async () => {
    const c = conn();
    const wrong = new ClickHouseSink({ ...c, password: 'wrong' });
    await assert.rejects(wrong.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 1, 1) }), (err: unknown) => err instanceof ClickHouseError && err.status !== undefined && /127\.0\.0\.1:\d+ refused/.test(err.message));
    const nowhere = new ClickHouseSink({ ...c, url: `http://127.0.0.1:${await freePort()}` });
    await assert.rejects(nowhere.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 1, 1) }), (err: unknown) => err instanceof ClickHouseError && err.status === undefined && /did not answer: ECONNREFUSED/.test(err.message));
    assert.throws(() => new ClickHouseSink({ ...c, database: 'x; DROP TABLE trades' }), /letters, digits and _/);
    const sink = new ClickHouseSink(c);
    await sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 3, 1) });
    await sink.close();
    await assert.rejects(sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 1, 1) }), /closed/);
    assert.equal((await readAll(new ClickHouseSource(c))).length, 3);
  });

  it('keeps the tick size with the recording and a replay takes it from there; a recording made before it was kept infers it from the prices', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const rows = trades(MIDNIGHT + 60_000, 30, 100).map((r) => ({ ...r, price: 100 + Math.round(r.price * 100) / 100 }));
    await sink.write({ kind: 'trades', market, rows: rows.slice(0, 10), tickSize: 0.5 });
    await sink.write({ kind: 'trades', market, rows: rows.slice(10, 20), tickSize: 0.5 }); // the same tick: not stored again
    await sink.write({ kind: 'trades', market, rows: rows.slice(20), tickSize: 0.25 }); // the exchange changed it
    await sink.close();
    const source = new ClickHouseSource(c);
    assert.equal(await source.tickSize(market, rows[15]!.ts), 0.5, 'in force at the time');
    assert.equal(await source.tickSize(market, rows[25]!.ts), 0.25, 'after the change');
    assert.equal(await source.tickSize(market, MIDNIGHT), 0.5, 'before the first row of the day: the day\'s first');
    assert.equal(await source.tickSize(market, MIDNIGHT - 3_600_000), undefined, 'the day before holds none');
    assert.equal(await source.tickSize({ exchange: 'bybit', symbol: 'BTC/USDT' }, rows[15]!.ts), undefined, 'another market');
    let count = '';
    for await (const chunk of new ClickHouseHttp(c).chunks('SELECT count() FROM market_ticks FORMAT TabSeparated')) count += chunk.toString();
    assert.equal(count.trim(), '2', 'a row per change, not per batch');
    const replay = await ReplaySession.open({ source, target: { market, start: rows[0]!.ts } });
    assert.equal(replay.tickSize, 0.5, 'the stored tick, not the prices\' 0.01');
    replay.dispose();

    // A recording made before the tick size was kept: the record tables alone, as the recorder created them then.
    const old = conn();
    const http = new ClickHouseHttp(old);
    await new ClickHouseHttp({ ...old, database: 'default' }).exec(`CREATE DATABASE ${old.database}`);
    for (const kind of RECORD_KINDS) await http.exec(createTableSql(kind));
    let ins = 0;
    await http.exec(insertSql('trades'), encodeRows({ kind: 'trades', market, rows }, () => ++ins));
    const oldSource = new ClickHouseSource(old);
    assert.equal(await oldSource.tickSize(market, rows[15]!.ts), undefined);
    const oldReplay = await ReplaySession.open({ source: oldSource, target: { market, start: rows[0]!.ts } });
    assert.equal(oldReplay.tickSize, 0.01, 'inferred from prices quoted to the cent');
    oldReplay.dispose();
  });

  it('keeps each hole\'s kind; a holes table made before holes had one gets the column, its rows read as trade holes, and takes new holes of every kind', async () => {
    // A recording made before holes had a kind: the holes table as the recorder created it then, with a hole.
    const c = conn();
    const http = new ClickHouseHttp(c);
    await new ClickHouseHttp({ ...c, database: 'default' }).exec(`CREATE DATABASE ${c.database}`);
    await http.exec('CREATE TABLE recording_holes (exchange String, symbol String, from_ts Int64, until_ts Int64, reason String) ENGINE = ReplacingMergeTree() ORDER BY (exchange, symbol, from_ts, until_ts, reason)');
    await http.exec(`INSERT INTO recording_holes VALUES ('binance', 'BTC/USDT', ${MIDNIGHT + 1000}, ${MIDNIGHT + 2000}, 'an old hole')`);
    const source = new ClickHouseSource(c);
    const old = { kind: 'trades', from: MIDNIGHT + 1000, until: MIDNIGHT + 2000, reason: 'an old hole' } as const;
    assert.deepEqual(await source.holes(market, MIDNIGHT, MIDNIGHT + 60_000), [old], 'read as a trade hole before any recorder of this version wrote');
    const sink = new ClickHouseSink(c);
    const book = { kind: 'book', from: MIDNIGHT + 3000, until: MIDNIGHT + 4000, reason: 'order book rows dropped' } as const;
    const ticker = { kind: 'tickers', from: MIDNIGHT + 3000, until: MIDNIGHT + 4000, reason: 'ticker rows dropped' } as const;
    const trade = { kind: 'trades', from: MIDNIGHT + 5000, until: MIDNIGHT + 6000, reason: 'a new hole' } as const;
    await sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT + 7000, 3, 10), holes: [book, ticker, trade] });
    await sink.close();
    assert.deepEqual(await source.holes(market, MIDNIGHT, MIDNIGHT + 60_000), [old, book, ticker, trade], 'a hole of each kind');
    let key = '';
    for await (const chunk of http.chunks("SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'recording_holes' FORMAT TabSeparated")) key += chunk.toString();
    assert.ok(holesKeyHasKind(key), `the kind is in the key: ${key}`);
  });

  it('a holes table given the kind column without it in its key (0.1.0 before s48) is made again keyed by kind: a trade hole and a book hole of one span and reason are both kept through merges', async () => {
    const c = conn();
    const http = new ClickHouseHttp(c);
    const answer = async (sql: string) => {
      let a = '';
      for await (const chunk of http.chunks(sql)) a += chunk.toString();
      return a.trim();
    };
    await new ClickHouseHttp({ ...c, database: 'default' }).exec(`CREATE DATABASE ${c.database}`);
    // As the recorder of 0.1.0 left a table made before holes had a kind: the column added, the key as it was.
    await http.exec('CREATE TABLE recording_holes (exchange String, symbol String, from_ts Int64, until_ts Int64, reason String) ENGINE = ReplacingMergeTree() ORDER BY (exchange, symbol, from_ts, until_ts, reason)');
    await http.exec("ALTER TABLE recording_holes ADD COLUMN kind Enum8('trades' = 1, 'book' = 2, 'tickers' = 3) DEFAULT 'trades'");
    const span = { from: MIDNIGHT + 1000, until: MIDNIGHT + 2000, reason: 'rows not stored: the store failed' };
    await http.exec(`INSERT INTO recording_holes (exchange, symbol, from_ts, until_ts, reason, kind) VALUES ('binance', 'BTC/USDT', ${span.from}, ${span.until}, '${span.reason}', 'trades'), ('binance', 'BTC/USDT', ${span.from}, ${span.until}, '${span.reason}', 'book')`);
    const sink = new ClickHouseSink(c);
    const ticker = { kind: 'tickers', ...span } as const;
    const later = { kind: 'trades', from: MIDNIGHT + 5000, until: MIDNIGHT + 6000, reason: 'a new hole' } as const;
    await sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT + 7000, 3, 10), holes: [ticker, later] });
    await sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT + 8000, 3, 10, 10), holes: [later] }); // a retry's copy
    await sink.close();
    await http.exec('OPTIMIZE TABLE recording_holes FINAL'); // the merge a ReplacingMergeTree makes some time
    assert.equal(await answer('SELECT count() FROM recording_holes FORMAT TabSeparated'), '4', 'a row per hole: the retry\'s copy merged, no kind merged into another');
    const got = await new ClickHouseSource(c).holes(market, MIDNIGHT, MIDNIGHT + 60_000);
    assert.deepEqual(new Set(got.map((h) => `${h.kind} ${h.from - MIDNIGHT} ${h.until - MIDNIGHT} ${h.reason}`)), new Set([`trades 1000 2000 ${span.reason}`, `book 1000 2000 ${span.reason}`, `tickers 1000 2000 ${span.reason}`, 'trades 5000 6000 a new hole']));
    assert.ok(holesKeyHasKind(await answer("SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = 'recording_holes' FORMAT TabSeparated")));
    assert.equal(await answer('EXISTS TABLE recording_holes_unkeyed FORMAT TabSeparated'), '0', 'the table moved aside is dropped');
  });

  it('a move of the holes table cut short (its rows moved aside, no table made yet) is finished by the next writer', async () => {
    const c = conn();
    const http = new ClickHouseHttp(c);
    await new ClickHouseHttp({ ...c, database: 'default' }).exec(`CREATE DATABASE ${c.database}`);
    await http.exec("CREATE TABLE recording_holes_unkeyed (exchange String, symbol String, from_ts Int64, until_ts Int64, reason String, kind Enum8('trades' = 1, 'book' = 2, 'tickers' = 3) DEFAULT 'trades') ENGINE = ReplacingMergeTree() ORDER BY (exchange, symbol, from_ts, until_ts, reason)");
    await http.exec(`INSERT INTO recording_holes_unkeyed (exchange, symbol, from_ts, until_ts, reason, kind) VALUES ('binance', 'BTC/USDT', ${MIDNIGHT + 1000}, ${MIDNIGHT + 2000}, 'moved aside', 'book')`);
    const sink = new ClickHouseSink(c);
    await sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT + 7000, 3, 10) });
    await sink.close();
    assert.deepEqual(await new ClickHouseSource(c).holes(market, MIDNIGHT, MIDNIGHT + 60_000), [{ kind: 'book', from: MIDNIGHT + 1000, until: MIDNIGHT + 2000, reason: 'moved aside' }]);
    let left = '';
    for await (const chunk of http.chunks('EXISTS TABLE recording_holes_unkeyed FORMAT TabSeparated')) left += chunk.toString();
    assert.equal(left.trim(), '0');
  });

  it('market names are data, never SQL: a quote in a symbol is stored and read as written', async () => {
    const c = conn();
    const odd = { exchange: 'binance', symbol: "BTC'/USDT\\" };
    const sink = new ClickHouseSink(c);
    const rows = trades(MIDNIGHT, 3, 1);
    await sink.write({ kind: 'trades', market: odd, rows });
    await sink.close();
    const got: RecordedEvent[] = [];
    for await (const e of readEvents(new ClickHouseSource(c), { market: odd, from: 0, until: 4e12 })) got.push(e);
    assert.deepEqual(got.map((e) => e.row), rows);
    assert.deepEqual((await new ClickHouseSource(c).markets()).map((m) => m.market), [odd]);
    assert.equal(await new ClickHouseSource(c).firstTrade(odd), rows[0]!.ts);
  });
});
