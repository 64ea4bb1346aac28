/** A ClickHouse server wiped while recording (its tables dropped): the tables are made again, and so is the tick size. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseSink } from '../../../src/core/record/clickHouseSink';
import { TICK_TABLE } from '../../../src/core/record/clickHouseTables';
import type { RecordBatch } from '../../../src/core/record/recordTypes';

/** Takes every statement; `wiped` makes the next INSERT INTO trades fail as a server without the table does. */
async function statementServer() {
  const statements: string[] = [];
  let wiped = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      const sql = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? body;
      statements.push(sql.split(/\s+/).slice(0, 3).join(' '));
      if (wiped && sql.startsWith('INSERT INTO trades')) {
        wiped = false;
        res.writeHead(404);
        return void res.end("Code: 60. DB::Exception: Table tradesuite.trades doesn't exist");
      }
      res.end('');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    statements,
    wipe: () => (wiped = true),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const DAY = Date.parse('2026-12-07T00:00:00Z');
const batch = (ts: number): RecordBatch => ({ kind: 'trades', market: { exchange: 'binance', symbol: 'BTC/USDT' }, tickSize: 0.01, rows: [{ ts, id: String(ts), price: 100, amount: 1, side: 'buy', received: ts }] });

describe('ClickHouseSink after the server was wiped', () => {
  it('stores the tick size again with the tables it makes again, not only once per day of the process', async () => {
    const server = await statementServer();
    const sink = new ClickHouseSink({ url: server.url, database: 'tradesuite' });
    try {
      await sink.write(batch(DAY + 1000));
      const tickInserts = () => server.statements.filter((s) => s === `INSERT INTO ${TICK_TABLE}`).length;
      assert.equal(tickInserts(), 1);
      await sink.write(batch(DAY + 2000));
      assert.equal(tickInserts(), 1, 'once per market and day while the server keeps it');
      server.wipe();
      await assert.rejects(sink.write(batch(DAY + 3000)), /doesn't exist/);
      await sink.write(batch(DAY + 3000));
      assert.equal(server.statements.filter((s) => s.startsWith('CREATE TABLE IF')).length > 5, true, 'the tables were made again');
      assert.equal(tickInserts(), 2, 'the tick size is stored in the table made again');
    } finally {
      await sink.close();
      await server.close();
    }
  });
});
