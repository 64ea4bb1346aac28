/** A markets cache save killed mid-write leaves a temp file of megabytes: the next save sweeps a dead process's, never a live one's. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultMarketsCacheTiming, MarketsCache } from '../../src/core/exchange/marketsCache';
import { systemClock } from '../../src/core/util/clock';

const market = { id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', type: 'spot', active: true, precision: { price: 0.01, amount: 0.0001 }, limits: {} };

describe('markets cache: temp files left by interrupted saves', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-markets-left-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it("the first save of an exchange removes a dead process's leftovers of its file, and keeps a live process's, another file's, and its own", async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // exited by now
    const live = process.ppid; // the process that started this one
    const names = [`binance.json.${dead}.3.tmp`, `binance.json.${live}.1.tmp`, `bybit.json.${dead}.2.tmp`, `binance.json.${process.pid}.99.tmp`, 'notes.txt'];
    for (const n of names) await fs.writeFile(path.join(dir, n), 'x');
    const logged: string[] = [];
    const log = { debug() {}, info: (m: string) => logged.push(m), warn() {}, error() {} };
    const cache = new MarketsCache(dir, log, { ...defaultMarketsCacheTiming, clock: systemClock });
    await cache.save('binance', 'S', [market], undefined);
    const left = (await fs.readdir(dir)).sort();
    assert.deepEqual(left, ['binance.json', `binance.json.${live}.1.tmp`, `binance.json.${process.pid}.99.tmp`, `bybit.json.${dead}.2.tmp`, 'notes.txt'].sort());
    assert.deepEqual(logged, [`removed binance.json.${dead}.3.tmp, left by an interrupted save of the markets cache`]);
    assert.deepEqual((await cache.load('binance', 'S'))?.markets, [market], 'the save itself went through');
  });
});
