/** A replay's day read from ClickHouse asks for its kinds at once: when one fails, the others' downloads end with it. */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseSource } from '../../../src/core/record/clickHouseSource';

const DAY = Date.parse('2026-11-27T00:00:00Z');

/** Lists one recorded day; starts the trades' and tickers' answers and never ends them; then refuses the book's query. */
async function oneKindFails() {
  const held = new Map<string, Promise<void>>();
  let bothHeld: () => void = () => undefined;
  const othersBegun = new Promise<void>((resolve) => (bothHeld = resolve));
  const server = http.createServer((req, res) => {
    let sql = '';
    req.on('data', (c: Buffer) => (sql += c.toString()));
    req.on('end', () => {
      if (sql.includes('SELECT DISTINCT')) return void res.end(`${DAY / 86_400_000}\n`);
      if (sql.includes('FROM book')) {
        return void othersBegun.then(() => {
          res.writeHead(500);
          res.end('Code: 241. DB::Exception: Memory limit exceeded');
        });
      }
      const kind = sql.includes('FROM trades') ? 'trades' : 'tickers';
      held.set(kind, new Promise((resolve) => res.on('close', resolve)));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(3)); // begun, never ended
      if (held.size === 2) bothHeld();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    held,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('ClickHouse source: a day whose read of one kind fails', function () {
  this.timeout(10_000); // the held answers would only end with the connection's 60 s timeout
  it('rejects naming the refusal, and the downloads of the other kinds are ended, not left to run with nobody reading', async () => {
    const server = await oneKindFails();
    try {
      const source = new ClickHouseSource({ url: server.url, database: 'tradesuite', timeoutMs: 60_000 });
      const read = (async () => {
        for await (const day of source.readDays({ market: { exchange: 'binance', symbol: 'BTC/USDT' }, from: DAY, until: DAY + 3_600_000 })) void day;
      })();
      await assert.rejects(read, /refused "SELECT ts, seq,…" \(HTTP 500\): Code: 241\. DB::Exception: Memory limit exceeded/);
      assert.deepEqual([...server.held.keys()].sort(), ['tickers', 'trades']);
      await Promise.all(server.held.values()); // each held answer's connection closed by the reader
    } finally {
      await server.close();
    }
  });
});
