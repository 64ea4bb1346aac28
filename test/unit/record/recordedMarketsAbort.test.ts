// Open Replay lists the recorded markets while its box is open: dismissing the box ends the read (its signal), in the
// embedded store between directories, on a ClickHouse server by ending the request.
import * as assert from 'node:assert/strict';
import * as fsModule from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClickHouseSource } from '../../../src/core/record/clickHouseSource';
import { encodeBatch } from '../../../src/core/record/parquetStore';
import { parquetSource } from '../../../src/core/record/recordSource';
import { partFileName, partitionDir } from '../../../src/core/record/storeLayout';

const fs = fsModule.promises;
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 12);

describe('Reading the recorded markets, aborted', () => {
  let root: string;
  beforeEach(async () => (root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-markets-abort-'))));
  afterEach(async () => fs.rm(root, { recursive: true, force: true }));

  it('the embedded store rejects with an AbortError, before the read or once aborted, and lists no day after it', async () => {
    for (const market of [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'bybit', symbol: 'ETH/USDT:USDT' }]) {
      for (let d = 0; d < 3; d++) {
        const ts = T0 + d * DAY_MS;
        const dir = partitionDir(root, 'trades', market, ts);
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, partFileName(ts, ts)), encodeBatch({ kind: 'trades', market, rows: [{ ts, id: String(d), price: 100, amount: 1, side: 'buy', received: ts }] }));
      }
    }
    assert.equal((await parquetSource(root).markets()).length, 2, 'unaborted: both markets');

    const before = new AbortController();
    before.abort();
    await assert.rejects(parquetSource(root).markets(before.signal), { name: 'AbortError' });

    const listed: string[] = [];
    const readdir = fs.readdir;
    const during = new AbortController();
    fs.readdir = ((dir: fsModule.PathLike, ...rest: unknown[]) => {
      listed.push(String(dir));
      during.abort(); // the box goes while the store's first folder is listed
      return (readdir as (...args: unknown[]) => Promise<unknown>)(dir, ...rest);
    }) as typeof fs.readdir;
    try {
      await assert.rejects(parquetSource(root).markets(during.signal), { name: 'AbortError' });
    } finally {
      fs.readdir = readdir;
    }
    assert.ok(listed.length > 0, 'the read began');
    assert.deepEqual(listed.filter((dir) => path.basename(dir).startsWith('date=')), [], 'no day folder was listed after the abort');
  });

  it('ClickHouse ends its request and rejects with an AbortError; the next query is not sent', async () => {
    const queries: string[] = [];
    const server = http.createServer((req) => {
      let sql = '';
      req.on('data', (chunk: Buffer) => (sql += chunk.toString('utf8')));
      req.on('end', () => queries.push(sql)); // never answered: a slow server
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const source = new ClickHouseSource({ url: `http://127.0.0.1:${port}`, database: 'tradesuite' });
      const reading = new AbortController();
      const read = source.markets(reading.signal);
      while (queries.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      reading.abort();
      await assert.rejects(read, { name: 'AbortError' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(queries.length, 1, 'the bytes on disk were not asked for');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
