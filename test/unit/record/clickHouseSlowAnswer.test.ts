/** ClickHouse's timeout is for a server that stops answering, not for a long answer that keeps coming (a day of a busy market). */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClickHouseHttp } from '../../../src/core/record/clickHouseHttp';
import { trackTimers } from '../../helpers/timerTracker';

const TIMEOUT_MS = 300;

/** A server that answers at once and then sends `chunks` chunks `everyMs` apart (or stops sending after them, `stall`). */
async function pacedServer(chunks: number, everyMs: number, stall = false): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const next = (): void => {
        if (res.destroyed) return;
        res.write(Buffer.alloc(1000, sent));
        if (++sent < chunks) setTimeout(next, everyMs);
        else if (!stall) res.end();
      };
      next();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('ClickHouse HTTP: the timeout of a streamed answer', () => {
  it('an answer that keeps coming is read whole, however long it takes in all', async () => {
    const server = await pacedServer(12, 100); // about 1.1 s in all, never 300 ms without a byte
    try {
      const ch = new ClickHouseHttp({ url: server.url, database: 'tradesuite', timeoutMs: TIMEOUT_MS });
      let bytes = 0;
      for await (const chunk of ch.chunks('SELECT 1')) bytes += chunk.length;
      assert.equal(bytes, 12_000);
    } finally {
      await server.close();
    }
  });

  it('an answer that stops coming fails as timed out, and leaves no timer behind', async () => {
    const timers = trackTimers();
    const server = await pacedServer(2, 50, true);
    try {
      const ch = new ClickHouseHttp({ url: server.url, database: 'tradesuite', timeoutMs: TIMEOUT_MS });
      let bytes = 0;
      await assert.rejects(
        (async () => {
          for await (const chunk of ch.chunks('SELECT 1')) bytes += chunk.length;
        })(),
        /cut off: timed out/,
      );
      assert.equal(bytes, 2000);
      assert.equal(timers.pending(), 0);
    } finally {
      timers.restore();
      await server.close();
    }
  });
});
