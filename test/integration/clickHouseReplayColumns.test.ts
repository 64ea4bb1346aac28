import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseError } from '../../src/core/record/clickHouseHttp';
import { ClickHouseSink } from '../../src/core/record/clickHouseSink';
import { ClickHouseSource } from '../../src/core/record/clickHouseSource';
import { ClickHouseHttp } from '../../src/core/record/clickHouseHttp';
import { ClickHouseAnswerError } from '../../src/core/record/nativeBlocks';
import type { RecordedDay } from '../../src/core/record/recordReader';
import type { BookRow, TradeRow } from '../../src/core/record/recordTypes';
import { clickHouseForSuite } from '../helpers/clickHouseServer';

const market = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const MIDNIGHT = Date.UTC(2026, 10, 29);

/** Trades as a busy market prints them: several per ms at times, numeric ids, exact floats. */
const trades = (from: number, n: number, firstId: number): TradeRow[] =>
  Array.from({ length: n }, (_, i) => ({ ts: from + Math.floor(i / 3), id: String(firstId + i), price: 50_000 + Math.random() * 100, amount: Math.random() * 0.7 + 1e-9, side: i % 3 === 0 ? 'sell' : 'buy', received: from + i }));

/** Book updates as the recorder writes them: a snapshot of `levels` levels a side, then single-level deltas, several updates per ms. */
function bookRows(from: number, updates: number, levels: number, firstSeq: number): BookRow[] {
  const out: BookRow[] = [];
  for (let u = 0; u < updates; u++) {
    const ts = from + Math.floor(u / 2);
    const seq = firstSeq + u;
    if (u % 500 === 0) {
      for (let l = 0; l < levels; l++) {
        out.push({ ts, seq, kind: 'snapshot', side: 'bid', price: 50_000 - l * 0.1, amount: Math.random() * 3 });
        out.push({ ts, seq, kind: 'snapshot', side: 'ask', price: 50_000.1 + l * 0.1, amount: Math.random() * 3 });
      }
    } else out.push({ ts, seq, kind: 'delta', side: u % 2 ? 'ask' : 'bid', price: 50_000 + (u % 2 ? 1 : -1) * (u % 40) * 0.1, amount: u % 7 === 0 ? 0 : Math.random() });
  }
  return out;
}

/** What replay sees of a trade. */
const asReplayed = (r: TradeRow) => ({ id: r.id, timestamp: r.ts, price: r.price, amount: r.amount, side: r.side });

async function readDays(source: ClickHouseSource, onProblem?: (m: string) => void): Promise<RecordedDay[]> {
  const out: RecordedDay[] = [];
  for await (const day of source.readDays({ market, from: 0, until: 4e12, ...(onProblem ? { onProblem } : {}) })) out.push(day);
  return out;
}

/** Forwards to the real server; the answer to the Native query of `table` is passed through `alter` (cut, corrupted). */
async function proxy(target: string, alter: (body: Buffer) => { readonly body: Buffer; readonly cut?: boolean | undefined }, table = 'trades'): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const sql = Buffer.concat(parts);
      void (async () => {
        const answer = await fetch(new URL(req.url ?? '/', target), { method: 'POST', headers: req.headers.authorization ? { authorization: req.headers.authorization } : {}, body: sql });
        let body: Buffer = Buffer.from(await answer.arrayBuffer());
        let cut = false;
        if (new RegExp(`FROM ${table} .*FORMAT Native`).test(sql.toString())) ({ body, cut = false } = alter(body));
        res.writeHead(answer.status, { 'content-type': 'application/octet-stream' });
        if (!cut) return res.end(body);
        res.write(body, () => res.socket?.destroy()); // the connection drops: no end of the chunked answer
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('ClickHouse replay reads trades and book levels as Native columns (against a real clickhouse-server)', function () {
  this.timeout(120_000);
  const clickHouse = clickHouseForSuite('cols');
  const conn = clickHouse.connection;

  it('replayed trades equal the recorded ones exactly, over many blocks, across midnight, with a retried batch kept once', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const before = trades(MIDNIGHT - 20_000, 60_000, 1_000_000_000_000); // 20 s before midnight …
    const after = trades(MIDNIGHT, 150_000, 2_000_000_000_000); // … and 50 s after it: more than two blocks of 65,536
    for (let i = 0; i < before.length; i += 20_000) await sink.write({ kind: 'trades', market, rows: before.slice(i, i + 20_000) });
    for (let i = 0; i < after.length; i += 30_000) await sink.write({ kind: 'trades', market, rows: after.slice(i, i + 30_000) });
    await sink.write({ kind: 'trades', market, rows: after.slice(40_000, 40_010) }); // a batch sent again after a lost answer
    await sink.close();
    const problems: string[] = [];
    const days = await readDays(new ClickHouseSource(c), (m) => problems.push(m));
    assert.deepEqual(problems, []);
    assert.equal(days.length, 2, 'a day at a time');
    assert.deepEqual([...days[0]!.trades], before.map(asReplayed), 'the first day, bit for bit');
    assert.deepEqual([...days[1]!.trades], after.map(asReplayed), 'the second day, the copy left out');
  });

  it('ids that are not plain decimals are kept as text, exactly, with the numeric ones before them', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const odd = ['007', 'a\tb\'c', '12345678901234567890', 'é', '9'];
    const burst = trades(MIDNIGHT + 100, 40, 500).map((r, i) => ({ ...r, ts: MIDNIGHT + 100, id: `b${i}` })); // 40 prints in one ms
    const rows = [...trades(MIDNIGHT, 20, 1).map((r, i) => (i >= 10 && i < 15 ? { ...r, id: odd[i - 10]! } : r)), ...burst];
    await sink.write({ kind: 'trades', market, rows });
    await sink.write({ kind: 'trades', market, rows: rows.slice(10, 12) }); // copies of text ids are found too
    await sink.write({ kind: 'trades', market, rows: burst.slice(5, 35) }); // and in a millisecond of many prints
    await sink.close();
    const [day] = await readDays(new ClickHouseSource(c));
    assert.deepEqual([...day!.trades], rows.map(asReplayed));
  });

  it('a row the recorder could not have written is skipped and named with its column and row; the rest is replayed', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const rows = trades(MIDNIGHT, 10, 1);
    await sink.write({ kind: 'trades', market, rows });
    await sink.close();
    await new ClickHouseHttp(c).exec(`INSERT INTO trades VALUES ('binance', 'BTC/USDT', ${MIDNIGHT + 5}, 1, 'x1', nan, 1, 'buy', 0), ('binance', 'BTC/USDT', ${MIDNIGHT + 6}, 2, '', 1, 1, 'buy', 0), ('binance', 'BTC/USDT', ${MIDNIGHT + 7}, 3, 'x3', 1, inf, 'sell', 0)`);
    const problems: string[] = [];
    const [day] = await readDays(new ClickHouseSource(c), (m) => problems.push(m));
    assert.deepEqual([...day!.trades], rows.map(asReplayed));
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /trades of binance BTC\/USDT on 2026-11-29: skipped row \d+: column price: expected a finite number, got NaN/);
    assert.match(problems[1]!, /skipped row \d+: column id: expected a non-empty string/);
    assert.match(problems[2]!, /skipped row \d+: column amount: expected a finite number, got Infinity/);
  });

  it('book levels read as columns equal the recorded ones exactly, over many blocks, across midnight, with a retried batch kept once; a bad level is skipped and named', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    const before = bookRows(MIDNIGHT - 10_000, 20_000, 200, 1);
    const after = bookRows(MIDNIGHT, 60_000, 200, 20_001); // more than one block of 65,536 levels
    for (let i = 0; i < before.length; i += 7_000) await sink.write({ kind: 'book', market, rows: before.slice(i, i + 7_000) });
    for (let i = 0; i < after.length; i += 25_000) await sink.write({ kind: 'book', market, rows: after.slice(i, i + 25_000) });
    await sink.write({ kind: 'book', market, rows: after.slice(0, 600) }); // a batch sent again: a whole snapshot and deltas
    await sink.write({ kind: 'book', market, rows: after.slice(30_000, 30_050) });
    await sink.close();
    await new ClickHouseHttp(c).exec(
      `INSERT INTO book VALUES ('binance', 'BTC/USDT', ${MIDNIGHT + 5}, 999999, 1, 'delta', 'bid', nan, 1), ('binance', 'BTC/USDT', ${MIDNIGHT + 6}, 1000000, 2, 'delta', 'ask', 1, -inf)`,
    );
    const problems: string[] = [];
    const days = await readDays(new ClickHouseSource(c), (m) => problems.push(m));
    assert.equal(days.length, 2, 'a day at a time');
    assert.deepEqual(days[0]!.book.rows(), before, 'the first day, bit for bit');
    assert.deepEqual(days[1]!.book.rows(), after, 'the second day, the copies left out');
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0]!, /the book of binance BTC\/USDT on 2026-11-29: skipped row \d+: column price: expected a finite number, got NaN/);
    assert.match(problems[1]!, /the book of binance BTC\/USDT on 2026-11-29: skipped row \d+: column amount: expected a finite number, got -Infinity/);
  });

  it('a book answer cut inside a block, or with a column of another type, is a named error', async () => {
    const c = conn();
    const sink = new ClickHouseSink(c);
    await sink.write({ kind: 'book', market, rows: bookRows(MIDNIGHT, 80_000, 100, 1) });
    await sink.close();
    const through = async (alter: Parameters<typeof proxy>[1]): Promise<unknown> => {
      const p = await proxy(clickHouse.url(), alter, 'book');
      try {
        await readDays(new ClickHouseSource({ ...c, url: p.url }));
        return undefined;
      } catch (err) {
        return err;
      } finally {
        await p.close();
      }
    };
    const cut = await through((body) => ({ body: body.subarray(0, Math.floor(body.length * 0.7)) }));
    assert.ok(cut instanceof ClickHouseAnswerError, String(cut));
    assert.match(cut.message, /the book of binance BTC\/USDT on 2026-11-29, block [1-9]\d* \(from row [1-9]\d*\), column \w+: the answer ended inside/);
    const retyped = await through((body) => {
      const enumType = Buffer.from("\u0004side\u001bEnum8('bid' = 1, 'ask' = 2)");
      const side = body.indexOf(enumType);
      return { body: Buffer.concat([body.subarray(0, side), Buffer.from("\u0004side\u001bEnum8('bid' = 1, 'ask' = 3)"), body.subarray(side + enumType.length)]) };
    });
    assert.ok(retyped instanceof ClickHouseAnswerError, String(retyped));
    assert.match(retyped.message, /the book of .*block 0 \(from row 0\), column side: expected side Enum8\('bid' = 1, 'ask' = 2\), got "side" "Enum8\('bid' = 1, 'ask' = 3\)"/);
  });

  describe('an answer that is not what was asked for is a named error, never data', () => {
    let recorded: ReturnType<typeof conn>;
    before(async () => {
      recorded = conn();
      const sink = new ClickHouseSink(recorded);
      await sink.write({ kind: 'trades', market, rows: trades(MIDNIGHT, 100_000, 1) });
      await sink.close();
    });

    async function readThrough(alter: Parameters<typeof proxy>[1]): Promise<unknown> {
      const p = await proxy(clickHouse.url(), alter);
      try {
        await readDays(new ClickHouseSource({ ...recorded, url: p.url }));
        return undefined;
      } catch (err) {
        return err;
      } finally {
        await p.close();
      }
    }

    it('an answer that ends inside a block (complete as HTTP) names the block and column', async () => {
      const err = await readThrough((body) => ({ body: body.subarray(0, Math.floor(body.length * 0.8)) }));
      assert.ok(err instanceof ClickHouseAnswerError, String(err));
      assert.match(err.message, /the trades of binance BTC\/USDT on 2026-11-29, block [1-9]\d* \(from row [1-9]\d*\), column \w+: the answer ended inside/);
    });

    it('a connection dropped inside the answer names the server and the query', async () => {
      const err = await readThrough((body) => ({ body: body.subarray(0, 300_000), cut: true }));
      assert.ok(err instanceof ClickHouseError, String(err));
      assert.match(err.message, /ClickHouse at 127\.0\.0\.1:\d+: the answer to "SELECT ts, ins,…" was cut off: UND_ERR_SOCKET/);
    });

    it('a column of another type names the column, and the server failing after its first block names the server\'s error', async () => {
      const retyped = await readThrough((body) => {
        const at = body.indexOf('\u0005price\u0007Float64');
        return { body: Buffer.concat([body.subarray(0, at), Buffer.from('\u0005price\u0007Float32'), body.subarray(at + 15)]) };
      });
      assert.ok(retyped instanceof ClickHouseAnswerError, String(retyped));
      assert.match(retyped.message, /block 0 \(from row 0\), column price: expected price Float64, got "price" "Float32"/);
      const failed = await readThrough((body) => {
        const tsColumn = Buffer.from('\u0002ts\u0005Int64');
        let second = body.indexOf(tsColumn, body.indexOf(tsColumn) + 1);
        while (body[second] !== 6) second--; // back over block 1's row count to its column count (6)
        return { body: Buffer.concat([body.subarray(0, second), Buffer.from('Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded\n')]) };
      });
      assert.ok(failed instanceof ClickHouseAnswerError, String(failed));
      assert.match(failed.message, /the server failed after answering [1-9]\d* rows: Code: 241, .*Memory limit/);
    });
  });
});
